/**
 * The run phase of fan-out, one per thread (seeds 001 "User Feed Table (Fan-out on Write)", 004 "User Timeline
 * Table (Fan-out on Write)"; 003 "The Hybrid Approach").
 *
 * Operations (per strategy s, on s's feed path): s.post (an ordinary author posts), s.celebrity_post
 * (thread 0 only, at the known moments of celebrityMoments()), s.home (a home-timeline read of
 * homeLimit entries by a uniform user), s.profile (users.pg profile with its counters, then the author's user timeline: "users view
 * profiles"). The arrival mix is postRate : readRate, reads split 2:1 home:profile (the 60:30
 * of DeathStarBench's social network, whose remaining 10% "compose" is our postRate). Which
 * strategy an arrival uses is the stage it falls in (stages labelled with a strategy; see
 * strategyAt()).
 *
 * Delivery lag, measured by a sampling reader: after a post is acknowledged (post() resolved;
 * ackAt = Date.now()), up to lagSamplesPerS posts per second of this thread (and every
 * celebrity post) get lagFollowers of their author's followers (20 for the celebrity) polled
 * every pollMs with the same home() users call, until the post shows up; lag = end of the
 * read that first shows it − ackAt. This measures what the claim is about, "visible in a
 * follower's feed", for every strategy alike (for pull strategies there is no worker to ask),
 * and it cannot under-state the lag: the post was not visible at the previous poll, so the true
 * lag is at most pollMs + one read less than the figure. The celebrity's time to reach all
 * followers comes from the workers instead (the moment the last fan-out page was written,
 * Feed.deliveryOf), because polling 1M feeds is not possible.
 *
 * Thread 0 also runs the fan-out workers (worker threads, fanout-worker.ts), samples the
 * backlog of each pushing strategy once a second, kills worker 0 at killWorkerAt into the first
 * pushing segment and restarts it a second later, and at close() waits for every backlog to
 * drain (finalDrainS) so verify() checks delivered feeds. What threads measure goes to Redis
 * (keys fo:<keyspace>:run:*) at close() for verify().
 *
 * `--via http` (args.via): the four measured operations go through the reference service
 * (service/routes/feed.ts and users.ts; each request named by its operation, the profile's
 * user_posts request "<s>.profile.posts"); the delivery-lag polls, the fan-out workers, the
 * backlog sampling and the bookkeeping stay at driver level (they observe the stores, they are
 * not the load).
 */
import { PgUsers } from '../../reference-impl/users/pg.js';
import { Worker } from 'node:worker_threads';
import { bindOperations, type Operation, type OperationFn, type Workload } from '../../engine/types.js';
import { mulberry32 } from '../../engine/schedule.js';
import type { Stage } from '../../core/results.js';
import { CassandraRedisFeed, FEED_PATH_IDS, type FeedStrategy } from '../../reference-impl/feed/index.js';
import { ServiceClient, feedOverHttp, usersOverHttp, type FeedOps } from '../../service/client.js';
import { openStoreClients } from '../../targets/clients.js';
import type { WorkloadArgs } from '../types.js';
import { CELEBRITY, FanOutGraph } from './graph.js';
import { FanOutOptions, KINDS, STRATEGIES, USERS_PATH, fanOutOperations, feedOptions, opName, postIdOf, strategiesOf, type OpKind } from './options.js';
import type { FanoutWorkerInit } from './fanout-worker.js';

/** A segment of the run given to one strategy, s from the run's start. */
export interface Segment {
  strategy: FeedStrategy;
  fromS: number;
  toS: number;
}

/**
 * The strategy segments of a schedule: stages labelled with a strategy (and their "<s> drain"
 * stages) belong to it; without such labels the run is split evenly between the strategies.
 */
