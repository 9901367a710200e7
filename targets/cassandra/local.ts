/**
 * Local Apache Cassandra 5.0 on 127.0.0.1:9042, single node, sized for a 2-core / 24 GiB
 * machine shared with four other stores, run by capbench on a Java it supports (17, else 11).
 *
 * Where it comes from: Maven Central, by coordinates, with mvn. The binary tarball
 * (org.apache.cassandra:apache-cassandra:<version>:tar.gz:bin) is not published there for any
 * 5.0.x release (Central's metadata for that artifact stops at 4.0-alpha2, and the 5.0.x pom and
 * tarball are absent), so capbench fetches the server jar org.apache.cassandra:cassandra-all
 * with its runtime dependencies (mvn dependency:copy-dependencies), which is the tarball's
 * lib/ directory, and writes the rest of the tarball's role itself: cassandra.yaml,
 * logback.xml, and the JVM options of conf/jvm17-server.options (launching
 * org.apache.cassandra.service.CassandraDaemon directly, as bin/cassandra would).
 *
 * Files: jars `<cacheDir>/cassandra/<version>/lib` (fetched once); config
 * `<stateDir>/cassandra/conf` (rewritten at every start); data, commit log, hints, saved caches
 * under `<stateDir>/cassandra/data`; log `<stateDir>/cassandra/cassandra.log`; pid
 * `<stateDir>/cassandra/cassandra.pid`; download log `<stateDir>/cassandra/install.log`.
 * Ports, all on 127.0.0.1: 9042 (CQL), 7000 (storage, unused by one node), 7199 (JMX, for nodetool).
 */
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LocalService, ServiceContext } from '../../core/target.js';
import { ProvisionError } from '../../core/errors.js';
import { installOnce, isInstalled } from '../local/cache.js';
import { requireJava, type JavaRequirement, type JavaRuntime } from '../local/java.js';
import { mavenCopyDependencies } from '../local/maven.js';
import {
  assertPortAvailable,
  ensureDir,
  localServerStart,
  localServerStatus,
  localServerStop,
  readPidFile,
  serviceLayout,
  spawnDetached,
  type LocalServerSpec,
} from '../local/index.js';
import { probeCassandra } from './probe.js';
import { CASSANDRA_DEFAULT_URL, parseCassandraUrl } from './url.js';

/** The pinned Apache Cassandra release (the newest 5.0.x on Maven Central when pinned). */
export const CASSANDRA_VERSION = '5.0.9';
/** Maven coordinates of the server jar whose runtime dependencies make up the server. */
export const CASSANDRA_MAVEN = { groupId: 'org.apache.cassandra', artifactId: 'cassandra-all', version: CASSANDRA_VERSION } as const;
/** Loopback address of the local Cassandra. */
export const CASSANDRA_LOCAL_HOST = '127.0.0.1';
/** CQL native transport port. */
export const CASSANDRA_LOCAL_PORT = 9042;
/** Inter-node storage port (bound on loopback; a single node sends nothing on it). */
export const CASSANDRA_STORAGE_PORT = 7000;
/** JMX port (loopback only, no authentication), used by nodetool for flush and tablestats. */
export const CASSANDRA_JMX_PORT = 7199;
/** Java releases Cassandra 5.0 supports, preferred first. */
export const CASSANDRA_JAVA: JavaRequirement = { store: 'cassandra', majors: [17, 11], debianPackage: 'openjdk-17-jre-headless' };
/** Heap size (-Xms = -Xmx); CAPBENCH_CASSANDRA_HEAP overrides it (e.g. "1g", "3g"). */
export const CASSANDRA_DEFAULT_HEAP = '2g';

/** Where the jars of a Cassandra release are installed: `<cacheDir>/cassandra/<version>`. */
export function cassandraInstallDir(ctx: Pick<ServiceContext, 'cacheDir'>, version = CASSANDRA_VERSION): string {
  return path.join(ctx.cacheDir, 'cassandra', version);
}

