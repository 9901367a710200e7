/**
 * One bag of connected clients for every store, opened from resolved connections with each
 * store's official driver (targets/<store>/client.ts) and closed together. Storage paths
 * (reference-impl/registry.ts) take what they need from it; nobody else connects.
 */
import type pg from 'pg';
import type { MongoClient } from 'mongodb';
import type { Client as ElasticsearchClient } from '@elastic/elasticsearch';
import { CapbenchError } from '../core/errors.js';
import type { Connection, StoreName } from '../core/target.js';
import type { RedisClient } from './redis/driver.js';
import { openRedisClient } from './redis/open.js';
import { connectPostgres } from './postgres/client.js';
import { connectMongo } from './mongodb/client.js';
import { connectCassandra, type CassandraClient } from './cassandra/client.js';
import { connectElasticsearch } from './elasticsearch/client.js';

/** The client type of each store: capbench's RedisClient over ioredis or node-redis (targets/redis/driver.ts, per Connection.redisDriver), pg.Pool, MongoClient, cassandra-driver Client, @elastic/elasticsearch Client. */
export interface StoreClientTypes {
  redis: RedisClient;
  postgres: pg.Pool;
  mongodb: MongoClient;
  cassandra: CassandraClient;
  elasticsearch: ElasticsearchClient;
}

/** Connected clients; only the stores asked for are set. close() ends them all and never throws. */
export type StoreClients = { readonly [S in StoreName]?: StoreClientTypes[S] } & { close(): Promise<void> };

/** Options of openStoreClients(). */
export interface OpenClientsOptions {
  /** Most PostgreSQL connections of this pool (default 20). */
  pgPoolSize?: number;
  /** Most MongoDB connections of this client (driver default 100). */
  mongoPoolSize?: number;
}

/**
 * Connect to each store in `stores` (each once, whatever the order or repeats).
 * @throws CapbenchError when a store has no resolved connection (a bug in the caller);
 *   TargetUnreachableError (one line: store, address, what to do) when a store does not
 *   answer — the clients already opened are closed first.
 */
export async function openStoreClients(
  connections: Partial<Record<StoreName, Connection>>,
  stores: readonly StoreName[],
  opts: OpenClientsOptions = {},
): Promise<StoreClients> {
  const open: { -readonly [S in StoreName]?: StoreClientTypes[S] } = {};
  const close = async () => {
    await Promise.allSettled([
      open.redis?.close(),
      open.postgres?.end(),
      open.mongodb?.close(),
      open.cassandra?.shutdown(),
      open.elasticsearch?.close(),
    ]);
  };
  try {
    for (const store of new Set(stores)) {
      const conn = connections[store];
      if (!conn) throw new CapbenchError(`internal: no ${store} connection was resolved before opening its client.`);
      switch (store) {
        case 'redis':
          open.redis = await openRedisClient(conn);
          break;
        case 'postgres':
          open.postgres = await connectPostgres(conn, { max: opts.pgPoolSize ?? 20 });
          break;
        case 'mongodb':
          open.mongodb = await connectMongo(conn, opts.mongoPoolSize ? { driver: { maxPoolSize: opts.mongoPoolSize } } : {});
          break;
        case 'cassandra':
          open.cassandra = await connectCassandra(conn);
          break;
        case 'elasticsearch':
          open.elasticsearch = await connectElasticsearch(conn);
          break;
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  return Object.assign(open, { close });
}
