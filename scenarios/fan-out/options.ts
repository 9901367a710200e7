/**
 * Options of the fan-out scenario (docs/scenarios.md "fan-out"), validated by one zod schema;
 * the checks that need two options at once (a celebrity larger than the user count) are
 * refinements, so a bad combination is one line and exit 2 before any work starts.
 */
import { z } from 'zod';
import type { Stage } from '../../core/results.js';
import type { OperationSpec } from '../../engine/types.js';
import { FEED_PATH_IDS, KEYSPACE_RE, type FeedOptions, type FeedStrategy } from '../../reference-impl/feed/index.js';

/** The strategies in the order `all` runs them. */
export const STRATEGIES: readonly FeedStrategy[] = ['write', 'redis', 'read', 'hybrid'];

/**
 * The options schema (strict; numbers coerced from -o strings). FanOutOptions.parse({}) gives the
 * defaults: the full-scale run (1.1M users, a 1M-follower celebrity).
 */
export const FanOutOptions = z
  .object({
    /** write | redis | read | hybrid, or all: the four one after the other on the same data and workload. */
    strategy: z.enum(['write', 'redis', 'read', 'hybrid', 'all']).default('all'),
    /** Users 0..users-1. User 0 is the celebrity; users 1..authors are the ordinary authors. */
    users: z.coerce.number().int().min(3).max(50_000_000).default(1_100_000),
    /** The celebrity's followers (users 1..celebrityFollowers). */
    celebrityFollowers: z.coerce.number().int().min(1).default(1_000_000),
    /** Ordinary authors (users 1..authors), each with a power-law follower count (see graph.ts). */
    authors: z.coerce.number().int().min(1).default(10_000),
    /** Fewest followers of an ordinary author (the power law's x_min). */
    minFollowers: z.coerce.number().int().min(1).default(5),
    /** Most followers of an ordinary author (the power law's cut-off). */
    maxFollowers: z.coerce.number().int().min(1).default(50_000),
    /** Power-law exponent of the follower-count density p(k) ∝ k^-alpha (Kwak et al. 2010, Twitter: 2.276). */
    alpha: z.coerce.number().gt(2).max(5).default(2.276),
    /** Posts per author seeded as history (author timelines) before the run. */
    historyPosts: z.coerce.number().int().min(0).max(1000).default(3),
    /** Ordinary posts per second during each strategy's segment (seed 000: posts ~1K/s). */
    postRate: z.coerce.number().min(0).default(1000),
    /** Home-timeline + profile reads per second (DeathStarBench social network: 60% home, 30% user timeline, 10% compose). */
    readRate: z.coerce.number().min(0).default(9000),
    /** Posts of the celebrity per strategy segment, at evenly spaced known moments. */
    celebrityPosts: z.coerce.number().int().min(0).max(100).default(2),
    /** Length of each strategy's segment of the default schedule, s. */
    segmentS: z.coerce.number().positive().default(30),
    /** Quiet time after each segment (no arrivals) for its fan-out backlog to drain, s. */
    drainS: z.coerce.number().min(0).default(15),
    /** Entries per home-timeline read. */
    homeLimit: z.coerce.number().int().min(1).max(1000).default(50),
    /** feed.redis-timeline cap (seed 004: last 200; capbench default 800). */
    timelineCap: z.coerce.number().int().min(1).max(100_000).default(800),
    /** feed.hybrid: authors with at least this many followers are pulled. */
    celebrityThreshold: z.coerce.number().int().min(1).default(10_000),
    /** Fan-out worker threads (started by the run's first thread). */
    fanoutWorkers: z.coerce.number().int().min(1).max(16).default(2),
    /** Followers per fan-out task. */
    fanoutPage: z.coerce.number().int().min(10).max(100_000).default(1000),
    /** Kill fan-out worker 0 this far into the first pushing segment (s; fraction of segmentS when < 1) and restart it 1 s later; 0 = never. */
    killWorkerAt: z.coerce.number().min(0).default(0.5),
    /** Sampled posts per second per thread whose followers' feeds are polled for delivery lag. */
    lagSamplesPerS: z.coerce.number().min(0).max(1000).default(5),
    /** Followers polled per sampled post. */
    lagFollowers: z.coerce.number().int().min(1).max(100).default(3),
    /** Poll interval of the lag sampler, ms (the lag's resolution). */
    pollMs: z.coerce.number().int().min(10).max(5000).default(100),
    /** Give up on a sampled delivery after this long, s (counted as undelivered). */
    lagTimeoutS: z.coerce.number().positive().default(120),
    /** Users whose whole feed is checked against their followees' posts after the run. */
    checkUsers: z.coerce.number().int().min(1).max(100_000).default(200),
    /** How long the end of the run waits for fan-out backlogs to drain before checking, s. */
    finalDrainS: z.coerce.number().positive().default(600),
    /** Cassandra keyspace (also the Redis prefix fo:<keyspace>:). */
    keyspace: z.string().regex(KEYSPACE_RE, 'a lower-case CQL identifier (letters, digits, _), at most 48 characters').default('capbench_fanout'),
    /** Seed of the graph and workload PRNGs. */
    seed: z.coerce.number().int().default(1),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.celebrityFollowers > o.users - 1) {
      ctx.addIssue({ code: 'custom', path: ['celebrityFollowers'], message: `the celebrity cannot have ${o.celebrityFollowers} followers among ${o.users} users: give -o users=${o.celebrityFollowers + 1} or more, or a smaller celebrityFollowers` });
    }
    if (o.authors > o.users - 1) ctx.addIssue({ code: 'custom', path: ['authors'], message: `${o.authors} authors need at least ${o.authors + 1} users` });
    if (o.minFollowers > o.maxFollowers) ctx.addIssue({ code: 'custom', path: ['minFollowers'], message: 'minFollowers is above maxFollowers' });
    if (o.maxFollowers > o.users - 1) ctx.addIssue({ code: 'custom', path: ['maxFollowers'], message: `an author cannot have ${o.maxFollowers} followers among ${o.users} users` });
  });
