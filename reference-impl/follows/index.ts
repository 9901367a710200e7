/**
 * reference-impl/follows: the follows.pg storage path (DESIGN.md "Storage paths"; seeds 000
 * "Follows System" and 001 "User Database (PostgreSQL)") and the FollowGraph interface.
 */
export type { FollowGraph, FollowGraphOptions, FollowResetOptions, FollowCounts, PageOptions, UserPage } from './types.js';
export { PgFollows, pgFollowsPath, type PgFollowsOptions, type FollowsAudit, type QueryPlan } from './pg.js';
export { usersDdl, followsDdl } from './schema.js';
export { CassandraFollows, cassandraFollowsPath, followsCassandraDdl, type PagingStatePage } from './cassandra.js';
export { RedisCachedFollows, redisCacheFollowsPath, type CacheStats } from './redis-cache.js';
