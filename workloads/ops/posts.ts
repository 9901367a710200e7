/**
 * Workload operations of the posts family (reference-impl/posts/types.ts PostStore; seed 001
 * "2. Post Database (Cassandra)"): post (read by id), create-post, author-posts. Load phase:
 * posts 0..posts-1, post i by user i mod users, one a minute back from now (64 writes in
 * flight). Verify: an evenly spaced sample of up to 200 seeded posts is read back by id (none
 * may be missing); the posts the run created are not read back (their ids are per thread).
 */
import { defineFamilyOps, zeroCheck, type FamilyCheck } from './types.js';

const IN_FLIGHT = 64;
const SAMPLE = 200;

/** The posts family's workload operations, load phase and checks (see the module comment); listed in workloads/ops/index.ts. */
export const postsOps = defineFamilyOps({
  family: 'posts',
  ops: [
    { name: 'post', entities: ['post'], summary: 'PostStore.get(post): one post by id; not_found when absent', run: (p, k) => p.get(k).then((r) => (r ? 'ok' : 'not_found')) },
    { name: 'create-post', entities: ['user'], summary: 'PostStore.create(a new post by user)', run: (p, k, e) => p.create({ postId: e.newId('post'), authorId: k, createdAt: Date.now() }) },
    { name: 'author-posts', entities: ['user'], summary: 'PostStore.latest(user, 20): an author\'s newest posts', run: (p, k) => p.latest(k, 20).then(() => undefined) },
  ],
  pathOptions: (ns) => ({ keyspace: `${ns}_posts` }),
  reset: (p) => p.reset(),
  async seed(p, x) {
    x.log(`posts: seeding ${x.posts} posts (${p.path})`);
    const now = Date.now();
    let next = 0;
    const worker = async () => {
      for (let id = next++; id < x.posts; id = next++) await p.create({ postId: id, authorId: id % x.users, createdAt: now - (x.posts - id) * 60_000 });
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  },
  async verify(p, path, { ops, seeded }): Promise<FamilyCheck[]> {
    if (seeded.posts === 0) return [{ kind: 'not-checked', expression: `${path}: seeded posts missing == 0`, why: 'no posts were seeded (data.posts is 0)' }];
    // The seeded posts must still be there: an evenly spaced sample of the seeded ids.
    const n = Math.min(SAMPLE, seeded.posts);
    let missing = 0;
    for (let i = 0; i < n; i++) if (!(await p.get(Math.floor((i * seeded.posts) / n)))) missing++;
    return [{ ...zeroCheck(`${path}: seeded posts missing == 0`, ops.map((o) => o.name).join('+'), 'posts_missing', 'posts', missing), detail: `${n} of ${seeded.posts} seeded posts read back by id` } as FamilyCheck];
  },
});
