/**
 * likes.redis-hash: like counts as fields of bucketed Redis hashes, HINCRBY to like, HGET
 * to read (seed 000, "Redis Memory Optimization Strategy for Likes" / "Memory-Saving
 * Techniques" / "Data Types": "Use Redis Hashes for batch storage: HINCRBY post_likes 123 1",
 * and the "With Hashes ... 5x more efficient" row of "Memory Calculations").
 *
 * Why buckets: one hash holding every post (the seed's literal `post_likes`) grows past
 * hash-max-listpack-entries and Redis converts it to a hashtable, which costs about as
 * much per entry as separate keys; the saving only exists while each hash stays in the
 * compact listpack encoding. So post `id` lives in hash `pl:{floor(id / B)}`, field
 * `id % B`, with B at or below the server's hash-max-listpack-entries.
 */
import type { RedisClient } from '../../targets/redis/driver.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { clientOf, defineStoragePath } from '../path.js';
import { escapeGlob, sumMatching, unlinkMatching } from '../common/redis-keys.js';
import { checkSeedRange, checkTtlSeconds, initialFor, type LikeCounter, type LikeCounterOptions, type SeedRange } from './types.js';

/**
 * Default posts per bucket. 128 is 1/4 of Redis 7's default hash-max-listpack-entries (512):
 * a listpack lookup is a linear scan, so HINCRBY cost grows with B. On the dev machine
 * (Redis 7.0.15, redis-benchmark, one hot hash) HINCRBY ran at ~280K/s with 128 entries,
 * ~150K/s with 256 and ~80K/s with 512, while memory stayed ~6 bytes/entry plus one key
 * header (~80 bytes) per bucket, i.e. < 1 byte/post more at 128 than at 512.
 */
export const DEFAULT_BUCKET_SIZE = 128;

/** Longest decimal a 64-bit counter needs ("-9223372036854775808"); listpack values must fit hash-max-listpack-value. */
const MAX_INT_DIGITS = 20;

/** Posts per seed batch (HSETs of up to B fields each, pipelined). */
const SEED_BATCH = 4096;

/** Options of this path: the family's LikeCounterOptions fields it reads (documented there). */
export type RedisHashOptions = Pick<LikeCounterOptions, 'keyPrefix' | 'bucketSize' | 'ttlSeconds'>;

/** The server's listpack limits for hashes, as read by setup(); undefined when CONFIG GET is not allowed. */
export interface ListpackLimits {
  /** hash-max-listpack-entries (hash-max-ziplist-entries before Redis 7). */
  entries: number;
  /** hash-max-listpack-value, bytes. */
  value: number;
}

/** HGET reply to a count: a missing field is a post nobody liked. */
function toCount(v: string | null): number {
  return v === null ? 0 : Number(v);
}

/**
 * likes.redis-hash. Key `{keyPrefix}pl:{floor(postId / B)}`, field `postId % B` (as a
 * decimal string), value the count. like() is one HINCRBY (plus one EXPIRE ... NX when a
 * post's field is created and a TTL is set); count() is one HGET.
 */
export class RedisHashLikes implements LikeCounter {
  readonly path = 'likes.redis-hash' as const;
  /** Posts per bucket (B). */
  readonly bucketSize: number;
  /** SCAN pattern matching exactly this instance's bucket keys. */
  readonly keyPattern: string;
  /** What setup() read from the server; undefined before setup() or when CONFIG is disabled. */
  listpackLimits: ListpackLimits | undefined;
  private readonly client: RedisClient;
  private readonly head: string;
  private readonly ttlS: number;
  /** Field names "0".."B-1", built once so the hot path does not format numbers. */
  private readonly fields: readonly string[];

  /**
   * @param client a connected capbench RedisClient over either driver (targets/redis/driver.ts).
   * @throws InvalidArgumentError when bucketSize is not an integer >= 1.
   */
  constructor(client: RedisClient, opts: RedisHashOptions = {}) {
    const b = opts.bucketSize ?? DEFAULT_BUCKET_SIZE;
    if (!Number.isSafeInteger(b) || b < 1) {
      throw new InvalidArgumentError(this.path, `invalid bucket size ${b}.`, { hint: 'Use an integer >= 1, at most the server\'s hash-max-listpack-entries.' });
    }
    this.client = client;
    this.bucketSize = b;
    const prefix = opts.keyPrefix ?? '';
    this.head = prefix + 'pl:';
    this.ttlS = checkTtlSeconds(this.path, opts.ttlSeconds);
    this.keyPattern = escapeGlob(prefix) + 'pl:*';
    this.fields = Array.from({ length: b }, (_, i) => String(i));
  }

  /** The bucket key holding a post, e.g. "pl:964" for post 123456 with B = 128. */
  key(postId: number): string {
    return this.head + Math.floor(postId / this.bucketSize);
  }

  /** The field of a post inside its bucket, e.g. "64" for post 123456 with B = 128. */
  field(postId: number): string {
    const b = this.bucketSize;
    return this.fields[postId - Math.floor(postId / b) * b] as string;
  }

