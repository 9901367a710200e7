/**
 * What the caches paths share (seeds 001/004 "Caching Strategy"): the backing reads and writes
 * on PostgreSQL, the Redis keys and TTLs, cache-aside reads, and the seed/reset of the load
 * phase. Each path (cache-aside.ts, write-through.ts, pubsub-l1.ts) decides what an update does
 * to the cache (afterWrite) and whether an in-process L1 sits in front of Redis.
 *
 * Keys (prefix "cc:" by default): <prefix>post:{id} JSON TTL 1 h; <prefix>user:{id} JSON TTL
 * 30 min; <prefix>feed:{user}:{page} JSON array of post ids TTL 5 min (time-based expiry only:
 * a new post is not pushed into cached pages; 001 "Shorter TTL for frequently changing data").
 * A missing row is not cached (no negative caching).
 */
import type pg from 'pg';
import { InvalidArgumentError } from '../../core/errors.js';
import type { RedisClient } from '../../targets/redis/driver.js';
import { runDdl } from '../common/pg.js';
import { escapeGlob, unlinkMatching } from '../common/redis-keys.js';
import { cachesDdl, quoteSchema } from './schema.js';
import { FEED_PAGE_SIZE, type CacheLayer, type CacheOptions, type CacheSeed, type CacheStats, type CachedPost, type CachedUser } from './types.js';

const PREFIX_RE = /^[\w:.-]{0,64}$/;
/** Pages of feed:{user}:{page} a caller may ask for (0..MAX_PAGE). */
export const MAX_PAGE = 49;

/** Kinds of cached entity. */
export type CacheKind = 'post' | 'user' | 'feed';

/**
 * A cache-aside reader over PostgreSQL with Redis; subclasses set the path id and afterWrite().
 * @throws InvalidArgumentError (constructor) for a bad schema, prefix or TTL.
 */
export abstract class PgRedisCache implements CacheLayer {
  abstract readonly path: string;
  readonly schema: string;
  readonly prefix: string;
  readonly ttl: Readonly<Record<CacheKind, number>>;
  protected readonly counters: CacheStats = { hits: 0, l1Hits: 0, misses: 0, dbWrites: 0 };
  protected readonly s: string;

  constructor(
    protected readonly pool: pg.Pool,
    protected readonly redis: RedisClient,
    pathId: string,
    o: CacheOptions = {},
  ) {
    const ttl = (name: string, v: number | undefined, d: number) => {
      const x = v ?? d;
      if (!Number.isSafeInteger(x) || x < 1 || x > 86_400) throw new InvalidArgumentError(pathId, `${name} must be an integer in 1..86400 seconds, got ${x}`);
      return x;
    };
    this.schema = o.schema ?? 'cb_caches';
    this.s = quoteSchema(this.schema);
    this.prefix = o.redisPrefix ?? 'cc:';
    if (!PREFIX_RE.test(this.prefix)) throw new InvalidArgumentError(pathId, `redisPrefix "${this.prefix}" may hold only letters, digits, _ : . - (at most 64)`);
    this.ttl = { post: ttl('postTtlSeconds', o.postTtlSeconds, 3600), user: ttl('userTtlSeconds', o.userTtlSeconds, 1800), feed: ttl('feedTtlSeconds', o.feedTtlSeconds, 300) };
  }

  /** Redis key of an entity: post:{id}, user:{id}, feed:{user}:{page}. */
  key(kind: CacheKind, id: number, page?: number): string {
    return kind === 'feed' ? `${this.prefix}feed:${id}:${page ?? 0}` : `${this.prefix}${kind}:${id}`;
  }

  /** The backing tables (idempotent, race-safe DDL). */
  async setup(): Promise<void> {
    await runDdl(this.pool, cachesDdl(this.s));
  }

  /** L1 lookup; none here (caches.pubsub-l1 overrides). */
  protected l1Get(_key: string): string | undefined {
    return undefined;
  }
  /** L1 fill (an entry lives no longer than its kind's Redis TTL); none here. */
  protected l1Set(_key: string, _value: string, _kind: CacheKind): void {}

