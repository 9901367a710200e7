/**
 * follows.pg: the social graph in PostgreSQL (seed 000, "Follows System": "Real-time",
 * "~100/sec", "Who follows this user?", "Show mutual followers (requires joins)",
 * "Prevents duplicate follows with transactions"), with follower/following counters in
 * seed 001's user_stats table.
 *
 * Consistency: follow/unfollow change the follows row and both counters in one READ
 * COMMITTED transaction, and touch the counters only when a row was really inserted or
 * deleted, so counts always equal rows (stronger than 001's "Eventual Consistency:
 * Follower/following counts", which it satisfies). Duplicates are impossible because of
 * the primary key; INSERT ... ON CONFLICT DO NOTHING turns a racing duplicate into a no-op.
 * Deadlocks: each transaction locks its two user_stats rows in ascending user_id order.
 * The price is a hot row: every follow of a celebrity queues on that celebrity's row.
 */
import type pg from 'pg';
import { InvalidArgumentError } from '../../core/errors.js';
import { clientOf, defineStoragePath } from '../path.js';
import { quoteSchema, runDdl, withTransaction } from '../common/pg.js';
import { followsDdl, usersDdl } from './schema.js';
import type { FollowCounts, FollowGraph, FollowGraphOptions, FollowResetOptions, PageOptions, UserPage } from './types.js';

export type { FollowCounts, PageOptions, UserPage } from './types.js';

/** Options of PgFollows: the family's FollowGraphOptions (schema). */
export type PgFollowsOptions = FollowGraphOptions;

/** Path id, for errors. */
const PATH_ID = 'follows.pg';

/** Rows of bulk follow edges per statement in seedFollows(). */
const EDGE_BATCH = 10_000;
/** Users per statement in seedUsers(). */
const USER_BATCH = 100_000;
/** Largest page size accepted by followers/following/mutuals. */
const MAX_LIMIT = 10_000;
/** Smallest BIGINT, the cursor of a first page (as text: it is not a safe JS integer). */
const MIN_BIGINT = '-9223372036854775808';

/** Row shape of the page queries (BIGINT arrives as text). */
type IdRow = { id: string };

/**
 * What PgFollows.audit() finds in the tables, all in one snapshot. Every field but `edges`
 * and `distinctPairs` must be 0 in a consistent graph, and distinctPairs must equal edges.
 */
export interface FollowsAudit {
  /** Rows in follows. */
  edges: number;
  /** Distinct (follower_id, followee_id) pairs in follows; below `edges` means duplicate follows. */
  distinctPairs: number;
  /** Rows with follower_id = followee_id. */
  selfFollows: number;
  /** Users whose user_stats.followers_count differs from their rows in follows (a user with rows but no stats row counts, with counters taken as 0). */
  followersMismatches: number;
  /** Users whose user_stats.following_count differs from their rows in follows (same rule). */
  followingMismatches: number;
  /** Users that appear in follows but have no user_stats row. */
  missingStats: number;
  /** Up to 5 user ids with a follower or following mismatch, ascending (for the report). */
  mismatchExamples: number[];
}

/** A query plan as EXPLAIN (ANALYZE, FORMAT JSON) reports it, reduced to what a report shows. */
export interface QueryPlan {
  /** Plan node types, depth-first from the root, e.g. ["Limit", "Nested Loop", "Index Only Scan", "Index Only Scan"]. */
  nodeTypes: string[];
  /** Join nodes among them (Nested Loop, Hash Join, Merge Join). */
  joins: string[];
  /** Indexes scanned, in plan order (schema-less names, e.g. "follows_followee_follower_idx"). */
  indexes: string[];
  /** Tables read by a sequential scan (empty when every table was reached through an index). */
  seqScans: string[];
  /** One line: nested node types with their index or table, e.g. "Limit > Nested Loop(Index Only Scan follows_followee_follower_idx, Index Only Scan follows_pkey)". */
  summary: string;
  /** The server's planning and execution time of this one EXPLAIN ANALYZE, ms. */
  planningMs: number | null;
  executionMs: number | null;
}

/** A node of EXPLAIN (FORMAT JSON) output, the fields we read. */
interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/**
 * follows.pg. Tables (in `schema`): users, user_stats (seed 001), follows(follower_id,
 * followee_id, created_at) with PRIMARY KEY (follower_id, followee_id) and an index on
 * (followee_id, follower_id). Users must exist (foreign keys); seedUsers() creates them.
 */
