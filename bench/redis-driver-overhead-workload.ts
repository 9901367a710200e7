/**
 * The workload bench/redis-driver-overhead.ts hands to capbench's engine: one operation, "like",
 * on likes.redis-counter (seed 000, "Likes System": INCR p:{id}:l), opened through the path
 * registry on the bench's own Redis connection. The engine runs one worker inline (workers 1),
 * so this module is the bench's own instance and the connection is the very one the plain
 * driver loop uses: the two loops differ only in what drives the INCRs.
 */
import { bindOperations, type Workload } from '../engine/types.js';
import type { LikeCounter } from '../reference-impl/likes/types.js';
import { getStoragePath } from '../reference-impl/registry.js';
import type { RedisClient } from '../targets/redis/driver.js';

/** The connection and key space of the next workload (set by the bench before each runLoad). */
export const shared: { client?: RedisClient; keyPrefix: string; posts: number } = { keyPrefix: '', posts: 1 };

/** The path on `client` with `keyPrefix` (likes.redis-counter from the registry; the caller keeps the client). */
export function counterOn(client: RedisClient, keyPrefix: string): LikeCounter {
  return getStoragePath('likes.redis-counter', 'likes').open({ redis: client, close: async () => undefined }, { keyPrefix });
}

/**
 * Called by the engine (engine/protocol.ts loadWorkload): like post `seq % posts`, the key
 * choice of the plain loop. close() leaves the connection open (the bench's).
 * @throws Error when the bench set no connection (a bug).
 */
export async function createWorkload(): Promise<Workload> {
  const { client, keyPrefix, posts } = shared;
  if (!client) throw new Error('redis-driver-overhead: no connection was handed to the workload');
  const counter = counterOn(client, keyPrefix);
  const noop = () => undefined;
  const operations = bindOperations([{ name: 'like', path: 'likes.redis-counter' }], { like: (seq) => counter.like(seq % posts).then(noop) });
  const like = operations[0]!;
  return { operations, pick: () => like, close: async () => undefined };
}
