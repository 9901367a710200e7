/**
 * Docker provisioning without a Docker engine: each store's container is built (never
 * started) by its official testcontainers module, and what start() would send to the engine
 * is checked against docker-compose.yml and the local servers' defaults: image, published
 * ports, command, environment and credentials, readiness, name, labels, reuse. Also: nothing
 * Docker-related loads until a container is built, and `--provisioner docker` without an engine
 * is one line, exit 2.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test, type TestContext } from 'node:test';
import { CassandraContainer } from '@testcontainers/cassandra';
import { ElasticsearchContainer } from '@testcontainers/elasticsearch';
import { MongoDBContainer } from '@testcontainers/mongodb';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { RedisContainer } from '@testcontainers/redis';
import { GenericContainer } from 'testcontainers';
import { parse as parseYaml } from 'yaml';
import { STORES, type StoreName } from '../../core/target.js';
import { cassandraDataCenter } from '../../targets/cassandra/index.js';
import { buildContainer, DOCKER_SPECS, LABEL_MANAGED, LABEL_STORE, type ContainerOptions } from '../../targets/docker/index.js';
import { ELASTICSEARCH_READY_PATH } from '../../targets/elasticsearch/image.js';
import { MONGODB_REPLICA_SET } from '../../targets/mongodb/image.js';
import { POSTGRES_SETTINGS } from '../../targets/postgres/index.js';
import { TARGETS } from '../../targets/registry.js';

const CLI = new URL('../../cli/main.js', import.meta.url).pathname;
const DIST = new URL('../../', import.meta.url);

/** The module class that must build each store's container. */
const MODULE_CLASS: Record<StoreName, abstract new (...args: never[]) => GenericContainer> = {
  redis: RedisContainer,
  postgres: PostgreSqlContainer,
  mongodb: MongoDBContainer,
  cassandra: CassandraContainer,
  elasticsearch: ElasticsearchContainer,
};

interface ComposeService {
  image: string;
  command?: string[];
  environment?: Record<string, string | number | boolean>;
  ports: string[];
  shm_size?: string;
}
const compose = parseYaml(readFileSync(new URL('../../../docker-compose.yml', import.meta.url), 'utf8')) as { services: Record<string, ComposeService> };

/** What GenericContainer.start() would hand to the engine, read at the moment it is called. */
interface EngineRequest {
  createOpts: {
    Image: string;
    name?: string;
    Cmd?: string[];
    Env?: string[];
    Labels?: Record<string, string>;
    ExposedPorts?: Record<string, object>;
    Healthcheck?: { Test?: string[]; Interval?: number; StartInterval?: number; StartPeriod?: number };
  };
  hostConfig: { PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }>>; ShmSize?: number };
  waitStrategy: { path?: string; port?: number };
  reuse: boolean;
  startupTimeoutMs?: number;
}

/**
 * Run the module's start() up to the engine: GenericContainer.prototype.start (the part that
 * talks to Docker) is replaced for this test by a recorder, so the module's own start() adds
 * its environment, command and health check, and the recorder runs the container's
 * beforeContainerCreated() hook as GenericContainer.start() does before it creates the
 * container, then records what would be sent.
 */
