/**
 * Workload operations of the shards family (reference-impl/shards/types.ts ShardRouter; seeds
 * 001/004 "Database Sharding Strategy"): route-post, route-user (what routing a key costs, in
 * process). No store: nothing to seed or reset; the balance figures are the shard-sim scenario's.
 */
import { defineFamilyOps, type FamilyCheck } from './types.js';

/** The shards family's workload operations; listed in workloads/ops/index.ts. */
export const shardsOps = defineFamilyOps({
  family: 'shards',
  ops: [
    { name: 'route-post', entities: ['post'], summary: 'ShardRouter.shardOf(post id) (2000 shards by default)', run: async (r, k) => void r.shardOf(k) },
    { name: 'route-user', entities: ['user'], summary: 'ShardRouter.shardOf(user id)', run: async (r, k) => void r.shardOf(k) },
  ],
  pathOptions: () => ({ shards: 2000, keySpace: Number.MAX_SAFE_INTEGER }),
  reset: async () => undefined,
  seed: async () => undefined,
  async verify(_r, path): Promise<FamilyCheck[]> {
    return [{ kind: 'not-checked', expression: `${path}: balance`, why: 'a router stores nothing; the shard-sim scenario measures balance, keys moved and hot shards' }];
  },
});
