/**
 * bookmarks.pg: bookmarks in PostgreSQL (seed 000 "Bookmarks System": "Critical user data
 * requires strong consistency", "Show my bookmarked posts (requires joins)", "~10/sec").
 *
 * Tables (in `schema`, default "cb_posts_bm"):
 *   posts (post_id BIGINT PRIMARY KEY, author_id, title, created_at, bookmark_count INT)
 *   bookmarks (user_id, post_id REFERENCES posts ON DELETE CASCADE, created_at,
 *              PRIMARY KEY (user_id, post_id))
 *   index bookmarks_user_recent ON bookmarks (user_id, created_at DESC, post_id DESC)
 *   index bookmarks_post ON bookmarks (post_id)
 * add()/remove() are one statement each: the INSERT … ON CONFLICT DO NOTHING (or DELETE) and
 * the posts.bookmark_count update in one CTE, so the counter moves only when a row changed and
 * always together with it (no lost or double counts under races). list() is the join, a
 * keyset page on bookmarks_user_recent.
 *
 * The seed gives no DDL for bookmarks; the tables are capbench's reading of the section
 * (docs/errata.md, "bookmarks").
 */
import type pg from 'pg';
import { InvalidArgumentError } from '../../core/errors.js';
import { quoteSchema, runDdl } from '../common/pg.js';
import { explainAnalyze, type ExplainedPlan } from '../common/pg-explain.js';
import { clientOf, defineStoragePath } from '../path.js';
import type { BookmarkCursor, BookmarkPost, BookmarkStore, BookmarkStoreOptions, BookmarkedPost } from './types.js';

const PATH_ID = 'bookmarks.pg';
const MAX_LIMIT = 1000;
/** Posts per INSERT in addPosts(). */
const POST_BATCH = 10_000;

const nonNeg = (x: number) => Number.isSafeInteger(x) && x >= 0;

/** What audit() finds, in one snapshot. countMismatches must be 0; rows must equal distinctPairs. */
export interface BookmarksAudit {
  /** Rows in bookmarks. */
  rows: number;
  /** Distinct (user_id, post_id) pairs. */
  distinctPairs: number;
  /** Posts in posts. */
  posts: number;
  /** Posts with at least one bookmark. */
  bookmarkedPosts: number;
  /** Sum of posts.bookmark_count. */
  counterSum: number;
  /** Posts whose bookmark_count differs from their rows. */
  countMismatches: number;
}

/** @throws InvalidArgumentError for a limit outside 1..1000. */
function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new InvalidArgumentError(PATH_ID, `limit must be an integer in 1..${MAX_LIMIT}, got ${limit}`);
}

/**
 * bookmarks.pg on a connected pg.Pool (never ended here). Open through pgBookmarksPath.open(); call setup() first.
 * @throws InvalidArgumentError (constructor) for a schema that is not a plain lower-case identifier.
 */
export class PgBookmarks implements BookmarkStore {
  readonly path = PATH_ID;
  readonly schema: string;
  /** The quoted schema, for SQL text. */
  readonly s: string;
  private readonly sql: { add: string; remove: string; list: string; listAfter: string };

  constructor(
    readonly pool: pg.Pool,
    o: BookmarkStoreOptions = {},
  ) {
    this.schema = o.schema ?? 'cb_posts_bm';
    const s = quoteSchema(this.schema);
    this.s = s;
    const cols = `b.post_id, b.created_at AS bookmarked_at, p.author_id, p.title, p.created_at`;
    this.sql = {
      add: `WITH ins AS (INSERT INTO ${s}.bookmarks (user_id, post_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING post_id)
            UPDATE ${s}.posts p SET bookmark_count = p.bookmark_count + 1 FROM ins WHERE p.post_id = ins.post_id`,
      remove: `WITH del AS (DELETE FROM ${s}.bookmarks WHERE user_id = $1 AND post_id = $2 RETURNING post_id)
               UPDATE ${s}.posts p SET bookmark_count = p.bookmark_count - 1 FROM del WHERE p.post_id = del.post_id`,
      list: `SELECT ${cols} FROM ${s}.bookmarks b JOIN ${s}.posts p ON p.post_id = b.post_id
             WHERE b.user_id = $1 ORDER BY b.created_at DESC, b.post_id DESC LIMIT $2`,
      listAfter: `SELECT ${cols} FROM ${s}.bookmarks b JOIN ${s}.posts p ON p.post_id = b.post_id
             WHERE b.user_id = $1 AND (b.created_at, b.post_id) < ($3, $4) ORDER BY b.created_at DESC, b.post_id DESC LIMIT $2`,
    };
  }