export function segmentsOf(stages: readonly Stage[], strategies: readonly FeedStrategy[]): Segment[] {
  const out: Segment[] = [];
  let t = 0;
  const labelled = stages.some((s) => strategies.includes((s.label ?? '').split(' ')[0] as FeedStrategy));
  if (!labelled) {
    const total = stages.reduce((a, s) => a + s.durationS, 0);
    return strategies.map((s, i) => ({ strategy: s, fromS: (total * i) / strategies.length, toS: (total * (i + 1)) / strategies.length }));
  }
  for (const st of stages) {
    const s = (st.label ?? '').split(' ')[0] as FeedStrategy;
    const seg = out[out.length - 1];
    if (strategies.includes(s)) {
      if (seg && seg.strategy === s) seg.toS = t + st.durationS;
      else out.push({ strategy: s, fromS: t, toS: t + st.durationS });
    } else if (seg) seg.toS = t + st.durationS;
    t += st.durationS;
  }
  return out;
}

/** The active (posting) part of a segment: its stages with arrivals, not its drain. */
export function activeEnd(stages: readonly Stage[], seg: Segment): number {
  let t = 0;
  let end = seg.fromS;
  for (const st of stages) {
    if (t >= seg.fromS && t < seg.toS && st.rate > 0 && !(st.label ?? '').endsWith('drain')) end = t + st.durationS;
    t += st.durationS;
  }
  return Math.min(seg.toS, Math.max(end, seg.fromS));
}

/** Moments (s from the run's start) of the celebrity's posts in a segment: evenly spaced in its active part. */
export function celebrityMoments(seg: Segment, activeEndS: number, n: number): number[] {
  const len = activeEndS - seg.fromS;
  return Array.from({ length: n }, (_, k) => seg.fromS + ((k + 1) * len) / (n + 1));
}

/**
 * The celebrity's post moments in a segment: evenly spaced within its stage labelled
 * "<strategy> celebrity" when there is one (the benchmark puts the celebrity after its rate
 * ladder, so the 1M-follower backlog does not mix with the ladder's lag), else within the
 * segment's active part.
 */
export function celebrityMomentsOf(stages: readonly Stage[], seg: Segment, n: number): number[] {
  let t = 0;
  for (const st of stages) {
    if (t >= seg.fromS && t < seg.toS && st.label === `${seg.strategy} celebrity`) return celebrityMoments({ ...seg, fromS: t }, t + st.durationS, n);
    t += st.durationS;
  }
  return celebrityMoments(seg, activeEnd(stages, seg), n);
}

/** One delivery-lag sample: strategy, celebrity or ordinary author, lag ms (null: not seen within lagTimeoutS). */
export interface LagSample {
  s: FeedStrategy;
  k: 'celebrity' | 'ordinary';
  lagMs: number | null;
  /** Post acknowledgement, ms since the run's start. */
  atS: number;
}

/** Redis keys the workload writes for verify() (lists of JSON lines, and two hashes of counts), under fo:<keyspace>:run:. */
export function runKeys(keyspace: string) {
  const p = `fo:${keyspace}:run:`;
  return { lag: `${p}lag`, celeb: `${p}celeb`, backlog: `${p}backlog`, events: `${p}events`, reads: `${p}reads`, posts: `${p}posts` };
}

/**
 * Create this thread's workload (called by the engine, in the thread): Redis and Cassandra
 * clients, one feed per strategy; thread 0 also starts the fan-out worker threads and waits until
 * they are connected.
 * @throws TargetUnreachableError when a store does not answer.
 */
