/**
 * Workload operations of the follows family (reference-impl/follows/types.ts FollowGraph; seed
 * 000 "Follows System", 001/004 social graph): follow, unfollow, followers, following, mutuals,
 * follow-counts. The key is a user: the followee (follow, unfollow), the user whose lists are
 * read, or the first user of a mutuals pair; the other user is uniform. Load phase: users
 * 0..users-1 and the data.followGraph edges. Verify: a path with an audit() (follows.pg) has its
 * graph audited (duplicate pairs, self follows, counters against rows: all 0), as
 * follow-queries does; other paths are "not checked", saying why.
 */
import type { FollowGraph } from '../../reference-impl/follows/types.js';
import type { FollowsAudit } from '../../reference-impl/follows/pg.js';
import { defineFamilyOps, zeroCheck, type FamilyCheck } from './types.js';

/** A user other than `a`, uniform. */
function other(a: number, users: number, rand: () => number): number {
  if (users < 2) return a;
  const b = Math.floor(rand() * (users - 1));
  return b >= a ? b + 1 : b;
}

const PAGE = { limit: 100 };

/** The follows family's workload operations, load phase and checks (see the module comment); listed in workloads/ops/index.ts. */
export const followsOps = defineFamilyOps({
  family: 'follows',
  ops: [
    { name: 'follow', entities: ['user'], summary: 'FollowGraph.follow(uniform user, key user)', run: (g, k, e) => g.follow(other(k, e.users, e.rand), k).then(() => undefined) },
    { name: 'unfollow', entities: ['user'], summary: 'FollowGraph.unfollow(uniform user, key user); not_found when there was no follow', run: (g, k, e) => g.unfollow(other(k, e.users, e.rand), k).then((r) => (r ? 'ok' : 'not_found')) },
    { name: 'followers', entities: ['user'], summary: 'FollowGraph.followers(user), first page of 100', run: (g, k) => g.followers(k, PAGE).then(() => undefined) },
    { name: 'following', entities: ['user'], summary: 'FollowGraph.following(user), first page of 100', run: (g, k) => g.following(k, PAGE).then(() => undefined) },
    { name: 'mutuals', entities: ['user'], summary: 'FollowGraph.mutuals(user, uniform user), first page of 100', run: (g, k, e) => g.mutuals(k, other(k, e.users, e.rand), PAGE).then(() => undefined) },
    { name: 'follow-counts', entities: ['user'], summary: 'FollowGraph.counts(user): followers and following', run: (g, k) => g.counts(k).then(() => undefined) },
  ],
  pathOptions: (ns) => ({ schema: `${ns}_follows`, keyspace: `${ns}_follows`, redisPrefix: `${ns}:fc:` }),
  reset: (g) => g.reset({ users: true }),
  async seed(g, x) {
    x.log(`follows: seeding ${x.users} users${x.graph ? ` and ${x.graph.edges()} follows` : ''} (${g.path})`);
    await g.seedUsers({ first: 0, count: x.users });
    if (x.graph) for (const b of x.graph.batches()) await g.seedFollows(b.followers, b.followees);
  },
  async verify(g, path, { ops }): Promise<FamilyCheck[]> {
    const auditable = g as FollowGraph & { audit?: () => Promise<FollowsAudit> };
    const op = ops.map((o) => o.name).join('+');
    if (typeof auditable.audit !== 'function') {
      return [{ kind: 'not-checked', expression: `${path}: follow graph audit`, why: `${path} has no audit() (only follows.pg can count duplicate pairs and counter mismatches in one snapshot)` }];
    }
    const a = await auditable.audit();
    return [
      zeroCheck(`${path}: duplicate follows == 0`, op, 'duplicate_follows', 'rows', a.edges - a.distinctPairs),
      zeroCheck(`${path}: self follows == 0`, op, 'self_follows', 'rows', a.selfFollows),
      zeroCheck(`${path}: counter mismatches == 0`, op, 'counter_mismatches', 'users', a.followersMismatches + a.followingMismatches + a.missingStats),
    ];
  },
});