  /** Cache-aside read of one key: L1, Redis, else `load` from PostgreSQL and SET EX. */
  protected async read<T>(key: string, kind: CacheKind, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const l1 = this.l1Get(key);
    if (l1 !== undefined) {
      this.counters.hits++;
      this.counters.l1Hits++;
      return JSON.parse(l1) as T;
    }
    const cached = await this.redis.get(key);
    if (cached !== null) {
      this.counters.hits++;
      this.l1Set(key, cached, kind);
      return JSON.parse(cached) as T;
    }
    this.counters.misses++;
    const v = await load();
    if (v === undefined) return undefined;
    const json = JSON.stringify(v);
    await this.redis.set(key, json, { EX: this.ttl[kind] });
    this.l1Set(key, json, kind);
    return v;
  }

  /** What the path does to the cache once PostgreSQL has the new row (`json` is its cache value). */
  protected abstract afterWrite(key: string, kind: CacheKind, json: string): Promise<void>;

  /** The post by id (cache-aside). */
  getPost(postId: number): Promise<CachedPost | undefined> {
    return this.read(this.key('post', postId), 'post', () => this.loadPost(postId));
  }

  /** The user by id (cache-aside). */
  getUser(userId: number): Promise<CachedUser | undefined> {
    return this.read(this.key('user', userId), 'user', () => this.loadUser(userId));
  }

  /** PostgreSQL read of one post (a miss). */
  loadPost(postId: number): Promise<CachedPost | undefined> {
    return this.pool
      .query({ name: `cc_post_${this.schema}`, text: `SELECT post_id, author_id, body, version, created_at FROM ${this.s}.posts WHERE post_id = $1`, values: [postId] })
      .then((r) => (r.rows[0] ? postOf(r.rows[0]) : undefined));
  }

  /** PostgreSQL read of one user (a miss). */
  loadUser(userId: number): Promise<CachedUser | undefined> {
    return this.pool
      .query({ name: `cc_user_${this.schema}`, text: `SELECT user_id, name, bio, version FROM ${this.s}.users WHERE user_id = $1`, values: [userId] })
      .then((r) => (r.rows[0] ? { userId: Number(r.rows[0].user_id), name: r.rows[0].name, bio: r.rows[0].bio, version: r.rows[0].version } : undefined));
  }

  /** PostgreSQL read of one feed page: the newest posts of the user's followees (a miss). */
  loadFeed(userId: number, page: number): Promise<number[]> {
    return this.pool
      .query({
        name: `cc_feed_${this.schema}`,
        text: `SELECT p.post_id FROM ${this.s}.follows f
               CROSS JOIN LATERAL (SELECT post_id, created_at FROM ${this.s}.posts WHERE author_id = f.followee_id ORDER BY created_at DESC, post_id DESC LIMIT $2) p
               WHERE f.user_id = $1 ORDER BY p.created_at DESC, p.post_id DESC LIMIT $3 OFFSET $4`,
        values: [userId, (page + 1) * FEED_PAGE_SIZE, FEED_PAGE_SIZE, page * FEED_PAGE_SIZE],
      })
      .then((r) => r.rows.map((x) => Number(x.post_id)));
  }

  /** Update the post's body (version + 1) in PostgreSQL, then afterWrite. @returns the new version, or undefined for no such post. */
  async updatePost(postId: number, body: string): Promise<number | undefined> {
    this.counters.dbWrites++;
    const r = await this.pool.query({
      name: `cc_upost_${this.schema}`,
      text: `UPDATE ${this.s}.posts SET body = $2, version = version + 1 WHERE post_id = $1 RETURNING post_id, author_id, body, version, created_at`,
      values: [postId, body],
    });
    if (!r.rows[0]) return undefined;
    const post = postOf(r.rows[0]);
    await this.afterWrite(this.key('post', postId), 'post', JSON.stringify(post));
    return post.version;
  }

