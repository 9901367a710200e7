/**
 * likes.per-user: who liked what, in Cassandra (seed 001, "Engagement Database (Cassandra)":
 * `likes (post_id, user_id, liked_at)` and `user_likes (user_id, liked_at, post_id)` with
 * CLUSTERING ORDER BY (liked_at DESC, post_id DESC)), plus a counter table for the count per
 * post. Operations: like, unlike, "has U liked P", "what did U like recently", count per post.
 *
 * Tables in keyspace `{keyspace}` (default capbench_likes, SimpleStrategy rf 1), names
 * prefixed by `{schema}_` when a schema is given:
 * - `likes ((post_id, user_id)) liked_at` — the seed's likes table keyed by the pair: the
 *   duplicate check below is a lightweight transaction (Paxos) per partition, and with the
 *   seed's `PRIMARY KEY (post_id, user_id)` every like of a viral post would contend on the one
 *   post partition (docs/errata.md). "Who liked P" then needs its own table (not built).
 * - `user_likes (user_id, liked_at, post_id)` as the seed writes it.
 * - `like_counts (post_id PRIMARY KEY, likes counter)`.
 *
 * A duplicate like is kept from counting twice by `INSERT INTO likes ... IF NOT EXISTS`: only
 * an applied insert writes user_likes and increments the counter. Its cost (a Paxos round: 4
 * round trips instead of 1) is measured by bench/likes-per-user-dedup.ts (docs/benchmarks.md). Windows left: a
 * failure after the applied insert and before the counter update leaves the count one low
 * (counter updates are not idempotent, so they are not retried); a counter update that times
 * out may or may not have been applied.
 */
import cassandra from 'cassandra-driver';
import { InvalidArgumentError } from '../../core/errors.js';
import type { CassandraClient } from '../../targets/cassandra/client.js';
import { clientOf, defineStoragePath } from '../path.js';
import { checkSeedRange, initialFor, type LikeCounter, type LikeCounterOptions, type SeedRange } from './types.js';

/** Options of this path: the family's LikeCounterOptions fields it reads (documented there). */
export type PerUserOptions = Pick<LikeCounterOptions, 'keyspace' | 'schema'>;

/** Default keyspace of the likes paths. */
export const LIKES_KEYSPACE = 'capbench_likes';
const NAME_RE = /^[a-z_][a-z0-9_]{0,39}$/;
/** Most likeBy() calls in flight per instance (each runs up to 4 statements). */
const MAX_IN_FLIGHT = 256;
/** Concurrent statements when seeding counters. */
const SEED_CONCURRENCY = 64;

/** One entry of "what did U like recently". */
export interface UserLike {
  postId: number;
  /** When the like was written (server-side clock of this process). */
  likedAt: Date;
}

const Long = cassandra.types.Long;
const big = (n: number) => Long.fromNumber(n);

/**
 * likes.per-user (see the module comment). like(postId) likes as a fresh anonymous user
 * (the family's contract has no user); likeBy(userId, postId) is the real operation.
 */
export class PerUserLikes implements LikeCounter {
  readonly path = 'likes.per-user' as const;
  /** Cassandra counter updates return nothing: like() reads the counter after writing. */
  readonly likeResult = 'read' as const;
  readonly keyspace: string;
  /** Fully qualified table names. */
  readonly tables: { likes: string; userLikes: string; counts: string };
  private readonly client: CassandraClient;
  private nextUser: number;
  /** likeBy() calls in flight and those waiting: at most MAX_IN_FLIGHT (4 statements each), under the driver's 2048 requests per connection. */
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  /** @throws InvalidArgumentError for a keyspace or schema that is not a plain lower-case identifier. */
  constructor(client: CassandraClient, opts: PerUserOptions = {}) {
    this.client = client;
    const ks = opts.keyspace ?? LIKES_KEYSPACE;
    const pre = opts.schema === undefined ? '' : opts.schema + '_';
    if (!NAME_RE.test(ks) || (opts.schema !== undefined && !NAME_RE.test(opts.schema))) {
      throw new InvalidArgumentError(this.path, `invalid keyspace "${ks}" or schema "${opts.schema}".`, { hint: 'Use lower-case letters, digits and underscores (max 40).' });
    }
    this.keyspace = ks;
    this.tables = { likes: `${ks}.${pre}likes`, userLikes: `${ks}.${pre}user_likes`, counts: `${ks}.${pre}like_counts` };
    // Anonymous users of like(postId): a random 2^40 block per instance, so processes do not collide.
    this.nextUser = 2 ** 50 + Math.floor(Math.random() * 2 ** 20) * 2 ** 30;
  }

