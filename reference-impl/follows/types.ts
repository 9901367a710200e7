/**
 * The contract of the follows family (DESIGN.md "Storage paths": follows.pg; follows.cassandra
 * and follows.redis-cache will implement the same interface), so the follow-queries scenario
 * and one conformance suite (test/reference-impl/follows.conformance.ts) drive them alike.
 * Seed 000, "Follows System". The paths are listed in reference-impl/registry.ts.
 */

/** Options a follows path may be opened with; each path reads its own fields. */
export interface FollowGraphOptions {
  /** PostgreSQL paths: schema holding users, user_stats and follows (created if missing); default "public". */
  schema?: string;
  /** follows.cassandra: the Cassandra keyspace (created if missing); default: `schema` when given, else "capbench_fanout" (the feed paths' keyspace, so both share followers/following). */
  keyspace?: string;
  /** follows.redis-cache: the path it caches, "pg" (follows.pg, default) or "cassandra" (follows.cassandra; needs a Cassandra client). */
  backing?: 'pg' | 'cassandra';
  /** follows.redis-cache: Redis key prefix; default "fc:<schema or keyspace>:". */
  redisPrefix?: string;
  /** follows.redis-cache: TTL of the followers:/following: sets, seconds, 1..86400; default 3600 (seed 001/004 social graph cache, 1 h). */
  setTtlSeconds?: number;
  /** follows.redis-cache: TTL of the follow_count hash, seconds, 1..86400; default 300 (5 min). */
  countTtlSeconds?: number;
}

/** What reset() wipes besides the follows themselves. */
export interface FollowResetOptions {
  /**
   * Also remove the users (and their counters) the path owns; a path that cannot (another
   * path's table references them) rejects with the driver's error (PostgreSQL 0A000).
   */
  users?: boolean;
}

/** Keyset pagination: rows with id > after, ascending, at most limit of them. */
export interface PageOptions {
  /** Page size, 1..10000; default 100. */
  limit?: number;
  /** Cursor: the `next` of the previous page; omit for the first page. */
  after?: number;
}

/** One page of user ids, ascending. */
export interface UserPage {
  /** User ids on this page, ascending; at most `limit` of them. */
  ids: number[];
  /** Pass as `after` to get the next page; undefined when this is the last page. */
  next: number | undefined;
}

/** A user's counters from user_stats. */
export interface FollowCounts {
  /** Users who follow this user. */
  followers: number;
  /** Users this user follows. */
  following: number;
}

/**
 * A follow graph with counters. User ids are safe integers.
 * Semantics every implementation must keep (tested for follows.pg in test/reference-impl):
 * a pair is followed at most once, even under racing duplicate follows; follow/unfollow
 * resolve to whether they changed anything; counts equal the rows they summarise.
 */
export interface FollowGraph {
  /** Storage path id, e.g. "follows.pg". */
  readonly path: string;
  /** Create what the path needs. Idempotent, safe to call concurrently. */
  setup(): Promise<void>;
  /** `follower` follows `followee`; true if created, false if it already existed. */
  follow(follower: number, followee: number): Promise<boolean>;
  /** `follower` stops following `followee`; true if removed, false if there was nothing to remove. */
  unfollow(follower: number, followee: number): Promise<boolean>;
  /** Whether `follower` follows `followee`. */
  isFollowing(follower: number, followee: number): Promise<boolean>;
  /** Ids of users following `userId`, ascending, keyset-paginated ("Who follows this user?"). */
  followers(userId: number, page?: PageOptions): Promise<UserPage>;
  /** Ids of users `userId` follows, ascending, keyset-paginated. */
  following(userId: number, page?: PageOptions): Promise<UserPage>;
  /** Users who follow both `a` and `b` (common followers), ascending, keyset-paginated. */
  mutuals(a: number, b: number, page?: PageOptions): Promise<UserPage>;
  /** Follower and following counts. */
  counts(userId: number): Promise<FollowCounts>;
  /**
   * Make users first..first+count-1 known to the path (load phase), with zero counters. Paths
   * that keep users (follows.pg: users, user_stats) create them; others may do nothing. Follows
   * of users that were never seeded are an error on paths that keep users.
   */
  seedUsers(range: { first: number; count: number }): Promise<void>;
  /** Bulk-load edges followers[i] -> followees[i] (load phase), skipping duplicates and self-follows; resolves to how many were new. */
  seedFollows(followers: readonly number[], followees: readonly number[]): Promise<number>;
  /** Wipe this path's data: remove every follow and zero the counters (with `users`, remove the users too). Nothing outside the path's keys/tables. */
  reset(opts?: FollowResetOptions): Promise<void>;
}