export class PgFollows implements FollowGraph {
  readonly path = 'follows.pg' as const;
  private readonly pool: pg.Pool;
  private readonly s: string;
  private readonly n: string;
  private readonly sql: {
    ins: string;
    del: string;
    incFollowing: string;
    incFollowers: string;
    followers: string;
    following: string;
    mutuals: string;
    counts: string;
    isFollowing: string;
  };

  /**
   * @param pool a pg.Pool for the target database; this class never ends it.
   * @throws InvalidArgumentError when opts.schema is not a plain lower-case identifier.
   */
  constructor(pool: pg.Pool, opts: PgFollowsOptions = {}) {
    const schema = opts.schema ?? 'public';
    this.pool = pool;
    const s = quoteSchema(schema);
    this.s = s;
    // Prepared-statement names are bound to one text per connection, hence per schema.
    this.n = `cb_fol_${schema}_`;
    // Counter upserts: a user_stats row missing for a user created elsewhere is created here.
    this.sql = {
      ins: `INSERT INTO ${s}.follows (follower_id, followee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      del: `DELETE FROM ${s}.follows WHERE follower_id = $1 AND followee_id = $2`,
      incFollowing: `INSERT INTO ${s}.user_stats AS t (user_id, following_count) VALUES ($1, $2)
        ON CONFLICT (user_id) DO UPDATE SET following_count = t.following_count + $2, updated_at = NOW()`,
      incFollowers: `INSERT INTO ${s}.user_stats AS t (user_id, followers_count) VALUES ($1, $2)
        ON CONFLICT (user_id) DO UPDATE SET followers_count = t.followers_count + $2, updated_at = NOW()`,
      followers: `SELECT follower_id AS id FROM ${s}.follows
        WHERE followee_id = $1 AND follower_id > $2 ORDER BY follower_id LIMIT $3`,
      following: `SELECT followee_id AS id FROM ${s}.follows
        WHERE follower_id = $1 AND followee_id > $2 ORDER BY followee_id LIMIT $3`,
      mutuals: `SELECT fa.follower_id AS id
        FROM ${s}.follows fa JOIN ${s}.follows fb ON fb.follower_id = fa.follower_id
        WHERE fa.followee_id = $1 AND fb.followee_id = $2 AND fa.follower_id > $3
        ORDER BY fa.follower_id LIMIT $4`,
      counts: `SELECT followers_count, following_count FROM ${s}.user_stats WHERE user_id = $1`,
      isFollowing: `SELECT 1 FROM ${s}.follows WHERE follower_id = $1 AND followee_id = $2`,
    };
  }

  /** Create schema, users, user_stats, follows and indexes if missing (advisory-locked, idempotent). */
  async setup(): Promise<void> {
    await runDdl(this.pool, [...usersDdl(this.s), ...followsDdl(this.s)]);
  }

  /**
   * Make `follower` follow `followee`. One transaction: INSERT ... ON CONFLICT DO NOTHING,
   * then, only if a row was inserted, following_count(follower) + 1 and
   * followers_count(followee) + 1.
   * @returns true if the follow was created, false if it already existed.
   * @throws InvalidArgumentError for a self-follow or ids that are not safe integers; the driver's
   *   DatabaseError code 23503 when either user does not exist.
   */
  follow(follower: number, followee: number): Promise<boolean> {
    checkPair(follower, followee);
    return this.change(follower, followee, 1);
  }

  /**
   * Make `follower` stop following `followee`. One transaction: DELETE, then, only if a row
   * was deleted, both counters - 1.
   * @returns true if a follow was removed, false if there was none.
   * @throws InvalidArgumentError as follow().
   */
  unfollow(follower: number, followee: number): Promise<boolean> {
    checkPair(follower, followee);
    return this.change(follower, followee, -1);
  }

  /** The shared transaction of follow (+1) and unfollow (-1). */
  private change(follower: number, followee: number, delta: 1 | -1): Promise<boolean> {
    return withTransaction(this.pool, async (c) => {
      const r =
        delta === 1
          ? await c.query({ name: this.n + 'ins', text: this.sql.ins, values: [follower, followee] })
          : await c.query({ name: this.n + 'del', text: this.sql.del, values: [follower, followee] });
      if (r.rowCount !== 1) return false;
      // Lock the two user_stats rows in ascending user_id order so that follow(a,b) and
      // follow(b,a) running together cannot deadlock.
      const following = { name: this.n + 'incFollowing', text: this.sql.incFollowing, values: [follower, delta] };
      const followers = { name: this.n + 'incFollowers', text: this.sql.incFollowers, values: [followee, delta] };
      if (follower < followee) {
        await c.query(following);
        await c.query(followers);
      } else {
        await c.query(followers);
        await c.query(following);
      }
      return true;
    });
  }

  /** Whether `follower` follows `followee` (primary-key lookup). */
  async isFollowing(follower: number, followee: number): Promise<boolean> {
    const r = await this.pool.query({ name: this.n + 'isFollowing', text: this.sql.isFollowing, values: [follower, followee] });
    return r.rowCount === 1;
  }

  /**
   * "Who follows this user?" (seed 000): ids of users following `userId`, ascending,
   * keyset-paginated. Index-only scan of follows_followee_follower_idx.
   * @throws InvalidArgumentError for a limit outside 1..10000.
   */
  followers(userId: number, page: PageOptions = {}): Promise<UserPage> {
    return this.page(this.n + 'followers', this.sql.followers, [userId], page);
  }

  /**
   * Ids of users `userId` follows, ascending, keyset-paginated. Index-only scan of the PK.
   * @throws InvalidArgumentError for a limit outside 1..10000.
   */
  following(userId: number, page: PageOptions = {}): Promise<UserPage> {
    return this.page(this.n + 'following', this.sql.following, [userId], page);
  }

  /**
   * "Show mutual followers (requires joins)" (seed 000), defined as: the users who follow
   * BOTH `a` and `b` (their common followers), ascending, keyset-paginated. Implemented as
   * a self-join of follows on follower_id. Same definition as follows.redis-cache's
   * SINTER followers:{a} followers:{b}, so the two paths are comparable. mutuals(a, a) is
   * followers(a).
   * @throws InvalidArgumentError for a limit outside 1..10000.
   */
  mutuals(a: number, b: number, page: PageOptions = {}): Promise<UserPage> {
    return this.page(this.n + 'mutuals', this.sql.mutuals, [a, b], page);
  }

  /** Follower and following counts from user_stats; zeros when the user has no stats row. */
  async counts(userId: number): Promise<FollowCounts> {
    const r = await this.pool.query<{ followers_count: number; following_count: number }>({
      name: this.n + 'counts',
      text: this.sql.counts,
      values: [userId],
    });
    const row = r.rows[0];
    return row === undefined ? { followers: 0, following: 0 } : { followers: row.followers_count, following: row.following_count };
  }

  /**
   * Check the graph's invariants in one statement (one snapshot): duplicate pairs, self
   * follows, and every user's user_stats counters against their rows in follows. Reads
   * the whole follows table twice (two GROUP BYs): seconds at tens of millions of edges,
   * so it is for verification after a run, not for the hot path.
   * @returns counts of violations (see FollowsAudit); all 0 in a consistent graph.
   */
  async audit(): Promise<FollowsAudit> {
    const s = this.s;
    const r = await this.pool.query<Record<string, string | null> & { examples: string[] | null }>(
      `WITH fr AS (SELECT followee_id AS u, count(*) AS n FROM ${s}.follows GROUP BY followee_id),
            fg AS (SELECT follower_id AS u, count(*) AS n FROM ${s}.follows GROUP BY follower_id),
            ids AS (SELECT user_id AS u FROM ${s}.user_stats UNION SELECT u FROM fr UNION SELECT u FROM fg),
            cmp AS (
              SELECT ids.u, st.user_id IS NULL AS missing,
                     COALESCE(st.followers_count, 0) <> COALESCE(fr.n, 0) AS bad_followers,
                     COALESCE(st.following_count, 0) <> COALESCE(fg.n, 0) AS bad_following
                FROM ids
                LEFT JOIN ${s}.user_stats st ON st.user_id = ids.u
                LEFT JOIN fr ON fr.u = ids.u
                LEFT JOIN fg ON fg.u = ids.u)
       SELECT (SELECT count(*) FROM ${s}.follows) AS edges,
              (SELECT count(*) FROM (SELECT DISTINCT follower_id, followee_id FROM ${s}.follows) d) AS distinct_pairs,
              (SELECT count(*) FROM ${s}.follows WHERE follower_id = followee_id) AS self_follows,
              (SELECT count(*) FROM cmp WHERE bad_followers) AS followers_mismatches,
              (SELECT count(*) FROM cmp WHERE bad_following) AS following_mismatches,
              (SELECT count(*) FROM cmp WHERE missing) AS missing_stats,
              (SELECT array_agg(u ORDER BY u) FROM (SELECT u FROM cmp WHERE bad_followers OR bad_following ORDER BY u LIMIT 5) x) AS examples`,
    );
    const row = r.rows[0]!;
    const n = (k: string) => Number(row[k] ?? 0); // count(*) is BIGINT: it arrives as text
    return {
      edges: n('edges'),
      distinctPairs: n('distinct_pairs'),
      selfFollows: n('self_follows'),
      followersMismatches: n('followers_mismatches'),
      followingMismatches: n('following_mismatches'),
      missingStats: n('missing_stats'),
      mismatchExamples: (row.examples ?? []).map(Number),
    };
  }

  /**
   * EXPLAIN (ANALYZE, FORMAT JSON) of the first page of mutuals(a, b): the same SQL text
   * mutuals() runs, with these values (so the plan the server picks for them; a prepared
   * statement may switch to a generic plan after five executions). ANALYZE executes the
   * query, which only reads.
   * @throws InvalidArgumentError for a limit outside 1..10000.
   */
  async explainMutuals(a: number, b: number, limit = 100): Promise<QueryPlan> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new InvalidArgumentError(PATH_ID, `limit must be an integer in 1..${MAX_LIMIT}, got ${limit}`);
    const r = await this.pool.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode; 'Planning Time'?: number; 'Execution Time'?: number }> }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${this.sql.mutuals}`,
      [a, b, MIN_BIGINT, limit + 1],
    );
    const top = r.rows[0]!['QUERY PLAN'][0]!;
    const nodeTypes: string[] = [];
    const joins: string[] = [];
    const indexes: string[] = [];
    const seqScans: string[] = [];
    const walk = (node: PlanNode): string => {
      const type = node['Node Type'];
      nodeTypes.push(type);
      if (/Join|Nested Loop/.test(type)) joins.push(type);
      if (node['Index Name'] !== undefined) indexes.push(node['Index Name']);
      if (type === 'Seq Scan' && node['Relation Name'] !== undefined) seqScans.push(node['Relation Name']);
      const what = node['Index Name'] ?? (type === 'Seq Scan' ? node['Relation Name'] : undefined);
      const label = what === undefined ? type : `${type} ${what}`;
      const kids = (node.Plans ?? []).map(walk);
      return kids.length === 0 ? label : kids.length === 1 ? `${label} > ${kids[0]}` : `${label}(${kids.join(', ')})`;
    };
    const summary = walk(top.Plan);
    return { nodeTypes, joins, indexes, seqScans, summary, planningMs: top['Planning Time'] ?? null, executionMs: top['Execution Time'] ?? null };
  }

