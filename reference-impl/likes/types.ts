/**
 * The common shape of every like-counter storage path (DESIGN.md "Storage paths":
 * likes.redis-counter, likes.redis-hash, likes.pg-direct), so that one scenario and one
 * conformance test drive them all (YCSB's "one adapter per store").
 */
import { UsageError } from '../../core/errors.js';

/** Like-counter path ids implemented in reference-impl/likes/. */
export const LIKE_PATHS = ['likes.redis-counter', 'likes.redis-hash', 'likes.pg-direct'] as const;
/** One of LIKE_PATHS. */
export type LikePathId = (typeof LIKE_PATHS)[number];

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
  readonly path: LikePathId;
  /** Create what the path needs (tables) and check the server's configuration. Idempotent. */
  setup(): Promise<void>;
  /** Add one like to a post, atomically. Resolves to the post's count after this like. */
  like(postId: number): Promise<number>;
  /** The post's current like count; 0 for a post never liked nor seeded. */
  count(postId: number): Promise<number>;
  /** Set (overwrite, not add) the count of every post in the range. For load phases. */
  seed(range: SeedRange): Promise<void>;
  /** Remove every counter this instance owns (its key prefix / its table). */
  clear(): Promise<void>;
  /**
   * Sum of all counters this instance owns and how many posts hold one. O(posts): for
   * verification after a run ("likes lost must be 0", DESIGN.md viral-like-spike), not the hot path.
   */
  total(): Promise<{ likes: number; posts: number }>;
}

/**
 * Check a SeedRange before a load phase writes anything.
 * @throws UsageError when first/count are not non-negative safe integers.
 */
export function checkSeedRange(range: SeedRange): void {
  const { first, count } = range;
  if (!Number.isSafeInteger(first) || first < 0 || !Number.isSafeInteger(count) || count < 0 || !Number.isSafeInteger(first + count)) {
    throw new UsageError(`Invalid seed range first=${first} count=${count}.`, {
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