/** The JVM module options of Cassandra's conf/jvm17-server.options (also needed by nodetool on Java 17). */
export const CASSANDRA_JPMS_OPTIONS: readonly string[] = [
  '-Djdk.attach.allowAttachSelf=true',
  ...[
    'java.base/jdk.internal.misc',
    'java.management.rmi/com.sun.jmx.remote.internal.rmi',
    'java.rmi/sun.rmi.registry',
    'java.rmi/sun.rmi.server',
    'java.sql/java.sql',
    'java.base/java.lang.ref',
    'jdk.unsupported/sun.misc',
    'jdk.compiler/com.sun.tools.javac.file',
    'jdk.attach/sun.tools.attach',
  ].flatMap((m) => ['--add-exports', `${m}=ALL-UNNAMED`]),
  ...[
    'java.base/java.lang.module',
    'java.base/jdk.internal.loader',
    'java.base/jdk.internal.ref',
    'java.base/jdk.internal.reflect',
    'java.base/jdk.internal.math',
    'java.base/jdk.internal.module',
    'java.base/jdk.internal.util.jar',
    'jdk.management/com.sun.management.internal',
    'java.base/sun.nio.ch',
    'java.base/java.io',
    'java.base/java.lang.reflect',
    'jdk.compiler/com.sun.tools.javac',
    'java.base/java.lang',
    'java.base/java.util',
  ].flatMap((m) => ['--add-opens', `${m}=ALL-UNNAMED`]),
];

/** Directories of one local Cassandra (all absolute). */
export interface CassandraDirs {
  conf: string;
  data: string;
  commitlog: string;
  savedCaches: string;
  hints: string;
  cdcRaw: string;
}

/** The directories under `<stateDir>/cassandra` (pure). */
export function cassandraDirs(ctx: Pick<ServiceContext, 'stateDir'>): CassandraDirs {
  const layout = serviceLayout(ctx, 'cassandra');
  return {
    conf: path.join(layout.dir, 'conf'),
    data: path.join(layout.dataDir, 'data'),
    commitlog: path.join(layout.dataDir, 'commitlog'),
    savedCaches: path.join(layout.dataDir, 'saved_caches'),
    hints: path.join(layout.dataDir, 'hints'),
    cdcRaw: path.join(layout.dataDir, 'cdc_raw'),
  };
}

/**
 * The generated cassandra.yaml (pure; exported for tests and docs). Settings beyond the
 * defaults: loopback addresses, SimpleSnitch ("datacenter1"), thread pools and compaction for 2
 * cores, no automatic snapshots on DROP/TRUNCATE (benchmarks drop and recreate tables often),
 * no authentication (like the Docker image). Durability stays at the default (periodic commit
 * log sync every 10 s), which is what production clusters run.
 */
export function cassandraYaml(dirs: CassandraDirs): string {
  const q = (s: string) => JSON.stringify(s);
  return [
    '# Generated by capbench (targets/cassandra/local.ts); rewritten at every start.',
    'cluster_name: capbench',
    'num_tokens: 16',
    'allocate_tokens_for_local_replication_factor: 1',
    'partitioner: org.apache.cassandra.dht.Murmur3Partitioner',
    'endpoint_snitch: SimpleSnitch',
    'seed_provider:',
    '  - class_name: org.apache.cassandra.locator.SimpleSeedProvider',
    '    parameters:',
    `      - seeds: "${CASSANDRA_LOCAL_HOST}:${CASSANDRA_STORAGE_PORT}"`,
    `listen_address: ${CASSANDRA_LOCAL_HOST}`,
    `rpc_address: ${CASSANDRA_LOCAL_HOST}`,
    `storage_port: ${CASSANDRA_STORAGE_PORT}`,
    `native_transport_port: ${CASSANDRA_LOCAL_PORT}`,
    'start_native_transport: true',
    'data_file_directories:',
    `  - ${q(dirs.data)}`,
    `commitlog_directory: ${q(dirs.commitlog)}`,
    `saved_caches_directory: ${q(dirs.savedCaches)}`,
    `hints_directory: ${q(dirs.hints)}`,
    `cdc_raw_directory: ${q(dirs.cdcRaw)}`,
    'commitlog_sync: periodic',
    'commitlog_sync_period: 10000ms',
    '# 2 cores: half the default thread pools, one compactor',
    'concurrent_reads: 16',
    'concurrent_writes: 16',
    'concurrent_counter_writes: 16',
    'concurrent_materialized_view_writes: 8',
    'concurrent_compactors: 1',
    'compaction_throughput: 64MiB/s',
    'auto_snapshot: false',
    'snapshot_before_compaction: false',
    'authenticator: AllowAllAuthenticator',
    'authorizer: AllowAllAuthorizer',
    'role_manager: CassandraRoleManager',
    'materialized_views_enabled: true',
    '',
  ].join('\n');
}

