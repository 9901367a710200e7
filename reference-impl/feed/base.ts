/**
 * The four home-timeline strategies of the feed family on one shape of data (seed 001
 * "User Feed Table (Fan-out on Write)", "User Posts Table"; 004 "User Timeline Table (Fan-out on Write)"; 003 "The Hybrid
 * Approach"), as one class parameterised by strategy; reference-impl/feed/<path>.ts register it.
 *
 * Shared by every strategy (keyspace `capbench_fanout` by default): posts, user_posts (the
 * author timeline), followers and following (written together in one logged batch).
 *
 * The fan-out queue is a Redis stream per strategy (`<prefix>q:<strategy>`, consumer group
 * "fanout"), chosen over a Redis list because a stream with a consumer group gives
 * at-least-once delivery that survives a killed worker: XREADGROUP moves an entry to the
 * group's pending list, XACK removes it only after its feed entries are written, and a
 * restarted (or another) worker takes over entries left pending longer than claimIdleMs with
 * XAUTOCLAIM. A list (BRPOPLPUSH into a per-worker list) can do the same only with a
 * hand-written recovery of each dead worker's list. Feed writes are idempotent (a Cassandra
 * row keyed by (user, created_at, post); a sorted-set member), so a redelivered task adds
 * no duplicate.
 *
 * One task = one page of `fanoutPage` followers of one post's author: the worker reads the
 * page (followers clustered by follower_id), writes one entry per follower, and in one
 * MULTI queues the next page (cursor = last follower id) and XACKs its own entry. So a
 * celebrity's 1M-follower post becomes 1000 tasks that any number of workers share, and a
 * killed worker loses at most the pages it held (they are redelivered).
 */
import cassandra from 'cassandra-driver';
import { InvalidArgumentError } from '../../core/errors.js';
import type { CassandraClient } from '../../targets/cassandra/client.js';
import type { RedisClient } from '../../targets/redis/driver.js';
import { unlinkMatching, escapeGlob } from '../common/redis-keys.js';
import { checkFeedSchema, feedDdl, FEED_TABLES, KEYSPACE_RE } from './schema.js';
import type { Delivery, FanoutTotals, FanoutWorker, Feed, FeedEntry, FeedOptions, PostOptions } from './types.js';

/** The strategies: fan-out on write into Cassandra, into Redis sorted sets, fan-out on read, hybrid. */
export type FeedStrategy = 'write' | 'redis' | 'read' | 'hybrid';

/** Path id of each strategy. */
export const FEED_PATH_IDS: Readonly<Record<FeedStrategy, string>> = {
  write: 'feed.fanout-write',
  redis: 'feed.redis-timeline',
  read: 'feed.fanout-read',
  hybrid: 'feed.hybrid',
};

/** Defaults of FeedOptions. */
export const FEED_DEFAULTS = { keyspace: 'capbench_fanout', timelineCap: 800, celebrityThreshold: 10_000, fanoutPage: 1000, writeConcurrency: 64 } as const;

/** Consumer group of every fan-out stream. */
const GROUP = 'fanout';
/** Logical bytes of one user_feed row: user_id, created_at, post_id, author_id, 8 bytes each. */
const CASSANDRA_ENTRY_BYTES = 32;
/** Rows per unlogged single-partition batch in seedFollows(). */
const SEED_BATCH = 200;
/** Largest home() / userPosts() limit. */
const MAX_LIMIT = 1000;
/** Followees read by fan-out on read (a home timeline merges at most this many author timelines). */
const MAX_FOLLOWEES = 5000;

const toNum = (v: unknown): number => (v instanceof cassandra.types.Long ? v.toNumber() : Number(v));

