/**
 * DDL for follows.pg: the users and user_stats tables of seed 001 ("Core Database Schemas"
 * / "1. User Database (PostgreSQL)") and the follows table of seed 000 ("Follows System":
 * "simple pairs: user_id, target_id", "Prevents duplicate follows with transactions").
 *
 * Deviations from the seeds' DDL (each listed in docs/errata.md):
 * - 001's inline `INDEX name (col)` clauses are MySQL syntax and fail in PostgreSQL; they
 *   become separate CREATE INDEX statements, except idx_username / idx_email, which would
 *   duplicate the indexes that the UNIQUE constraints already create.
 * - user_stats counters are NOT NULL (a NULL counter would turn `count + 1` into NULL).
 * - Everything is IF NOT EXISTS so setup() is idempotent.
 */

/** Statements creating the users and user_stats tables (seed 001) in a quoted schema. */
export function usersDdl(s: string): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.users (
       user_id           BIGINT PRIMARY KEY,
       username          VARCHAR(30) UNIQUE NOT NULL,
       email             VARCHAR(255) UNIQUE NOT NULL,
       phone             VARCHAR(20) UNIQUE,
       password_hash     VARCHAR(255) NOT NULL,
       full_name         VARCHAR(100) NOT NULL,
       bio               TEXT,
       website           VARCHAR(255),
       profile_image_url VARCHAR(255),
       verified          BOOLEAN DEFAULT FALSE,
       private_account   BOOLEAN DEFAULT FALSE,
       created_at        TIMESTAMP NOT NULL DEFAULT NOW(),
       updated_at        TIMESTAMP NOT NULL DEFAULT NOW()
     )`,
    // 001's idx_created_at; idx_username / idx_email are the UNIQUE constraints' own indexes.
    `CREATE INDEX IF NOT EXISTS users_created_at_idx ON ${s}.users (created_at)`,
    `CREATE TABLE IF NOT EXISTS ${s}.user_stats (
       user_id         BIGINT PRIMARY KEY REFERENCES ${s}.users (user_id),
       followers_count INT NOT NULL DEFAULT 0,
       following_count INT NOT NULL DEFAULT 0,
       posts_count     INT NOT NULL DEFAULT 0,
       updated_at      TIMESTAMP NOT NULL DEFAULT NOW()
     )`,
    // 001's idx_followers_count / idx_posts_count ("top users" lists). Cost: a counter update
    // changes an indexed column, so it is never a HOT update.
    `CREATE INDEX IF NOT EXISTS user_stats_followers_count_idx ON ${s}.user_stats (followers_count)`,
    `CREATE INDEX IF NOT EXISTS user_stats_posts_count_idx ON ${s}.user_stats (posts_count)`,
  ];
}

/** Statements creating the follows table and its reverse-direction index in a quoted schema (after usersDdl). */
export function followsDdl(s: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${s}.follows (
       follower_id BIGINT NOT NULL REFERENCES ${s}.users (user_id),
       followee_id BIGINT NOT NULL REFERENCES ${s}.users (user_id),
       created_at  TIMESTAMP NOT NULL DEFAULT NOW(),
       -- The primary key is what makes a duplicate follow impossible, races included.
       PRIMARY KEY (follower_id, followee_id),
       CONSTRAINT follows_no_self_follow CHECK (follower_id <> followee_id)
     )`,
    // "Who follows X?": the PK serves "whom does X follow"; this serves the reverse, and
    // covers followers() and the mutuals join (index-only scans, seed 003 "Covering Index").
    `CREATE INDEX IF NOT EXISTS follows_followee_follower_idx ON ${s}.follows (followee_id, follower_id)`,
  ];
}
