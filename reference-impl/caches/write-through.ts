/**
 * caches.write-through: seeds 001/004 "Write-Through Cache: Update database first; Then update
 * cache; Ensures consistency": after the PostgreSQL UPDATE ... RETURNING, the new row is SET
 * with its TTL, so the next read hits. Reads are cache-aside (a miss loads and fills).
 * Staleness: two writers racing can leave the older row in Redis (their SETs land out of
 * order) until the next write or the TTL.
 */
import { clientOf, defineStoragePath } from '../path.js';
import { PgRedisCache, type CacheKind } from './base.js';
import type { CacheOptions } from './types.js';

const PATH_ID = 'caches.write-through';

/** caches.write-through on a pg.Pool and a Redis client (neither closed here). */
export class WriteThrough extends PgRedisCache {
  readonly path = PATH_ID;
  constructor(...a: [ConstructorParameters<typeof PgRedisCache>[0], ConstructorParameters<typeof PgRedisCache>[1], CacheOptions?]) {
    super(a[0], a[1], PATH_ID, a[2]);
  }
  /** SET the new row with its TTL. */
  protected async afterWrite(key: string, kind: CacheKind, json: string): Promise<void> {
    await this.redis.set(key, json, { EX: this.ttl[kind] });
  }
}

/** The registration of caches.write-through (reference-impl/registry.ts). */
export const writeThroughPath = defineStoragePath({
  id: PATH_ID,
  family: 'caches',
  stores: ['redis', 'postgres'],
  seed: [
    { doc: '001', section: 'Caching Strategy / Cache Invalidation Strategy (Write-Through Cache)' },
    { doc: '004', section: 'Caching Strategy / Cache Invalidation Strategy' },
  ],
  summary: 'as caches.cache-aside, but a write SETs the new row (EX) after the PostgreSQL UPDATE, so the next read hits',
  open: (clients, o = {}) => new WriteThrough(clientOf(clients, 'postgres', PATH_ID), clientOf(clients, 'redis', PATH_ID), o),
});
