/**
 * The contract of the feed family (DESIGN.md "Storage paths": feed.fanout-write,
 * feed.redis-timeline, feed.fanout-read, feed.hybrid), so the fan-out scenario and one
 * conformance suite (test/reference-impl/feed.conformance.test.ts) drive every home-timeline
 * strategy alike. Seeds 001 ("User Feed Table (Fan-out on Write)") and 004
 * ("User Timeline Table (Fan-out on Write)", "Author Timeline Table"), 003 ("The Hybrid
 * Approach"). The paths are listed in reference-impl/registry.ts.
 */

/** One post as a home timeline shows it. Ids are safe integers; createdAt is ms since the epoch. */
export interface FeedEntry {
  postId: number;
  authorId: number;
  /** Creation time, ms since the Unix epoch (Cassandra `timestamp`, Redis sorted-set score). */
  createdAt: number;
}

/** Options a feed path may be opened with; each path reads its own fields. */
export interface FeedOptions {
  /** Cassandra keyspace of posts, user_posts, followers, following, user_feed (created if missing); default "capbench_fanout". */
  keyspace?: string;
  /** Redis key prefix of the fan-out queue, timelines and counters; default "fo:<keyspace>:". */
  redisPrefix?: string;
  /** feed.redis-timeline: entries kept per timeline (ZREMRANGEBYRANK after each ZADD), 1..100000; default 800. */
  timelineCap?: number;
  /** feed.hybrid: authors with at least this many followers are pulled at read time, the rest pushed; default 10 000. */
  celebrityThreshold?: number;
  /** Followers per fan-out task (one stream entry covers one page of an author's followers), 10..100000; default 1000. */
  fanoutPage?: number;
  /** Concurrent Cassandra writes per fan-out page; default 64. */
  writeConcurrency?: number;
}

/** Options of post(). */
export interface PostOptions {
  /** Count this post's deliveries and stamp the moment its fan-out completes (deliveryOf reads them); default false. */
  track?: boolean;
}

/** What the fan-out of one tracked post has done so far (deliveryOf). */
export interface Delivery {
  /** Feed entries written for the post (rows or sorted-set members; a redelivered page counts again). */
  entries: number;
  /** When the last page of the post's fan-out was written, ms since the epoch; undefined while any page is left. */
  doneAt: number | undefined;
}

/** Totals of the fan-out work, since reset(). */
export interface FanoutTotals {
  /** Posts stored (acknowledged). */
  posts: number;
  /** Posts whose fan-out was queued (pushed). */
  pushedPosts: number;
  /** Feed entries written by fan-out workers (rows in user_feed, or ZADDs), redeliveries included. */
  entries: number;
  /** Logical bytes of those entries: key and value bytes sent (Cassandra: 4 × 8-byte columns; Redis: key + member + score). */
  bytes: number;
  /** Fan-out tasks (stream entries) processed and acknowledged. */
  tasks: number;
}

/** A fan-out worker: consumes the queue and writes feed entries. One per thread or process. */
export interface FanoutWorker {
  /**
   * Process at most `max` tasks: first this consumer group's entries left pending by a dead
   * worker for longer than `claimIdleMs`, then new ones (blocking up to `blockMs` when none).
   * @returns the number of tasks processed and acknowledged.
   */
  step(opts?: { max?: number; blockMs?: number; claimIdleMs?: number }): Promise<number>;
}

/**
 * A home-timeline strategy over a social graph. User ids and post ids are safe integers.
 * Semantics every implementation must keep (test/reference-impl/feed.conformance.test.ts):
 * once the fan-out queue is drained, home(u) holds every post of every followee of u (newest
 * first, each once, capped strategies keeping the newest N); post() resolves once the post is
 * stored and its fan-out queued (not done); redelivered fan-out tasks add no duplicates.
 */
export interface Feed {
  /** Storage path id, e.g. "feed.fanout-write". */
  readonly path: string;
  /** Create keyspace, tables and the queue's consumer group. Idempotent. @throws UsageError when the keyspace holds an older schema. */
  setup(): Promise<void>;
  /** Bulk-load follow edges followers[i] -> followees[i] into followers and following (load phase); resolves to the edges written. */
  seedFollows(followers: readonly number[], followees: readonly number[]): Promise<number>;
  /** Bulk-load posts into posts and user_posts only (history; no fan-out). */
  seedPosts(posts: readonly FeedEntry[]): Promise<void>;
  /** `follower` follows `followee`: both tables in one logged batch. Earlier posts are not back-filled. */
  follow(follower: number, followee: number): Promise<void>;
  /** `follower` stops following `followee`: both rows deleted in one logged batch. */
  unfollow(follower: number, followee: number): Promise<void>;
  /** Store a post and queue its fan-out when the strategy pushes it; resolves on acknowledgement (before fan-out finishes). */
  post(p: FeedEntry, opts?: PostOptions): Promise<void>;
  /** The newest `limit` (1..1000, default 50) entries of `userId`'s home timeline, newest first (ties: higher post id first). */
  home(userId: number, limit?: number): Promise<FeedEntry[]>;
  /** The newest `limit` posts of one author (user_posts). */
  userPosts(authorId: number, limit?: number): Promise<FeedEntry[]>;
  /** A fan-out worker on its own connections' clients (the caller's); undefined for a strategy that never pushes. */
  worker(consumer: string): FanoutWorker | undefined;
  /** Fan-out tasks queued but not acknowledged (stream entries not yet read + pending), 0 for a pull-only strategy. */
  backlog(): Promise<number>;
  /** Deliveries of a post queued with { track: true }. */
  deliveryOf(postId: number): Promise<Delivery>;
  /** Fan-out totals since reset(). */
  totals(): Promise<FanoutTotals>;
  /**
   * Remove the data of the keyspace and prefix: every table's rows (TRUNCATE) and every key under
   * the Redis prefix. The strategies of one keyspace share posts and the graph, so this resets
   * all of them (the fan-out scenario resets once, then runs the strategies on the same data).
   */
  reset(): Promise<void>;
}
