/**
 * Workload operations of the caches family (reference-impl/caches/types.ts CacheLayer; seeds
 * 001/004 "Caching Strategy"): cached-post, cached-user, cached-feed, update-cached-post. Load
 * phase: the backing PostgreSQL tables (users, posts, each user following 10), the cache empty.
 * Verify: an evenly spaced sample of up to 200 seeded posts read through the cache (none
 * missing); the hit ratio is per instance and reported by the caches scenario, not here.
 */
import { defineFamilyOps, zeroCheck, type FamilyCheck } from './types.js';

const SAMPLE = 200;

/** The caches family's workload operations, load phase and checks; listed in workloads/ops/index.ts. */
export const cachesOps = defineFamilyOps({
  family: 'caches',
  ops: [
    { name: 'cached-post', entities: ['post'], summary: 'CacheLayer.getPost(post): post:{id}, else PostgreSQL; not_found when absent', run: (c, k) => c.getPost(k).then((r) => (r ? 'ok' : 'not_found')) },
    { name: 'cached-user', entities: ['user'], summary: 'CacheLayer.getUser(user): user:{id}, else PostgreSQL; not_found when absent', run: (c, k) => c.getUser(k).then((r) => (r ? 'ok' : 'not_found')) },
    { name: 'cached-feed', entities: ['user'], summary: 'CacheLayer.feed(user, 0): feed:{user}:0, else the follows ⋈ posts query; not_found when empty', run: (c, k) => c.feed(k, 0).then((r) => (r.length > 0 ? 'ok' : 'not_found')) },
    { name: 'update-cached-post', entities: ['post'], summary: "CacheLayer.updatePost(post): PostgreSQL, then the path's cache action", run: (c, k) => c.updatePost(k, `edited ${Date.now()}`).then((v) => (v === undefined ? 'not_found' : 'ok')) },
  ],
  pathOptions: (ns) => ({ schema: `${ns}_caches`, redisPrefix: `${ns}:cc:` }),
  reset: (c) => c.reset(),
  async seed(c, x) {
    x.log(`caches: seeding ${x.users} users and ${x.posts} posts in PostgreSQL (${c.path})`);
    await c.seed({ users: Math.max(1, x.users), posts: Math.max(1, x.posts), followsPerUser: Math.min(10, Math.max(0, x.users - 1)) });
  },
  async verify(c, path, { ops, seeded }): Promise<FamilyCheck[]> {
    if (seeded.posts === 0) return [{ kind: 'not-checked', expression: `${path}: seeded posts missing == 0`, why: 'no posts were seeded (data.posts is 0)' }];
    const n = Math.min(SAMPLE, seeded.posts);
    let missing = 0;
    for (let i = 0; i < n; i++) if (!(await c.getPost(Math.floor((i * seeded.posts) / n)))) missing++;
    return [{ ...zeroCheck(`${path}: seeded posts missing == 0`, ops.map((o) => o.name).join('+'), 'posts_missing', 'posts', missing), detail: `${n} of ${seeded.posts} seeded posts read through the cache` } as FamilyCheck];
  },
});
