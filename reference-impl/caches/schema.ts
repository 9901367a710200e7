/**
 * The PostgreSQL tables the caches paths put a cache in front of: users (seed 001 "Users Table",
 * reduced to the columns a profile shows, plus a version), posts (what post:{id} caches) and
 * follows (what feed:{user}:{page} is computed from). Why PostgreSQL: seed 001 keeps users in
 * PostgreSQL, and a relational join gives the feed page a real cost to save; capbench's own
 * schema (default cb_caches) so no other path's tables are touched (docs/errata.md S3).
 */
import { quoteSchema } from '../common/pg.js';

/** DDL of the backing tables in schema `s` (already quoted by quoteSchema). */
export function cachesDdl(s: string): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.users (user_id BIGINT PRIMARY KEY, name TEXT NOT NULL, bio TEXT NOT NULL, version INT NOT NULL DEFAULT 1)`,
    `CREATE TABLE IF NOT EXISTS ${s}.posts (post_id BIGINT PRIMARY KEY, author_id BIGINT NOT NULL, body TEXT NOT NULL, version INT NOT NULL DEFAULT 1, created_at TIMESTAMPTZ NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS posts_author_created_idx ON ${s}.posts (author_id, created_at DESC, post_id DESC)`,
    `CREATE TABLE IF NOT EXISTS ${s}.follows (user_id BIGINT NOT NULL, followee_id BIGINT NOT NULL, PRIMARY KEY (user_id, followee_id))`,
  ];
}

export { quoteSchema };