export async function createWorkload(args: WorkloadArgs<FanOutOptions>, thread: { index: number; count: number }): Promise<Workload> {
  const o = args.options;
  const clients = await openStoreClients(args.connections, ['redis', 'cassandra', 'postgres'], { pgPoolSize: 4 });
  const http = args.via ? new ServiceClient(args.via) : undefined;
  const driverUsers = new PgUsers(clients.postgres!, { schema: o.keyspace });
  const usersOf = (s: FeedStrategy) => (http ? usersOverHttp(http, USERS_PATH, { profile: opName(s, 'profile') }) : driverUsers);
  const strategies = strategiesOf(o);
  const feeds = new Map<FeedStrategy, CassandraRedisFeed>();
  for (const s of strategies) feeds.set(s, new CassandraRedisFeed(s, clients.cassandra!, clients.redis!, feedOptions(o)));
  /** The feed the measured operations use: the driver-level one, or the same path through the service. */
  const hot = new Map<FeedStrategy, FeedOps>();
  const celebHot = new Map<FeedStrategy, FeedOps>();
  for (const s of strategies) {
    hot.set(s, http ? feedOverHttp(http, FEED_PATH_IDS[s], { post: opName(s, 'post'), home: opName(s, 'home'), userPosts: `${opName(s, 'profile')}.posts` }) : feeds.get(s)!);
    celebHot.set(s, http ? feedOverHttp(http, FEED_PATH_IDS[s], { post: opName(s, 'celebrity_post') }) : feeds.get(s)!);
  }
  const graph = new FanOutGraph(o);
  const segs = segmentsOf(args.stages, strategies);
  const keys = runKeys(o.keyspace);
  const rand = mulberry32((args.seed * 7919 + thread.index) ^ 0x1b873593);
  const redis = clients.redis!;

  let runStartMs: number | undefined;
  const seqOf = new Map<FeedStrategy, number>();
  const lag: LagSample[] = [];
  const pollers = new Set<Promise<void>>();
  const reads = { home: 0, homeByCelebrityFollowers: 0 };
  const postsByStrategy = new Map<FeedStrategy, number>();
  const celebAcks: { s: FeedStrategy; postId: number; ackAtMs: number; atS: number }[] = [];
  let lastSampleMs = 0;
  let closing = false;
  const mixOffset = rand();

  const strategyAt = (tS: number): FeedStrategy => (segs.find((g) => tS >= g.fromS && tS < g.toS) ?? segs[segs.length - 1]!).strategy;
  const nextPostId = (s: FeedStrategy) => {
    const n = (seqOf.get(s) ?? 0) + 1;
    seqOf.set(s, n);
    return postIdOf(STRATEGIES.indexOf(s), thread.index, n);
  };

  /** Poll `follower`'s home timeline until `postId` shows up; record the lag. */
  function sample(s: FeedStrategy, kind: LagSample['k'], follower: number, postId: number, ackAt: number): void {
    const feed = feeds.get(s)!;
    const atS = (ackAt - (runStartMs ?? ackAt)) / 1000;
    const p = (async () => {
      const deadline = ackAt + o.lagTimeoutS * 1000;
      for (;;) {
        const got = await feed.home(follower, 100).catch(() => []);
        const now = Date.now();
        if (got.some((e) => e.postId === postId)) return void lag.push({ s, k: kind, lagMs: now - ackAt, atS });
        if (now > deadline) return void lag.push({ s, k: kind, lagMs: null, atS });
        await new Promise((r) => setTimeout(r, o.pollMs));
      }
    })();
    pollers.add(p);
    void p.finally(() => pollers.delete(p));
  }

  async function post(tS: number): Promise<void> {
    const s = strategyAt(tS);
    const author = 1 + Math.floor(rand() * o.authors);
    const postId = nextPostId(s);
    await hot.get(s)!.post({ postId, authorId: author, createdAt: Date.now() });
    const ackAt = Date.now();
    postsByStrategy.set(s, (postsByStrategy.get(s) ?? 0) + 1);
    if (o.lagSamplesPerS > 0 && ackAt - lastSampleMs >= 1000 / o.lagSamplesPerS && !closing) {
      lastSampleMs = ackAt;
      const d = graph.followerCount(author);
      for (let i = 0; i < Math.min(o.lagFollowers, d); i++) sample(s, 'ordinary', graph.follower(author, Math.floor(rand() * d)), postId, ackAt);
    }
  }

  async function celebrityPost(tS: number): Promise<void> {
    const s = strategyAt(tS);
    const postId = nextPostId(s);
    await celebHot.get(s)!.post({ postId, authorId: CELEBRITY, createdAt: Date.now() }, { track: true });
    const ackAt = Date.now();
    celebAcks.push({ s, postId, ackAtMs: ackAt, atS: tS });
    for (let i = 0; i < Math.max(20, o.lagFollowers); i++) sample(s, 'celebrity', graph.follower(CELEBRITY, Math.floor(rand() * o.celebrityFollowers)), postId, ackAt);
  }

  async function home(tS: number): Promise<void> {
    const u = Math.floor(rand() * o.users);
    reads.home++;
    if (u >= 1 && u <= o.celebrityFollowers) reads.homeByCelebrityFollowers++;
    await hot.get(strategyAt(tS))!.home(u, o.homeLimit);
  }

  async function profile(tS: number): Promise<void> {
    const a = rand() < 0.1 ? CELEBRITY : 1 + Math.floor(rand() * o.authors);
    // "users view profiles": the profile with its counters (users.pg), then the author's latest posts (user_posts).
    const s = strategyAt(tS);
    const p = await usersOf(s).profile(a);
    if (p === undefined) throw new Error(`fan-out: user ${a} has no users.pg profile (was the load phase run?)`);
    await hot.get(s)!.userPosts(a, 20);
  }

  const fns: Record<string, OperationFn> = {};
  for (const s of strategies) {
    const byKind: Record<OpKind, OperationFn> = {
      post: (_q, tS) => post(tS),
      celebrity_post: (_q, tS) => celebrityPost(tS),
      home: (_q, tS) => home(tS),
      profile: (_q, tS) => profile(tS),
    };
    for (const k of KINDS) fns[opName(s, k)] = byKind[k];
  }
  const operations = bindOperations(fanOutOperations(o), fns);
  const opOf = new Map<string, Operation>(operations.map((x) => [x.name, x]));

  // ---- Thread 0: celebrity posts, fan-out workers, backlog sampling, the kill/restart.
  const leader = thread.index === 0;
  const celebDue: { s: FeedStrategy; atS: number }[] = [];
  if (leader) for (const g of segs) for (const m of celebrityMomentsOf(args.stages, g, o.celebrityPosts)) celebDue.push({ s: g.strategy, atS: m });
  const pushing = strategies.filter((s) => s !== 'read');
  const fanout: (Worker | undefined)[] = [];
  const events: { atS: number; what: string }[] = [];
  const backlog: { atS: number; s: FeedStrategy; n: number }[] = [];
  /** Start fan-out worker i; resolves once it is connected (so the run does not start against a cold worker). */
  const startWorker = (i: number, consumer: string) =>
    new Promise<void>((resolve) => {
      const init: FanoutWorkerInit = { connections: args.connections, feed: feedOptions(o), strategies: pushing, consumer };
      const w = new Worker(new URL('./fanout-worker.js', import.meta.url), { workerData: init });
      w.on('error', (e) => {
        events.push({ atS: nowS(), what: `fan-out worker ${consumer} failed: ${e.message}` });
        resolve();
      });
      w.on('message', (m: { type?: string; message?: string }) => {
        if (m?.type === 'ready') resolve();
        if (m?.type === 'error') {
          events.push({ atS: nowS(), what: `fan-out worker ${consumer} failed: ${m.message}` });
          resolve();
        }
      });
      fanout[i] = w;
    });
  const nowS = () => (runStartMs === undefined ? 0 : (Date.now() - runStartMs) / 1000);
  let timer: NodeJS.Timeout | undefined;
  if (leader && pushing.length > 0) {
    await Promise.all(Array.from({ length: o.fanoutWorkers }, (_, i) => startWorker(i, `fanout-${i}`)));
    const firstPush = segs.find((g) => g.strategy !== 'read');
    const killAtS = o.killWorkerAt <= 0 || !firstPush ? undefined : firstPush.fromS + (o.killWorkerAt < 1 ? o.killWorkerAt * (activeEnd(args.stages, firstPush) - firstPush.fromS) : o.killWorkerAt);
    let killed = false;
    timer = setInterval(() => {
      if (runStartMs === undefined) return;
      const t = nowS();
      void (async () => {
        for (const s of pushing) backlog.push({ atS: t, s, n: await feeds.get(s)!.backlog() });
      })().catch(() => undefined);
      if (killAtS !== undefined && !killed && t >= killAtS) {
        killed = true;
        const victim = fanout[0];
        void (async () => {
          await victim?.terminate();
          const held: number[] = [];
          for (const s of pushing) {
            const r = (await redis.sendCommand(['XPENDING', `fo:${o.keyspace}:q:${s}`, 'fanout'])) as [number, string | null, string | null, [string, string][] | null];
            held.push(Number((r[3] ?? []).find(([c]) => c === 'fanout-0')?.[1] ?? 0));
          }
          events.push({ atS: nowS(), what: `killed fan-out worker fanout-0 (terminated mid-run; ${held.reduce((a, b) => a + b, 0)} tasks left pending)` });
          await new Promise((r) => setTimeout(r, 1000));
          await startWorker(0, 'fanout-0-restarted');
          events.push({ atS: nowS(), what: 'restarted fan-out worker as fanout-0-restarted (claims tasks pending > 3 s)' });
        })().catch((e: unknown) => events.push({ atS: nowS(), what: `kill/restart failed: ${String(e)}` }));
      }
    }, 1000);
  }

  return {
    operations,
    pick(seq, tS) {
      if (runStartMs === undefined) runStartMs = Date.now() - tS * 1000;
      const s = strategyAt(tS);
      if (leader && celebDue.length > 0 && tS >= celebDue[0]!.atS) {
        const due = celebDue.shift()!;
        return opOf.get(opName(due.s, 'celebrity_post'))!;
      }
      // A golden-ratio low-discrepancy sequence (as follow-queries): every window of arrivals holds the mix's shares.
      const v = mixOffset + seq * INV_PHI;
      const x = (v - Math.floor(v)) * (o.postRate + o.readRate);
      const kind: OpKind = x < o.postRate ? 'post' : x < o.postRate + (o.readRate * 2) / 3 ? 'home' : 'profile';
      return opOf.get(opName(s, kind))!;
    },
    async close() {
      closing = true;
      try {
        if (leader) {
          // Let every fan-out finish before verify() checks the feeds.
          const deadline = Date.now() + o.finalDrainS * 1000;
          for (;;) {
            let left = 0;
            for (const s of pushing) left += await feeds.get(s)!.backlog();
            if (left === 0 || Date.now() > deadline) {
              if (left > 0) events.push({ atS: nowS(), what: `${left} fan-out tasks still queued after waiting ${o.finalDrainS} s` });
              break;
            }
            await new Promise((r) => setTimeout(r, 200));
          }
          if (timer) clearInterval(timer);
          await Promise.all(fanout.map((w) => w?.terminate()));
        }
        await Promise.allSettled([...pollers]);
        const m = redis.multi();
        for (const x of lag) m.addCommand(['RPUSH', keys.lag, JSON.stringify(x)]);
        for (const x of celebAcks) m.addCommand(['RPUSH', keys.celeb, JSON.stringify(x)]);
        for (const x of backlog) m.addCommand(['RPUSH', keys.backlog, JSON.stringify(x)]);
        for (const x of events) m.addCommand(['RPUSH', keys.events, JSON.stringify(x)]);
        m.addCommand(['HINCRBY', keys.reads, 'home', String(reads.home)]);
        m.addCommand(['HINCRBY', keys.reads, 'homeByCelebrityFollowers', String(reads.homeByCelebrityFollowers)]);
        for (const [s, n] of postsByStrategy) m.addCommand(['HINCRBY', keys.posts, s, String(n)]);
        await m.exec();
      } finally {
        await http?.close();
        await clients.close();
      }
    },
  };
}

/** 1/φ: the step of the golden-ratio sequence that picks the mix. */
const INV_PHI = (Math.sqrt(5) - 1) / 2;
