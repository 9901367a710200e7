/**
 * Options and the operation plan of mixed-social: every path at once, at the seeds' rates
 * times a scale, in scale steps, each operation with its own SLO (DESIGN.md "Scenarios":
 * "mixed-social (all at once)"; rates from seed 000 "Likes System" 100K+/s, "Follows System"
 * ~100/s, "Bookmarks System" ~10/s, "Posts & Comments" ~1K/s; capbench's assumptions where the
 * seeds give none, marked as such).
 */
import { z } from 'zod';
import type { StoreName } from '../../core/target.js';
import type { OperationSpec } from '../../engine/types.js';
import { STORAGE_PATHS } from '../../reference-impl/registry.js';

/** One kind of operation of the realistic day. Rates in ops/s at scale 1. */
export interface DayOp {
  op: string;
  path: string;
  /** Arrivals per second at scale 1. */
  rate: number;
  /** Where the rate comes from. */
  rateSource: string;
  /** SLO: p99 latency from the intended start must stay below this, ms. */
  p99Ms: number;
}

/** The realistic day, at scale 1 (the seeds' rates). */
export const DAY: readonly DayOp[] = [
  { op: 'like', path: 'likes.redis-counter', rate: 100_000, rateSource: '000 · Likes System "100K+/sec"', p99Ms: 10 },
  { op: 'follow', path: 'follows.pg', rate: 100, rateSource: '000 · Follows System "~100/sec"', p99Ms: 50 },
  { op: 'bookmark', path: 'bookmarks.pg', rate: 10, rateSource: '000 · Bookmarks System "~10/sec"', p99Ms: 50 },
  { op: 'post', path: 'posts.mongo', rate: 1000, rateSource: '000 · Posts & Comments "~1K/sec"', p99Ms: 50 },
  { op: 'comment', path: 'comments.cassandra', rate: 1000, rateSource: '000 · Posts & Comments "~1K/sec" (comments as many as posts: capbench assumption)', p99Ms: 50 },
  { op: 'feed_read', path: 'caches.cache-aside', rate: 5000, rateSource: 'capbench assumption (5 feed pages per post); feed:{user}:{page} over PostgreSQL', p99Ms: 20 },
  { op: 'story_view', path: 'stories.cassandra-redis', rate: 2000, rateSource: 'capbench assumption', p99Ms: 10 },
  { op: 'story_create', path: 'stories.cassandra-redis', rate: 100, rateSource: 'capbench assumption', p99Ms: 50 },
  { op: 'search', path: 'search.es', rate: 500, rateSource: 'capbench assumption', p99Ms: 100 },
];

/** "0.005,0.01" or an array: the scale of each step. */
const Scales = z
  .union([z.string(), z.array(z.coerce.number())])
  .transform((v) => (typeof v === 'string' ? v.split(',').filter((x) => x.trim() !== '').map((x) => Number(x.trim())) : v))
  .pipe(z.array(z.number().positive().max(10)).min(1).max(8));

export const MixedSocialOptions = z
  .object({
    /** Scale of each step: every operation's rate is its DAY rate times the scale. */
    scales: Scales.default([0.005, 0.01, 0.02, 0.04]),
    /** Seconds per step. */
    stepS: z.coerce.number().positive().max(600).default(10),
    /** Seeded entities: users, posts (likes, bookmarks, feeds), stories per user 1. */
    users: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
    posts: z.coerce.number().int().min(100).max(1_000_000).default(20_000),
    /** Posts indexed for the searches. */
    searchPosts: z.coerce.number().int().min(10).max(200_000).default(2000),
    zipfS: z.coerce.number().min(0).max(3).default(0.99),
    /**
     * "seed": each operation's share of a step's arrivals is its DAY rate (the realistic day);
     * "even": every operation the same share (the smoke matrix and quick looks, so that a short
     * run exercises the ~10/s bookmarks too). The report says which.
     */
    mix: z.enum(['seed', 'even']).default('seed'),
    /** Name of every schema, keyspace, database, index and key prefix of the run (cb_mix_* / cbmix:). */
    tag: z.string().regex(/^[a-z][a-z0-9_]{0,15}$/, 'a short lower-case identifier').default('cb_mix'),
    pgPoolSize: z.coerce.number().int().min(1).max(100).default(8),
  })
  .strict();
export type MixedSocialOptions = z.infer<typeof MixedSocialOptions>;

/** The DAY operations whose path is registered (driven), and those whose path is not (listed as "not driven: path not built"). */
export function driven(): { ops: DayOp[]; missing: DayOp[] } {
  return { ops: DAY.filter((d) => STORAGE_PATHS.has(d.path)), missing: DAY.filter((d) => !STORAGE_PATHS.has(d.path)) };
}

/** Operation name of `op` in step k (0-based): "like_s1". */
export function stepOpName(op: string, k: number): string {
  return `${op}_s${k + 1}`;
}

/** Arrivals per second of `d` at step k under the options' mix, ops/s. */
export function opRate(o: MixedSocialOptions, d: DayOp, k: number): number {
  const { ops } = driven();
  return o.mix === 'even' ? stepRate(o, k) / ops.length : d.rate * o.scales[k]!;
}

/** Total arrival rate of one step, ops/s. */
export function stepRate(o: MixedSocialOptions, k: number): number {
  return Math.round(driven().ops.reduce((a, d) => a + d.rate, 0) * o.scales[k]! * 100) / 100;
}

/** One operation per (driven op, step), step-major: the engine then reports each op's latency per step. */
export function mixedOperations(o: MixedSocialOptions): OperationSpec[] {
  const { ops } = driven();
  return o.scales.flatMap((_, k) => ops.map((d) => ({ name: stepOpName(d.op, k), path: d.path })));
}

/** Names used by the paths of the run (so nothing collides with other runs on the shared servers). */
export function names(o: MixedSocialOptions) {
  return {
    likesPrefix: `${o.tag}:`,
    followsSchema: `${o.tag}_follows`,
    bookmarksSchema: `${o.tag}_bm`,
    postsDb: `${o.tag}_posts`,
    keyspace: `${o.tag}`,
    cachesSchema: `${o.tag}_caches`,
    cachesPrefix: `${o.tag}:cc:`,
    storiesPrefix: `${o.tag}:st:`,
    searchNamespace: `${o.tag.replace(/_/g, '-')}`,
  };
}

/** The options each path is opened with in this scenario. */
export function pathOptions(o: MixedSocialOptions): Record<string, Record<string, unknown>> {
  const n = names(o);
  return {
    'likes.redis-counter': { keyPrefix: n.likesPrefix },
    'follows.pg': { schema: n.followsSchema },
    'bookmarks.pg': { schema: n.bookmarksSchema },
    'posts.mongo': { database: n.postsDb },
    'comments.cassandra': { keyspace: n.keyspace },
    'caches.cache-aside': { schema: n.cachesSchema, redisPrefix: n.cachesPrefix },
    'stories.cassandra-redis': { keyspace: n.keyspace, redisPrefix: n.storiesPrefix },
    'search.es': { namespace: n.searchNamespace },
  };
}

/** The stores of a path, from the registry. */
export function storesOfPath(path: string): readonly StoreName[] {
  return STORAGE_PATHS.get(path)?.stores ?? [];
}
