/**
 * Connections for reference-impl tests: real servers, addresses from the environment
 * (CAPBENCH_<STORE>_URL, else the loopback defaults the project's scripts start; DESIGN.md
 * "Targets"), opened with the same client bag the scenarios use (targets/clients.ts).
 */
import type { RedisDriverName, StoreName } from '../../core/target.js';
import { mulberry32 } from '../../engine/schedule.js';
import { errorKind } from '../../engine/types.js';
import { openStoreClients, type StoreClients } from '../../targets/clients.js';
import { connectPostgres } from '../../targets/postgres/client.js';
import { connectRedis } from '../../targets/redis/client.js';
import { REDIS_DRIVERS, type RedisClient } from '../../targets/redis/driver.js';
import { openRedisClient } from '../../targets/redis/open.js';
import { connectMongo } from '../../targets/mongodb/client.js';
import { connectCassandra } from '../../targets/cassandra/client.js';
import cassandra from 'cassandra-driver';
import { resolveConnection } from '../../targets/registry.js';

/** A per-process tag so parallel test files and benchmark data never share keys or schemas. */
export const TEST_TAG = `cbtest_${process.pid}`;

/** Both Redis drivers (issue 7): suites with Redis paths run once per driver, their test names saying which. */
export const TEST_REDIS_DRIVERS: readonly RedisDriverName[] = REDIS_DRIVERS;

/** The Redis drivers a path is tested with: both when it uses Redis, else one run without a driver (undefined). */
export function driversFor(stores: readonly string[]): (RedisDriverName | undefined)[] {
  return stores.includes('redis') ? [...TEST_REDIS_DRIVERS] : [undefined];
}

/** The suffix of a test or suite name that says which Redis driver it runs with ("" without Redis). */
export const driverTag = (driver: RedisDriverName | undefined): string => (driver ? ` [redis driver: ${driver}]` : '');

/**
 * Connected clients for `stores` (a PostgreSQL pool of `pgPoolSize`, enough for real
 * concurrency in race tests), Redis through `redisDriver` (default: capbench's default driver).
 * Close with `await clients.close()`.
 */
export async function testClients(stores: readonly StoreName[], pgPoolSize = 20, redisDriver?: RedisDriverName): Promise<StoreClients> {
  const connections = Object.fromEntries(stores.map((s) => [s, s === 'redis' && redisDriver ? { ...resolveConnection(s), redisDriver } : resolveConnection(s)]));
  return openStoreClients(connections, stores, { pgPoolSize });
}

/** Deterministic PRNG (the engine's mulberry32) so a failing random case can be replayed from its seed. */
export const prng = mulberry32;

/** Fisher-Yates shuffle in place with the given PRNG. */
export function shuffle<T>(xs: T[], rnd: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = xs[i] as T;
    xs[i] = xs[j] as T;
    xs[j] = t;
  }
  return xs;
}

/** The Redis ACL user of readOnlyClients(): may read every key, may not write. */
const RO_USER = `${TEST_TAG}_ro`;

/**
 * Clients on which every write is refused by the server itself, with the store's own error
 * code: PostgreSQL sessions with default_transaction_read_only (SQLSTATE 25006), a Redis ACL
 * user allowed only @read commands (NOPERM), Cassandra sessions at consistency THREE on a
 * one-node cluster (Unavailable, surfaced as the driver's NoHostAvailableError). MongoDB
 * (FerretDB 1.24 here) has no roles and ignores write concerns, so its client stays writable.
 * For checking that a path hands driver errors to
 * the engine with their codes. Close with `await clients.close()` (the ACL user is removed).
 * @throws Error for a store it cannot make read-only.
 */
async function readOnlyClients(stores: readonly StoreName[], redisDriver?: RedisDriverName): Promise<StoreClients> {
  const open: {
    redis?: RedisClient;
    postgres?: Awaited<ReturnType<typeof connectPostgres>>;
    mongodb?: Awaited<ReturnType<typeof connectMongo>>;
    cassandra?: Awaited<ReturnType<typeof connectCassandra>>;
  } = {};
  let admin: Awaited<ReturnType<typeof connectRedis>> | undefined;
  for (const store of stores) {
    const conn = resolveConnection(store);
    if (store === 'postgres') open.postgres = await connectPostgres(conn, { max: 2, options: '-c default_transaction_read_only=on' });
    else if (store === 'redis') {
      admin = await connectRedis(conn);
      await admin.sendCommand(['ACL', 'SETUSER', RO_USER, 'reset', 'on', 'nopass', '~*', '&*', '+@read', '+@connection']);
      const u = new URL(conn.url);
      u.username = RO_USER;
      u.password = 'x';
      open.redis = await openRedisClient({ ...conn, url: u.toString(), username: RO_USER, password: 'x' }, redisDriver ? { driver: redisDriver } : {});
    } else if (store === 'mongodb') open.mongodb = await connectMongo(conn);
    else if (store === 'cassandra') open.cassandra = await connectCassandra(conn, { driver: { queryOptions: { consistency: cassandra.types.consistencies.three } } });
    else throw new Error(`readOnlyClients: no read-only mode for ${store} yet`);
  }
  return Object.assign(open, {
    async close() {
      await Promise.allSettled([open.redis?.close(), open.postgres?.end(), open.mongodb?.close(), open.cassandra?.shutdown()]);
      if (admin) {
        await admin.sendCommand(['ACL', 'DELUSER', RO_USER]).catch(() => undefined);
        await admin.close();
      }
    },
  }) as StoreClients;
}

/**
 * Run one write on clients whose store refuses writes (readOnlyClients) and return the error
 * kind the engine would count it under (engine/types.ts errorKind), or undefined when the
 * write did not reject. Redis through `redisDriver` (default: the default driver). The clients are closed whatever happens.
 */
export async function refusedWriteKind(stores: readonly StoreName[], write: (clients: StoreClients) => Promise<unknown>, redisDriver?: RedisDriverName): Promise<string | undefined> {
  const ro = await readOnlyClients(stores, redisDriver);
  try {
    return await write(ro).then(
      () => undefined,
      (e: unknown) => errorKind(e),
    );
  } finally {
    await ro.close();
  }
}
