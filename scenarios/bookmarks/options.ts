/**
 * Options of the bookmarks scenario. Figures from seed 000, "Bookmarks System": PostgreSQL,
 * real-time, "~10/sec", "Show my bookmarked posts (requires joins)", "Low volume (~1% of
 * posts get bookmarked)"; and the PostgreSQL index experiments of 002/003 (pg-indexes.ts).
 */
import { z } from 'zod';
import type { OperationSpec } from '../../engine/types.js';
import { pgBookmarksPath } from '../../reference-impl/bookmarks/index.js';

const share = (d: number) => z.coerce.number().min(0).max(1).default(d);
const ident = z.string().regex(/^[a-z_][a-z0-9_]{0,39}$/, 'a lower-case SQL identifier (letters, digits, _), at most 40 characters');

/** The options schema (zod, strict; numbers coerced from -o strings). BookmarksOptions.parse({}) gives the defaults. */
export const BookmarksOptions = z
  .object({
    /** Posts 0..posts-1 seeded in PostgreSQL (the join's other side). */
    posts: z.coerce.number().int().min(100).max(100_000_000).default(100_000),
    /** Users 0..users-1 that bookmark. */
    users: z.coerce.number().int().min(1).max(100_000_000).default(10_000),
    /** Share of posts that ever get bookmarked (seed 000: "~1% of posts"): posts whose id is a multiple of 1/share. */
    bookmarkedShare: z.coerce.number().gt(0).max(1).default(0.01),
    /** Bookmarks seeded per bookmarked post (distinct users). */
    seedPerPost: z.coerce.number().int().min(0).max(1000).default(5),
    /** Arrival rate of all operations together, ops/s; default: what makes adds 10/s under the mix (seed 000: "~10/sec"). */
    rate: z.coerce.number().positive().optional(),
    /** Length of the default schedule (one constant stage at the rate), s. */
    durationS: z.coerce.number().positive().default(30),
    /** Mix: share of arrivals that add a bookmark. */
    addShare: share(0.5),
    /** Mix: share that remove one (a pair this thread added, else a random pair: a no-op). */
    removeShare: share(0.1),
    /** Mix: share that read "my bookmarked posts" (the join, first page). */
    listShare: share(0.3),
    /** Mix: share that read a user's and a post's bookmark counts. */
    countsShare: share(0.1),
    /** Page size of list reads. */
    pageSize: z.coerce.number().int().min(1).max(1000).default(20),
    /** PostgreSQL connections per worker thread. */
    pgPoolSize: z.coerce.number().int().min(1).max(200).default(4),
    /** Schema of bookmarks.pg's tables and the scenario's ledger. */
    schema: ident.default('cb_posts_bm'),
    /** Rows of the PostgreSQL index experiments run after the run phase (seeds 002/003: 1M); 0 skips them. */
    indexRows: z.coerce.number().int().min(0).max(10_000_000).default(1_000_000),
    /** Timed runs per index query (median reported). */
    indexRepeats: z.coerce.number().int().min(1).max(50).default(5),
    /** Schema of the index experiments' table (kept between runs, rebuilt when its row count differs). */
    indexSchema: ident.default('cb_posts_idx'),
  })
  .strict()
  .refine((o) => o.addShare + o.removeShare + o.listShare + o.countsShare > 0, { message: 'the mix is empty: give at least one *Share above 0', path: ['addShare'] });
/** Validated options. */
export type BookmarksOptions = z.infer<typeof BookmarksOptions>;

/** Operation names in workload order. */
export type BookmarkOp = 'add' | 'remove' | 'list' | 'counts';

/** The mix: operations with a share above 0, shares normalised to sum to 1. */
export function mixOf(o: BookmarksOptions): { op: BookmarkOp; share: number }[] {
  const raw: [BookmarkOp, number][] = [
    ['add', o.addShare],
    ['remove', o.removeShare],
    ['list', o.listShare],
    ['counts', o.countsShare],
  ];
  const sum = raw.reduce((a, [, s]) => a + s, 0);
  return raw.filter(([, s]) => s > 0).map(([op, s]) => ({ op, share: s / sum }));
}

/** Bookmarks per second the seed claims (000 · Bookmarks System: "~10/sec"). */
export const CLAIMED_BOOKMARKS_PER_S = 10;

/** Total arrival rate, ops/s: `rate`, else the rate at which adds arrive at 10/s (20 ops/s for the default 50% adds), else 20. */
export function totalRate(o: BookmarksOptions): number {
  if (o.rate !== undefined) return o.rate;
  const a = mixOf(o).find((m) => m.op === 'add')?.share ?? 0;
  return a > 0 ? Math.round((CLAIMED_BOOKMARKS_PER_S / a) * 10) / 10 : 20;
}

/** Step between bookmarkable post ids (1/bookmarkedShare, at least 1): posts 0, step, 2·step, … get bookmarked. */
export function bookmarkStep(o: BookmarksOptions): number {
  return Math.max(1, Math.round(1 / o.bookmarkedShare));
}

/** How many posts can be bookmarked. */
export function bookmarkablePosts(o: BookmarksOptions): number {
  return Math.ceil(o.posts / bookmarkStep(o));
}

/** The operations, all on bookmarks.pg, in mix order. */
export function bookmarkOperations(o: BookmarksOptions): OperationSpec[] {
  return mixOf(o).map((m) => ({ name: m.op, path: pgBookmarksPath.id }));
}
