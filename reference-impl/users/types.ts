/**
 * The contract of the users family (seed 001 / 004 "1. User Database (PostgreSQL)": Users Table,
 * User Stats Table): create a user, read a profile with its counters, bump counters. One
 * conformance suite (test/reference-impl/users.conformance.test.ts) runs every registered users
 * path. The paths are listed in reference-impl/registry.ts.
 */

/** A new user. userId is a non-negative safe integer; strings as seed 001 bounds them (username ≤ 30, email ≤ 255, fullName ≤ 100 characters). */
export interface NewUser {
  userId: number;
  username: string;
  email: string;
  fullName: string;
  bio?: string;
}

/** The counters of user_stats. */
export interface UserStats {
  followersCount: number;
  followingCount: number;
  postsCount: number;
}

/** A profile: the user row and its stats. createdAt is ms since the epoch. */
export interface UserProfile extends UserStats {
  userId: number;
  username: string;
  email: string;
  fullName: string;
  bio: string | null;
  verified: boolean;
  createdAt: number;
}

/** Options a users path may be opened with. */
export interface UserStoreOptions {
  /** PostgreSQL schema holding users and user_stats (created if missing); default "public". */
  schema?: string;
}

/** A user store. Semantics: a userId, username or email exists at most once; counters never go below 0. */
export interface UserStore {
  /** Storage path id, e.g. "users.pg". */
  readonly path: string;
  /** Create what the path needs. Idempotent, safe to call concurrently. */
  setup(): Promise<void>;
  /** Create the user with zeroed stats. @returns false if the userId existed (nothing changed). @throws InvalidArgumentError for a bad field; the driver's error (PostgreSQL 23505) for a username or email taken by another user. */
  create(user: NewUser): Promise<boolean>;
  /** The profile with its counters, or undefined for an unknown user. */
  profile(userId: number): Promise<UserProfile | undefined>;
  /** Add the deltas to the counters (negative allowed; a result below 0 is clamped at 0). @returns the new counters, or undefined for an unknown user. @throws InvalidArgumentError for non-integer deltas. */
  bump(userId: number, delta: Partial<UserStats>): Promise<UserStats | undefined>;
  /**
   * Load phase: create users first..first+count-1 (synthetic "u{id}", "u{id}@example.invalid",
   * "User {id}") with zeroed stats; existing ids are left alone.
   * @throws InvalidArgumentError for a range that is not non-negative safe integers.
   */
  seedUsers(range: { first: number; count: number }): Promise<void>;
  /**
   * Load phase: set (overwrite) the counters of existing users, rows[i] for userIds[i].
   * @returns how many users had a stats row to set.
   * @throws InvalidArgumentError when the arrays differ in length or hold a negative or non-integer value.
   */
  seedStats(userIds: readonly number[], rows: readonly UserStats[]): Promise<number>;
  /** Remove every user and stats row of this path's schema (nothing outside it). */
  reset(): Promise<void>;
}
