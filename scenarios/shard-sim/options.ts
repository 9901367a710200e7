/**
 * Options of shard-sim (seeds 001/004 "Database Sharding Strategy": post_id % 2000, user_id %
 * 200; 002/003 "Sharding": range, consistent hashing with virtual nodes). The key streams are the
 * scenarios': zipfian likes over posts (viral-like-spike, scenarios/common/zipf.ts) and the
 * fan-out graph with its celebrity (scenarios/fan-out/graph.ts).
 */
import { z } from 'zod';
import type { OperationSpec } from '../../engine/types.js';

export const ShardSimOptions = z
  .object({
    /** Posts (keys 0..posts-1) of the likes stream. */
    posts: z.coerce.number().int().min(1000).max(10_000_000).default(1_000_000),
    /** Likes drawn (zipfian over posts) for the load-per-shard figures. */
    likes: z.coerce.number().int().min(1000).max(20_000_000).default(1_000_000),
    /** Zipfian exponent of the likes (YCSB's 0.99, as viral-like-spike). */
    zipfS: z.coerce.number().min(0).max(3).default(0.99),
    /** Post shards (seed 001: 2000). */
    postShards: z.coerce.number().int().min(2).max(20_000).default(2000),
    /** User shards (seed 001: 200). */
    userShards: z.coerce.number().int().min(2).max(20_000).default(200),
    /** Virtual nodes per shard on the consistent-hash ring. */
    vnodes: z.coerce.number().int().min(1).max(1000).default(100),
    /** The fan-out graph: users, the celebrity's followers, ordinary authors (as the fan-out scenario). */
    users: z.coerce.number().int().min(1000).max(50_000_000).default(1_100_000),
    celebrityFollowers: z.coerce.number().int().min(1).default(1_000_000),
    authors: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
    /** Keys sampled for the "keys moved when adding a shard" curve (N = 10 .. postShards). */
    moveSample: z.coerce.number().int().min(1000).max(1_000_000).default(100_000),
    /** Routing rate of the run phase, ops/s (each op routes one like's key through one router), and its length, s. */
    rate: z.coerce.number().positive().default(3000),
    durationS: z.coerce.number().positive().default(10),
    seed: z.coerce.number().int().default(1),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.celebrityFollowers > o.users - 1) ctx.addIssue({ code: 'custom', path: ['celebrityFollowers'], message: `the celebrity cannot have ${o.celebrityFollowers} followers among ${o.users} users: give a smaller celebrityFollowers or more users` });
    if (o.authors > o.users - 1) ctx.addIssue({ code: 'custom', path: ['authors'], message: `${o.authors} authors do not fit among ${o.users} users` });
    if (o.postShards > o.posts) ctx.addIssue({ code: 'custom', path: ['postShards'], message: `more post shards (${o.postShards}) than posts (${o.posts})` });
  });
export type ShardSimOptions = z.infer<typeof ShardSimOptions>;

/** The three routers, one operation each: the run phase measures what routing a key costs (µs). */
export const ROUTERS = ['shards.hash-mod', 'shards.range', 'shards.consistent-hash'] as const;

/** Operations: route_hash_mod, route_range, route_consistent_hash, one per router path. */
export function shardSimOperations(_o: ShardSimOptions): OperationSpec[] {
  return ROUTERS.map((p) => ({ name: `route_${p.slice('shards.'.length).replace(/-/g, '_')}`, path: p }));
}