/** Cassandra's logback.xml: INFO and above to stdout, which the pid's log file receives. */
export const CASSANDRA_LOGBACK = [
  '<configuration scan="false">',
  '  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">',
  '    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>',
  '  </appender>',
  '  <logger name="org.apache.cassandra" level="INFO"/>',
  '  <root level="INFO"><appender-ref ref="STDOUT"/></root>',
  '</configuration>',
  '',
].join('\n');

/** logback.xml for tools (nodetool): warnings only, to stderr. */
export const CASSANDRA_TOOLS_LOGBACK = [
  '<configuration scan="false">',
  '  <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">',
  '    <target>System.err</target>',
  '    <encoder><pattern>%-5level %msg%n</pattern></encoder>',
  '  </appender>',
  '  <root level="WARN"><appender-ref ref="STDERR"/></root>',
  '</configuration>',
  '',
].join('\n');

/** Heap size from CAPBENCH_CASSANDRA_HEAP (validated: <digits>[mMgG]) or the default. @throws ProvisionError when malformed. */
export function cassandraHeap(env: NodeJS.ProcessEnv = process.env): string {
  const v = env.CAPBENCH_CASSANDRA_HEAP?.trim() || CASSANDRA_DEFAULT_HEAP;
  if (!/^\d+[mMgG]$/.test(v)) throw new ProvisionError('cassandra', `CAPBENCH_CASSANDRA_HEAP="${v}" is not a heap size`, { hint: 'Use e.g. 1g, 2g or 1536m.' });
  return v;
}

/** The jamm agent jar in a lib directory (Cassandra measures object sizes with it). */
async function jammJar(lib: string): Promise<string | undefined> {
  const f = (await readdir(lib)).find((n) => /^jamm-[\d.]+\.jar$/.test(n));
  return f ? path.join(lib, f) : undefined;
}

/** The full java command line of the server (pure apart from the jamm lookup; exported for docs and tests). */
export async function cassandraJvmArgs(installDir: string, dirs: CassandraDirs, logDir: string, heap: string): Promise<string[]> {
  const lib = path.join(installDir, 'lib');
  const jamm = await jammJar(lib);
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-Xss256k',
    // conf/jvm17-server.options: G1
    '-XX:+UseG1GC',
    '-XX:+ParallelRefProcEnabled',
    '-XX:MaxTenuringThreshold=1',
    '-XX:G1HeapRegionSize=16m',
    '-XX:G1RSetUpdatingPauseTimePercent=5',
    '-XX:MaxGCPauseMillis=300',
    '-XX:InitiatingHeapOccupancyPercent=70',
    '-XX:+ExitOnOutOfMemoryError',
    '-XX:+PerfDisableSharedMem',
    '-Djava.net.preferIPv4Stack=true',
    ...CASSANDRA_JPMS_OPTIONS,
    '-Dio.netty.tryReflectionSetAccessible=true',
    '-Dio.netty.allocator.useCacheForAllThreads=true',
    '-Dio.netty.allocator.maxOrder=11',
    ...(jamm ? [`-javaagent:${jamm}`] : []),
    // bin/cassandra's settings
    `-Dcassandra.jmx.local.port=${CASSANDRA_JMX_PORT}`,
    `-Dcassandra.config=file://${path.join(dirs.conf, 'cassandra.yaml')}`,
    `-Dlogback.configurationFile=${path.join(dirs.conf, 'logback.xml')}`,
    `-Dcassandra.logdir=${logDir}`,
    `-Dcassandra.storagedir=${path.dirname(dirs.data)}`,
    '-Dcassandra-foreground=yes',
    // one node: no peers to wait for (30 s saved at every start), fresher size estimates
    '-Dcassandra.skip_wait_for_gossip_to_settle=0',
    '-Dcassandra.ring_delay_ms=1000',
    '-Dcassandra.size_recorder_interval=60',
    '-cp',
    `${dirs.conf}:${lib}/*`,
    'org.apache.cassandra.service.CassandraDaemon',
  ];
}