/** Validated options, defaults filled in. */
export type FanOutOptions = z.infer<typeof FanOutOptions>;

/** The strategies the options run, in order. */
export function strategiesOf(o: FanOutOptions): FeedStrategy[] {
  return o.strategy === 'all' ? [...STRATEGIES] : [o.strategy];
}

/** The operation kinds of each strategy: ordinary post, celebrity post, home timeline read, profile (user timeline) read. */
export const KINDS = ['post', 'celebrity_post', 'home', 'profile'] as const;
export type OpKind = (typeof KINDS)[number];

/** Operation name of a kind under a strategy, e.g. "write.post". */
export const opName = (s: FeedStrategy, k: OpKind) => `${s}.${k}`;

/** The operations, declared once: for each strategy, its four kinds on its path. */
/** The users path profile views read (seed 001 "User Database (PostgreSQL)"); its PostgreSQL schema is named like the keyspace. */
export const USERS_PATH = 'users.pg';

export function fanOutOperations(o: FanOutOptions): OperationSpec[] {
  // Profile views read users.pg (profile + user_stats) and then the author's user_posts through the feed path.
  return strategiesOf(o).flatMap((s) => KINDS.map((k) => ({ name: opName(s, k), path: k === 'profile' ? USERS_PATH : FEED_PATH_IDS[s] })));
}

/** Arrival rate of the segments, ops/s: posts + reads (celebrity posts ride on it, a handful per segment). */
export const totalRate = (o: FanOutOptions) => o.postRate + o.readRate;

/** Default schedule: per strategy a segment at totalRate labelled with the strategy, then a quiet drain stage. */
export function fanOutStages(o: FanOutOptions): Stage[] {
  return strategiesOf(o).flatMap((s) => [
    { durationS: o.segmentS, rate: totalRate(o), label: s },
    ...(o.drainS > 0 ? [{ durationS: o.drainS, rate: 0, label: `${s} drain` }] : []),
  ]);
}

/** Feed path options from the scenario's. */
export function feedOptions(o: FanOutOptions): FeedOptions {
  return { keyspace: o.keyspace, timelineCap: o.timelineCap, celebrityThreshold: o.celebrityThreshold, fanoutPage: o.fanoutPage };
}

/** Post ids carry their strategy: strategyIndex · 1e14 + thread · 1e10 + sequence (history posts use strategy index 9). */
export function postIdOf(strategyIndex: number, thread: number, seq: number): number {
  return strategyIndex * 1e14 + thread * 1e10 + seq;
}
/** The strategy index a post id was made under (9 = seeded history). */
export const strategyIndexOfPost = (postId: number) => Math.floor(postId / 1e14);
