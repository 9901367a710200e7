/**
 * likes.hot-cold: seed 000's hybrid model ("Redis Memory Optimization Strategy for Likes" /
 * "Hybrid Storage Model", "TTL Automation", "Fallback Mechanism"): every post's count in
 * MongoDB (`posts.likes`; FerretDB 1.24 here, a stand-in), hot posts' counts also in Redis
 * under the short key `p:{id}:l` with a TTL (seed: 7 days), reads from Redis with the seed's
 * fallback (GET, else findOne + SETEX 3600).
 *
 * Write path (keeps both right): `$inc` on the post document (findOneAndUpdate, returns the new
 * count n), then one Lua script sets the Redis key to n only if it is missing or lower
 * ("set if greater"): counts only grow, so the last writer always leaves the newest count and a
 * slow writer or a racing read fallback can never put an older one back. A hot post's key gets
 * the hot TTL when created; a cold post's key (re-cached by a read or a like) gets the seed's
 * 3600 s. MongoDB is the system of record: losing Redis loses no like, only cache.
 *
 * Which posts are hot (option hotPolicy): "all"; "recent" = ids >= hotFrom (time-ordered ids:
 * the seed's "recent posts, first 24-48 h"); "top" = posts with >= hotMinLikes likes (the seed's
 * "top 10% most liked": pick hotMinLikes at the 90th percentile of the counts).
 */
import type { Collection } from 'mongodb';
import type { RedisClient } from '../../targets/redis/driver.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { clientOf, defineStoragePath } from '../path.js';
import { escapeGlob, unlinkMatching } from '../common/redis-keys.js';
import { isDuplicateKey, isFerretDb, KeyedSerializer, postsCollection, seedPosts, sumPosts, type PostLikesDoc, clearPosts } from '../common/mongo.js';
import { checkSeedRange, checkTtlSeconds, initialFor, SEED_LIKES_TTL_S, type LikeCounter, type LikeCounterOptions, type SeedRange } from './types.js';

/** Options of this path: the family's LikeCounterOptions fields it reads (documented there). */
export type HotColdOptions = Pick<LikeCounterOptions, 'keyPrefix' | 'mongoDatabase' | 'schema' | 'ttlSeconds' | 'hotPolicy' | 'hotFrom' | 'hotMinLikes'>;

/** Seed 000, "Fallback Mechanism": `redis.SETEX(p:{id}:l, 3600, ...)`, the re-cache TTL of a cold post, s. */
export const RECACHE_TTL_S = 3600;

// KEYS: key; ARGV: n, ttl. Set to n when missing (with EX ttl) or lower (keeping the TTL).
const SET_IF_GREATER = `
local cur = redis.call('GET', KEYS[1])
if not cur then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) return 1 end
if tonumber(cur) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL') return 1 end
return 0`;

/**
 * likes.hot-cold (see the module comment). Key `{keyPrefix}p:{id}:l`; collection
 * `{mongoDatabase}.{schema_}posts`, documents `{_id, likes}`.
 */
export class HotColdLikes implements LikeCounter {
  readonly path = 'likes.hot-cold' as const;
  readonly posts: Collection<PostLikesDoc>;
  /** Set by setup(): the server is FerretDB, whose concurrent $inc lose updates; this instance then runs its $inc one at a time (concurrent writes also deadlocked FerretDB 1.24 here, docs/errata.md). */
  ferret = false;
  private readonly serial = new KeyedSerializer();
  /** TTL of a hot post's key, s (default the seed's 7 days; 0 = none). */
  readonly hotTtlS: number;
  readonly hotPolicy: 'all' | 'recent' | 'top';
  readonly keyPattern: string;
  /** Reads served from Redis / from the MongoDB fallback since open (for hit-ratio figures). */
  readonly reads = { hits: 0, fallbacks: 0 };
  private readonly client: RedisClient;
  private readonly head: string;
  private readonly hotFrom: number;
  private readonly hotMinLikes: number;
  private sha: string | undefined;

  /**
   * @throws InvalidArgumentError for a bad TTL, an unknown hotPolicy, or a "recent"/"top" policy without its threshold.
   */
  constructor(client: RedisClient, posts: Collection<PostLikesDoc>, opts: HotColdOptions = {}) {
    this.client = client;
    this.posts = posts;
    this.hotTtlS = opts.ttlSeconds === undefined ? SEED_LIKES_TTL_S : checkTtlSeconds(this.path, opts.ttlSeconds);
    this.hotPolicy = opts.hotPolicy ?? 'all';
    if (!['all', 'recent', 'top'].includes(this.hotPolicy)) throw new InvalidArgumentError(this.path, `unknown hotPolicy "${String(this.hotPolicy)}".`, { hint: 'Use all, recent (with hotFrom) or top (with hotMinLikes).' });
    const need = (v: number | undefined, name: string): number => {
      if (v === undefined || !Number.isSafeInteger(v) || v < 0) throw new InvalidArgumentError(this.path, `hotPolicy ${this.hotPolicy} needs ${name} (a whole number >= 0), got ${v}.`, { hint: `Pass ${name}.` });
      return v;
    };
    this.hotFrom = this.hotPolicy === 'recent' ? need(opts.hotFrom, 'hotFrom') : 0;
    this.hotMinLikes = this.hotPolicy === 'top' ? need(opts.hotMinLikes, 'hotMinLikes') : 0;
    const prefix = opts.keyPrefix ?? '';
    this.head = prefix + 'p:';
    this.keyPattern = escapeGlob(prefix) + 'p:*:l';
  }

