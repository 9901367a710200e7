/**
 * Local Elasticsearch 8.19 on 127.0.0.1:9200: the integ-test-zip distribution from Maven
 * Central (org.elasticsearch.distribution.integ-test-zip:elasticsearch:<version>:zip, fetched
 * with mvn), single node, security off, run as the dedicated system user `elasticsearch`
 * (created if missing; Elasticsearch refuses to run as root) on a Java it supports (21 or 17).
 *
 * What that distribution lacks (it carries only the modules apm, transport-netty4,
 * x-pack-core and x-pack-security), checked on 8.19.21, and what the search paths do about it:
 * - present and enough for search.es: index.codec best_compression, keyword ignore_above,
 *   aliases (create and atomic swap via _aliases), _bulk, match/bool/range queries, sort by
 *   date, the standard analyzer and lowercase filter, _cat and _stats;
 * - missing `reindex`: no _reindex, _update_by_query, _delete_by_query. A zero-downtime reindex
 *   copies documents client-side (search_after or scroll + _bulk, e.g. the client's
 *   helpers.scrollDocuments + helpers.bulk), then swaps the alias atomically;
 * - missing `x-pack-ilm`: no index lifecycle policies (rollover by hand, or use Docker);
 * - missing `analysis-common`: no language analyzers ("english") and no filters such as
 *   asciifolding, stop or stemmer (use standard + lowercase);
 * - missing `lang-painless` (scripts), `ingest-common` (pipelines), `mapper-extras`
 *   (search_as_you_type, rank_feature, scaled_float), `rest-root` (`GET /`: use
 *   `GET /_nodes/_local` for the version, as probeElasticsearch() does).
 * elasticsearchCapabilities() reports the same from any server. The Docker image (full
 * distribution) has everything.
 *
 * Files: distribution `<cacheDir>/elasticsearch/<version>/elasticsearch-<version>` (fetched
 * once); a hard-linked copy in `<stateDir>/elasticsearch/home-<version>` when the user
 * `elasticsearch` cannot read the cache (e.g. under /root); config
 * `<stateDir>/elasticsearch/config` (elasticsearch.yml and heap rewritten at every start),
 * data `<stateDir>/elasticsearch/data`, logs `<stateDir>/elasticsearch/logs` (the server's own)
 * and `<stateDir>/elasticsearch/elasticsearch.log` (stdout/stderr), pid
 * `<stateDir>/elasticsearch/elasticsearch.pid` (the launcher, parent of the server JVM).
 * Ports, on 127.0.0.1: 9200 (HTTP), 9300 (transport, unused by one node).
 */
import { existsSync } from 'node:fs';
import { copyFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LocalService, ServiceContext } from '../../core/target.js';
import { ProvisionError } from '../../core/errors.js';
import { extractArchive } from '../local/archive.js';
import { installOnce, isInstalled } from '../local/cache.js';
import { requireJava, type JavaRequirement, type JavaRuntime } from '../local/java.js';
import { mavenCopyArtifact } from '../local/maven.js';
import { ensureSystemUser, readableCopy } from '../local/sysuser.js';
import {
  assertPortAvailable,
  assertReachable,
  chownTo,
  ensureDir,
  localServerStart,
  localServerStatus,
  localServerStop,
  readPidFile,
  serviceLayout,
  spawnDetached,
  type LocalServerSpec,
} from '../local/index.js';
import { probeElasticsearch } from './probe.js';
import { ELASTICSEARCH_DEFAULT_URL, parseElasticsearchUrl } from './url.js';

/** The pinned Elasticsearch release: the newest 8.x integ-test-zip on Maven Central when pinned. */
export const ELASTICSEARCH_VERSION = '8.19.21';
/** Maven coordinates of the distribution. */
export const ELASTICSEARCH_MAVEN = `org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ELASTICSEARCH_VERSION}:zip`;
/** Loopback address of the local Elasticsearch. */
export const ELASTICSEARCH_LOCAL_HOST = '127.0.0.1';
/** HTTP port. */
export const ELASTICSEARCH_LOCAL_PORT = 9200;
/** Transport port (bound on loopback; a single node sends nothing on it). */
export const ELASTICSEARCH_TRANSPORT_PORT = 9300;
/** The system account the server runs as (created when missing). */
export const ELASTICSEARCH_USER = 'elasticsearch';
/** Java releases Elasticsearch 8.19 supports that capbench uses, preferred first (it needs 17 or newer). */
export const ELASTICSEARCH_JAVA: JavaRequirement = { store: 'elasticsearch', majors: [21, 17], debianPackage: 'openjdk-17-jre-headless' };
/** Heap size (-Xms = -Xmx); CAPBENCH_ELASTICSEARCH_HEAP overrides it (e.g. "1g", "4g"). */
export const ELASTICSEARCH_DEFAULT_HEAP = '2g';

