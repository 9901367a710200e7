/**
 * Workload operations of the users family (reference-impl/users/types.ts UserStore; seed 001/004
 * "1. User Database (PostgreSQL)"): user (profile with counters), bump-posts-count. Load phase:
 * users 0..users-1, and with data.followGraph their followers/following counters from the graph
 * (as the fan-out scenario seeds users.pg). Verify: an evenly spaced sample of up to 200 seeded
 * users is read back (none missing); the counters' agreement with a follow graph is the follows
 * family's audit (follows.pg), so here it is "not checked".
 */
import { defineFamilyOps, zeroCheck, type FamilyCheck } from './types.js';
import type { UserStats } from '../../reference-impl/users/types.js';

const SAMPLE = 200;
const BATCH = 10_000;

/** The users family's workload operations, load phase and checks (see the module comment); listed in workloads/ops/index.ts. */
export const usersOps = defineFamilyOps({
  family: 'users',
  ops: [
    { name: 'user', entities: ['user'], summary: 'UserStore.profile(user): the user row with its counters; not_found when absent', run: (u, k) => u.profile(k).then((r) => (r ? 'ok' : 'not_found')) },
    { name: 'bump-posts-count', entities: ['user'], summary: 'UserStore.bump(user, postsCount +1)', run: (u, k) => u.bump(k, { postsCount: 1 }).then((r) => (r ? 'ok' : 'not_found')) },
  ],
  pathOptions: (ns) => ({ schema: `${ns}_users` }),
  reset: (u) => u.reset(),
  async seed(u, x) {
    x.log(`users: seeding ${x.users} users${x.graph ? ' with their follow counters' : ''} (${u.path})`);
    await u.seedUsers({ first: 0, count: x.users });
    if (!x.graph) return;
    const following = x.graph.followingCounts();
    for (let first = 0; first < x.users; first += BATCH) {
      const ids: number[] = [];
      const rows: UserStats[] = [];
      for (let id = first; id < Math.min(x.users, first + BATCH); id++) {
        ids.push(id);
        rows.push({ followersCount: x.graph.followerCount(id), followingCount: following[id]!, postsCount: 0 });
      }
      await u.seedStats(ids, rows);
    }
  },
  async verify(u, path, { ops, seeded }): Promise<FamilyCheck[]> {
    const out: FamilyCheck[] = [];
    if (seeded.users === 0) out.push({ kind: 'not-checked', expression: `${path}: seeded users missing == 0`, why: 'no users were seeded (data.users is 0)' });
    else {
      const n = Math.min(SAMPLE, seeded.users);
      let missing = 0;
      for (let i = 0; i < n; i++) if (!(await u.profile(Math.floor((i * seeded.users) / n)))) missing++;
      out.push({ ...zeroCheck(`${path}: seeded users missing == 0`, ops.map((o) => o.name).join('+'), 'users_missing', 'users', missing), detail: `${n} of ${seeded.users} seeded users read back` } as FamilyCheck);
    }
    out.push({ kind: 'not-checked', expression: `${path}: counters agree with the follow graph`, why: 'users.pg keeps counters but not the edges they count; follows.pg audits its own counters' });
    return out;
  },
});
