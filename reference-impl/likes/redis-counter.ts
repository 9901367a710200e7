/**
 * likes.redis-counter: one Redis string per post under a short key, INCR to like, GET to
 * read (seed 000, "Likes System": "Atomic increments (INCR post:123:likes)", and "Redis
 * Memory Optimization Strategy for Likes" / "Memory-Saving Techniques": "p:123:l  # 60%
 * shorter", "TTL Automation").
 */
import type { RedisClient } from '../../targets/redis/driver.js';
import { escapeGlob, sumMatching, unlinkMatching } from '../common/redis-keys.js';
import { clientOf, defineStoragePath } from '../path.js';
import { checkSeedRange, checkTtlSeconds, initialFor, type LikeCounter, type LikeCounterOptions, type SeedRange } from './types.js';

/** Options of this path: the family's LikeCounterOptions fields it reads (documented there). */
export type RedisCounterOptions = Pick<LikeCounterOptions, 'keyPrefix' | 'ttlSeconds'>;

/** Posts written per MSET / pipeline batch when seeding. */
const SEED_BATCH = 1000;

/** GET reply to a count: a missing key is a post nobody liked. */
function toCount(v: string | null): number {
  return v === null ? 0 : Number(v);
}

/**
 * likes.redis-counter. Key `{keyPrefix}p:{postId}:l`, value a Redis integer string.
 * like() is one INCR (plus one EXPIRE NX on the post's first like when a TTL is set);
 * count() is one GET.
 */
export class RedisCounterLikes implements LikeCounter {
  readonly path = 'likes.redis-counter' as const;
  /** SCAN pattern that matches exactly this instance's keys (for reset() and footprint). */
  readonly keyPattern: string;
  private readonly client: RedisClient;
  private readonly head: string;
  private readonly ttlS: number;

  /**
   * @param client a connected capbench RedisClient over either driver (targets/redis/open.ts
   *   openRedisClient; ioredis or node-redis, targets/redis/driver.ts).
   */
  constructor(client: RedisClient, opts: RedisCounterOptions = {}) {
    this.client = client;
    const prefix = opts.keyPrefix ?? '';
    this.head = prefix + 'p:';
    this.ttlS = checkTtlSeconds(this.path, opts.ttlSeconds);
    this.keyPattern = escapeGlob(prefix) + 'p:*:l';
  }

  /** The key of a post's counter, e.g. "p:123:l" (for MEMORY USAGE sampling). */
  key(postId: number): string {
    return this.head + postId + ':l';
  }

  /** Nothing to create: Redis strings need no schema. Kept for the common interface. */
  async setup(): Promise<void> {}

  /** INCR; resolves to the new count. With a TTL, the first like (count 1) also sets EXPIRE ... NX. */
  like(postId: number): Promise<number> {
    const key = this.head + postId + ':l';
    if (this.ttlS === 0) return this.client.incr(key);
    // NX: the TTL runs from the key's creation and is not pushed back by later likes.
    return this.client.incr(key).then((n) => (n === 1 ? this.client.expire(key, this.ttlS, 'NX').then(() => n) : n));
  }

  /** GET; 0 when the key does not exist (never liked, or expired). */
  count(postId: number): Promise<number> {
    return this.client.get(this.head + postId + ':l').then(toCount);
  }

  /** MSET in batches of 1000 (SET ... EX per key, pipelined, when a TTL is set). Overwrites. */
  async seed(range: SeedRange): Promise<void> {
    checkSeedRange(this.path, range);
    const end = range.first + range.count;
    for (let start = range.first; start < end; start += SEED_BATCH) {
      const stop = Math.min(end, start + SEED_BATCH);
      if (this.ttlS === 0) {
        const pairs: [string, string][] = [];
        for (let id = start; id < stop; id++) pairs.push([this.key(id), String(initialFor(range, id))]);
        await this.client.mSet(pairs);
      } else {
        const writes: Promise<unknown>[] = [];
        for (let id = start; id < stop; id++) {
          writes.push(this.client.set(this.key(id), String(initialFor(range, id)), { EX: this.ttlS }));
        }
        await Promise.all(writes);
      }
    }
  }

  /** UNLINK every `{keyPrefix}p:*:l` key (SCAN-based, so it does not block the server). */
  async reset(): Promise<void> {
    await unlinkMatching(this.client, this.keyPattern);
  }

  /** Sum of every counter under this instance's prefix (SCAN, so it does not block the server). */
  async total(): Promise<{ likes: number; posts: number }> {
    const { total, items } = await sumMatching(this.client, this.keyPattern, 'string');
    return { likes: total, posts: items };
  }
}

/** The registration of likes.redis-counter (reference-impl/registry.ts). */
export const redisCounterPath = defineStoragePath({
  id: 'likes.redis-counter',
  family: 'likes',
  stores: ['redis'],
  seed: [
    { doc: '000', section: 'Likes System' },
    { doc: '000', section: 'Redis Memory Optimization Strategy for Likes' },
  ],
  summary: 'one Redis string per post under the short key p:{id}:l; INCR to like, GET to read',
  open: (clients, o = {}) => new RedisCounterLikes(clientOf(clients, 'redis', 'likes.redis-counter'), o),
});
