/**
 * likes.pg-direct: the like counter as a column of a PostgreSQL table, one UPDATE per like.
 * The baseline for seed 000's "Atomic increments (INCR ...) are 10x faster than DB writes"
 * and "High-volume likes overwhelm relational DBs" ("Likes System" / "Why Not PostgreSQL?").
 *
 * Table `{schema}.post_like_counts(post_id BIGINT PRIMARY KEY, likes INT NOT NULL)`: the
 * narrowest posts table that can hold the counter. Why narrow: it is the database's best
 * case (small rows, HOT updates since `likes` is not indexed), so a measured gap to Redis
 * is not an artefact of a wide row. INT as in seed 001's posts.likes_count.
 */
import type pg from 'pg';
import { quoteSchema, runDdl } from '../common/pg.js';
import { clientOf, defineStoragePath } from '../path.js';
import { checkSeedRange, initialFor, type LikeCounter, type LikeCounterOptions, type SeedRange } from './types.js';

/** Options of this path: the family's LikeCounterOptions fields it reads (documented there). */
export type PgDirectOptions = Pick<LikeCounterOptions, 'schema'>;

/** Rows per INSERT when seeding (generate_series for constant counts, unnest for per-post ones). */
const SEED_BATCH_CONST = 100_000;
const SEED_BATCH_FN = 10_000;

/** Row shape returned by the like/count statements (int4 comes back as a JS number). */
interface LikesRow {
  likes: number;
}

/**
 * likes.pg-direct. like() runs a named prepared
 * `UPDATE post_like_counts SET likes = likes + 1 WHERE post_id = $1 RETURNING likes`;
 * when no row matched (a post that was never seeded) it falls back to
 * `INSERT ... ON CONFLICT (post_id) DO UPDATE SET likes = likes + 1 RETURNING likes`, which
 * is atomic, so concurrent first likes of the same post are all counted. Posts normally
 * exist before anyone likes them, so the hot path is the single UPDATE.
 */
export class PgDirectLikes implements LikeCounter {
  readonly path = 'likes.pg-direct' as const;
  /** Schema-qualified table name, e.g. "public"."post_like_counts" (for footprint queries). */
  readonly table: string;
  private readonly pool: pg.Pool;
  private readonly schemaSql: string;
  // Statement names are per schema: a prepared name is bound to one text on each connection.
  private readonly updName: string;
  private readonly updText: string;
  private readonly upsName: string;
  private readonly upsText: string;
  private readonly getName: string;
  private readonly getText: string;

  /**
   * @param pool a pg.Pool for the target database; this class never ends it.
   * @throws InvalidArgumentError when opts.schema is not a plain lower-case identifier.
   */
  constructor(pool: pg.Pool, opts: PgDirectOptions = {}) {
    const schema = opts.schema ?? 'public';
    this.pool = pool;
    this.schemaSql = quoteSchema(schema);
    this.table = `${this.schemaSql}."post_like_counts"`;
    this.updName = `cb_likes_upd_${schema}`;
    this.updText = `UPDATE ${this.table} SET likes = likes + 1 WHERE post_id = $1 RETURNING likes`;
    this.upsName = `cb_likes_ups_${schema}`;
    this.upsText = `INSERT INTO ${this.table} AS t (post_id, likes) VALUES ($1, 1) ON CONFLICT (post_id) DO UPDATE SET likes = t.likes + 1 RETURNING likes`;
    this.getName = `cb_likes_get_${schema}`;
    this.getText = `SELECT likes FROM ${this.table} WHERE post_id = $1`;
  }

  /** CREATE SCHEMA / TABLE IF NOT EXISTS under an advisory lock (safe from parallel workers). */
  async setup(): Promise<void> {
    await runDdl(this.pool, [
      `CREATE SCHEMA IF NOT EXISTS ${this.schemaSql}`,
      `CREATE TABLE IF NOT EXISTS ${this.table} (
         post_id BIGINT PRIMARY KEY,
         likes   INT NOT NULL DEFAULT 0
       )`,
    ]);
  }

  /** UPDATE ... RETURNING, falling back to an atomic upsert for an unseeded post; resolves to the new count. */
  async like(postId: number): Promise<number> {
    const r = await this.pool.query<LikesRow>({ name: this.updName, text: this.updText, values: [postId] });
    const row = r.rows[0];
    if (row !== undefined) return row.likes;
    const u = await this.pool.query<LikesRow>({ name: this.upsName, text: this.upsText, values: [postId] });
    // ON CONFLICT DO UPDATE ... RETURNING always yields exactly one row.
    return (u.rows[0] as LikesRow).likes;
  }

  /** SELECT likes; 0 when the post has no row. */
  async count(postId: number): Promise<number> {
    const r = await this.pool.query<LikesRow>({ name: this.getName, text: this.getText, values: [postId] });
    const row = r.rows[0];
    return row === undefined ? 0 : row.likes;
  }

  /** Upsert rows for the range with their initial counts (overwrites), in batches, one transaction per batch. */
  async seed(range: SeedRange): Promise<void> {
    checkSeedRange(this.path, range);
    const end = range.first + range.count;
    const init = range.initial;
    if (init === undefined || typeof init === 'number') {
      for (let start = range.first; start < end; start += SEED_BATCH_CONST) {
        const last = Math.min(end, start + SEED_BATCH_CONST) - 1;
        await this.pool.query(
          `INSERT INTO ${this.table} (post_id, likes)
           SELECT g, $3::int FROM generate_series($1::bigint, $2::bigint) AS g
           ON CONFLICT (post_id) DO UPDATE SET likes = EXCLUDED.likes`,
          [start, last, init ?? 0],
        );
      }
      return;
    }
    for (let start = range.first; start < end; start += SEED_BATCH_FN) {
      const stop = Math.min(end, start + SEED_BATCH_FN);
      const ids: number[] = [];
      const counts: number[] = [];
      for (let id = start; id < stop; id++) {
        ids.push(id);
        counts.push(initialFor(range, id));
      }
      await this.pool.query(
        `INSERT INTO ${this.table} (post_id, likes)
         SELECT * FROM unnest($1::bigint[], $2::int[])
         ON CONFLICT (post_id) DO UPDATE SET likes = EXCLUDED.likes`,
        [ids, counts],
      );
    }
  }

  /** TRUNCATE the table (it must exist: call setup() first). */
  async reset(): Promise<void> {
    await this.pool.query(`TRUNCATE ${this.table}`);
  }

  /** Sum of every post's counter, and the number of posts with a row. */
  async total(): Promise<{ likes: number; posts: number }> {
    const r = await this.pool.query<{ likes: string; posts: string }>(`SELECT coalesce(sum(likes), 0)::text AS likes, count(*)::text AS posts FROM ${this.table}`);
    return { likes: Number(r.rows[0]!.likes), posts: Number(r.rows[0]!.posts) };
  }
}

/** The registration of likes.pg-direct (reference-impl/registry.ts). */
export const pgDirectLikesPath = defineStoragePath({
  id: 'likes.pg-direct',
  family: 'likes',
  stores: ['postgres'],
  seed: [{ doc: '000', section: 'Likes System' }],
  summary: 'a likes column of post_like_counts, one UPDATE ... RETURNING per like: the "DB writes" baseline',
  open: (clients, o = {}) => new PgDirectLikes(clientOf(clients, 'postgres', 'likes.pg-direct'), o),
});