/** Where a release is unpacked: `<cacheDir>/elasticsearch/<version>`. */
export function elasticsearchInstallDir(ctx: Pick<ServiceContext, 'cacheDir'>, version = ELASTICSEARCH_VERSION): string {
  return path.join(ctx.cacheDir, 'elasticsearch', version);
}

/** The distribution's home directory inside the install dir (holds bin/, lib/, modules/). */
export function elasticsearchHome(ctx: Pick<ServiceContext, 'cacheDir'>, version = ELASTICSEARCH_VERSION): string {
  return path.join(elasticsearchInstallDir(ctx, version), `elasticsearch-${version}`);
}

/** Directories of one local Elasticsearch (all absolute, under `<stateDir>/elasticsearch`). */
export interface ElasticsearchDirs {
  config: string;
  data: string;
  logs: string;
  tmp: string;
}

/** The directories under `<stateDir>/elasticsearch` (pure). */
export function elasticsearchDirs(ctx: Pick<ServiceContext, 'stateDir'>): ElasticsearchDirs {
  const layout = serviceLayout(ctx, 'elasticsearch');
  return { config: path.join(layout.dir, 'config'), data: layout.dataDir, logs: path.join(layout.dir, 'logs'), tmp: path.join(layout.dir, 'tmp') };
}

/**
 * The generated elasticsearch.yml (pure; exported for tests and docs): single node on loopback,
 * security off (like docker-compose.yml), and no disk-watermark read-only switch (a CI disk
 * fuller than 85% would otherwise stop writes in the middle of a benchmark).
 */
export function elasticsearchYml(dirs: ElasticsearchDirs): string {
  const q = (s: string) => JSON.stringify(s);
  return [
    '# Generated by capbench (targets/elasticsearch/local.ts); rewritten at every start.',
    'cluster.name: capbench',
    'node.name: capbench-es',
    `path.data: ${q(dirs.data)}`,
    `path.logs: ${q(dirs.logs)}`,
    `network.host: ${ELASTICSEARCH_LOCAL_HOST}`,
    `http.port: ${ELASTICSEARCH_LOCAL_PORT}`,
    `transport.port: ${ELASTICSEARCH_TRANSPORT_PORT}`,
    'discovery.type: single-node',
    'xpack.security.enabled: false',
    'cluster.routing.allocation.disk.threshold_enabled: false',
    '',
  ].join('\n');
}

/** Heap size from CAPBENCH_ELASTICSEARCH_HEAP (validated) or the default. @throws ProvisionError when malformed. */
export function elasticsearchHeap(env: NodeJS.ProcessEnv = process.env): string {
  const v = env.CAPBENCH_ELASTICSEARCH_HEAP?.trim() || ELASTICSEARCH_DEFAULT_HEAP;
  if (!/^\d+[mMgG]$/.test(v)) throw new ProvisionError('elasticsearch', `CAPBENCH_ELASTICSEARCH_HEAP="${v}" is not a heap size`, { hint: 'Use e.g. 1g, 2g or 1536m.' });
  return v;
}

/** The JVM options file capbench adds (config/jvm.options.d/capbench.options). */
export function elasticsearchJvmOptions(heap: string): string {
  return ['# Generated by capbench: heap, and no multi-GB heap dumps in the state dir', `-Xms${heap}`, `-Xmx${heap}`, '-XX:-HeapDumpOnOutOfMemoryError', ''].join('\n');
}

/** The Java runtime the local Elasticsearch runs on (see ELASTICSEARCH_JAVA). @throws ProvisionError when none fits. */
export function elasticsearchJava(ctx?: ServiceContext): Promise<JavaRuntime> {
  return requireJava(ELASTICSEARCH_JAVA, ctx);
}

/**
 * Fetch and unpack the distribution into elasticsearchInstallDir() unless already there.
 * @throws ProvisionError when mvn is missing and cannot be installed, Maven Central cannot be
 *   reached, or unpacking fails.
 */
export async function installElasticsearch(ctx: ServiceContext): Promise<string> {
  const dir = elasticsearchInstallDir(ctx);
  if (isInstalled(dir)) return elasticsearchHome(ctx);
  const logPath = path.join(serviceLayout(ctx, 'elasticsearch').dir, 'install.log');
  ctx.log(`elasticsearch: fetching ${ELASTICSEARCH_MAVEN} from Maven Central`);
  await installOnce(dir, ELASTICSEARCH_MAVEN, async (tmp) => {
    const zip = await mavenCopyArtifact('elasticsearch', ELASTICSEARCH_MAVEN, path.join(tmp, '.download'), ctx, { logPath });
    await extractArchive('elasticsearch', zip, tmp, ctx);
    await rm(path.join(tmp, '.download'), { recursive: true, force: true });
    if (!existsSync(path.join(tmp, `elasticsearch-${ELASTICSEARCH_VERSION}`, 'bin', 'elasticsearch'))) {
      throw new ProvisionError('elasticsearch', `the downloaded archive has no elasticsearch-${ELASTICSEARCH_VERSION}/bin/elasticsearch`, { logPath });
    }
  });
  return elasticsearchHome(ctx);
}

