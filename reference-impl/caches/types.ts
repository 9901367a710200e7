/**
 * The contract of the caches family (seeds 001 and 004 "Caching Strategy": "Cache Keys Design"
 * post:{id} TTL 1 h, user:{id} TTL 30 min, feed:{user_id}:{page} TTL 5 min; "Cache Invalidation
 * Strategy": write-through, cache-aside, time-based expiration, event-based invalidation over
 * pub/sub; "Multi-Level Cache Architecture": L1 in application memory, TTL 1 min, L2 Redis).
 * Every path caches the same PostgreSQL tables (reference-impl/caches/schema.ts) and differs in
 * what a write does to the cache. One conformance suite (test/reference-impl/caches.conformance.test.ts)
 * runs every registered caches path.
 */

/** A post as the cache holds it (JSON under post:{id}). Ids are non-negative safe integers. */
export interface CachedPost {
  postId: number;
  authorId: number;
  body: string;
  /** Incremented by every update; a reader that sees an older version read a stale copy. */
  version: number;
  /** Creation time, ms since the epoch. */
  createdAt: number;
}

/** A user as the cache holds it (JSON under user:{id}). */
export interface CachedUser {
  userId: number;
  name: string;
  bio: string;
  version: number;
}

/** Counters since open (this instance only), for hit ratio and database load saved. */
export interface CacheStats {
  /** Reads answered from the cache (L1 or Redis). */
  hits: number;
  /** Reads answered from the in-process L1 (caches.pubsub-l1 only; included in hits). */
  l1Hits: number;
  /** Reads that went to PostgreSQL (cache misses). */
  misses: number;
  /** Writes to PostgreSQL. */
  dbWrites: number;
}

/** Options a caches path may be opened with. */
export interface CacheOptions {
  /** PostgreSQL schema of the backing tables (created if missing); default "cb_caches". */
  schema?: string;
  /** Prefix of every Redis key and of the invalidation channel; default "cc:". */
  redisPrefix?: string;
  /** TTL of post:{id}, s, 1..86400; default 3600 (seed 001: 1 hour). */
  postTtlSeconds?: number;
  /** TTL of user:{id}, s; default 1800 (30 minutes). */
  userTtlSeconds?: number;
  /** TTL of feed:{user}:{page}, s; default 300 (5 minutes). */
  feedTtlSeconds?: number;
  /** caches.pubsub-l1: TTL of the in-process L1 entries, ms, 1..3600000; default 60000 (seed 001 L1: 1 minute). */
  l1TtlMs?: number;
  /** caches.pubsub-l1: most L1 entries, oldest evicted first; default 1000 (seed 001 L1: "last 1000 posts"). */
  l1MaxEntries?: number;
}

/** What seed() loads: users 0..users-1, posts 0..posts-1 (author = post % users), and follows. */
export interface CacheSeed {
  users: number;
  posts: number;
  /** Followees per user (user u follows u+1..u+k mod users). */
  followsPerUser: number;
}

/** Posts per feed page. */
export const FEED_PAGE_SIZE = 20;

/**
 * A cache layer over the backing tables. Semantics every path keeps: a read returns the row as
 * stored or a copy no older than the path's staleness bound (the conformance suite checks each
 * path's own bound); an update is durable in PostgreSQL before it resolves; a missing id is
 * undefined and is not cached as a value.
 */
export interface CacheLayer {
  /** Storage path id, e.g. "caches.cache-aside". */
  readonly path: string;
  /** Tables (and, for caches.pubsub-l1, the subscription). Idempotent. */
  setup(): Promise<void>;
  /** post:{id} (and L1), else PostgreSQL, filled on a miss. */
  getPost(postId: number): Promise<CachedPost | undefined>;
  /** Set the post's body in PostgreSQL (version + 1), then the path's cache action. @returns the new version, or undefined for no such post. */
  updatePost(postId: number, body: string): Promise<number | undefined>;
  /** user:{id}, else PostgreSQL. */
  getUser(userId: number): Promise<CachedUser | undefined>;
  /** Set the user's bio (version + 1), then the cache action. @returns the new version, or undefined. */
  updateUser(userId: number, bio: string): Promise<number | undefined>;
  /** feed:{user}:{page}: ids of the newest posts of the user's followees, FEED_PAGE_SIZE a page; time-based expiry only. @throws InvalidArgumentError for a page outside 0..49. */
  feed(userId: number, page: number): Promise<number[]>;
  /** Load phase: the rows of `seed` (replacing this schema's rows); the cache is emptied. */
  seed(seed: CacheSeed): Promise<void>;
  /** Counters of this instance since open. */
  stats(): CacheStats;
  /** Empty the tables and every key of this prefix. */
  reset(): Promise<void>;
  /** Release what setup() opened (the subscriber connection); the clients it was opened on stay open. */
  close(): Promise<void>;
}
