/**
 * Workload operations of the likes family (reference-impl/likes/types.ts LikeCounter; seed 000
 * "Likes System"): like, like-count. Load phase: every post seeded with 0 likes. Verify: likes
 * lost = acknowledged likes − the sum of every counter (must be 0), as viral-like-spike checks.
 */
import { defineFamilyOps, type FamilyCheck } from './types.js';

/** The likes family's workload operations, load phase and checks (see the module comment); listed in workloads/ops/index.ts. */
export const likesOps = defineFamilyOps({
  family: 'likes',
  ops: [
    { name: 'like', entities: ['post'], summary: 'LikeCounter.like(post): one like, atomically', run: (c, k) => c.like(k).then(() => undefined) },
    { name: 'like-count', entities: ['post'], summary: 'LikeCounter.count(post): the post\'s like count', run: (c, k) => c.count(k).then(() => undefined) },
  ],
  pathOptions: (ns) => ({ keyPrefix: `${ns}:`, schema: `${ns}_likes` }),
  reset: (c) => c.reset(),
  async seed(c, x) {
    x.log(`likes: seeding ${x.posts} posts with 0 likes (${c.path})`);
    await c.seed({ first: 0, count: x.posts, initial: 0 });
  },
  async verify(c, path, { ops }): Promise<FamilyCheck[]> {
    const likes = ops.filter((o) => o.op === 'like');
    if (likes.length === 0) return [{ kind: 'not-checked', expression: `${path}: likes lost == 0`, why: 'no like operation ran on this path, so there is nothing to count' }];
    const acknowledged = likes.reduce((a, o) => a + o.acknowledged, 0);
    const stored = await c.total();
    const lost = Math.max(0, acknowledged - stored.likes);
    return [
      {
        kind: 'checked',
        result: { expression: `${path}: likes lost == 0`, operation: likes.map((o) => o.name).join('+'), metric: 'likes_lost', unit: 'likes', limit: 0, actual: lost, passed: lost === 0 },
        detail: `${acknowledged} acknowledged, ${stored.likes} stored (sum of every counter)`,
      },
    ];
  },
});