  /** Create the schema, tables and indexes if missing (advisory-locked DDL, safe from parallel workers). */
  async setup(): Promise<void> {
    const s = this.s;
    await runDdl(this.pool, [
      `CREATE SCHEMA IF NOT EXISTS ${s}`,
      `CREATE TABLE IF NOT EXISTS ${s}.posts (
         post_id BIGINT PRIMARY KEY, author_id BIGINT NOT NULL, title TEXT NOT NULL,
         created_at TIMESTAMPTZ NOT NULL, bookmark_count INT NOT NULL DEFAULT 0)`,
      `CREATE TABLE IF NOT EXISTS ${s}.bookmarks (
         user_id BIGINT NOT NULL, post_id BIGINT NOT NULL REFERENCES ${s}.posts (post_id) ON DELETE CASCADE,
         created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(), PRIMARY KEY (user_id, post_id))`,
      `CREATE INDEX IF NOT EXISTS bookmarks_user_recent ON ${s}.bookmarks (user_id, created_at DESC, post_id DESC)`,
      `CREATE INDEX IF NOT EXISTS bookmarks_post ON ${s}.bookmarks (post_id)`,
    ]);
  }

  /** Insert posts in batches of 10000 (unnest), leaving existing ids as they are. */
  async addPosts(posts: readonly BookmarkPost[]): Promise<void> {
    for (const p of posts) {
      if (![p.postId, p.authorId, p.createdAt].every(nonNeg)) throw new InvalidArgumentError(PATH_ID, `postId, authorId and createdAt must be non-negative safe integers, got ${p.postId}, ${p.authorId}, ${p.createdAt}`);
    }
    for (let i = 0; i < posts.length; i += POST_BATCH) {
      const b = posts.slice(i, i + POST_BATCH);
      await this.pool.query(
        `INSERT INTO ${this.s}.posts (post_id, author_id, title, created_at)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[]) ON CONFLICT DO NOTHING`,
        [b.map((p) => p.postId), b.map((p) => p.authorId), b.map((p) => p.title), b.map((p) => new Date(p.createdAt))],
      );
    }
  }

