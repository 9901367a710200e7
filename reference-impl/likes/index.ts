/**
 * reference-impl/likes: like-counter storage paths and a factory by path id
 * (DESIGN.md "Storage paths": likes.redis-counter, likes.redis-hash, likes.pg-direct; seed 000).
 */
import type pg from 'pg';
import type { RedisClientType } from 'redis';
import { UsageError } from '../../core/errors.js';
import { PgDirectLikes, type PgDirectOptions } from './pg-direct.js';
import { RedisCounterLikes, type RedisCounterOptions } from './redis-counter.js';
import { RedisHashLikes, type RedisHashOptions } from './redis-hash.js';
import { LIKE_PATHS, type LikeCounter, type LikePathId } from './types.js';

export * from './types.js';
export { RedisCounterLikes, type RedisCounterOptions } from './redis-counter.js';
export { RedisHashLikes, DEFAULT_BUCKET_SIZE, type RedisHashOptions, type ListpackLimits } from './redis-hash.js';
export { PgDirectLikes, type PgDirectOptions } from './pg-direct.js';

/** Already-connected clients; a path uses the one it needs. reference-impl never connects or closes them. */
export interface LikeClients {
  /** node-redis v5, RESP2 (`createClient({ url, RESP: 2 })`), connected. */
  redis?: RedisClientType;
  /** pg.Pool for the target database. */
  pg?: pg.Pool;
}

/** Options for every like path; each path reads its own fields. */
export type LikeCounterOptions = RedisCounterOptions & RedisHashOptions & PgDirectOptions;

/** True when `id` names a like-counter path implemented here. */
export function isLikePath(id: string): id is LikePathId {
  return (LIKE_PATHS as readonly string[]).includes(id);
}

/**
 * Build the like counter for a storage path id. Call setup() on the result before use.
 * @throws UsageError for an unknown path id, or when the client the path needs is missing.
 */
export function createLikeCounter(path: string, clients: LikeClients, opts: LikeCounterOptions = {}): LikeCounter {
  if (!isLikePath(path)) {
    throw new UsageError(`Unknown like storage path "${path}".`, { hint: `Use one of: ${LIKE_PATHS.join(', ')}.` });
  }
  switch (path) {
    case 'likes.redis-counter':
      return new RedisCounterLikes(need(clients.redis, path, 'redis'), opts);
    case 'likes.redis-hash':
      return new RedisHashLikes(need(clients.redis, path, 'redis'), opts);
    case 'likes.pg-direct':
      return new PgDirectLikes(need(clients.pg, path, 'postgres'), opts);
  }
}

/** The client a path needs, or a UsageError naming the path and the store. */
function need<T>(client: T | undefined, path: string, store: string): T {
  if (client === undefined) throw new UsageError(`Storage path ${path} needs a ${store} client.`);
  return client;
}
