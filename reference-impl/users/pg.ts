/**
 * users.pg: users and user_stats (followers_count, following_count, posts_count) in PostgreSQL,
 * seed 001 / 004 "1. User Database (PostgreSQL)". The DDL is follows.pg's
 * (reference-impl/follows/schema.ts usersDdl: the seed's MySQL-style inline INDEX clauses made
 * separate CREATE INDEX statements, counters NOT NULL; docs/errata.md), so users.pg and
 * follows.pg opened on one schema share one users table.
 *
 * create(): users and user_stats rows in one statement (a data-modifying CTE: both or neither).
 * profile(): one primary-key join. bump(): one UPDATE of the stats row, GREATEST(0, ...), so
 * "Eventual Consistency: Follower/following counts" never shows a negative count.
 */
import type pg from 'pg';
import { InvalidArgumentError } from '../../core/errors.js';
import { quoteSchema, runDdl } from '../common/pg.js';
import { usersDdl } from '../follows/schema.js';
import { clientOf, defineStoragePath } from '../path.js';
import type { NewUser, UserProfile, UserStats, UserStore, UserStoreOptions } from './types.js';

const PATH_ID = 'users.pg';
/** Users per statement in seedUsers() / seedStats(). */
const SEED_BATCH = 100_000;

/** Row of the profile query (BIGINT as text). */
interface ProfileRow {
  user_id: string;
  username: string;
  email: string;
  full_name: string;
  bio: string | null;
  verified: boolean | null;
  created_at: Date;
  followers_count: number | null;
  following_count: number | null;
  posts_count: number | null;
}

/**
 * users.pg on a pg.Pool (never ended here).
 * @throws InvalidArgumentError (constructor) for a schema that is not a plain lower-case identifier.
 */
export class PgUsers implements UserStore {
  readonly path = PATH_ID;
  private readonly pool: pg.Pool;
  private readonly s: string;

  constructor(pool: pg.Pool, o: UserStoreOptions = {}) {
    this.pool = pool;
    this.s = quoteSchema(o.schema ?? 'public');
  }

  /** Create schema, users and user_stats with their indexes if missing (advisory-locked, idempotent). */
  async setup(): Promise<void> {
    await runDdl(this.pool, usersDdl(this.s));
  }

  /**
   * Insert the user and a zeroed user_stats row in one statement.
   * @returns true if created, false if the userId existed.
   * @throws InvalidArgumentError for a bad id or a string over the seed's length; DatabaseError 23505 for a username/email taken by another id.
   */
  async create(u: NewUser): Promise<boolean> {
    if (!Number.isSafeInteger(u.userId) || u.userId < 0) throw new InvalidArgumentError(PATH_ID, `userId must be a non-negative safe integer, got ${u.userId}`);
    for (const [name, v, max] of [['username', u.username, 30], ['email', u.email, 255], ['fullName', u.fullName, 100]] as const) {
      if (typeof v !== 'string' || v.length === 0 || v.length > max) throw new InvalidArgumentError(PATH_ID, `${name} must be 1..${max} characters, got ${JSON.stringify(v)}`);
    }
    const r = await this.pool.query(
      `WITH u AS (
         INSERT INTO ${this.s}.users (user_id, username, email, password_hash, full_name, bio)
         VALUES ($1, $2, $3, '-', $4, $5) ON CONFLICT (user_id) DO NOTHING RETURNING user_id)
       INSERT INTO ${this.s}.user_stats (user_id) SELECT user_id FROM u ON CONFLICT DO NOTHING RETURNING user_id`,
      [u.userId, u.username, u.email, u.fullName, u.bio ?? null],
    );
    return r.rowCount === 1;
  }

  /** The user joined with user_stats (primary-key lookups), or undefined. Counters 0 when the stats row is missing. */
  async profile(userId: number): Promise<UserProfile | undefined> {
    const r = await this.pool.query<ProfileRow>(
      `SELECT u.user_id, u.username, u.email, u.full_name, u.bio, u.verified, u.created_at,
              s.followers_count, s.following_count, s.posts_count
         FROM ${this.s}.users u LEFT JOIN ${this.s}.user_stats s ON s.user_id = u.user_id
        WHERE u.user_id = $1`,
      [userId],
    );
    const x = r.rows[0];
    if (!x) return undefined;
    return {
      userId: Number(x.user_id),
      username: x.username,
      email: x.email,
      fullName: x.full_name,
      bio: x.bio,
      verified: x.verified === true,
      createdAt: x.created_at.getTime(),
      followersCount: x.followers_count ?? 0,
      followingCount: x.following_count ?? 0,
      postsCount: x.posts_count ?? 0,
    };
  }