  /** Run one keyset page query: fetch limit + 1 rows to know whether another page exists. */
  private async page(name: string, text: string, keys: number[], page: PageOptions): Promise<UserPage> {
    const limit = page.limit ?? 100;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new InvalidArgumentError(PATH_ID, `limit must be an integer in 1..${MAX_LIMIT}, got ${limit}`);
    const after: number | string = page.after ?? MIN_BIGINT;
    const r = await this.pool.query<IdRow>({ name, text, values: [...keys, after, limit + 1] });
    const more = r.rows.length > limit;
    const n = more ? limit : r.rows.length;
    const ids = new Array<number>(n);
    for (let i = 0; i < n; i++) ids[i] = Number((r.rows[i] as IdRow).id); // BIGINT arrives as text
    return { ids, next: more ? ids[n - 1] : undefined };
  }

  /**
   * Create users first..first+count-1 (synthetic username "u{id}", email
   * "u{id}@example.invalid") with zeroed user_stats rows. Existing ids are left alone.
   * For load phases.
   * @throws InvalidArgumentError for a range that is not non-negative safe integers.
   */
  async seedUsers(range: { first: number; count: number }): Promise<void> {
    const { first, count } = range;
    if (!Number.isSafeInteger(first) || first < 0 || !Number.isSafeInteger(count) || count < 0) {
      throw new InvalidArgumentError(PATH_ID, `invalid user range first=${first} count=${count}.`, { hint: 'Use non-negative integers.' });
    }
    const end = first + count;
    for (let start = first; start < end; start += USER_BATCH) {
      const last = Math.min(end, start + USER_BATCH) - 1;
      await this.pool.query(
        `WITH u AS (
           INSERT INTO ${this.s}.users (user_id, username, email, password_hash, full_name)
           SELECT g, 'u' || g, 'u' || g || '@example.invalid', '-', 'User ' || g
           FROM generate_series($1::bigint, $2::bigint) AS g
           ON CONFLICT DO NOTHING
           RETURNING user_id)
         INSERT INTO ${this.s}.user_stats (user_id) SELECT user_id FROM u ON CONFLICT DO NOTHING`,
        [start, last],
      );
    }
  }