  /** Update the user's bio (version + 1), then afterWrite. @returns the new version, or undefined. */
  async updateUser(userId: number, bio: string): Promise<number | undefined> {
    this.counters.dbWrites++;
    const r = await this.pool.query({
      name: `cc_uuser_${this.schema}`,
      text: `UPDATE ${this.s}.users SET bio = $2, version = version + 1 WHERE user_id = $1 RETURNING user_id, name, bio, version`,
      values: [userId, bio],
    });
    const row = r.rows[0];
    if (!row) return undefined;
    const user: CachedUser = { userId: Number(row.user_id), name: row.name, bio: row.bio, version: row.version };
    await this.afterWrite(this.key('user', userId), 'user', JSON.stringify(user));
    return user.version;
  }

  /** feed:{user}:{page} (cache-aside, TTL only). @throws InvalidArgumentError for a page outside 0..49. */
  async feed(userId: number, page: number): Promise<number[]> {
    if (!Number.isSafeInteger(page) || page < 0 || page > MAX_PAGE) throw new InvalidArgumentError(this.path, `page must be an integer in 0..${MAX_PAGE}, got ${page}`);
    return (await this.read(this.key('feed', userId, page), 'feed', () => this.loadFeed(userId, page))) ?? [];
  }

  /**
   * Replace this schema's rows: users 0..users-1, posts 0..posts-1 (author post % users, one
   * second apart), user u follows u+1..u+followsPerUser (mod users); then empty the cache.
   * Server-side generate_series, so 1M posts load in seconds.
   * @throws InvalidArgumentError for counts outside 1..10M (users, posts) or 0..1000 (follows).
   */
  async seed(x: CacheSeed): Promise<void> {
    const ok = (v: number, lo: number, hi: number) => Number.isSafeInteger(v) && v >= lo && v <= hi;
    if (!ok(x.users, 1, 10_000_000) || !ok(x.posts, 1, 10_000_000) || !ok(x.followsPerUser, 0, Math.min(1000, x.users - 1))) {
      throw new InvalidArgumentError(this.path, `seed wants users and posts in 1..10000000 and followsPerUser in 0..min(1000, users-1), got ${x.users}, ${x.posts}, ${x.followsPerUser}`);
    }
    await this.pool.query(`TRUNCATE ${this.s}.users, ${this.s}.posts, ${this.s}.follows`);
    await this.pool.query(`INSERT INTO ${this.s}.users (user_id, name, bio) SELECT g, 'user' || g, 'bio of user ' || g FROM generate_series(0, $1::bigint - 1) g`, [x.users]);
    await this.pool.query(
      `INSERT INTO ${this.s}.posts (post_id, author_id, body, created_at) SELECT g, g % $2, 'post ' || g || ' ' || repeat('x', 200), to_timestamp(1700000000 + g) FROM generate_series(0, $1::bigint - 1) g`,
      [x.posts, x.users],
    );
    if (x.followsPerUser > 0) {
      await this.pool.query(
        `INSERT INTO ${this.s}.follows (user_id, followee_id) SELECT u, (u + k) % $1 FROM generate_series(0, $1::bigint - 1) u, generate_series(1, $2::int) k`,
        [x.users, x.followsPerUser],
      );
    }
    await this.pool.query(`ANALYZE ${this.s}.users, ${this.s}.posts, ${this.s}.follows`);
    await this.dropCache();
  }

  /** A copy of this instance's counters. */
  stats(): CacheStats {
    return { ...this.counters };
  }

  /** TRUNCATE the three tables and drop every key under the prefix. */
  async reset(): Promise<void> {
    await this.pool.query(`TRUNCATE ${this.s}.users, ${this.s}.posts, ${this.s}.follows`);
    await this.dropCache();
  }

  /** UNLINK every key under this prefix (and clear L1). @returns keys removed. */
  async dropCache(): Promise<number> {
    return unlinkMatching(this.redis, `${escapeGlob(this.prefix)}*`);
  }

  /** Nothing to release here (caches.pubsub-l1 overrides). */
  async close(): Promise<void> {}
}

function postOf(r: { post_id: string | number; author_id: string | number; body: string; version: number; created_at: Date }): CachedPost {
  return { postId: Number(r.post_id), authorId: Number(r.author_id), body: r.body, version: r.version, createdAt: r.created_at.getTime() };
}
