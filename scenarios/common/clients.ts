/**
 * Open the official clients a scenario needs from resolved connections, and close them
 * again. Connection failures surface as TargetUnreachableError (one line: store, address,
 * what to do).
 */
import type pg from 'pg';
import type { RedisClientType } from 'redis';
import type { Connection, StoreName } from '../../core/target.js';
import { connectRedis } from '../../targets/redis/client.js';
import { connectPostgres } from '../../targets/postgres/client.js';

/** Connected clients; only those asked for are set. */
export interface Clients {
  redis?: RedisClientType;
  pg?: pg.Pool;
  close(): Promise<void>;
}

/**
 * Connect to each store in `stores`.
 * @param pgPoolSize most PostgreSQL connections of this thread's pool.
 * @throws UsageError when a needed connection was not resolved; TargetUnreachableError when a store does not answer.
 */
export async function openClients(connections: Partial<Record<StoreName, Connection>>, stores: readonly StoreName[], pgPoolSize = 20): Promise<Clients> {
  const out: Clients = {
    async close() {
      await Promise.allSettled([out.redis?.close(), out.pg?.end()]);
    },
  };
  try {
    if (stores.includes('redis')) out.redis = await connectRedis(need(connections, 'redis'));
    if (stores.includes('postgres')) out.pg = await connectPostgres(need(connections, 'postgres'), { max: pgPoolSize });
  } catch (err) {
    await out.close();
    throw err;
  }
  return out;
}

function need(c: Partial<Record<StoreName, Connection>>, store: StoreName): Connection {
  const conn = c[store];
  if (!conn) throw new Error(`internal: no ${store} connection resolved`);
  return conn;
}
