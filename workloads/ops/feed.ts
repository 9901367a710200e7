/**
 * Workload operations of the feed family (reference-impl/feed/types.ts Feed; seeds 001/004
 * "Fan-out on Write", 003 "The Hybrid Approach"): home-feed, publish, author-feed. The key is a
 * user: the reader (home-feed), the author (publish, author-feed). Load phase: the
 * data.followGraph edges and data.posts history posts (post i by user i mod users, one a
 * minute back from now; no fan-out, as the fan-out scenario seeds history). While the run
 * lasts the first thread runs a fan-out worker for the pushing strategies. Verify: the fan-out
 * queue drained (tasks left == 0, after up to 30 s) and posts stored >= posts acknowledged, as
 * the fan-out scenario checks; per-follower delivery lag needs tracked posts (the fan-out
 * scenario measures it) and is "not checked" here.
 */
import { defineFamilyOps, zeroCheck, type FamilyCheck } from './types.js';

/** How long verify drains the fan-out queue, ms. */
const DRAIN_MS = 30_000;
const HOME_LIMIT = 50;

/** The feed family's workload operations, load phase and checks (see the module comment); listed in workloads/ops/index.ts. */
export const feedOps = defineFamilyOps({
  family: 'feed',
  sharedData: true,
  ops: [
    { name: 'home-feed', entities: ['user'], summary: `Feed.home(user, ${HOME_LIMIT}): the newest entries of the user's home timeline`, run: (f, k) => f.home(k, HOME_LIMIT).then(() => undefined) },
    { name: 'publish', entities: ['user'], summary: 'Feed.post(a new post by user): stored and its fan-out queued', run: (f, k, e) => f.post({ postId: e.newId('post'), authorId: k, createdAt: Date.now() }) },
    { name: 'author-feed', entities: ['user'], summary: 'Feed.userPosts(user, 20): an author\'s newest posts', run: (f, k) => f.userPosts(k, 20).then(() => undefined) },
  ],
  pathOptions: (ns) => ({ keyspace: `${ns}_feed`, redisPrefix: `${ns}:fo:` }),
  reset: (f) => f.reset(),
  async seed(f, x) {
    x.log(`feed: seeding ${x.graph ? `${x.graph.edges()} follows and ` : ''}${x.posts} history posts (${f.path})`);
    if (x.graph) for (const b of x.graph.batches(5000)) await f.seedFollows(b.followers, b.followees);
    const now = Date.now();
    const BATCH = 5000;
    for (let first = 0; first < x.posts; first += BATCH) {
      const batch = [];
      for (let id = first; id < Math.min(x.posts, first + BATCH); id++) batch.push({ postId: id, authorId: id % x.users, createdAt: now - (x.posts - id) * 60_000 });
      await f.seedPosts(batch);
    }
  },
  background(f, consumer) {
    const w = f.worker(consumer);
    if (!w) return undefined;
    let stop = false;
    const loop = (async () => {
      while (!stop) {
        const n = await w.step({ max: 16, blockMs: 50 }).catch(() => 0);
        if (n === 0) await new Promise((r) => setTimeout(r, 20));
      }
    })();
    return async () => {
      stop = true;
      await loop;
    };
  },
  async verify(f, path, { ops }): Promise<FamilyCheck[]> {
    const out: FamilyCheck[] = [];
    const published = ops.filter((o) => o.op === 'publish');
    const opNames = ops.map((o) => o.name).join('+');
    if (published.length === 0) {
      out.push({ kind: 'not-checked', expression: `${path}: fan-out delivered`, why: 'no publish operation ran on this path, so nothing was fanned out' });
      return out;
    }
    // Drain what the run's worker left, with a worker of our own.
    const w = f.worker('wl-verify');
    const end = Date.now() + DRAIN_MS;
    let backlog = await f.backlog();
    while (w && backlog > 0 && Date.now() < end) {
      await w.step({ max: 64, blockMs: 50, claimIdleMs: 1000 });
      backlog = await f.backlog();
    }
    if (w) out.push(zeroCheck(`${path}: fan-out tasks left in the queue == 0`, opNames, 'backlog', 'tasks', backlog));
    else out.push({ kind: 'not-checked', expression: `${path}: fan-out tasks left in the queue == 0`, why: `${path} never pushes (fan-out on read): there is no queue to drain` });
    const acknowledged = published.reduce((a, o) => a + o.acknowledged, 0);
    const t = await f.totals();
    const lost = Math.max(0, acknowledged - t.posts);
    out.push({
      kind: 'checked',
      result: { expression: `${path}: published posts lost == 0`, operation: published.map((o) => o.name).join('+'), metric: 'posts_lost', unit: 'posts', limit: 0, actual: lost, passed: lost === 0 },
      detail: `${acknowledged} acknowledged, ${t.posts} stored; ${t.entries} feed entries written by fan-out (${t.pushedPosts} posts pushed)`,
    });
    out.push({ kind: 'not-checked', expression: `${path}: delivery lag`, why: 'per-follower delivery lag needs tracked posts and feed polling: the fan-out scenario measures it (capbench run fan-out)' });
    return out;
  },
});