/** Run the thunks with at most `limit` in flight; rejects with the first error once all settled or stopped. */
async function inParallel(jobs: readonly (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  let failed: unknown;
  const lane = async () => {
    while (failed === undefined && next < jobs.length) {
      const j = jobs[next++]!;
      await j().catch((e: unknown) => {
        failed ??= e;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, lane));
  if (failed !== undefined) throw failed;
}

/** Sort newest first (created_at, then post id), drop repeated post ids, keep `limit`. */
export function mergeNewest(lists: readonly FeedEntry[][], limit: number): FeedEntry[] {
  const all = lists.flat().sort((a, b) => b.createdAt - a.createdAt || b.postId - a.postId);
  const seen = new Set<number>();
  const out: FeedEntry[] = [];
  for (const e of all) {
    if (seen.has(e.postId)) continue;
    seen.add(e.postId);
    out.push(e);
    if (out.length === limit) break;
  }
  return out;
}

/**
 * One feed strategy on a Cassandra client and a Redis client (both the caller's, never closed here).
 * @throws InvalidArgumentError (constructor) for a bad keyspace, prefix, cap, threshold or page size.
 */
export class CassandraRedisFeed implements Feed {
  readonly path: string;
  readonly strategy: FeedStrategy;
  readonly ks: string;
  readonly prefix: string;
  readonly cap: number;
  readonly threshold: number;
  readonly page: number;
  readonly concurrency: number;
  private readonly cql: CassandraClient;
  private readonly redis: RedisClient;
  private readonly queue: string;
  private readonly feedTable: string | undefined;

  constructor(strategy: FeedStrategy, cql: CassandraClient, redis: RedisClient, o: FeedOptions = {}) {
    this.strategy = strategy;
    this.path = FEED_PATH_IDS[strategy];
    const ks = o.keyspace ?? FEED_DEFAULTS.keyspace;
    if (!KEYSPACE_RE.test(ks)) throw new InvalidArgumentError(this.path, `keyspace "${ks}" is not a plain lower-case identifier`, { hint: 'Use letters, digits and _, starting with a letter, at most 48 characters.' });
    const int = (name: string, v: number | undefined, d: number, lo: number, hi: number) => {
      const x = v ?? d;
      if (!Number.isSafeInteger(x) || x < lo || x > hi) throw new InvalidArgumentError(this.path, `${name} must be an integer in ${lo}..${hi}, got ${x}`);
      return x;
    };
    this.ks = ks;
    this.prefix = o.redisPrefix ?? `fo:${ks}:`;
    this.cap = int('timelineCap', o.timelineCap, FEED_DEFAULTS.timelineCap, 1, 100_000);
    this.threshold = int('celebrityThreshold', o.celebrityThreshold, FEED_DEFAULTS.celebrityThreshold, 1, 1e12);
    this.page = int('fanoutPage', o.fanoutPage, FEED_DEFAULTS.fanoutPage, 10, 100_000);
    this.concurrency = int('writeConcurrency', o.writeConcurrency, FEED_DEFAULTS.writeConcurrency, 1, 2048);
    this.cql = cql;
    this.redis = redis;
    this.queue = `${this.prefix}q:${strategy}`;
    this.feedTable = strategy === 'write' ? 'user_feed' : strategy === 'hybrid' ? 'user_feed_hybrid' : undefined;
  }

  private key(what: string): string {
    return `${this.prefix}${what}:${this.strategy}`;
  }

  /** Redis key of a user's timeline (feed.redis-timeline). */
  timelineKey(userId: number): string {
    return `${this.prefix}tl:${userId}`;
  }

  private exec(q: string, params: unknown[]) {
    return this.cql.execute(q, params, { prepare: true });
  }

  async setup(): Promise<void> {
    const exists = await this.exec('SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?', [this.ks]);
    if (exists.rowLength > 0) {
      // Tables missing altogether are created below; a table with other columns is refused.
      const tables = await this.exec('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [this.ks]);
      const have = new Set(tables.rows.map((r) => String(r.get('table_name'))));
      if (Object.keys(FEED_TABLES).every((t) => have.has(t))) await checkFeedSchema(this.cql, this.ks);
      else if ([...have].some((t) => t in FEED_TABLES)) {
        for (const s of feedDdl(this.ks)) await this.cql.execute(s);
        await checkFeedSchema(this.cql, this.ks);
        return this.setupQueue();
      }
    }
    for (const s of feedDdl(this.ks)) await this.cql.execute(s);
    await checkFeedSchema(this.cql, this.ks);
    await this.setupQueue();
  }

  /**
   * Create the consumer group of every pushing strategy's stream in this prefix (reset() of any
   * strategy clears the whole prefix, so it restores all of them). Idempotent.
   */
  private async setupQueue(): Promise<void> {
    for (const s of ['write', 'redis', 'hybrid'] as const) {
      try {
        await this.redis.sendCommand(['XGROUP', 'CREATE', `${this.prefix}q:${s}`, GROUP, '0', 'MKSTREAM']);
      } catch (err) {
        if (!/BUSYGROUP/.test(String((err as Error).message))) throw err;
      }
    }
  }

  /** Whether this strategy ever queues fan-out. */
  pushes(): boolean {
    return this.strategy !== 'read';
  }

  /**
   * Bulk-load edges: followers rows grouped by partition (the followee) into unlogged batches of
   * up to SEED_BATCH rows (one partition per batch, the bulk path Cassandra's docs recommend, so a
   * celebrity's 1M followers go in as 5000 batches), following rows and the follower_counts
   * increments as concurrent prepared statements (one partition each), writeConcurrency in flight.
   */
  async seedFollows(followers: readonly number[], followees: readonly number[]): Promise<number> {
    if (followers.length !== followees.length) throw new InvalidArgumentError(this.path, 'followers and followees must have the same length');
    const byFollowee = new Map<number, number[]>();
    const params2: unknown[][] = [];
    let n = 0;
    for (let i = 0; i < followers.length; i++) {
      const a = followers[i]!;
      const b = followees[i]!;
      if (a === b) continue;
      this.checkIds(a, b);
      let l = byFollowee.get(b);
      if (l === undefined) byFollowee.set(b, (l = []));
      l.push(a);
      params2.push([a, b]);
      n++;
    }
    const insFollower = `INSERT INTO ${this.ks}.followers (user_id, follower_id) VALUES (?, ?)`;
    const batches: (() => Promise<unknown>)[] = [];
    for (const [b, fs] of byFollowee) {
      for (let i = 0; i < fs.length; i += SEED_BATCH) {
        const part = fs.slice(i, i + SEED_BATCH);
        batches.push(() => this.cql.batch(part.map((a) => ({ query: insFollower, params: [b, a] })), { prepare: true, logged: false }));
      }
    }
    await inParallel(batches, Math.max(4, Math.floor(this.concurrency / 4)));
    const opts = { concurrencyLevel: this.concurrency, raiseOnFirstError: true };
    await cassandra.concurrent.executeConcurrent(this.cql, `INSERT INTO ${this.ks}.following (user_id, following_id) VALUES (?, ?)`, params2, opts);
    const cparams = [...byFollowee].map(([u, fs]) => [cassandra.types.Long.fromNumber(fs.length), u]);
    await cassandra.concurrent.executeConcurrent(this.cql, `UPDATE ${this.ks}.follower_counts SET followers = followers + ? WHERE user_id = ?`, cparams, opts);
    return n;
  }

  async seedPosts(posts: readonly FeedEntry[]): Promise<void> {
    const opts = { concurrencyLevel: this.concurrency, raiseOnFirstError: true };
    await cassandra.concurrent.executeConcurrent(this.cql, `INSERT INTO ${this.ks}.posts (post_id, user_id, created_at) VALUES (?, ?, ?)`, posts.map((p) => [p.postId, p.authorId, new Date(p.createdAt)]), opts);
    await cassandra.concurrent.executeConcurrent(this.cql, `INSERT INTO ${this.ks}.user_posts (user_id, created_at, post_id) VALUES (?, ?, ?)`, posts.map((p) => [p.authorId, new Date(p.createdAt), p.postId]), opts);
  }

  private checkIds(...ids: number[]): void {
    for (const x of ids) if (!Number.isSafeInteger(x) || x < 0) throw new InvalidArgumentError(this.path, `ids must be non-negative safe integers, got ${x}`);
  }

  async follow(follower: number, followee: number): Promise<void> {
    this.checkIds(follower, followee);
    if (follower === followee) throw new InvalidArgumentError(this.path, `user ${follower} cannot follow themself`);
    await this.cql.batch(
      [
        { query: `INSERT INTO ${this.ks}.followers (user_id, follower_id) VALUES (?, ?)`, params: [followee, follower] },
        { query: `INSERT INTO ${this.ks}.following (user_id, following_id) VALUES (?, ?)`, params: [follower, followee] },
      ],
      { prepare: true, logged: true },
    );
    await this.exec(`UPDATE ${this.ks}.follower_counts SET followers = followers + 1 WHERE user_id = ?`, [followee]);
  }

  async unfollow(follower: number, followee: number): Promise<void> {
    this.checkIds(follower, followee);
    await this.cql.batch(
      [
        { query: `DELETE FROM ${this.ks}.followers WHERE user_id = ? AND follower_id = ?`, params: [followee, follower] },
        { query: `DELETE FROM ${this.ks}.following WHERE user_id = ? AND following_id = ?`, params: [follower, followee] },
      ],
      { prepare: true, logged: true },
    );
    await this.exec(`UPDATE ${this.ks}.follower_counts SET followers = followers - 1 WHERE user_id = ?`, [followee]);
  }

  /** Follower ids of `userId` after `after` (exclusive), ascending, at most `limit`. */
  async followersPage(userId: number, after: number, limit: number): Promise<number[]> {
    const rs = await this.exec(`SELECT follower_id FROM ${this.ks}.followers WHERE user_id = ? AND follower_id > ? LIMIT ?`, [userId, after, limit]);
    return rs.rows.map((r) => toNum(r.get('follower_id')));
  }

  /** Ids `userId` follows, ascending, at most `limit`. */
  async followingOf(userId: number, limit = MAX_FOLLOWEES): Promise<number[]> {
    const rs = await this.exec(`SELECT following_id FROM ${this.ks}.following WHERE user_id = ? LIMIT ?`, [userId, limit]);
    return rs.rows.map((r) => toNum(r.get('following_id')));
  }

  /** The author's follower count (follower_counts; seedFollows and follow/unfollow keep it). */
  async followerCount(userId: number): Promise<number> {
    const rs = await this.exec(`SELECT followers FROM ${this.ks}.follower_counts WHERE user_id = ?`, [userId]);
    return rs.rowLength === 0 ? 0 : toNum(rs.rows[0]!.get('followers'));
  }

  async post(p: FeedEntry, opts: PostOptions = {}): Promise<void> {
    this.checkIds(p.postId, p.authorId);
    if (!Number.isFinite(p.createdAt) || p.createdAt < 0) throw new InvalidArgumentError(this.path, `createdAt must be ms since the epoch, got ${p.createdAt}`);
    let push = this.pushes();
    if (this.strategy === 'hybrid' && (await this.followerCount(p.authorId)) >= this.threshold) {
      // Pulled at read time: the author joins the celebrities read by home() before the post is visible anywhere.
      await this.exec(`INSERT INTO ${this.ks}.celebrities (bucket, user_id) VALUES (0, ?)`, [p.authorId]);
      push = false;
    }
    const d = new Date(p.createdAt);
    await this.cql.batch(
      [
        { query: `INSERT INTO ${this.ks}.posts (post_id, user_id, created_at) VALUES (?, ?, ?)`, params: [p.postId, p.authorId, d] },
        { query: `INSERT INTO ${this.ks}.user_posts (user_id, created_at, post_id) VALUES (?, ?, ?)`, params: [p.authorId, d, p.postId] },
      ],
      { prepare: true, logged: false },
    );
    const m = this.redis.multi();
    m.addCommand(['HINCRBY', this.key('tot'), 'posts', '1']);
    if (push) {
      m.addCommand(['XADD', this.queue, '*', 'a', String(p.authorId), 'p', String(p.postId), 'c', String(p.createdAt), 'f', '-1', 't', opts.track ? '1' : '0']);
      m.addCommand(['HINCRBY', this.key('tot'), 'pushedPosts', '1']);
      if (opts.track) m.addCommand(['HSET', this.key('dlv'), String(p.postId), '0']);
    }
    await m.exec();
  }

  async home(userId: number, limit = 50): Promise<FeedEntry[]> {
    this.checkIds(userId);
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new InvalidArgumentError(this.path, `limit must be an integer in 1..${MAX_LIMIT}, got ${limit}`);
    switch (this.strategy) {
      case 'write':
        return this.feedRows('user_feed', userId, limit);
      case 'redis': {
        const r = (await this.redis.sendCommand(['ZREVRANGE', this.timelineKey(userId), '0', String(limit - 1), 'WITHSCORES'])) as string[];
        const out: FeedEntry[] = [];
        for (let i = 0; i < r.length; i += 2) {
          const [post, author] = r[i]!.split(':');
          out.push({ postId: Number(post), authorId: Number(author), createdAt: Number(r[i + 1]) });
        }
        return out;
      }
      case 'read': {
        const followees = await this.followingOf(userId);
        return mergeNewest(await Promise.all(followees.map((f) => this.userPosts(f, limit))), limit);
      }
      case 'hybrid': {
        const [pushed, celebs] = await Promise.all([this.feedRows('user_feed_hybrid', userId, limit), this.celebrities()]);
        if (celebs.length === 0) return pushed;
        const rs = await this.exec(`SELECT following_id FROM ${this.ks}.following WHERE user_id = ? AND following_id IN ?`, [userId, celebs]);
        const pulled = await Promise.all(rs.rows.map((r) => this.userPosts(toNum(r.get('following_id')), limit)));
        return mergeNewest([pushed, ...pulled], limit);
      }
    }
  }

  /** Authors pulled at read time by feed.hybrid (those that posted while over the threshold), ascending. */
  async celebrities(): Promise<number[]> {
    const rs = await this.exec(`SELECT user_id FROM ${this.ks}.celebrities WHERE bucket = 0`, []);
    return rs.rows.map((r) => toNum(r.get('user_id')));
  }

  private async feedRows(table: string, userId: number, limit: number): Promise<FeedEntry[]> {
    const rs = await this.exec(`SELECT post_id, author_id, created_at FROM ${this.ks}.${table} WHERE user_id = ? LIMIT ?`, [userId, limit]);
    return rs.rows.map((r) => ({ postId: toNum(r.get('post_id')), authorId: toNum(r.get('author_id')), createdAt: (r.get('created_at') as Date).getTime() }));
  }

  async userPosts(authorId: number, limit = 50): Promise<FeedEntry[]> {
    const rs = await this.exec(`SELECT post_id, created_at FROM ${this.ks}.user_posts WHERE user_id = ? LIMIT ?`, [authorId, limit]);
    return rs.rows.map((r) => ({ postId: toNum(r.get('post_id')), authorId, createdAt: (r.get('created_at') as Date).getTime() }));
  }

  worker(consumer: string): FanoutWorker | undefined {
    if (!this.pushes()) return undefined;
    return { step: (o) => this.step(consumer, o ?? {}) };
  }

  /** FanoutWorker.step of `consumer`. */
  private async step(consumer: string, o: { max?: number; blockMs?: number; claimIdleMs?: number }): Promise<number> {
    const max = o.max ?? 10;
    let entries: [string, string[]][] = [];
    if (o.claimIdleMs !== undefined) {
      const r = (await this.redis.sendCommand(['XAUTOCLAIM', this.queue, GROUP, consumer, String(o.claimIdleMs), '0-0', 'COUNT', String(max)])) as [string, [string, string[]][] | null];
      entries = (r[1] ?? []).filter((e) => e !== null && e[1] !== null);
    }
    if (entries.length === 0) {
      const args = ['XREADGROUP', 'GROUP', GROUP, consumer, 'COUNT', String(max)];
      if (o.blockMs !== undefined) args.push('BLOCK', String(o.blockMs));
      args.push('STREAMS', this.queue, '>');
      const r = (await this.redis.sendCommand(args)) as [string, [string, string[]][]][] | null;
      entries = r?.[0]?.[1] ?? [];
    }
    // The tasks of one step run concurrently (each is one page of followers; pages are independent).
    await Promise.all(entries.map(([id, fields]) => this.task(id, fields)));
    return entries.length;
  }

  /** Run one fan-out task: write one page of followers' entries, queue the next page and ack, atomically. */
  private async task(id: string, fields: string[]): Promise<void> {
    const f: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
    const author = Number(f.a);
    const post = Number(f.p);
    const created = Number(f.c);
    const after = Number(f.f);
    const followers = await this.followersPage(author, after, this.page);
    let bytes = 0;
    if (this.strategy === 'redis') {
      const member = `${post}:${author}`;
      const m = this.redis.multi();
      for (const u of followers) {
        const k = this.timelineKey(u);
        m.addCommand(['ZADD', k, String(created), member]);
        m.addCommand(['ZREMRANGEBYRANK', k, '0', String(-(this.cap + 1))]);
        bytes += k.length + member.length + 8;
      }
      if (followers.length > 0) await m.execAsPipeline();
    } else {
      const d = new Date(created);
      await cassandra.concurrent.executeConcurrent(
        this.cql,
        `INSERT INTO ${this.ks}.${this.feedTable} (user_id, created_at, post_id, author_id) VALUES (?, ?, ?, ?)`,
        followers.map((u) => [u, d, post, author]),
        { concurrencyLevel: this.concurrency, raiseOnFirstError: true },
      );
      bytes = followers.length * CASSANDRA_ENTRY_BYTES;
    }
    const m = this.redis.multi();
    const more = followers.length === this.page;
    if (more) m.addCommand(['XADD', this.queue, '*', 'a', f.a!, 'p', f.p!, 'c', f.c!, 'f', String(followers[followers.length - 1]), 't', f.t ?? '0']);
    m.addCommand(['XACK', this.queue, GROUP, id]);
    m.addCommand(['XDEL', this.queue, id]);
    m.addCommand(['HINCRBY', this.key('tot'), 'entries', String(followers.length)]);
    m.addCommand(['HINCRBY', this.key('tot'), 'bytes', String(bytes)]);
    m.addCommand(['HINCRBY', this.key('tot'), 'tasks', '1']);
    if (f.t === '1') {
      m.addCommand(['HINCRBY', this.key('dlv'), f.p!, String(followers.length)]);
      if (!more) m.addCommand(['HSET', this.key('done'), f.p!, String(Date.now())]);
    }
    await m.exec();
  }

  async backlog(): Promise<number> {
    if (!this.pushes()) return 0;
    // XDEL after XACK keeps the stream to the tasks not yet done: read-but-pending and unread.
    return Number(await this.redis.sendCommand(['XLEN', this.queue]));
  }

  async deliveryOf(postId: number): Promise<Delivery> {
    const [n, done] = await Promise.all([this.redis.hGet(this.key('dlv'), String(postId)), this.redis.hGet(this.key('done'), String(postId))]);
    return { entries: Number(n ?? 0), doneAt: done == null ? undefined : Number(done) };
  }

  async totals(): Promise<FanoutTotals> {
    const h = await this.redis.hGetAll(this.key('tot'));
    const n = (k: string) => Number(h[k] ?? 0);
    return { posts: n('posts'), pushedPosts: n('pushedPosts'), entries: n('entries'), bytes: n('bytes'), tasks: n('tasks') };
  }

  async reset(): Promise<void> {
    for (const t of Object.keys(FEED_TABLES)) await this.cql.execute(`TRUNCATE ${this.ks}.${t}`);
    await unlinkMatching(this.redis, `${escapeGlob(this.prefix)}*`);
    await this.setupQueue();
  }
}
