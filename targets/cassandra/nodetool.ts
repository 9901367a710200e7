/**
 * nodetool (org.apache.cassandra.tools.NodeTool from the local install's jars) over JMX on
 * 127.0.0.1:7199: flush memtables to disk and read `tablestats -F json`, the server's own
 * figures for table disk space and partition counts. Only for the local server capbench runs
 * (or any Cassandra whose JMX port answers on loopback).
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { ServiceContext } from '../../core/target.js';
import { isInstalled } from '../local/cache.js';
import { runCommand } from '../local/exec.js';
import { isLoopbackHost, isPortOpen } from '../local/net.js';
import { CASSANDRA_JMX_PORT, CASSANDRA_JPMS_OPTIONS, cassandraInstallDir, cassandraJava } from './local.js';

/** Result of one nodetool run. */
export interface NodetoolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * True when nodetool can be used against `host`: the local install exists (jars), the host is
 * loopback, and the JMX port answers.
 */
export async function nodetoolAvailable(ctx: Pick<ServiceContext, 'cacheDir'>, host: string, jmxPort = CASSANDRA_JMX_PORT): Promise<boolean> {
  if (!isLoopbackHost(host)) return false;
  if (!isInstalled(cassandraInstallDir(ctx))) return false;
  return isPortOpen('127.0.0.1', jmxPort, 1000);
}

/**
 * Run `nodetool -h 127.0.0.1 -p <jmxPort> <args...>` with the local install's class path and a
 * supported Java (a small client JVM: 128 MB heap, C1 only; about 2 s per call).
 * Never throws for a non-zero exit: inspect `code`.
 * @throws ProvisionError when no supported Java is found.
 */
export async function nodetool(ctx: Pick<ServiceContext, 'cacheDir' | 'stateDir'>, args: readonly string[], opts: { jmxPort?: number; timeoutMs?: number } = {}): Promise<NodetoolResult> {
  const java = await cassandraJava();
  const install = cassandraInstallDir(ctx);
  const toolsLogback = path.join(install, 'conf', 'logback-tools.xml');
  const home = path.join(ctx.stateDir, 'cassandra');
  const jvm = [
    '-Xmx128m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    ...CASSANDRA_JPMS_OPTIONS,
    // nodetool keeps a history file under user.home/.cassandra: keep it in capbench's state dir
    `-Duser.home=${existsSync(home) ? home : ctx.stateDir}`,
    ...(existsSync(toolsLogback) ? [`-Dlogback.configurationFile=${toolsLogback}`] : []),
    '-cp',
    `${path.join(install, 'lib')}/*`,
    'org.apache.cassandra.tools.NodeTool',
    '-h',
    '127.0.0.1',
    '-p',
    String(opts.jmxPort ?? CASSANDRA_JMX_PORT),
    ...args,
  ];
  const res = await runCommand(java.bin, jvm, { timeoutMs: opts.timeoutMs ?? 120_000 });
  return { code: res.code, stdout: res.stdout, stderr: res.stderr };
}

/** The per-table figures of `nodetool tablestats -F json` that capbench reads (bytes; counts). */
export interface TableStats {
  keyspace: string;
  table: string;
  /** Disk space of the live SSTables, bytes ("Space used (live)"). */
  spaceUsedLive: number;
  /** Disk space of all SSTables including obsolete ones not yet deleted, bytes. */
  spaceUsedTotal: number;
  /** Estimated number of partitions (from SSTable metadata and memtables). */
  partitions: number;
  sstables: number;
  /** Bytes of data in the memtable (not yet on disk). */
  memtableDataBytes: number;
  /** Compressed / uncompressed ratio of the SSTables (0..1), when known. */
  compressionRatio?: number;
}

const n = (v: unknown): number => {
  const x = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(x) ? x : 0;
};

/** Parse `nodetool tablestats -F json` output (pure; exported for tests). */
export function parseTablestats(json: string): TableStats[] {
  const doc = JSON.parse(json) as Record<string, unknown>;
  const out: TableStats[] = [];
  for (const [keyspace, ks] of Object.entries(doc)) {
    const tables = (ks as { tables?: Record<string, Record<string, unknown>> } | null)?.tables;
    if (!tables || typeof tables !== 'object') continue;
    for (const [table, t] of Object.entries(tables)) {
      const ratio = n(t.sstable_compression_ratio);
      out.push({
        keyspace,
        table,
        spaceUsedLive: n(t.space_used_live),
        spaceUsedTotal: n(t.space_used_total),
        partitions: n(t.number_of_partitions_estimate),
        sstables: n(t.sstable_count),
        memtableDataBytes: n(t.memtable_data_size),
        compressionRatio: ratio > 0 && ratio <= 1 ? ratio : undefined,
      });
    }
  }
  return out;
}