/**
 * Fetch the Cassandra jars into cassandraInstallDir() unless already there (idempotent).
 * @throws ProvisionError when mvn is missing and cannot be installed, or Maven Central cannot be reached.
 */
export async function installCassandra(ctx: ServiceContext): Promise<string> {
  const dir = cassandraInstallDir(ctx);
  if (isInstalled(dir)) return dir;
  const logPath = path.join(serviceLayout(ctx, 'cassandra').dir, 'install.log');
  ctx.log(`cassandra: fetching Apache Cassandra ${CASSANDRA_VERSION} (org.apache.cassandra:cassandra-all and its runtime dependencies) from Maven Central`);
  await installOnce(dir, `org.apache.cassandra:cassandra-all:${CASSANDRA_VERSION} runtime class path`, async (tmp) => {
    await mavenCopyDependencies('cassandra', [CASSANDRA_MAVEN], path.join(tmp, 'lib'), ctx, { logPath });
    await ensureDir(path.join(tmp, 'conf'));
    await writeFile(path.join(tmp, 'conf', 'logback-tools.xml'), CASSANDRA_TOOLS_LOGBACK);
  });
  return dir;
}

/** The Java runtime the local Cassandra runs on (see CASSANDRA_JAVA). @throws ProvisionError when none fits. */
export function cassandraJava(ctx?: ServiceContext): Promise<JavaRuntime> {
  return requireJava(CASSANDRA_JAVA, ctx);
}

function spec(ctx: ServiceContext): LocalServerSpec {
  const layout = serviceLayout(ctx, 'cassandra');
  const conn = parseCassandraUrl(CASSANDRA_DEFAULT_URL);
  const dirs = cassandraDirs(ctx);
  return {
    store: 'cassandra',
    product: 'Apache Cassandra',
    host: CASSANDRA_LOCAL_HOST,
    port: CASSANDRA_LOCAL_PORT,
    layout,
    probe: (timeoutMs) => probeCassandra(conn, timeoutMs),
    installed: async () => isInstalled(cassandraInstallDir(ctx)),
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 60_000,
    launch: async () => {
      const java = await cassandraJava(ctx);
      const heap = cassandraHeap();
      const own = [await readPidFile(layout.pidPath)].filter((p): p is number => p !== undefined);
      for (const port of [CASSANDRA_STORAGE_PORT, CASSANDRA_JMX_PORT]) {
        await assertPortAvailable('cassandra', CASSANDRA_LOCAL_HOST, port, own, `Cassandra also needs port ${port} on 127.0.0.1 (storage ${CASSANDRA_STORAGE_PORT}, JMX ${CASSANDRA_JMX_PORT}); stop the process that holds it.`);
      }
      for (const d of Object.values(dirs)) await ensureDir(d, 0o750);
      await writeFile(path.join(dirs.conf, 'cassandra.yaml'), cassandraYaml(dirs));
      await writeFile(path.join(dirs.conf, 'logback.xml'), CASSANDRA_LOGBACK);
      const args = await cassandraJvmArgs(cassandraInstallDir(ctx), dirs, layout.dir, heap);
      ctx.log(`cassandra: Java ${java.version} (${java.home}), heap ${heap}`);
      return spawnDetached({
        store: 'cassandra',
        command: java.bin,
        args,
        logPath: layout.logPath,
        pidPath: layout.pidPath,
        cwd: layout.dir,
        env: { JAVA_HOME: java.home, CASSANDRA_HOME: cassandraInstallDir(ctx), CASSANDRA_CONF: dirs.conf },
      });
    },
  };
}

/**
 * The LocalService of Cassandra (see the module comment). install fetches the jars and checks
 * for a supported Java; start fails with one line when Java is missing or of the wrong
 * version (CAPBENCH_JAVA_HOME picks one), a port is taken, or the node does not answer in time.
 */
export const cassandraLocal: LocalService = {
  async install(ctx) {
    await cassandraJava(ctx);
    await installCassandra(ctx);
  },
  start: (ctx) => localServerStart(spec(ctx), ctx),
  stop: (ctx) => localServerStop(spec(ctx), ctx),
  status: (ctx) => localServerStatus(spec(ctx), ctx),
};
