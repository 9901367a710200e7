/**
 * reference-impl/likes: the likes family's contract and its paths (DESIGN.md "Storage paths";
 * seed 000, "Likes System"). Paths are opened through reference-impl/registry.ts
 * (openStoragePath('likes', id, clients, options)); the classes are exported for path-specific tests.
 */
export * from './types.js';
export { RedisCounterLikes, redisCounterPath } from './redis-counter.js';
export { RedisHashLikes, redisHashPath, DEFAULT_BUCKET_SIZE, type ListpackLimits } from './redis-hash.js';
export { PgDirectLikes, pgDirectLikesPath } from './pg-direct.js';
export { MongoDirectLikes, mongoDirectLikesPath } from './mongo-direct.js';
export { BatchSyncLikes, batchSyncLikesPath, DEFAULT_FLUSH_MS, DEFAULT_FLUSH_BATCH, type FlushResult } from './batch-sync.js';
export { HotColdLikes, hotColdLikesPath, RECACHE_TTL_S } from './hot-cold.js';
export { PerUserLikes, perUserLikesPath, LIKES_KEYSPACE, type UserLike } from './per-user.js';
