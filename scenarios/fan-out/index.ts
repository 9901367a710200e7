/**
 * fan-out: a celebrity with celebrityFollowers (default 1M) followers and ordinary authors
 * with power-law follower counts post; followers read home timelines and profiles; fan-out on
 * write (Cassandra user_feed, Redis sorted sets), fan-out on read and hybrid are measured side
 * by side on the same data (seeds 001 "User Feed Table (Fan-out on Write)" / "Data Consistency Model", 004
 * "User Timeline Table (Fan-out on Write)", 003 "The Hybrid Approach"). Verifies that sampled followers' feeds hold
 * every post of their followees (also after a fan-out worker was killed), with no duplicate;
 * reports delivery lag, write amplification, read latency, backlog and feed footprint; gives
 * verdicts on 001's "5-10 s" and 004's "5 s" delivery delay, "write amplification during
 * fan-out" and "celebrity users may create hot shards". docs/scenarios.md "fan-out".
 */
import type { ClaimResult, DerivedFigure, ThresholdResult } from '../../core/results.js';
import { newHistogram, percentilesMs, recordNs } from '../../engine/histogram.js';
import { CassandraRedisFeed, FEED_PATH_IDS, type FeedEntry, type FeedStrategy } from '../../reference-impl/feed/index.js';
import { openStoreClients, type StoreClients } from '../../targets/clients.js';
import { PgUsers } from '../../reference-impl/users/pg.js';
import type { Scenario, ScenarioContext } from '../types.js';
import { CELEBRITY, FanOutGraph } from './graph.js';
import { FanOutOptions, STRATEGIES, fanOutOperations, fanOutStages, feedOptions, strategiesOf, strategyIndexOfPost, totalRate } from './options.js';
import { fanOutSection, type StrategyFigures } from './section.js';
import { runKeys, type LagSample } from './workload.js';

export { FanOutOptions } from './options.js';

type O = FanOutOptions;

/** Edges per seedFollows() call. */
const SEED_CHUNK = 20_000;
/** Shards of the feed database in seed 001 ("Feed Database Sharding": user_id % 2000). */
export const FEED_SHARDS = 2000;
/** The seeds' delivery limits, ms: 004 "5 seconds"; 001 "5-10 second lag acceptable" (its upper end). */
export const LIMIT_004_MS = 5000;
export const LIMIT_001_MS = 10_000;

/** Run `f` with clients of Redis, Cassandra and PostgreSQL (users.pg); always closes them. */
async function withClients<T>(ctx: ScenarioContext, f: (c: StoreClients) => Promise<T>): Promise<T> {
  const clients = await openStoreClients(ctx.connections, ['redis', 'cassandra', 'postgres']);
  try {
    return await f(clients);
  } finally {
    await clients.close();
  }
}

/** users.pg in the PostgreSQL schema named like the keyspace (so runs with other keyspaces never share users). */
const usersOf = (c: StoreClients, o: O) => new PgUsers(c.postgres!, { schema: o.keyspace });

const feedOf = (c: StoreClients, s: FeedStrategy, o: O) => new CassandraRedisFeed(s, c.cassandra!, c.redis!, feedOptions(o));

/** A correctness check in threshold form: `<what> == 0`. */
function zeroCheck(expression: string, operation: string, metric: string, unit: string, actual: number | null): ThresholdResult {
  return { expression, operation, metric, unit, limit: 0, actual, passed: actual === 0 };
}

/** Percentiles of lag samples (ms), with the count not seen within the timeout. */
function lagStats(xs: readonly LagSample[]) {
  const h = newHistogram();
  let lost = 0;
  for (const x of xs) {
    if (x.lagMs === null) lost++;
    else recordNs(h, Math.max(1, x.lagMs) * 1e6);
  }
  return { ...percentilesMs(h), undelivered: lost, samples: xs.length };
}

/**
 * Expected top of a user's home timeline under strategy `s`, from the followees' author
 * timelines: push strategies show their own segment's posts; read shows every post; hybrid its
 * own pushed posts plus every post of a followed celebrity.
 */