  /** Insert `count` posts first..first+count-1 server-side (generate_series), author = id % authors, title "post <id>", created 1 s apart. */
  async seedPosts(first: number, count: number, authors = 1000): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.s}.posts (post_id, author_id, title, created_at)
       SELECT g, g % $3, 'post ' || g, TIMESTAMPTZ '2025-01-01' + g * INTERVAL '1 second' FROM generate_series($1::bigint, $2::bigint) g ON CONFLICT DO NOTHING`,
      [first, first + count - 1, authors],
    );
  }

  /** Bookmark (module comment). */
  async add(userId: number, postId: number, at = Date.now()): Promise<boolean> {
    this.checkIds(userId, postId);
    const r = await this.pool.query({ name: `${this.schema}_bm_add`, text: this.sql.add, values: [userId, postId, new Date(at)] });
    return r.rowCount === 1;
  }

  /** Remove (module comment). */
  async remove(userId: number, postId: number): Promise<boolean> {
    this.checkIds(userId, postId);
    const r = await this.pool.query({ name: `${this.schema}_bm_remove`, text: this.sql.remove, values: [userId, postId] });
    return r.rowCount === 1;
  }

  async has(userId: number, postId: number): Promise<boolean> {
    const r = await this.pool.query(`SELECT 1 FROM ${this.s}.bookmarks WHERE user_id = $1 AND post_id = $2`, [userId, postId]);
    return r.rowCount === 1;
  }

  /** "Show my bookmarked posts": the join, one keyset page. */
  async list(userId: number, opts: { limit?: number; after?: BookmarkCursor } = {}): Promise<BookmarkedPost[]> {
    const limit = opts.limit ?? 20;
    checkLimit(limit);
    type Row = { post_id: string; bookmarked_at: Date; author_id: string; title: string; created_at: Date };
    const r = opts.after
      ? await this.pool.query<Row>({ name: `${this.schema}_bm_list_after`, text: this.sql.listAfter, values: [userId, limit, new Date(opts.after.bookmarkedAt), opts.after.postId] })
      : await this.pool.query<Row>({ name: `${this.schema}_bm_list`, text: this.sql.list, values: [userId, limit] });
    return r.rows.map((x) => ({ postId: Number(x.post_id), authorId: Number(x.author_id), title: x.title, createdAt: x.created_at.getTime(), bookmarkedAt: x.bookmarked_at.getTime() }));
  }

  async userCount(userId: number): Promise<number> {
    const r = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.s}.bookmarks WHERE user_id = $1`, [userId]);
    return Number(r.rows[0]!.n);
  }

  async postCount(postId: number): Promise<number> {
    const r = await this.pool.query<{ n: number }>(`SELECT bookmark_count AS n FROM ${this.s}.posts WHERE post_id = $1`, [postId]);
    return r.rows[0]?.n ?? 0;
  }

  /** Which of the (user, post) pairs are bookmarked, as "user:post" strings (one query). */
  async present(pairs: readonly { userId: number; postId: number }[]): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const r = await this.pool.query<{ user_id: string; post_id: string }>(
      `SELECT b.user_id, b.post_id FROM ${this.s}.bookmarks b JOIN unnest($1::bigint[], $2::bigint[]) AS k(u, p) ON b.user_id = k.u AND b.post_id = k.p`,
      [pairs.map((x) => x.userId), pairs.map((x) => x.postId)],
    );
    return new Set(r.rows.map((x) => `${x.user_id}:${x.post_id}`));
  }

  /** The tables in one snapshot (REPEATABLE READ): rows, pairs, counters against rows. */
  async audit(): Promise<BookmarksAudit> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const a = await c.query<Record<string, string>>(`SELECT count(*) AS rows, count(DISTINCT (user_id, post_id)) AS pairs, count(DISTINCT post_id) AS bookmarked FROM ${this.s}.bookmarks`);
      const b = await c.query<Record<string, string>>(
        `SELECT count(*) AS posts, COALESCE(sum(p.bookmark_count), 0) AS counter_sum,
                count(*) FILTER (WHERE p.bookmark_count <> COALESCE(n.n, 0)) AS mismatches
         FROM ${this.s}.posts p LEFT JOIN (SELECT post_id, count(*) AS n FROM ${this.s}.bookmarks GROUP BY post_id) n ON n.post_id = p.post_id`,
      );
      await c.query('COMMIT');
      return {
        rows: Number(a.rows[0]!.rows),
        distinctPairs: Number(a.rows[0]!.pairs),
        bookmarkedPosts: Number(a.rows[0]!.bookmarked),
        posts: Number(b.rows[0]!.posts),
        counterSum: Number(b.rows[0]!.counter_sum),
        countMismatches: Number(b.rows[0]!.mismatches),
      };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  /** EXPLAIN ANALYZE of list(userId, limit): the join's plan and the server's time. */
  async explainList(userId: number, limit = 20): Promise<ExplainedPlan> {
    checkLimit(limit);
    return explainAnalyze(this.pool, this.sql.list, [userId, limit]);
  }

  /** Empty bookmarks (and posts with posts: true) of this schema, resetting the counters. */
  async reset(opts: { posts?: boolean } = {}): Promise<void> {
    if (opts.posts) await this.pool.query(`TRUNCATE ${this.s}.bookmarks, ${this.s}.posts`);
    else {
      await this.pool.query(`TRUNCATE ${this.s}.bookmarks`);
      await this.pool.query(`UPDATE ${this.s}.posts SET bookmark_count = 0 WHERE bookmark_count <> 0`);
    }
  }

  /** @throws InvalidArgumentError for ids that are not non-negative safe integers. */
  private checkIds(userId: number, postId: number): void {
    if (!nonNeg(userId) || !nonNeg(postId)) throw new InvalidArgumentError(PATH_ID, `userId and postId must be non-negative safe integers, got ${userId}, ${postId}`);
  }
}

/** The registration of bookmarks.pg (reference-impl/registry.ts). */
export const pgBookmarksPath = defineStoragePath<'bookmarks', PgBookmarks>({
  id: PATH_ID,
  family: 'bookmarks',
  stores: ['postgres'],
  seed: [{ doc: '000', section: 'Bookmarks System' }],
  summary: 'bookmarks (user_id, post_id) PK + posts.bookmark_count moved in one CTE statement; "my bookmarked posts" = keyset join on (user_id, created_at DESC)',
  open: (clients, o = {}) => new PgBookmarks(clientOf(clients, 'postgres', PATH_ID), o),
});