/** Copy the distribution's config files into `configDir` where missing (keeps the keystore Elasticsearch writes there). */
async function seedConfig(home: string, configDir: string): Promise<void> {
  const src = path.join(home, 'config');
  for (const entry of await readdir(src, { withFileTypes: true })) {
    const to = path.join(configDir, entry.name);
    if (entry.isDirectory()) {
      await ensureDir(to);
      for (const f of await readdir(path.join(src, entry.name))) {
        if (!existsSync(path.join(to, f))) await copyFile(path.join(src, entry.name, f), path.join(to, f));
      }
    } else if (!existsSync(to)) {
      await copyFile(path.join(src, entry.name), to);
    }
  }
}

function spec(ctx: ServiceContext): LocalServerSpec {
  const layout = serviceLayout(ctx, 'elasticsearch');
  const conn = parseElasticsearchUrl(ELASTICSEARCH_DEFAULT_URL);
  const dirs = elasticsearchDirs(ctx);
  return {
    store: 'elasticsearch',
    product: 'Elasticsearch',
    host: ELASTICSEARCH_LOCAL_HOST,
    port: ELASTICSEARCH_LOCAL_PORT,
    layout,
    probe: (timeoutMs) => probeElasticsearch(conn, timeoutMs),
    installed: async () => isInstalled(elasticsearchInstallDir(ctx)),
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 60_000,
    launch: async () => {
      const java = await elasticsearchJava(ctx);
      const heap = elasticsearchHeap();
      const own = [await readPidFile(layout.pidPath)].filter((p): p is number => p !== undefined);
      await assertPortAvailable('elasticsearch', ELASTICSEARCH_LOCAL_HOST, ELASTICSEARCH_TRANSPORT_PORT, own, `Elasticsearch also needs port ${ELASTICSEARCH_TRANSPORT_PORT} on 127.0.0.1 (transport); stop the process that holds it.`);
      const user = await ensureSystemUser('elasticsearch', ELASTICSEARCH_USER, 'capbench Elasticsearch');
      await ensureDir(layout.dir, 0o755);
      await assertReachable('elasticsearch', layout.dir, user);
      const home = await readableCopy('elasticsearch', user, elasticsearchHome(ctx), path.join(layout.dir, `home-${ELASTICSEARCH_VERSION}`), path.join('lib', `elasticsearch-${ELASTICSEARCH_VERSION}.jar`));
      for (const d of [dirs.config, dirs.data, dirs.logs, dirs.tmp]) await ensureDir(d, 0o750);
      await seedConfig(home, dirs.config);
      await writeFile(path.join(dirs.config, 'elasticsearch.yml'), elasticsearchYml(dirs));
      await ensureDir(path.join(dirs.config, 'jvm.options.d'));
      await writeFile(path.join(dirs.config, 'jvm.options.d', 'capbench.options'), elasticsearchJvmOptions(heap));
      for (const d of [dirs.config, dirs.data, dirs.logs, dirs.tmp]) await chownTo(d, user, true);
      ctx.log(`elasticsearch: Java ${java.version} (${java.home}), heap ${heap}, user ${user.name}`);
      return spawnDetached({
        store: 'elasticsearch',
        command: path.join(home, 'bin', 'elasticsearch'),
        args: [],
        logPath: layout.logPath,
        pidPath: layout.pidPath,
        cwd: layout.dir,
        user,
        env: { ES_JAVA_HOME: java.home, ES_PATH_CONF: dirs.config, ES_TMPDIR: dirs.tmp, ES_JAVA_OPTS: '', JAVA_HOME: '' },
      });
    },
  };
}

/**
 * The LocalService of Elasticsearch (see the module comment). install fetches and unpacks the
 * distribution and checks for a supported Java; start creates the `elasticsearch` user when
 * needed and fails with one line when Java is missing or of the wrong version
 * (CAPBENCH_JAVA_HOME picks one), a port is taken, or the node does not answer in time.
 */
export const elasticsearchLocal: LocalService = {
  async install(ctx) {
    await elasticsearchJava(ctx);
    await installElasticsearch(ctx);
  },
  start: (ctx) => localServerStart(spec(ctx), ctx),
  stop: (ctx) => localServerStop(spec(ctx), ctx),
  status: (ctx) => localServerStatus(spec(ctx), ctx),
};
