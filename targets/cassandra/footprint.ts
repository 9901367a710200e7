/**
 * Cassandra footprint, from the server: per table, disk space and partition count.
 *
 * - Preferred (the local server, or any Cassandra with JMX on 127.0.0.1:7199): `nodetool flush`
 *   (so that memtable contents are on disk and counted), then `nodetool tablestats -F json`:
 *   "Space used (live)" in bytes and "Number of partitions (estimate)".
 * - Otherwise, over CQL only: system_views.disk_usage (whole mebibytes per table, so small
 *   tables read 0) and system.size_estimates (partition estimates per token range, refreshed
 *   by the server every few minutes). Notes on each item say which source it came from.
 */
import type { Connection, Footprint, FootprintItem, ServiceContext } from '../../core/target.js';
import { createServiceContext } from '../local/paths.js';
import { connectCassandra, mapCassandraError, type CassandraClient } from './client.js';
import { nodetool, nodetoolAvailable, parseTablestats } from './nodetool.js';

/** Keyspaces that belong to Cassandra itself, never counted. */
export const CASSANDRA_SYSTEM_KEYSPACES: readonly string[] = [
  'system',
  'system_auth',
  'system_schema',
  'system_distributed',
  'system_traces',
  'system_views',
  'system_virtual_schema',
  'system_cluster_metadata',
];

/** Options of cassandraFootprint(). */
export interface CassandraFootprintOptions {
  /** Keyspaces to measure (default: the URL's keyspace when it exists, else every non-system keyspace). */
  keyspaces?: string[];
  /** Flush memtables first when nodetool is available (default true), so that bytes are on-disk bytes. */
  flush?: boolean;
  /** Directories of the local install (default: capbench's state and cache dirs). */
  ctx?: Pick<ServiceContext, 'cacheDir' | 'stateDir'>;
  /** Connect timeout, ms (default 10 000). */
  timeoutMs?: number;
  /** Use only CQL (skip nodetool even when it is available). */
  cqlOnly?: boolean;
}

async function keyspacesToMeasure(client: CassandraClient, conn: Connection, wanted?: string[]): Promise<string[]> {
  if (wanted) return wanted;
  const rs = await client.execute('SELECT keyspace_name FROM system_schema.keyspaces');
  const all = rs.rows.map((r) => String(r.get('keyspace_name'))).filter((k) => !CASSANDRA_SYSTEM_KEYSPACES.includes(k));
  if (conn.database && all.includes(conn.database)) return [conn.database];
  return all.sort();
}

async function tablesOf(client: CassandraClient, keyspaces: string[]): Promise<Array<{ keyspace: string; table: string }>> {
  const out: Array<{ keyspace: string; table: string }> = [];
  for (const ks of keyspaces) {
    const rs = await client.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [ks], { prepare: true });
    for (const r of rs.rows) out.push({ keyspace: ks, table: String(r.get('table_name')) });
  }
  return out;
}

const toNum = (v: unknown): number => {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'toNumber' in v) return (v as { toNumber(): number }).toNumber();
  const x = Number(v);
  return Number.isFinite(x) ? x : 0;
};

async function viaCql(client: CassandraClient, tables: Array<{ keyspace: string; table: string }>, why: string): Promise<FootprintItem[]> {
  const items: FootprintItem[] = [];
  for (const { keyspace, table } of tables) {
    let mib: number | undefined;
    try {
      const rs = await client.execute('SELECT mebibytes FROM system_views.disk_usage WHERE keyspace_name = ? AND table_name = ?', [keyspace, table], { prepare: true });
      const row = rs.first();
      mib = row ? toNum(row.get('mebibytes')) : 0;
    } catch {
      mib = undefined; // no virtual table (Cassandra < 4.0)
    }
    let partitions = 0;
    let meanBytes = 0;
    try {
      const rs = await client.execute('SELECT partitions_count, mean_partition_size FROM system.size_estimates WHERE keyspace_name = ? AND table_name = ?', [keyspace, table], { prepare: true });
      let weighted = 0;
      for (const r of rs.rows) {
        const c = toNum(r.get('partitions_count'));
        partitions += c;
        weighted += c * toNum(r.get('mean_partition_size'));
      }
      meanBytes = partitions ? weighted / partitions : 0;
    } catch {
      // no size_estimates: counts unknown
    }
    items.push({
      name: `table ${keyspace}.${table}`,
      kind: 'table',
      bytes: mib !== undefined ? mib * 1024 * 1024 : Math.round(partitions * meanBytes),
      count: partitions,
      countUnit: 'partitions',
      note:
        (mib !== undefined ? 'system_views.disk_usage (whole MiB: tables under 1 MiB read 0)' : 'partitions x mean partition size from system.size_estimates') +
        `; partitions from system.size_estimates (refreshed every 60 s on capbench's server, 5 min by default; memtable data not included); ${why}`,
    });
  }
  return items;
}

/**
 * Read the footprint of capbench's keyspaces. totalBytes is the sum of the tables' live
 * SSTable bytes; items: one "table <keyspace>.<table>" per table with bytes and partitions.
 * @throws TargetUnreachableError naming cassandra and host:port.
 */
export async function cassandraFootprint(conn: Connection, opts: CassandraFootprintOptions = {}): Promise<Footprint> {
  const timeout = opts.timeoutMs ?? 10_000;
  const ctx = opts.ctx ?? createServiceContext();
  const client = await connectCassandra(conn, { timeoutMs: timeout, driver: { pooling: { coreConnectionsPerHost: { 0: 1, 1: 1, 2: 0 } } } });
  try {
    const takenAt = new Date().toISOString();
    const keyspaces = await keyspacesToMeasure(client, conn, opts.keyspaces);
    const tables = await tablesOf(client, keyspaces);
    let items: FootprintItem[] | undefined;
    let why = 'JMX (nodetool) not reachable on 127.0.0.1';
    if (!opts.cqlOnly && tables.length > 0 && (await nodetoolAvailable(ctx, conn.host))) {
      const flushed = opts.flush !== false ? await nodetool(ctx, ['flush', ...keyspaces]) : undefined;
      const res = await nodetool(ctx, ['tablestats', '-F', 'json', ...keyspaces]);
      if (res.code === 0) {
        const stats = parseTablestats(res.stdout);
        const flushNote = flushed ? (flushed.code === 0 ? 'memtables flushed first' : 'flush failed, memtable data not on disk') : 'not flushed';
        items = tables.map(({ keyspace, table }) => {
          const s = stats.find((x) => x.keyspace === keyspace && x.table === table);
          if (!s) return { name: `table ${keyspace}.${table}`, kind: 'table' as const, bytes: 0, count: 0, countUnit: 'partitions', note: 'not in nodetool tablestats' };
          return {
            name: `table ${keyspace}.${table}`,
            kind: 'table' as const,
            bytes: s.spaceUsedLive,
            count: s.partitions,
            countUnit: 'partitions',
            note:
              `nodetool tablestats (JMX): space used (live), ${s.sstables} SSTable(s), total incl. obsolete ${s.spaceUsedTotal} B, ` +
              `memtable ${s.memtableDataBytes} B${s.compressionRatio !== undefined ? `, compression ratio ${s.compressionRatio.toFixed(3)}` : ''}; ${flushNote}`,
          };
        });
      } else {
        why = `nodetool failed (exit ${res.code})`;
      }
    }
    items ??= await viaCql(client, tables, why);
    const totalBytes = items.reduce((a, i) => a + i.bytes, 0);
    return { store: 'cassandra', takenAt, totalBytes, items };
  } catch (err) {
    throw mapCassandraError(conn, err, timeout);
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}