  /** CREATE KEYSPACE / TABLE IF NOT EXISTS (schema agreement awaited by the driver). */
  async setup(): Promise<void> {
    const t = this.tables;
    await this.client.execute(`CREATE KEYSPACE IF NOT EXISTS ${this.keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await this.client.execute(`CREATE TABLE IF NOT EXISTS ${t.likes} (post_id bigint, user_id bigint, liked_at timestamp, PRIMARY KEY ((post_id, user_id)))`);
    await this.client.execute(
      `CREATE TABLE IF NOT EXISTS ${t.userLikes} (user_id bigint, liked_at timestamp, post_id bigint, PRIMARY KEY (user_id, liked_at, post_id)) WITH CLUSTERING ORDER BY (liked_at DESC, post_id DESC)`,
    );
    await this.client.execute(`CREATE TABLE IF NOT EXISTS ${t.counts} (post_id bigint PRIMARY KEY, likes counter)`);
  }

  /**
   * User `userId` likes post `postId`. A second like by the same user is not counted.
   * @returns applied: false for a duplicate; count: the post's counter read after the write.
   */
  async likeBy(userId: number, postId: number): Promise<{ applied: boolean; count: number }> {
    if (this.inFlight >= MAX_IN_FLIGHT) await new Promise<void>((res) => this.waiting.push(res));
    this.inFlight++;
    try {
      return await this.likeByNow(userId, postId);
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  private async likeByNow(userId: number, postId: number): Promise<{ applied: boolean; count: number }> {
    const t = this.tables;
    const at = new Date();
    const r = await this.client.execute(`INSERT INTO ${t.likes} (post_id, user_id, liked_at) VALUES (?, ?, ?) IF NOT EXISTS`, [big(postId), big(userId), at], { prepare: true });
    const applied = r.wasApplied();
    if (applied) {
      await Promise.all([
        this.client.execute(`INSERT INTO ${t.userLikes} (user_id, liked_at, post_id) VALUES (?, ?, ?)`, [big(userId), at, big(postId)], { prepare: true }),
        this.client.execute(`UPDATE ${t.counts} SET likes = likes + 1 WHERE post_id = ?`, [big(postId)], { prepare: true }),
      ]);
    }
    return { applied, count: await this.count(postId) };
  }

  /**
   * Withdraw a like: `DELETE ... IF liked_at = <read value>` so that of two racing unlikes only
   * one decrements; then the user_likes row and the counter.
   * @returns true when a like was removed, false when the user had not liked the post.
   */
  async unlike(userId: number, postId: number): Promise<boolean> {
    const t = this.tables;
    const row = (await this.client.execute(`SELECT liked_at FROM ${t.likes} WHERE post_id = ? AND user_id = ?`, [big(postId), big(userId)], { prepare: true, consistency: cassandra.types.consistencies.serial })).first();
    if (!row) return false;
    const at = row['liked_at'] as Date;
    const d = await this.client.execute(`DELETE FROM ${t.likes} WHERE post_id = ? AND user_id = ? IF liked_at = ?`, [big(postId), big(userId), at], { prepare: true });
    if (!d.wasApplied()) return false;
    await Promise.all([
      this.client.execute(`DELETE FROM ${t.userLikes} WHERE user_id = ? AND liked_at = ? AND post_id = ?`, [big(userId), at, big(postId)], { prepare: true }),
      this.client.execute(`UPDATE ${t.counts} SET likes = likes - 1 WHERE post_id = ?`, [big(postId)], { prepare: true }),
    ]);
    return true;
  }

  /** "Has U liked P": one partition read. */
  async hasLiked(userId: number, postId: number): Promise<boolean> {
    const r = await this.client.execute(`SELECT post_id FROM ${this.tables.likes} WHERE post_id = ? AND user_id = ?`, [big(postId), big(userId)], { prepare: true });
    return r.rowLength > 0;
  }

  /** "What did U like recently": newest first, at most `limit` (one partition, clustering order). */
  async recentLikes(userId: number, limit = 20): Promise<UserLike[]> {
    const r = await this.client.execute(`SELECT post_id, liked_at FROM ${this.tables.userLikes} WHERE user_id = ? LIMIT ?`, [big(userId), limit], { prepare: true });
    return r.rows.map((row) => ({ postId: Number(row['post_id']), likedAt: row['liked_at'] as Date }));
  }

  /** A like by a fresh anonymous user (see the class comment); resolves to the counter read after it. */
  async like(postId: number): Promise<number> {
    const user = this.nextUser++;
    return (await this.likeBy(user, postId)).count;
  }

  /** The counter; 0 for a post without one. */
  async count(postId: number): Promise<number> {
    const row = (await this.client.execute(`SELECT likes FROM ${this.tables.counts} WHERE post_id = ?`, [big(postId)], { prepare: true })).first();
    return row ? Number(row['likes']) : 0;
  }

  /**
   * Set the counters of the range (read, then add the difference: Cassandra counters can only be
   * incremented), 64 at a time. No per-user rows: seeded likes are anonymous. Not atomic
   * against concurrent likes; for load phases.
   */
  async seed(range: SeedRange): Promise<void> {
    checkSeedRange(this.path, range);
    const end = range.first + range.count;
    let id = range.first;
    const worker = async () => {
      while (id < end) {
        const p = id++;
        const want = initialFor(range, p);
        const have = await this.count(p);
        if (want !== have) {
          await this.client.execute(`UPDATE ${this.tables.counts} SET likes = likes + ? WHERE post_id = ?`, [big(want - have), big(p)], { prepare: true });
        }
      }
    };
    await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
  }

  /** TRUNCATE the three tables. */
  async reset(): Promise<void> {
    for (const t of Object.values(this.tables)) await this.client.execute(`TRUNCATE ${t}`);
  }

  /** A Cassandra counter row exists only once incremented: posts seeded with 0 likes hold none. */
  readonly keepsZeroCounters = false;

  /** Sum of the counters and the number of counter rows (a paged full scan). */
  async total(): Promise<{ likes: number; posts: number }> {
    let likes = 0;
    let posts = 0;
    await new Promise<void>((resolve, reject) => {
      this.client.eachRow(
        `SELECT likes FROM ${this.tables.counts}`,
        [],
        { prepare: true, autoPage: true, fetchSize: 5000 },
        (_n, row) => {
          const v = Number(row['likes']);
          if (v !== 0) posts++;
          likes += v;
        },
        (err) => (err ? reject(err) : resolve()),
      );
    });
    return { likes, posts };
  }

  /** DROP the three tables (tests; the keyspace stays). */
  async drop(): Promise<void> {
    for (const t of Object.values(this.tables)) await this.client.execute(`DROP TABLE IF EXISTS ${t}`);
  }
}

/** The registration of likes.per-user (reference-impl/registry.ts). */
export const perUserLikesPath = defineStoragePath({
  id: 'likes.per-user',
  family: 'likes',
  stores: ['cassandra'],
  seed: [{ doc: '001', section: 'Engagement Database (Cassandra)' }],
  summary: 'Cassandra likes((post_id,user_id)) with INSERT IF NOT EXISTS against duplicates, user_likes(user_id, liked_at DESC), counter table for counts',
  open: (clients, o = {}) => new PerUserLikes(clientOf(clients, 'cassandra', 'likes.per-user'), o),
});
