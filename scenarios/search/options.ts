/**
 * Options of the search scenario (seed 000, "Elasticsearch Storage Optimization Strategy" and
 * "Elasticsearch Indexing Backpressure"; docs/scenarios.md "## search"), the query mix and the
 * operations it declares.
 */
import { z } from 'zod';
import type { OperationSpec } from '../../engine/types.js';
import { esSearchPath } from '../../reference-impl/search/index.js';

/**
 * The options schema (zod, strict; numbers coerced from -o strings). SearchOptions.parse({})
 * gives the defaults.
 */
export const SearchOptions = z
  .object({
    /** Posts seeded in the load phase (the seed's table is for 1M: -o posts=1000000). */
    posts: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
    /** Authors u_0..u_(authors-1), zipfian. */
    authors: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
    /** Mean words of a post body. */
    contentWords: z.coerce.number().int().min(1).max(2_000).default(40),
    /** Zipf exponent of words and authors. */
    zipfS: z.coerce.number().min(0).max(3).default(1),
    /** index.codec of the posts index; "both" also indexes every post into a best_compression twin (codec A/B). */
    codec: z.enum(['default', 'best_compression', 'both']).default('default'),
    /** Search queries per second during the run (the mix below). */
    queryRate: z.coerce.number().positive({ message: 'must be above 0 (a search run needs queries)' }).default(40),
    /** New posts per second indexed one by one during the run (the second stream); 0 = none. */
    indexRate: z.coerce.number().min(0).default(10),
    /** Length of the run phase, s. */
    durationS: z.coerce.number().min(10).default(60),
    /** Posts bulk-indexed flat out from 25% of the run (the backpressure stage); 0 = no bulk stage. */
    bulkPosts: z.coerce.number().int().min(0).default(20_000),
    /** When the alias swap (reindex into the next version) starts, as a fraction of the run; 0 = no swap. */
    swapAt: z.coerce.number().min(0).max(0.95).default(0.6),
    /** Posts per storage variant (ignore_above, _source, codec at rest, force-merged) measured in verify; 0 = skip. */
    variantPosts: z.coerce.number().int().min(0).max(1_000_000).default(20_000),
    /** Title queries run on each side of the "title-only → MongoDB text index" comparison (real MongoDB only). */
    compareQueries: z.coerce.number().int().min(0).max(100_000).default(300),
    /** Index-name prefix (aliases <namespace>-posts, indices <namespace>-posts_v<N>) and MongoDB database (with _ for -). */
    namespace: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,40}$/, 'lower-case letters, digits, _ or -').default('capbench-search'),
    /** PRNG seed of the corpus. */
    seed: z.coerce.number().int().default(1234),
  })
  .strict();
/** Validated options. */
export type SearchOptions = z.infer<typeof SearchOptions>;

/** Query kinds and their share of the queries (documented in docs/scenarios.md). */
export const QUERY_MIX = [
  { op: 'match', share: 0.4 },
  { op: 'recent', share: 0.3 },
  { op: 'title', share: 0.2 },
  { op: 'author', share: 0.1 },
] as const;

/** Operations: the four query kinds, then `index` (one new post) when indexRate > 0; all on search.es. */
export function searchOperations(o: SearchOptions): OperationSpec[] {
  return [...QUERY_MIX.map((m) => ({ name: m.op, path: esSearchPath.id })), ...(o.indexRate > 0 ? [{ name: 'index', path: esSearchPath.id }] : [])];
}

/** Share of each operation of the arrivals (queries by QUERY_MIX of queryRate, index of indexRate). */
export function operationShares(o: SearchOptions): { op: string; share: number }[] {
  const total = o.queryRate + o.indexRate;
  return [...QUERY_MIX.map((m) => ({ op: m.op as string, share: (m.share * o.queryRate) / total })), ...(o.indexRate > 0 ? [{ op: 'index', share: o.indexRate / total }] : [])];
}

/** First post id of the run phase's new posts (index stream: thread i uses LIVE_ID + i·10^9 upwards; bulk stage: BULK_ID upwards). */
export const LIVE_ID = 100_000_000;
export const BULK_ID = 50_000_000;
/** The meta index where the workload leaves its timeline for verify(). */
export const metaIndex = (o: SearchOptions) => `${o.namespace}-meta`;
