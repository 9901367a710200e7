/**
 * caches.pubsub-l1: seeds 001/004 "Multi-Level Cache Architecture" (L1 in application memory,
 * TTL 1 minute, "last 1000 posts"; L2 Redis) with "Event-Based Invalidation ... Use pub/sub for
 * cache invalidation across servers". Every instance (one per app server / worker thread) keeps
 * an L1 Map in front of the Redis keys and SUBSCRIBEs to <prefix>invalidate on its own
 * connection. A write: PostgreSQL UPDATE, DEL the Redis key, drop its own L1 entry, PUBLISH the
 * key; every other instance drops its L1 entry when the message arrives. Staleness window: the
 * pub/sub delivery lag (another instance serves its old L1 copy until then); a lost message
 * (a subscriber that was disconnected) is bounded by the L1 TTL. An L1 entry lives at most
 * min(L1 TTL, its kind's Redis TTL) from when it was filled.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import type { RedisClient } from '../../targets/redis/driver.js';
import { clientOf, defineStoragePath } from '../path.js';
import { PgRedisCache, type CacheKind } from './base.js';
import type { CacheOptions } from './types.js';

const PATH_ID = 'caches.pubsub-l1';

/** caches.pubsub-l1 on a pg.Pool and a Redis client (neither closed here; the subscriber it duplicates is, by close()). */
export class PubSubL1 extends PgRedisCache {
  readonly path = PATH_ID;
  readonly channel: string;
  readonly l1TtlMs: number;
  readonly l1Max: number;
  /** key -> [json, expires at ms]; Map order is insertion order, so the first entry is the oldest. */
  private readonly l1 = new Map<string, [string, number]>();
  private sub: RedisClient | undefined;
  /** Invalidation messages received. */
  received = 0;

  /** @throws InvalidArgumentError for an L1 TTL outside 1..3600000 ms or a max outside 1..1000000. */
  constructor(pool: ConstructorParameters<typeof PgRedisCache>[0], redis: RedisClient, o: CacheOptions = {}) {
    super(pool, redis, PATH_ID, o);
    this.channel = `${this.prefix}invalidate`;
    this.l1TtlMs = o.l1TtlMs ?? 60_000;
    this.l1Max = o.l1MaxEntries ?? 1000;
    if (!Number.isSafeInteger(this.l1TtlMs) || this.l1TtlMs < 1 || this.l1TtlMs > 3_600_000) throw new InvalidArgumentError(PATH_ID, `l1TtlMs must be an integer in 1..3600000, got ${this.l1TtlMs}`);
    if (!Number.isSafeInteger(this.l1Max) || this.l1Max < 1 || this.l1Max > 1_000_000) throw new InvalidArgumentError(PATH_ID, `l1MaxEntries must be an integer in 1..1000000, got ${this.l1Max}`);
  }

  /** The tables, then a duplicate connection SUBSCRIBEd to the invalidation channel (once). */
  override async setup(): Promise<void> {
    await super.setup();
    if (this.sub) return;
    const sub = await this.redis.duplicate();
    // Never keep the process alive for the subscriber alone (a caller that forgets close()).
    sub.unref();
    await sub.subscribe(this.channel, (key) => {
      this.received++;
      this.l1.delete(key);
    });
    this.sub = sub;
  }

  protected override l1Get(key: string): string | undefined {
    const e = this.l1.get(key);
    if (!e) return undefined;
    if (e[1] <= Date.now()) {
      this.l1.delete(key);
      return undefined;
    }
    return e[0];
  }

  protected override l1Set(key: string, value: string, kind: CacheKind): void {
    this.l1.delete(key);
    this.l1.set(key, [value, Date.now() + Math.min(this.l1TtlMs, this.ttl[kind] * 1000)]);
    if (this.l1.size > this.l1Max) this.l1.delete(this.l1.keys().next().value!);
  }

  /** DEL the Redis key, drop the own L1 entry, PUBLISH the key to every other instance. */
  protected async afterWrite(key: string, _kind: CacheKind, _json: string): Promise<void> {
    this.l1.delete(key);
    await this.redis.del(key);
    await this.redis.publish(this.channel, key);
  }

  /** Entries in L1 now. */
  get l1Size(): number {
    return this.l1.size;
  }

  /** Drop the Redis keys and this instance's L1. */
  override async dropCache(): Promise<number> {
    this.l1.clear();
    return super.dropCache();
  }

  /** Unsubscribe and close the subscriber connection. */
  override async close(): Promise<void> {
    const sub = this.sub;
    this.sub = undefined;
    if (sub) await sub.close().catch(() => sub.destroy());
  }
}

/** The registration of caches.pubsub-l1 (reference-impl/registry.ts). */
export const pubsubL1Path = defineStoragePath({
  id: PATH_ID,
  family: 'caches',
  stores: ['redis', 'postgres'],
  seed: [
    { doc: '001', section: 'Caching Strategy / Multi-Level Cache Architecture; Event-Based Invalidation' },
    { doc: '004', section: 'Caching Strategy / Cache Invalidation Strategy (pub/sub across servers)' },
  ],
  summary: 'in-process L1 (TTL 1 min, 1000 entries) over the Redis keys; a write DELs the key and PUBLISHes it, every instance drops its L1 copy',
  open: (clients, o = {}) => new PubSubL1(clientOf(clients, 'postgres', PATH_ID), clientOf(clients, 'redis', PATH_ID), o),
});
