/**
 * The contract of the likes family (DESIGN.md "Storage paths": likes.redis-counter,
 * likes.redis-hash, likes.pg-direct, ...), so that one scenario and one conformance suite
 * (test/reference-impl/likes.conformance.ts) drive them all (YCSB's "one adapter per store").
 * The paths themselves are listed in reference-impl/registry.ts.
 */
import { InvalidArgumentError } from '../../core/errors.js';

/**
 * Options a likes path may be opened with; each path reads its own fields and ignores the rest.
 */
export interface LikeCounterOptions {
  /**
   * Redis paths: prepended to every key, e.g. "cbtest_123:" for tests; default "" so keys are
   * exactly the seed's (`p:{id}:l`, `pl:{bucket}`).
   */
  keyPrefix?: string;
  /**
   * Redis paths: expire each counter (likes.redis-counter) or bucket (likes.redis-hash) this
   * many seconds after it is created (seed, or first like); never refreshed. All B posts of a
   * bucket expire together, which suits time-ordered post ids. 0 or undefined: no TTL (the
   * default, so a benchmark never loses counts). SEED_LIKES_TTL_S is the seed's 7 days.
   */
  ttlSeconds?: number;
  /**
   * likes.redis-hash: posts per hash (B), 1..hash-max-listpack-entries; default 128. Part of
   * the key layout: data written with one B cannot be read with another.
   */
  bucketSize?: number;
  /**
   * PostgreSQL paths: schema holding the table (created if missing); default "public". Tests use their own.
   * MongoDB and Cassandra paths: a namespace prefix of their collections / tables
   * (`{schema}_posts`, `{schema}_likes`), so tests never share them; default none.
   */
  schema?: string;
  /** MongoDB paths (likes.batch-sync, likes.hot-cold, likes.mongo-direct): database; default "capbench_likes". */
  mongoDatabase?: string;
  /** likes.per-user: Cassandra keyspace (created with SimpleStrategy rf 1 if missing); default "capbench_likes". */
  keyspace?: string;
  /** likes.batch-sync: flush the pending deltas to MongoDB every this many ms (default 1000, seed 000 "async batch updates"). */
  flushMs?: number;
  /** likes.batch-sync: flush early once this many posts are pending (default 10000). */
  flushBatch?: number;
  /** likes.batch-sync: how Redis holds the live counts: "incr" (one string per post) or "hash" (bucketed HINCRBY); default "incr". */
  redisLayout?: 'incr' | 'hash';
  /**
   * likes.hot-cold: which posts are hot (kept in Redis with ttlSeconds, default 7 days):
   * "recent" = ids >= hotFrom (time-ordered ids: the newest posts, seed 000 "recent posts,
   * first 24-48 h"); "top" = posts with at least hotMinLikes likes (seed "top 10% by likes");
   * "all" = every post. Default "all".
   */
  hotPolicy?: 'all' | 'recent' | 'top';
  /** likes.hot-cold with hotPolicy "recent": first hot post id. */
  hotFrom?: number;
  /** likes.hot-cold with hotPolicy "top": likes a post needs to be hot. */
  hotMinLikes?: number;
}

/**
 * A contiguous range of post ids to seed: ids first, first+1, ..., first+count-1.
 * `initial` is the like count each post is set to (default 0): a constant, or a function
 * of the post id (e.g. a zipfian draw) called once per post.
 */
export interface SeedRange {
  /** First post id (non-negative safe integer). */
  first: number;
  /** Number of posts (>= 0). */
  count: number;
  /** Count to set for each post; default 0. */
  initial?: number | ((postId: number) => number);
}

/**
 * A per-post like counter (seed 000, "Likes System": "Atomic increments ... Handles viral
 * spikes (10K+ likes/sec)"). Counts only: who liked what is likes.per-user (Cassandra).
 *
 * Post ids are non-negative safe integers; the hot path (like, count) does not validate
 * them, to stay allocation-free beyond the key string. Errors from the store (connection
 * lost, timeout) reject the promise as the driver raised them, so the engine can count them
 * by kind.
 */
export interface LikeCounter {
  /** Storage path id, e.g. "likes.redis-counter". */
  readonly path: string;
  /** Create what the path needs (tables) and check the server's configuration. Idempotent. */
  setup(): Promise<void>;
  /** Add one like to a post, atomically. Resolves to the post's count after this like. */
  like(postId: number): Promise<number>;
  /** The post's current like count; 0 for a post never liked nor seeded. */
  count(postId: number): Promise<number>;
  /** Set (overwrite, not add) the count of every post in the range. For load phases. */
  seed(range: SeedRange): Promise<void>;
  /** Wipe this path's data: every counter this instance owns (its key prefix / its table), nothing else. */
  reset(): Promise<void>;
  /**
   * Sum of all counters this instance owns and how many posts hold one. O(posts): for
   * verification after a run ("likes lost must be 0", DESIGN.md viral-like-spike), not the hot path.
   */
  total(): Promise<{ likes: number; posts: number }>;
  /**
   * False when a post with 0 likes holds no counter (a Cassandra counter row exists only once
   * incremented: likes.per-user), so total().posts counts the posts with a like, not the seeded
   * ones. Absent: every seeded post holds a counter.
   */
  readonly keepsZeroCounters?: boolean;
  /**
   * What like() resolves to: "exact" (default when absent) = the post's count right after this
   * like, distinct across concurrent likes (an atomic increment's reply); "read" = a read of
   * the count after the write, which concurrent likes may share (likes.per-user: Cassandra
   * counter updates return nothing).
   */
  readonly likeResult?: 'exact' | 'read';
  /**
   * Paths with asynchronous parts (likes.batch-sync): wait until everything acknowledged has
   * reached the durable store (the pending backlog is 0). Absent: nothing to wait for.
   */
  settle?(): Promise<void>;
  /** Paths with asynchronous parts: likes acknowledged but not yet in the durable store (sum of pending deltas). */
  pending?(): Promise<number>;
  /** Stop background work this instance started (flush timers). Does not close clients. */
  close?(): Promise<void>;
}

/**
 * Check a SeedRange before a load phase writes anything.
 * @throws InvalidArgumentError when first/count are not non-negative safe integers.
 */
export function checkSeedRange(path: string, range: SeedRange): void {
  const { first, count } = range;
  if (!Number.isSafeInteger(first) || first < 0 || !Number.isSafeInteger(count) || count < 0 || !Number.isSafeInteger(first + count)) {
    throw new InvalidArgumentError(path, `invalid seed range first=${first} count=${count}.`, {
      hint: 'Use non-negative integer post ids and a non-negative integer count.',
    });
  }
}

/** Resolve a SeedRange's initial value for one post. */
export function initialFor(range: SeedRange, postId: number): number {
  const init = range.initial;
  return init === undefined ? 0 : typeof init === 'number' ? init : init(postId);
}

/** Seed 000, "Memory-Saving Techniques" / "TTL Automation": `EXPIRE post_likes:123 604800`, 7 days in seconds. */
export const SEED_LIKES_TTL_S = 604_800;

/**
 * A TTL option as a number of seconds: 0 or undefined (no TTL) or a positive integer.
 * @throws InvalidArgumentError naming the path otherwise.
 */
export function checkTtlSeconds(path: string, ttlSeconds: number | undefined): number {
  const t = ttlSeconds ?? 0;
  if (!Number.isSafeInteger(t) || t < 0) throw new InvalidArgumentError(path, `invalid TTL ${t} s.`, { hint: 'Use a whole number of seconds >= 0 (0 = no TTL).' });
  return t;
}