  /** The Redis key of a post, e.g. "p:123:l". */
  key(postId: number): string {
    return this.head + postId + ':l';
  }

  /** Whether a post with this count is hot under the policy. */
  isHot(postId: number, likes: number): boolean {
    return this.hotPolicy === 'all' || (this.hotPolicy === 'recent' ? postId >= this.hotFrom : likes >= this.hotMinLikes);
  }

  /** Checks both servers answer. */
  async setup(): Promise<void> {
    await this.client.ping();
    await this.posts.findOne({ _id: -1 });
    this.ferret = await isFerretDb(this.posts);
  }

  private async setIfGreater(postId: number, n: number, ttlS: number): Promise<void> {
    const keys = [this.key(postId)];
    const args = [String(n), String(ttlS > 0 ? ttlS : RECACHE_TTL_S)];
    this.sha ??= await this.client.scriptLoad(SET_IF_GREATER);
    try {
      await this.client.evalSha(this.sha, { keys, arguments: args });
    } catch (err) {
      if (!String((err as Error)?.message).startsWith('NOSCRIPT')) throw err;
      this.sha = await this.client.scriptLoad(SET_IF_GREATER);
      await this.client.evalSha(this.sha, { keys, arguments: args });
    }
  }

  /** $inc in MongoDB (upsert: an unknown post is created at 1), then set-if-greater in Redis; resolves to the new count. */
  async like(postId: number): Promise<number> {
    const inc = () => this.posts.findOneAndUpdate({ _id: postId }, { $inc: { likes: 1 } }, { upsert: true, returnDocument: 'after' });
    const once = async () => {
      try {
        return await inc();
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        return inc();
      }
    };
    const doc = this.ferret ? await this.serial.run(0, once) : await once();
    const n = (doc as PostLikesDoc).likes;
    await this.setIfGreater(postId, n, this.isHot(postId, n) ? this.hotTtlS : RECACHE_TTL_S);
    return n;
  }

  /** Seed 000's getLikes: GET; else findOne and re-cache for 3600 s (set-if-greater); 0 for an unknown post (not cached). */
  async count(postId: number): Promise<number> {
    const v = await this.client.get(this.key(postId));
    if (v !== null) {
      this.reads.hits++;
      return Number(v);
    }
    this.reads.fallbacks++;
    const d = await this.posts.findOne({ _id: postId }, { projection: { likes: 1 } });
    if (d === null) return 0;
    await this.setIfGreater(postId, d.likes, RECACHE_TTL_S);
    return d.likes;
  }

  /** Every post into MongoDB; the hot ones also into Redis with the hot TTL (pipelined SET EX / SET). Overwrites. */
  async seed(range: SeedRange): Promise<void> {
    checkSeedRange(this.path, range);
    await seedPosts(this.posts, range.first, range.count, (id) => initialFor(range, id));
    const end = range.first + range.count;
    for (let start = range.first; start < end; start += 2000) {
      const stop = Math.min(end, start + 2000);
      const m = this.client.multi();
      for (let id = start; id < stop; id++) {
        const n = initialFor(range, id);
        if (!this.isHot(id, n)) continue;
        if (this.hotTtlS > 0) m.set(this.key(id), String(n), { EX: this.hotTtlS });
        else m.set(this.key(id), String(n));
      }
      await m.execAsPipeline();
    }
  }

  /** UNLINK this instance's keys and delete every post document. */
  async reset(): Promise<void> {
    await unlinkMatching(this.client, this.keyPattern);
    await clearPosts(this.posts);
  }

  /** MongoDB holds every count: its sum and number of documents. */
  total(): Promise<{ likes: number; posts: number }> {
    return sumPosts(this.posts);
  }
}

/** The registration of likes.hot-cold (reference-impl/registry.ts). */
export const hotColdLikesPath = defineStoragePath({
  id: 'likes.hot-cold',
  family: 'likes',
  stores: ['redis', 'mongodb'],
  seed: [
    { doc: '000', section: 'Redis Memory Optimization Strategy for Likes' },
    { doc: '000', section: 'Fallback Mechanism' },
  ],
  summary: 'every count in MongoDB ($inc), hot posts also in Redis p:{id}:l with a TTL (7 days); GET else findOne + SETEX 3600',
  open: (clients, o = {}) =>
    new HotColdLikes(clientOf(clients, 'redis', 'likes.hot-cold'), postsCollection('likes.hot-cold', clientOf(clients, 'mongodb', 'likes.hot-cold'), o), o),
});
