/**
 * Workload operations of the stories family (reference-impl/stories/types.ts StoryStore; seed
 * 001 "3. Stories Database (Cassandra + Redis)"): create-story, view-story, active-stories,
 * story-views. Load phase: one story per user (story id = user id), 64 writes in flight. Verify:
 * an evenly spaced sample of up to 200 seeded users still has its story active (none missing;
 * stories live 24 h).
 */
import { defineFamilyOps, zeroCheck, type FamilyCheck } from './types.js';

const IN_FLIGHT = 64;
const SAMPLE = 200;

/** The stories family's workload operations, load phase and checks; listed in workloads/ops/index.ts. */
export const storiesOps = defineFamilyOps({
  family: 'stories',
  ops: [
    {
      name: 'create-story',
      entities: ['user'],
      summary: 'StoryStore.create(a new story of user)',
      run: (s, k, e) => {
        const id = e.newId('post');
        return s.create({ storyId: id, userId: k, mediaUrl: `https://cdn.example/s/${id}.jpg`, mediaType: 'image', createdAt: Date.now() });
      },
    },
    { name: 'view-story', entities: ['user'], summary: "StoryStore.view(story of user, a random viewer): not_found for a repeat viewer", run: (s, k, e) => s.view(k, Math.floor(e.rand() * e.users)).then((n) => (n ? 'ok' : 'not_found')) },
    { name: 'active-stories', entities: ['user'], summary: "StoryStore.active(user): the user's stories, newest first; not_found when none", run: (s, k) => s.active(k).then((r) => (r.length > 0 ? 'ok' : 'not_found')) },
    { name: 'story-views', entities: ['user'], summary: 'StoryStore.viewCounts(story of user): SCARD and PFCOUNT', run: (s, k) => s.viewCounts(k).then(() => undefined) },
  ],
  pathOptions: (ns) => ({ keyspace: `${ns}_stories`, redisPrefix: `${ns}:st:` }),
  reset: (s) => s.reset(),
  async seed(s, x) {
    x.log(`stories: seeding one story for each of ${x.users} users (${s.path})`);
    const now = Date.now();
    let next = 0;
    const worker = async () => {
      for (let u = next++; u < x.users; u = next++) await s.create({ storyId: u, userId: u, mediaUrl: `https://cdn.example/s/${u}.jpg`, mediaType: 'image', createdAt: now });
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  },
  async verify(s, path, { ops, seeded }): Promise<FamilyCheck[]> {
    if (seeded.users === 0) return [{ kind: 'not-checked', expression: `${path}: seeded stories missing == 0`, why: 'no users were seeded (data.users is 0)' }];
    const n = Math.min(SAMPLE, seeded.users);
    let missing = 0;
    for (let i = 0; i < n; i++) {
      const u = Math.floor((i * seeded.users) / n);
      if (!(await s.active(u)).some((x) => x.storyId === u)) missing++;
    }
    return [{ ...zeroCheck(`${path}: seeded stories missing == 0`, ops.map((o) => o.name).join('+'), 'stories_missing', 'stories', missing), detail: `${n} of ${seeded.users} users' stories read back` } as FamilyCheck];
  },
});
