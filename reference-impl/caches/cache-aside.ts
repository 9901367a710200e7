/**
 * caches.cache-aside: seeds 001/004 "Cache-Aside Pattern: Check cache first; If miss, query
 * database; Update cache with result", with "Event-Based Invalidation: Invalidate cache on write
 * operations" as a DEL after the PostgreSQL write. Staleness: a reader that loaded the old row
 * before the write and SETs it after the DEL leaves a stale copy for at most one TTL (the race
 * the seed's TTLs bound); otherwise the next read after the write misses and loads the new row.
 */
import { clientOf, defineStoragePath } from '../path.js';
import { PgRedisCache, type CacheKind } from './base.js';
import type { CacheOptions } from './types.js';

const PATH_ID = 'caches.cache-aside';

/** caches.cache-aside on a pg.Pool and a Redis client (neither closed here). */
export class CacheAside extends PgRedisCache {
  readonly path = PATH_ID;
  constructor(...a: [ConstructorParameters<typeof PgRedisCache>[0], ConstructorParameters<typeof PgRedisCache>[1], CacheOptions?]) {
    super(a[0], a[1], PATH_ID, a[2]);
  }
  /** DEL the key: the next read loads the new row. */
  protected async afterWrite(key: string, _kind: CacheKind, _json: string): Promise<void> {
    await this.redis.del(key);
  }
}

/** The registration of caches.cache-aside (reference-impl/registry.ts). */
export const cacheAsidePath = defineStoragePath({
  id: PATH_ID,
  family: 'caches',
  stores: ['redis', 'postgres'],
  seed: [
    { doc: '001', section: 'Caching Strategy / Cache Invalidation Strategy (Cache-Aside Pattern)' },
    { doc: '004', section: 'Caching Strategy / Cache Keys Design' },
  ],
  summary: 'post:/user: (TTL 1 h / 30 min) and feed:{user}:{page} (5 min) over PostgreSQL; miss loads and SETs EX; a write DELs the key',
  open: (clients, o = {}) => new CacheAside(clientOf(clients, 'postgres', PATH_ID), clientOf(clients, 'redis', PATH_ID), o),
});