async function dryStart(t: TestContext, store: StoreName, opts: Partial<ContainerOptions> = {}) {
  const container = await buildContainer(store, { host: '127.0.0.1', loopbackOnly: true, startTimeoutMs: 123_000, ...opts });
  let request: EngineRequest | undefined;
  const stop = new Error('dry start: not sent to an engine');
  t.mock.method(GenericContainer.prototype, 'start', async function (this: GenericContainer) {
    const self = this as unknown as EngineRequest & { beforeContainerCreated?(): Promise<void> };
    await self.beforeContainerCreated?.();
    const { path, port } = self.waitStrategy;
    request = { createOpts: structuredClone(self.createOpts), hostConfig: structuredClone(self.hostConfig), waitStrategy: { path, port }, reuse: self.reuse, startupTimeoutMs: self.startupTimeoutMs };
    throw stop;
  });
  await assert.rejects(container.start(), (err) => err === stop);
  t.mock.restoreAll();
  assert.ok(request);
  const env = Object.fromEntries((request.createOpts.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  return { container, request, env };
}

function localPort(store: StoreName): number {
  const mod = TARGETS[store]!;
  return mod.parseUrl(mod.defaultUrl).port;
}

describe('docker containers (built by the testcontainers modules, not started)', () => {
  for (const store of STORES) {
    test(`${store}: module, pinned image, ports, labels, name, reuse as docker-compose.yml and the local server`, async (t) => {
      const spec = DOCKER_SPECS[store];
      const svc = compose.services[store];
      assert.ok(svc, `docker-compose.yml has no service ${store}`);
      const { container, request, env } = await dryStart(t, store);
      assert.ok(container instanceof MODULE_CLASS[store], `${store} is not built by its @testcontainers module`);
      assert.equal(spec.image, svc.image, 'same tag as docker-compose.yml');
      assert.equal(request.createOpts.Image, spec.image);
      assert.equal(request.createOpts.name, `capbench-${store}`);
      assert.deepEqual(request.createOpts.Labels, { [LABEL_MANAGED]: 'true', [LABEL_STORE]: store });
      assert.equal(request.reuse, true);
      assert.equal(request.startupTimeoutMs, 123_000);
      // one port, the local server's, on the same host port, on loopback only (as compose publishes it)
      const port = localPort(store);
      assert.deepEqual(spec.ports, [port]);
      assert.deepEqual(request.createOpts.ExposedPorts, { [`${port}/tcp`]: {} });
      assert.deepEqual(request.hostConfig.PortBindings, { [`${port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(port) }] });
      assert.deepEqual(svc.ports, [`127.0.0.1:${port}:${port}`]);
      // compose's command and environment, as the container gets them
      if (svc.command) assert.deepEqual(request.createOpts.Cmd, svc.command);
      for (const [k, v] of Object.entries(svc.environment ?? {})) assert.equal(env[k], String(v), `environment ${k}`);
    });
  }

  test('redis: the local server settings, no password', async (t) => {
    const { request } = await dryStart(t, 'redis');
    const cmd = request.createOpts.Cmd ?? [];
    assert.equal(cmd[0], 'redis-server');
    assert.ok(cmd.join(' ').includes('--maxmemory 8gb --maxmemory-policy noeviction'));
    assert.ok(!cmd.some((a) => /requirepass/.test(a)));
    assert.equal(TARGETS.redis!.parseUrl(TARGETS.redis!.defaultUrl).password, undefined);
  });

  test('postgres: the default URL credentials, every POSTGRES_SETTINGS flag, 1 GiB /dev/shm', async (t) => {
    const { request, env } = await dryStart(t, 'postgres');
    const def = TARGETS.postgres!.parseUrl(TARGETS.postgres!.defaultUrl);
    assert.deepEqual([env.POSTGRES_USER, env.POSTGRES_PASSWORD, env.POSTGRES_DB], [def.username, def.password, def.database]);
    assert.deepEqual([def.username, def.password, def.database], ['capbench', 'capbench', 'capbench']);
    for (const [k, v] of Object.entries(POSTGRES_SETTINGS)) assert.ok(request.createOpts.Cmd?.includes(`${k}=${v}`), k);
    assert.equal(request.hostConfig.ShmSize, 1024 ** 3);
    assert.equal(compose.services.postgres?.shm_size, '1gb');
    // the module's readiness: pg_isready over TCP with those credentials
    assert.match(request.createOpts.Healthcheck?.Test?.join(' ') ?? '', /pg_isready .*--username capbench --dbname capbench/);
  });

  test('mongodb: no authentication, a replica set whose member is the address capbench connects to', async (t) => {
    const { request, env } = await dryStart(t, 'mongodb');
    assert.equal(env.MONGO_INITDB_ROOT_USERNAME, undefined);
    assert.deepEqual(request.createOpts.Cmd, ['--replSet', MONGODB_REPLICA_SET]);
    const def = TARGETS.mongodb!.parseUrl(TARGETS.mongodb!.defaultUrl);
    const check = request.createOpts.Healthcheck?.Test ?? [];
    assert.equal(check[0], 'CMD');
    assert.ok(check.join(' ').includes(`rs.initiate({"_id":"${MONGODB_REPLICA_SET}","members":[{"_id":0,"host":"${def.host}:${def.port}"}]})`), check.join(' '));
  });

  test('cassandra: the default URL data center, 2 GB heap, cluster name', async (t) => {
    const { env } = await dryStart(t, 'cassandra');
    assert.equal(env.CASSANDRA_DC, cassandraDataCenter(TARGETS.cassandra!.parseUrl(TARGETS.cassandra!.defaultUrl)));
    assert.equal(env.MAX_HEAP_SIZE, '2G');
    assert.equal(env.CASSANDRA_CLUSTER_NAME, 'capbench');
    assert.match(env.JVM_EXTRA_OPTS ?? '', /skip_wait_for_gossip_to_settle=0/);
  });

  test('elasticsearch: security off, single node, 2 GB heap, ready once the cluster is yellow', async (t) => {
    const { request, env } = await dryStart(t, 'elasticsearch');
    assert.equal(env['xpack.security.enabled'], 'false');
    assert.equal(env['discovery.type'], 'single-node');
    assert.equal(env.ES_JAVA_OPTS, '-Xms2g -Xmx2g');
    assert.equal(TARGETS.elasticsearch!.parseUrl(TARGETS.elasticsearch!.defaultUrl).username, undefined);
    assert.equal(request.waitStrategy.path, ELASTICSEARCH_READY_PATH);
    assert.equal(request.waitStrategy.port, localPort('elasticsearch'));
  });

  test('health checks keep the module pace while starting, then run every 30 s', async (t) => {
    const sec = 1e9;
    for (const [store, startInterval] of [['postgres', 0.25 * sec], ['cassandra', 0.25 * sec], ['mongodb', 1 * sec]] as const) {
      const hc = (await dryStart(t, store)).request.createOpts.Healthcheck;
      assert.equal(hc?.StartInterval, startInterval, store);
      assert.equal(hc?.Interval, 30 * sec, store);
      assert.ok((hc?.StartPeriod ?? 0) >= 123 * sec, `${store}: start period ${hc?.StartPeriod}`);
    }
    for (const store of ['redis', 'elasticsearch'] as const) assert.equal((await dryStart(t, store)).request.createOpts.Healthcheck, undefined, store);
  });

  test('a remote engine: ports on every interface of its host, the MongoDB member advertised there', async (t) => {
    for (const store of STORES) {
      const { request } = await dryStart(t, store, { host: 'docker.example', loopbackOnly: false });
      const port = localPort(store);
      assert.deepEqual(request.hostConfig.PortBindings, { [`${port}/tcp`]: [{ HostPort: String(port) }] }, store);
      if (store === 'mongodb') assert.ok(request.createOpts.Healthcheck?.Test?.join(' ').includes('"host":"docker.example:27017"'));
    }
  });
});

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('docker provisioner without an engine', () => {
  test('loading the targets, the docker provisioner and the services command loads no testcontainers code', async () => {
    const modules = ['targets/registry.js', 'targets/docker/index.js', 'cli/commands/services.js'].map((m) => new URL(m, DIST).href);
    const script = [
      `for (const m of ${JSON.stringify(modules)}) await import(m);`,
      `const { createRequire } = await import('node:module');`,
      `const cache = Object.keys(createRequire(import.meta.url).cache);`,
      `console.log(JSON.stringify(cache.filter((f) => /[\\\\/]node_modules[\\\\/](testcontainers|@testcontainers)[\\\\/]/.test(f))));`,
    ].join('\n');
    const r = await run(['--input-type=module', '-e', script]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), []);
  });

  test('--provisioner docker is one line naming what to do, exit 2', { timeout: 60_000 }, async () => {
    for (const command of ['up', 'status', 'down']) {
      const r = await run([CLI, 'services', command, 'redis', '--provisioner', 'docker'], { DOCKER_HOST: 'unix:///nonexistent/capbench-test-docker.sock' });
      assert.equal(r.code, 2, `${command}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^Cannot services [a-z]+\. No Docker engine answers, so --provisioner docker cannot be used\. .*--provisioner local\.\n$/);
    }
  });
});