  /**
   * Read the server's hash listpack limits and refuse a bucket size that would make Redis
   * convert buckets to hashtables (the path would then not measure what it claims).
   * When CONFIG GET is not permitted (managed Redis renames it), the check is skipped and
   * `listpackLimits` stays undefined; bucketEncoding() still tells the truth.
   * @throws InvalidArgumentError when hash-max-listpack-entries < B or hash-max-listpack-value < 20.
   */
  async setup(): Promise<void> {
    let cfg: Record<string, string>;
    try {
      // One glob covers Redis 7 (listpack names plus ziplist aliases) and Redis 6 (ziplist only).
      cfg = (await this.client.configGet('hash-max-*')) as unknown as Record<string, string>;
    } catch {
      this.listpackLimits = undefined;
      return;
    }
    const entries = Number(cfg['hash-max-listpack-entries'] ?? cfg['hash-max-ziplist-entries']);
    const value = Number(cfg['hash-max-listpack-value'] ?? cfg['hash-max-ziplist-value']);
    if (!Number.isFinite(entries) || !Number.isFinite(value)) {
      this.listpackLimits = undefined;
      return;
    }
    this.listpackLimits = { entries, value };
    if (entries < this.bucketSize || value < MAX_INT_DIGITS) {
      throw new InvalidArgumentError(
        this.path,
        `needs hash-max-listpack-entries >= ${this.bucketSize} and hash-max-listpack-value >= ${MAX_INT_DIGITS}; the server has ${entries} and ${value}, so buckets would lose the compact encoding.`,
        { hint: `Use a bucket size <= ${entries}, or raise the server's hash-max-listpack-entries.` },
      );
    }
  }

  /** HINCRBY; resolves to the new count. With a TTL, creating a post's field also sets EXPIRE ... NX on its bucket. */
  like(postId: number): Promise<number> {
    const b = this.bucketSize;
    const bucket = Math.floor(postId / b);
    const key = this.head + bucket;
    const field = this.fields[postId - bucket * b] as string;
    if (this.ttlS === 0) return this.client.hIncrBy(key, field, 1);
    // n === 1: the field was just created (or seeded at 0), the only time the bucket may be new.
    return this.client.hIncrBy(key, field, 1).then((n) => (n === 1 ? this.client.expire(key, this.ttlS, 'NX').then(() => n) : n));
  }

  /** HGET; 0 when the field or bucket does not exist. */
  count(postId: number): Promise<number> {
    const b = this.bucketSize;
    const bucket = Math.floor(postId / b);
    return this.client.hGet(this.head + bucket, this.fields[postId - bucket * b] as string).then(toCount);
  }

  /** One multi-field HSET per bucket (plus EXPIRE when a TTL is set), pipelined per batch. Overwrites. */
  async seed(range: SeedRange): Promise<void> {
    checkSeedRange(this.path, range);
    const b = this.bucketSize;
    const end = range.first + range.count;
    let id = range.first;
    while (id < end) {
      const batchEnd = Math.min(end, id + SEED_BATCH);
      const writes: Promise<unknown>[] = [];
      while (id < batchEnd) {
        const bucket = Math.floor(id / b);
        const bucketEnd = Math.min(batchEnd, (bucket + 1) * b);
        const pairs: [string, string][] = [];
        for (; id < bucketEnd; id++) pairs.push([this.fields[id - bucket * b] as string, String(initialFor(range, id))]);
        const key = this.head + bucket;
        writes.push(this.client.hSet(key, pairs));
        if (this.ttlS !== 0) writes.push(this.client.expire(key, this.ttlS));
      }
      await Promise.all(writes);
    }
  }

  /** UNLINK every `{keyPrefix}pl:*` bucket. */
  async reset(): Promise<void> {
    await unlinkMatching(this.client, this.keyPattern);
  }

  /** Sum of every counter under this instance's prefix (SCAN, so it does not block the server). */
  async total(): Promise<{ likes: number; posts: number }> {
    const { total, items } = await sumMatching(this.client, this.keyPattern, 'hash');
    return { likes: total, posts: items };
  }

  /** OBJECT ENCODING of a post's bucket ("listpack" expected; "hashtable" means the saving is gone); null if absent. */
  bucketEncoding(postId: number): Promise<string | null> {
    return this.client.objectEncoding(this.key(postId));
  }
}

/** The registration of likes.redis-hash (reference-impl/registry.ts). */
export const redisHashPath = defineStoragePath({
  id: 'likes.redis-hash',
  family: 'likes',
  stores: ['redis'],
  seed: [
    { doc: '000', section: 'Redis Memory Optimization Strategy for Likes' },
    { doc: '000', section: 'Memory-Saving Techniques' },
  ],
  summary: 'counts as fields of bucketed hashes pl:{id/B} kept in the compact listpack encoding; HINCRBY, HGET',
  open: (clients, o = {}) => new RedisHashLikes(clientOf(clients, 'redis', 'likes.redis-hash'), o),
});
