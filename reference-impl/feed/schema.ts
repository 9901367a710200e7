/**
 * CQL for the feed family (seed 001 "2. Posts Database (Cassandra)": posts, user_feed "Fan-out
 * on Write", user_posts; "Social Graph": followers, following; seed 004 "user_timeline",
 * "author_timeline"), and the check that refuses a keyspace left by an older schema.
 *
 * Deviations from the seeds' DDL (docs/errata.md, "feed"):
 * - 001's posts table declares CLUSTERING ORDER BY (post_id DESC) with no clustering column
 *   (Cassandra refuses it): posts is keyed by post_id alone, with only the columns a feed needs.
 * - 001's secondary indexes on posts(user_id / created_at / location_id) and its
 *   "idx_user_feed_user_created" / idx_followers_user_id are left out: user_posts serves
 *   "posts by user", and user_feed / followers are already partitioned by user_id (an index on
 *   the partition key is refused by Cassandra).
 * - user_feed_hybrid is user_feed's twin for feed.hybrid (so the strategies can run on the same
 *   data side by side); celebrities and follower_counts are capbench's, for the hybrid rule.
 * - Replication is SimpleStrategy, replication_factor 1 (one local node).
 */
import type { CassandraClient } from '../../targets/cassandra/client.js';
import { UsageError } from '../../core/errors.js';

/** Expected columns (name -> CQL type) of each table; setup() refuses a keyspace whose tables differ. */
export const FEED_TABLES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  posts: { post_id: 'bigint', user_id: 'bigint', created_at: 'timestamp' },
  user_posts: { user_id: 'bigint', created_at: 'timestamp', post_id: 'bigint' },
  followers: { user_id: 'bigint', follower_id: 'bigint' },
  following: { user_id: 'bigint', following_id: 'bigint' },
  user_feed: { user_id: 'bigint', created_at: 'timestamp', post_id: 'bigint', author_id: 'bigint' },
  user_feed_hybrid: { user_id: 'bigint', created_at: 'timestamp', post_id: 'bigint', author_id: 'bigint' },
  celebrities: { bucket: 'int', user_id: 'bigint' },
  follower_counts: { user_id: 'bigint', followers: 'counter' },
};

/** CREATE KEYSPACE (SimpleStrategy, replication_factor 1), idempotent. Shared by the feed, follows.cassandra and posts.cassandra paths. */
export function keyspaceDdl(ks: string): string[] {
  return [`CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`];
}

/** posts and user_posts (seed 001 "Posts Database (Cassandra)", 004 "Author Timeline Table"); the one CQL of these tables, also run by posts.cassandra. */
export function postsDdl(ks: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${ks}.posts (post_id bigint PRIMARY KEY, user_id bigint, created_at timestamp)`,
    `CREATE TABLE IF NOT EXISTS ${ks}.user_posts (
      user_id bigint, created_at timestamp, post_id bigint,
      PRIMARY KEY ((user_id), created_at, post_id)
    ) WITH CLUSTERING ORDER BY (created_at DESC, post_id DESC)`,
  ];
}

/** followers and following (seed 001 "Social Graph"); the one CQL of these tables, also run by follows.cassandra. */
export function socialGraphDdl(ks: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${ks}.followers (user_id bigint, follower_id bigint, PRIMARY KEY ((user_id), follower_id))`,
    `CREATE TABLE IF NOT EXISTS ${ks}.following (user_id bigint, following_id bigint, PRIMARY KEY ((user_id), following_id))`,
  ];
}

/** The statements creating the keyspace and its tables (idempotent). */
export function feedDdl(ks: string): string[] {
  const feed = (t: string) => `CREATE TABLE IF NOT EXISTS ${ks}.${t} (
      user_id bigint, created_at timestamp, post_id bigint, author_id bigint,
      PRIMARY KEY ((user_id), created_at, post_id)
    ) WITH CLUSTERING ORDER BY (created_at DESC, post_id DESC)`;
  return [
    ...keyspaceDdl(ks),
    ...postsDdl(ks),
    ...socialGraphDdl(ks),
    feed('user_feed'),
    feed('user_feed_hybrid'),
    `CREATE TABLE IF NOT EXISTS ${ks}.celebrities (bucket int, user_id bigint, PRIMARY KEY ((bucket), user_id))`,
    `CREATE TABLE IF NOT EXISTS ${ks}.follower_counts (user_id bigint PRIMARY KEY, followers counter)`,
  ];
}

/** A keyspace name capbench may create: lower-case letters, digits, underscore, at most 48 characters. */
export const KEYSPACE_RE = /^[a-z][a-z0-9_]{0,47}$/;

/**
 * Refuse a keyspace whose tables lack a column of FEED_TABLES or have it with another type
 * (a keyspace left by an older schema), before any work starts.
 * @throws UsageError naming the keyspace, the table and the column, with what to do.
 */
export async function checkFeedSchema(client: CassandraClient, ks: string): Promise<void> {
  const rs = await client.execute('SELECT table_name, column_name, type FROM system_schema.columns WHERE keyspace_name = ?', [ks], { prepare: true });
  const have = new Map<string, string>();
  for (const r of rs.rows) have.set(`${r.get('table_name')}.${r.get('column_name')}`, String(r.get('type')));
  for (const [table, cols] of Object.entries(FEED_TABLES)) {
    for (const [col, type] of Object.entries(cols)) {
      const got = have.get(`${table}.${col}`);
      if (got !== type) {
        throw new UsageError(
          `Cassandra keyspace ${ks} holds an older or foreign schema: table ${table} ${got === undefined ? `has no column ${col}` : `has ${col} as ${got}, not ${type}`}.`,
          { hint: `Drop that keyspace if it is yours (DROP KEYSPACE ${ks}) or name another with -o keyspace=<name>.` },
        );
      }
    }
  }
}