  /**
   * Add deltas to the counters in one UPDATE (row-locked, so concurrent bumps add up), clamped at 0.
   * @returns the new counters, or undefined when the user has no stats row.
   * @throws InvalidArgumentError for a delta that is not a safe integer.
   */
  async bump(userId: number, d: Partial<UserStats>): Promise<UserStats | undefined> {
    const f = d.followersCount ?? 0;
    const g = d.followingCount ?? 0;
    const p = d.postsCount ?? 0;
    for (const x of [f, g, p]) if (!Number.isSafeInteger(x)) throw new InvalidArgumentError(PATH_ID, `counter deltas must be safe integers, got ${JSON.stringify(d)}`);
    const r = await this.pool.query<{ followers_count: number; following_count: number; posts_count: number }>(
      `UPDATE ${this.s}.user_stats SET
         followers_count = GREATEST(0, followers_count + $2),
         following_count = GREATEST(0, following_count + $3),
         posts_count = GREATEST(0, posts_count + $4),
         updated_at = NOW()
       WHERE user_id = $1 RETURNING followers_count, following_count, posts_count`,
      [userId, f, g, p],
    );
    const x = r.rows[0];
    return x ? { followersCount: x.followers_count, followingCount: x.following_count, postsCount: x.posts_count } : undefined;
  }

  /**
   * Create users first..first+count-1 with zeroed stats, 100 000 per statement
   * (generate_series; existing ids are left alone). About a second per 100 000 users here.
   * @throws InvalidArgumentError for a bad range.
   */
  async seedUsers(range: { first: number; count: number }): Promise<void> {
    const { first, count } = range;
    if (!Number.isSafeInteger(first) || first < 0 || !Number.isSafeInteger(count) || count < 0) {
      throw new InvalidArgumentError(PATH_ID, `invalid user range first=${first} count=${count}.`, { hint: 'Use non-negative integers.' });
    }
    const end = first + count;
    for (let start = first; start < end; start += SEED_BATCH) {
      await this.pool.query(
        `WITH u AS (
           INSERT INTO ${this.s}.users (user_id, username, email, password_hash, full_name)
           SELECT g, 'u' || g, 'u' || g || '@example.invalid', '-', 'User ' || g
           FROM generate_series($1::bigint, $2::bigint) AS g
           ON CONFLICT DO NOTHING RETURNING user_id)
         INSERT INTO ${this.s}.user_stats (user_id) SELECT user_id FROM u ON CONFLICT DO NOTHING`,
        [start, Math.min(end, start + SEED_BATCH) - 1],
      );
    }
  }

  /**
   * Overwrite counters from arrays, 100 000 users per UPDATE ... FROM unnest(...).
   * @returns the number of stats rows set.
   * @throws InvalidArgumentError for arrays of different lengths or a value that is not a non-negative safe integer.
   */
  async seedStats(userIds: readonly number[], rows: readonly UserStats[]): Promise<number> {
    if (userIds.length !== rows.length) throw new InvalidArgumentError(PATH_ID, 'userIds and rows must have the same length');
    for (const r of rows) {
      for (const x of [r.followersCount, r.followingCount, r.postsCount]) if (!Number.isSafeInteger(x) || x < 0) throw new InvalidArgumentError(PATH_ID, `counters must be non-negative safe integers, got ${JSON.stringify(r)}`);
    }
    let n = 0;
    for (let i = 0; i < userIds.length; i += SEED_BATCH) {
      const ids = userIds.slice(i, i + SEED_BATCH);
      const part = rows.slice(i, i + SEED_BATCH);
      const r = await this.pool.query(
        `UPDATE ${this.s}.user_stats t SET followers_count = x.f, following_count = x.g, posts_count = x.p, updated_at = NOW()
           FROM unnest($1::bigint[], $2::int[], $3::int[], $4::int[]) AS x(id, f, g, p)
          WHERE t.user_id = x.id`,
        [ids, part.map((x) => x.followersCount), part.map((x) => x.followingCount), part.map((x) => x.postsCount)],
      );
      n += r.rowCount ?? 0;
    }
    return n;
  }

  /** TRUNCATE user_stats and users of this schema (fails with the driver's 0A000 if another path's table, e.g. follows, references users: reset that path with users first). */
  async reset(): Promise<void> {
    await this.pool.query(`TRUNCATE ${this.s}.user_stats, ${this.s}.users`);
  }
}

/** The registration of users.pg (reference-impl/registry.ts). */
export const pgUsersPath = defineStoragePath({
  id: PATH_ID,
  family: 'users',
  stores: ['postgres'],
  seed: [
    { doc: '001', section: 'User Database (PostgreSQL)' },
    { doc: '004', section: 'User Database (PostgreSQL)' },
  ],
  summary: 'users + user_stats (followers/following/posts counters) created in one statement; profile by PK join; counters bumped in one UPDATE',
  open: (clients, o = {}) => new PgUsers(clientOf(clients, 'postgres', PATH_ID), o),
});