function expectedFor(s: FeedStrategy, byFollowee: Map<number, FeedEntry[]>, celebs: Set<number>): FeedEntry[] {
  const si = STRATEGIES.indexOf(s);
  const all: FeedEntry[] = [];
  for (const [f, posts] of byFollowee) {
    for (const p of posts) {
      const mine = strategyIndexOfPost(p.postId) === si;
      if (s === 'read' || (s === 'hybrid' && celebs.has(f)) ? true : mine) all.push(p);
    }
  }
  return all.sort((a, b) => b.createdAt - a.createdAt || b.postId - a.postId);
}

/**
 * The fan-out scenario (docs/scenarios.md "fan-out"): stores redis, cassandra and postgres, paths
 * feed.fanout-write, feed.redis-timeline, feed.fanout-read, feed.hybrid and users.pg (profile views); default schedule per
 * strategy a segmentS segment at postRate + readRate ops/s and a drainS quiet stage.
 * reset()/seed() throw UsageError for a keyspace left by an older schema and
 * TargetUnreachableError when a store does not answer. Registered in scenarios/registry.ts.
 */
export const fanOut: Scenario<O> = {
  id: 'fan-out',
  description: 'A 1M-follower celebrity and power-law authors post; fan-out on write (Cassandra, Redis), on read and hybrid side by side: delivery lag, write amplification, feed read latency (seeds 001/004, 003).',
  options: FanOutOptions,
  smokeOptions: {
    users: 400, celebrityFollowers: 300, authors: 40, maxFollowers: 60, historyPosts: 1, postRate: 20, readRate: 40,
    celebrityPosts: 1, celebrityThreshold: 100, fanoutWorkers: 1, fanoutPage: 50, killWorkerAt: 0, lagSamplesPerS: 2,
    checkUsers: 20, finalDrainS: 60, keyspace: 'capbench_fanout_smoke',
  },
  http: { pathOptions: (o) => ({ ...feedOptions(o), schema: o.keyspace }) },
  operations: fanOutOperations,
  defaultStages: fanOutStages,
  defaultRate: totalRate,
  defaultWarmupS: () => 0,
  defaultThresholds: () => ['*:error_rate<1%'],
  workloadModule: new URL('./workload.js', import.meta.url).href,

  async reset(o, ctx) {
    await withClients(ctx, async (c) => {
      const f = feedOf(c, 'write', o);
      await f.setup();
      ctx.log(`fan-out: emptying keyspace ${o.keyspace} and Redis keys fo:${o.keyspace}:*`);
      await f.reset();
      const u = usersOf(c, o);
      await u.setup();
      ctx.log(`fan-out: emptying PostgreSQL schema ${o.keyspace} (users, user_stats)`);
      await u.reset();
    });
  },

  async seed(o, ctx) {
    const g = new FanOutGraph(o);
    await withClients(ctx, async (c) => {
      const f = feedOf(c, 'write', o);
      const t0 = Date.now();
      const planned = g.edges();
      ctx.log(`fan-out: seeding ${planned} follow edges (celebrity ${o.celebrityFollowers}, ${o.authors} power-law authors, alpha ${o.alpha}) into followers + following`);
      let fs: number[] = [];
      let es: number[] = [];
      let done = 0;
      let nextLog = Date.now() + 10_000;
      const flush = async () => {
        done += await f.seedFollows(fs, es);
        fs = [];
        es = [];
        if (Date.now() >= nextLog) {
          ctx.log(`  ${done} / ${planned} edges (${((Date.now() - t0) / 1000).toFixed(0)} s, ${Math.round(done / ((Date.now() - t0) / 1000))} edges/s)`);
          nextLog = Date.now() + 10_000;
        }
      };
      const followingOf = new Int32Array(o.users);
      for (let a = 0; a <= o.authors; a++) {
        const d = g.followerCount(a);
        for (let i = 0; i < d; i++) {
          const fo = g.follower(a, i);
          if (fo !== a) followingOf[fo] = (followingOf[fo] ?? 0) + 1;
          fs.push(fo);
          es.push(a);
          if (fs.length >= SEED_CHUNK) await flush();
        }
      }
      if (fs.length > 0) await flush();
      const edgesS = (Date.now() - t0) / 1000;
      const t1 = Date.now();
      const history: FeedEntry[] = [];
      const base = Date.now() - 3600_000;
      for (let a = 0; a <= o.authors; a++) for (let k = 0; k < o.historyPosts; k++) history.push({ postId: 9e14 + a * 1000 + k, authorId: a, createdAt: base + a + k * 60_000 });
      await f.seedPosts(history);
      const postsS = (Date.now() - t1) / 1000;
      // users.pg: every user, then user_stats counters from the graph (followers of authors, following of everyone, history posts).
      const t2 = Date.now();
      const users = usersOf(c, o);
      await users.seedUsers({ first: 0, count: o.users });
      const ids: number[] = [];
      const rows: { followersCount: number; followingCount: number; postsCount: number }[] = [];
      for (let id = 0; id < o.users; id++) {
        const isAuthor = id <= o.authors;
        const fc = isAuthor ? g.followerCount(id) : 0;
        const gc = followingOf[id] ?? 0;
        const pc = isAuthor ? o.historyPosts : 0;
        if (fc === 0 && gc === 0 && pc === 0) continue;
        ids.push(id);
        rows.push({ followersCount: fc, followingCount: gc, postsCount: pc });
      }
      await users.seedStats(ids, rows);
      const usersS = (Date.now() - t2) / 1000;
      ctx.log(`fan-out: seeded ${o.users} users into PostgreSQL ${o.keyspace}.users (stats for ${ids.length}) in ${usersS.toFixed(1)} s`);
      ctx.log(`fan-out: seeded ${done} edges in ${edgesS.toFixed(1)} s (${Math.round(done / Math.max(edgesS, 0.001))} edges/s, 2 rows each) and ${history.length} history posts in ${postsS.toFixed(1)} s`);
      await c.redis!.set(`${runKeys(o.keyspace).posts}:seed`, JSON.stringify({ edges: done, edgesS, posts: history.length, postsS, users: o.users, usersS }));
    });
  },

  async verify(o, ctx, { outcome, footprint }) {
    const derived: DerivedFigure[] = [];
    const claims: ClaimResult[] = [];
    const notes: string[] = [];
    const checks: ThresholdResult[] = [];
    const strategies = strategiesOf(o);
    const keys = runKeys(o.keyspace);
    const g = new FanOutGraph(o);

    const data = await withClients(ctx, async (c) => {
      const r = c.redis!;
      const list = async <T>(k: string) => (await r.lRange(k, 0, -1)).map((x) => JSON.parse(x) as T);
      const lag = await list<LagSample>(keys.lag);
      const celeb = await list<{ s: FeedStrategy; postId: number; ackAtMs: number; atS: number }>(keys.celeb);
      const backlog = await list<{ atS: number; s: FeedStrategy; n: number }>(keys.backlog);
      const events = await list<{ atS: number; what: string }>(keys.events);
      const reads = await r.hGetAll(keys.reads);
      const seed = JSON.parse((await r.get(`${keys.posts}:seed`)) ?? 'null') as { edges: number; edgesS: number; posts: number; postsS: number; users?: number; usersS?: number } | null;
      const per = new Map<FeedStrategy, { totals: Awaited<ReturnType<CassandraRedisFeed['totals']>>; backlog: number; celebDone: { postId: number; entries: number; toAllMs: number | null }[] }>();
      for (const s of strategies) {
        const f = feedOf(c, s, o);
        const celebDone = [];
        for (const x of celeb.filter((y) => y.s === s)) {
          const d = await f.deliveryOf(x.postId);
          celebDone.push({ postId: x.postId, entries: d.entries, toAllMs: d.doneAt === undefined ? null : d.doneAt - x.ackAtMs });
        }
        per.set(s, { totals: await f.totals(), backlog: await f.backlog(), celebDone });
      }
      // Completeness: sampled users (half the celebrity's followers, half followers of random authors).
      const rnd = ((seed0) => () => ((seed0 = (seed0 * 1103515245 + 12345) % 2147483648) / 2147483648))(o.seed + 17);
      const users = new Set<number>();
      for (let i = 0; users.size < Math.min(o.checkUsers, o.users - 1) && i < o.checkUsers * 20; i++) {
        if (i % 2 === 0) users.add(g.follower(CELEBRITY, Math.floor(rnd() * o.celebrityFollowers)));
        else {
          const a = 1 + Math.floor(rnd() * o.authors);
          users.add(g.follower(a, Math.floor(rnd() * g.followerCount(a))));
        }
      }
      const probe = feedOf(c, 'read', o);
      const celebs = new Set(await feedOf(c, 'hybrid', o).celebrities());
      const check = new Map<FeedStrategy, { missing: number; duplicates: number; checked: number; entries: number }>();
      for (const s of strategies) check.set(s, { missing: 0, duplicates: 0, checked: 0, entries: 0 });
      for (const u of users) {
        const byFollowee = new Map<number, FeedEntry[]>();
        for (const f of await probe.followingOf(u)) byFollowee.set(f, await probe.userPosts(f, 1000));
        for (const s of strategies) {
          const k = Math.min(s === 'redis' ? o.timelineCap : 1000, 1000);
          const want = expectedFor(s, byFollowee, celebs).slice(0, k);
          const got = await feedOf(c, s, o).home(u, k);
          const gotIds = new Set(got.map((e) => e.postId));
          const x = check.get(s)!;
          x.checked++;
          x.entries += want.length;
          x.duplicates += got.length - gotIds.size;
          for (const w of want) if (!gotIds.has(w.postId)) x.missing++;
        }
      }
      return { lag, celeb, backlog, events, reads, seed, per, check, users: users.size };
    });

    // ---- Per strategy figures.
    const figures: StrategyFigures[] = [];
    const op = (name: string) => outcome.operations.find((x) => x.name === name);
    for (const s of strategies) {
      const p = data.per.get(s)!;
      const ordinary = lagStats(data.lag.filter((x) => x.s === s && x.k === 'ordinary'));
      const celebrity = lagStats(data.lag.filter((x) => x.s === s && x.k === 'celebrity'));
      const chk = data.check.get(s)!;
      const toAll = p.celebDone.map((x) => x.toAllMs).filter((x): x is number => x !== null);
      figures.push({
        strategy: s,
        path: FEED_PATH_IDS[s],
        post: op(`${s}.post`)?.latencyMs ?? null,
        celebrityPost: op(`${s}.celebrity_post`)?.latencyMs ?? null,
        home: op(`${s}.home`)?.latencyMs ?? null,
        profile: op(`${s}.profile`)?.latencyMs ?? null,
        ordinary,
        celebrity,
        // Pull (read, and hybrid once the celebrity is over the threshold): visible to every follower once acknowledged.
        celebrityToAllMs: s === 'read' || (s === 'hybrid' && o.celebrityFollowers >= o.celebrityThreshold) ? 0 : toAll.length === 0 || toAll.length < p.celebDone.length ? null : Math.max(...toAll),
        celebrityPushed: s !== 'read' && p.celebDone.some((x) => x.entries > 0),
        totals: p.totals,
        lagCdf: cdf(data.lag.filter((x) => x.s === s && x.lagMs !== null).map((x) => x.lagMs!)),
        check: chk,
      });
      // Checks.
      checks.push(zeroCheck(`${s}: feed entries missing (${chk.checked} sampled users) == 0`, `${s}.home`, 'missing_entries', 'entries', chk.missing));
      checks.push(zeroCheck(`${s}: duplicate feed entries == 0`, `${s}.home`, 'duplicate_entries', 'entries', chk.duplicates));
      if (s !== 'read') checks.push(zeroCheck(`${s}: fan-out tasks left in the queue == 0`, `${s}.post`, 'backlog', 'tasks', p.backlog));
      for (const x of p.celebDone) {
        const pushed = s === 'write' || s === 'redis' || (s === 'hybrid' && o.celebrityFollowers < o.celebrityThreshold);
        if (pushed) checks.push(zeroCheck(`${s}: celebrity post ${x.postId} followers not reached == 0`, `${s}.celebrity_post`, 'followers_not_reached', 'followers', Math.max(0, o.celebrityFollowers - x.entries)));
      }
      const posts = p.totals.posts;
      derived.push({ name: `${s}: write amplification`, value: posts > 0 ? round1(p.totals.entries / posts) : null, unit: 'feed entries/post', note: `${p.totals.entries} entries written by fan-out for ${posts} posts (${p.totals.pushedPosts} pushed)` });
      derived.push({ name: `${s}: fan-out bytes per post`, value: posts > 0 ? Math.round(p.totals.bytes / posts) : null, unit: 'bytes/post', note: 'logical bytes of the entries written (keys, members, scores / 4 bigint columns)' });
      derived.push({ name: `${s}: delivery lag p99, ordinary authors`, value: ordinary.p99 ?? ordinary.max, unit: 'ms', note: `${ordinary.samples} sampled deliveries${ordinary.p99 === null ? ' (fewer than 100: max shown)' : ''}; ${ordinary.undelivered} not seen within ${o.lagTimeoutS} s` });
      derived.push({ name: `${s}: celebrity post to all ${o.celebrityFollowers} followers`, value: figures[figures.length - 1]!.celebrityToAllMs, unit: 'ms', note: figures[figures.length - 1]!.celebrityToAllMs === 0 ? 'pull: visible to every follower once acknowledged' : 'acknowledgement to the last fan-out page written (worker report)' });
    }
    // Kill/restart.
    const kill = data.events.find((e) => e.what.startsWith('killed'));
    if (kill) {
      const near = data.lag.filter((x) => Math.abs(x.atS - kill.atS) <= 10);
      checks.push(zeroCheck('sampled posts lost around the fan-out worker kill (±10 s) == 0', 'fan-out', 'undelivered', 'posts', near.filter((x) => x.lagMs === null).length));
      notes.push(`${kill.what} at ${kill.atS.toFixed(1)} s; ${near.length} sampled deliveries within ±10 s of it`);
    } else if (o.killWorkerAt > 0 && strategies.some((s) => s !== 'read')) notes.push('the fan-out worker kill did not happen (the run ended first)');
    for (const e of data.events.filter((x) => !x.what.startsWith('killed'))) notes.push(`${e.atS.toFixed(1)} s: ${e.what}`);
    if (data.seed) {
      derived.push({ name: 'seeding: follow edges', value: round1(data.seed.edgesS), unit: 's', note: `${data.seed.edges} edges (followers + following rows each), ${Math.round(data.seed.edges / Math.max(data.seed.edgesS, 0.001))} edges/s with concurrent prepared inserts` });
      if (data.seed.usersS !== undefined) derived.push({ name: 'seeding: users (users.pg)', value: round1(data.seed.usersS), unit: 's', note: `${data.seed.users} users + user_stats rows (generate_series), counters set by UPDATE ... FROM unnest` });
      derived.push({ name: 'seeding: history posts', value: round1(data.seed.postsS), unit: 's', note: `${data.seed.posts} posts into posts + user_posts` });
    }
    notes.push(`completeness checked on ${data.users} sampled users (half followers of the celebrity, half of random authors): each one's home timeline against its followees' author timelines`);
    notes.push('push strategies start with empty feeds: seeded history is in user_posts only (pull strategies show it)');

    // Hot shards: feed writes of a celebrity post vs pull reads on the celebrity's partition.
    const shardCounts = new Map<number, number>();
    for (let i = 0; i < o.celebrityFollowers; i++) {
      const sh = g.follower(CELEBRITY, i) % FEED_SHARDS;
      shardCounts.set(sh, (shardCounts.get(sh) ?? 0) + 1);
    }
    const maxWriteShare = Math.max(...shardCounts.values()) / o.celebrityFollowers;
    const homeReads = Number(data.reads.home ?? 0);
    const celebReads = Number(data.reads.homeByCelebrityFollowers ?? 0);
    const readShare = homeReads > 0 ? celebReads / homeReads : null;
    derived.push({ name: 'celebrity post: busiest feed shard\'s share of its writes', value: round4(maxWriteShare), unit: 'ratio', note: `user_id % ${FEED_SHARDS} (001 Feed Database Sharding); fair share ${round4(1 / FEED_SHARDS)}` });
    derived.push({ name: 'home reads touching the celebrity\'s partition (pull)', value: readShare === null ? null : round4(readShare), unit: 'ratio', note: `${celebReads} of ${homeReads} home reads were by the celebrity's followers; under fan-out on read / hybrid each reads user_posts on shard ${CELEBRITY % FEED_SHARDS}` });

    // ---- Claims.
    const main = figures.find((f) => f.strategy === 'write') ?? figures[0]!;
    const lagLine = (limitMs: number) =>
      figures
        .map((f) => {
          const ord = f.ordinary.p99 ?? f.ordinary.max;
          const cel = f.celebrityToAllMs ?? f.celebrity.max;
          return `${f.strategy}: ordinary p99 ${fmt(ord)}, celebrity to all ${fmt(cel)} (${meets(ord, limitMs) && meets(cel, limitMs) ? 'meets' : 'misses'} ${limitMs / 1000} s)`;
        })
        .join('; ');
    const verdictOf = (f: StrategyFigures, limitMs: number): ClaimResult['verdict'] => {
      const ord = f.ordinary.p99 ?? f.ordinary.max;
      const cel = f.celebrityToAllMs ?? f.celebrity.max;
      if (ord === null || f.ordinary.undelivered > 0) return ord === null ? 'not-measurable' : 'refuted';
      return meets(ord, limitMs) && (cel === null || meets(cel, limitMs)) ? 'holds' : 'refuted';
    };
    claims.push({ id: 'feed.delivery-lag-001', source: '001 · Data Consistency Model / Eventual Consistency', claim: 'Feed delivery: 5-10 s lag acceptable', measured: lagLine(LIMIT_001_MS), verdict: verdictOf(main, LIMIT_001_MS), note: `verdict for ${main.strategy} (the seed's fan-out on write when run); the others as listed` });
    claims.push({ id: 'feed.delivery-lag-004', source: '004 · Data Consistency Model / Eventual Consistency', claim: 'Timeline delivery: acceptable delay 5 s', measured: lagLine(LIMIT_004_MS), verdict: verdictOf(main, LIMIT_004_MS), note: `verdict for ${main.strategy}; the others as listed` });
    const wa = figures.map((f) => `${f.strategy}: ${f.totals.posts > 0 ? round1(f.totals.entries / f.totals.posts) : '—'} entries/post, ${f.totals.posts > 0 ? Math.round(f.totals.bytes / f.totals.posts) : '—'} B/post`).join('; ');
    claims.push({ id: 'feed.write-amplification', source: '001 · Database Sharding Strategy / Feed Database Sharding', claim: 'Write amplification during fan-out', measured: wa, verdict: main.totals.posts > 0 ? (main.totals.entries / main.totals.posts > 1 ? 'holds' : 'refuted') : 'not-measurable', note: 'holds when fan-out on write writes more than one feed entry per post' });
    claims.push({
      id: 'feed.celebrity-hot-shard',
      source: '001 · Database Sharding Strategy / User Database Sharding',
      claim: 'Celebrity users may create hot shards',
      measured: `fan-out on write spreads a celebrity post over ${shardCounts.size} of ${FEED_SHARDS} feed shards (busiest ${pct(maxWriteShare)} of its writes, fair ${pct(1 / FEED_SHARDS)}); pull reads put ${readShare === null ? '—' : pct(readShare)} of home reads on the celebrity's one shard`,
      verdict: readShare === null ? 'not-measurable' : readShare > 10 / FEED_SHARDS ? 'holds' : 'refuted',
      note: 'holds when one shard gets over 10x its fair share (1/2000) of some load',
    });

    const sections = [fanOutSection({ o, figures, backlog: data.backlog, events: data.events, celeb: data.celeb, footprint: footprint.after, seed: data.seed })];
    return { derived, claims, notes, checks, sections };
  },
};

const round1 = (x: number) => Math.round(x * 10) / 10;
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 ? 3 : 1)}%`;
const meets = (ms: number | null, limit: number) => ms !== null && ms <= limit;
const fmt = (ms: number | null) => (ms === null ? '—' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

/** Empirical CDF points [lag ms, fraction ≤ lag], at most 200 of them. */
export function cdf(xs: number[]): [number, number][] {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return [];
  const step = Math.max(1, Math.floor(n / 200));
  const out: [number, number][] = [];
  for (let i = 0; i < n; i += step) out.push([s[i]!, (i + 1) / n]);
  if (out[out.length - 1]![0] !== s[n - 1]) out.push([s[n - 1]!, 1]);
  return out;
}
