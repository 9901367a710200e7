/**
 * `capbench serve`: the reference HTTP service (service/server.ts) in front of every storage
 * path that has an HTTP route, until Ctrl-C / SIGTERM.
 */
import { Command, Option } from 'commander';
import { z } from 'zod';
import { UsageError } from '../../core/errors.js';
import { REDIS_DRIVERS, STORES, type Connection, type StoreName } from '../../core/target.js';
import { STORAGE_PATHS, getStoragePath, storesOf } from '../../reference-impl/registry.js';
import { hasRoute } from '../../service/routes/index.js';
import { startService, type ServedPath, type StartedService } from '../../service/server.js';
import { countSchema, durationSchema, parseFlagValues } from '../../scenarios/settings.js';
import { resolveConnection } from '../../targets/registry.js';
import { DEFAULT_REDIS_DRIVER } from '../../targets/redis/driver.js';
import { addStoreUrlOptions, type StoreUrlFlags } from '../store-urls.js';

/** Flags of `capbench serve` as commander hands them over. */
export interface ServeFlags extends StoreUrlFlags {
  port?: string;
  host?: string;
  paths?: string;
  keyPrefix?: string;
  schema?: string;
  keyspace?: string;
  namespace?: string;
  pgPoolSize?: string;
  storeTimeout?: string;
  bodyLimit?: string;
  allowRemoteBind?: boolean;
  testHooks?: boolean;
  /** ioredis or node-redis: the Redis paths' client library (targets/redis/driver.ts). */
  redisDriver?: string;
}

const ServeFlagsSchema = z
  .object({
    port: z.coerce.number({ error: 'expected a TCP port 0..65535' }).int({ error: 'expected a TCP port 0..65535' }).min(0).max(65_535, { error: 'expected a TCP port 0..65535' }).default(8080),
    host: z.string().min(1).default('127.0.0.1'),
    paths: z.string().optional(),
    keyPrefix: z.string().regex(/^[\w:.-]{0,64}$/, 'letters, digits, _ : . - only, at most 64').optional(),
    schema: z.string().regex(/^[a-z_][a-z0-9_]{0,39}$/, 'a lower-case SQL identifier, at most 40 characters').optional(),
    keyspace: z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'a lower-case CQL identifier, at most 48 characters').optional(),
    namespace: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,40}$/, 'lower-case letters, digits, _ or -').optional(),
    pgPoolSize: countSchema(1).max(500).default(32),
    storeTimeout: durationSchema().default(5),
    bodyLimit: countSchema(64).max(1_048_576).default(4096),
    redisDriver: z.enum(REDIS_DRIVERS, { error: `use ${REDIS_DRIVERS.join(' or ')}` }).optional(),
  })
  .passthrough();

/** The paths `capbench serve` serves by default: every registered path whose family has routes. */
export function defaultServedPaths(): string[] {
  return [...STORAGE_PATHS.keys()].filter(hasRoute);
}

/**
 * Resolve the flags and start the service (resolves once it listens).
 * @throws UsageError for a bad flag, an unknown path or one without HTTP route (named), a port
 *   in use; TargetUnreachableError when a needed store does not answer.
 */
export async function serveCommand(flags: ServeFlags): Promise<StartedService> {
  const f = parseFlagValues(ServeFlagsSchema, { ...flags });
  const ids = f.paths ? f.paths.split(',').map((s) => s.trim()).filter(Boolean) : defaultServedPaths();
  if (ids.length === 0) throw new UsageError('--paths is empty.', { hint: 'Give storage path ids, e.g. --paths likes.redis-counter,follows.pg.' });
  for (const id of ids) getStoragePath(id);
  const connections: Partial<Record<StoreName, Connection>> = {};
  for (const store of storesOf(ids)) {
    const flag = flags[`${store}Url` as keyof StoreUrlFlags];
    connections[store] = resolveConnection(store, typeof flag === 'string' ? flag : undefined);
  }
  if (connections.redis) connections.redis = { ...connections.redis, redisDriver: f.redisDriver ?? DEFAULT_REDIS_DRIVER };
  void STORES;
  const options = { ...(f.keyPrefix ? { keyPrefix: f.keyPrefix } : {}), ...(f.schema ? { schema: f.schema } : {}), ...(f.keyspace ? { keyspace: f.keyspace } : {}), ...(f.namespace ? { namespace: f.namespace } : {}) };
  const paths: ServedPath[] = ids.map((id) => ({ id, options }));
  return startService({
    paths,
    connections,
    host: f.host,
    port: f.port,
    allowRemoteBind: flags.allowRemoteBind === true,
    pgPoolSize: f.pgPoolSize,
    storeTimeoutMs: Math.round(f.storeTimeout * 1000),
    bodyLimitBytes: f.bodyLimit,
    testHooks: flags.testHooks === true,
  });
}

/** Register `capbench serve`. */
export function registerServeCommand(program: Command): void {
  const command = program
    .command('serve')
    .description('the reference HTTP service in front of the storage paths (Fastify; /healthz, /metrics); Ctrl-C stops it')
    .option('--port <n>', 'TCP port (0 picks a free one)', '8080')
    .option('--host <addr>', 'interface to bind (loopback unless --allow-remote-bind)', '127.0.0.1')
    .option('--paths <ids>', 'comma-separated storage path ids (default: every path with an HTTP route)')
    .option('--key-prefix <p>', 'Redis paths: prefix of every key (default none: the seed\'s keys)')
    .option('--schema <name>', 'PostgreSQL paths: schema of the tables (default public)')
    .option('--keyspace <name>', 'feed and posts paths: Cassandra keyspace (and Redis prefix fo:<keyspace>:; default capbench_fanout)')
    .option('--namespace <name>', 'search paths: Elasticsearch alias prefix / MongoDB database (default capbench-search)')
    .option('--pg-pool-size <n>', 'PostgreSQL connections of the service', '32')
    .option('--redis-driver <name>', 'client library of the Redis paths: ioredis (auto-pipelining) or node-redis (default node-redis)')
    .option('--store-timeout <d>', 'a store call running longer is answered 503', '5s')
    .option('--body-limit <bytes>', 'largest request body; larger is 413', '4096')
    .option('--allow-remote-bind', 'bind to a non-loopback interface (only on a network you own)')
    .addOption(new Option('--test-hooks', 'honour the x-capbench-delay-ms header (tests of measurement truth only)').hideHelp());
  addStoreUrlOptions(command).action(async (flags: ServeFlags) => {
    const svc = await serveCommand(flags);
    process.stderr.write(`serving ${svc.paths.join(', ')} at ${svc.url} (/healthz, /metrics; routes under /v1/paths/<path id>/)\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await svc.close();
  });
}