  /**
   * Bulk-load follow edges (followers[i] follows followees[i]) for load phases: inserts in
   * batches of 10000 with ON CONFLICT DO NOTHING, skips self-follows, and adds to the
   * counters exactly the edges that were inserted, in the same statement. Not meant to
   * run alongside live follow() calls on the same users (its row-lock order is not
   * coordinated with theirs).
   * @returns the number of edges inserted.
   * @throws InvalidArgumentError when the arrays differ in length; DatabaseError 23503 for unknown users.
   */
  async seedFollows(followers: readonly number[], followees: readonly number[]): Promise<number> {
    if (followers.length !== followees.length) throw new InvalidArgumentError(PATH_ID, 'followers and followees must have the same length');
    let inserted = 0;
    for (let i = 0; i < followers.length; i += EDGE_BATCH) {
      const r = await this.pool.query<{ inserted: number }>(
        `WITH ins AS (
           INSERT INTO ${this.s}.follows (follower_id, followee_id)
           SELECT f, e FROM unnest($1::bigint[], $2::bigint[]) AS p(f, e) WHERE f <> e
           ON CONFLICT DO NOTHING
           RETURNING follower_id, followee_id),
         d AS (
           SELECT uid, sum(fwing)::int AS fwing, sum(fwers)::int AS fwers FROM (
             SELECT follower_id AS uid, 1 AS fwing, 0 AS fwers FROM ins
             UNION ALL
             SELECT followee_id, 0, 1 FROM ins) x
           GROUP BY uid),
         up AS (
           INSERT INTO ${this.s}.user_stats AS t (user_id, following_count, followers_count)
           SELECT uid, fwing, fwers FROM d ORDER BY uid
           ON CONFLICT (user_id) DO UPDATE SET
             following_count = t.following_count + EXCLUDED.following_count,
             followers_count = t.followers_count + EXCLUDED.followers_count,
             updated_at = NOW()
           RETURNING 1)
         SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM up)::int AS stats`,
        [followers.slice(i, i + EDGE_BATCH), followees.slice(i, i + EDGE_BATCH)],
      );
      inserted += (r.rows[0] as { inserted: number }).inserted;
    }
    return inserted;
  }

  /**
   * Empty the graph for a new test or run: TRUNCATE follows and zero every follower and
   * following counter. With `{ users: true }` also TRUNCATE user_stats and users (fails if
   * another path's table references users; those paths own their own reset).
   */
  async reset(opts: FollowResetOptions = {}): Promise<void> {
    if (opts.users === true) {
      await this.pool.query(`TRUNCATE ${this.s}.follows, ${this.s}.user_stats, ${this.s}.users`);
      return;
    }
    await withTransaction(this.pool, async (c) => {
      await c.query(`TRUNCATE ${this.s}.follows`);
      await c.query(
        `UPDATE ${this.s}.user_stats SET followers_count = 0, following_count = 0, updated_at = NOW()
         WHERE followers_count <> 0 OR following_count <> 0`,
      );
    });
  }
}

/** Reject self-follows and non-integer ids before they reach the database. */
function checkPair(follower: number, followee: number): void {
  if (!Number.isSafeInteger(follower) || !Number.isSafeInteger(followee)) throw new InvalidArgumentError(PATH_ID, `user ids must be safe integers, got ${follower}, ${followee}`);
  if (follower === followee) throw new InvalidArgumentError(PATH_ID, `user ${follower} cannot follow themself`);
}

/** The registration of follows.pg (reference-impl/registry.ts). */
export const pgFollowsPath = defineStoragePath({
  id: PATH_ID,
  family: 'follows',
  stores: ['postgres'],
  seed: [
    { doc: '000', section: 'Follows System' },
    { doc: '001', section: 'User Database (PostgreSQL)' },
  ],
  summary: 'follows(follower_id, followee_id) with user_stats counters changed in one transaction; mutuals by join',
  open: (clients, o = {}) => new PgFollows(clientOf(clients, 'postgres', PATH_ID), o),
});
