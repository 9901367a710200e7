/**
 * Options of the caches scenario (seeds 001/004 "Caching Strategy": post:{id} 1 h, user:{id}
 * 30 min, feed:{user}:{page} 5 min; cache-aside, write-through, event-based invalidation over
 * pub/sub; 002 "Step 3: Add caching (Redis) → 10-100x for hot data").
 */
import { z } from 'zod';
import type { OperationSpec } from '../../engine/types.js';
import type { CacheOptions } from '../../reference-impl/caches/types.js';
import { pathIdsOf } from '../../reference-impl/registry.js';
import { normaliseMix, type MixEntry } from '../common/mix.js';

export const CachesOptions = z
  .object({
    /** The caches path: cache-aside, write-through or pubsub-l1. */
    path: z.enum(pathIdsOf('caches')).default('caches.cache-aside'),
    /** Rows of the backing tables (load phase). */
    users: z.coerce.number().int().min(10).max(10_000_000).default(10_000),
    posts: z.coerce.number().int().min(10).max(10_000_000).default(100_000),
    followsPerUser: z.coerce.number().int().min(1).max(1000).default(20),
    /** Zipfian exponent of which post / user / feed is read (hot data). */
    zipfS: z.coerce.number().min(0).max(3).default(0.99),
    /** Shares of the mix. */
    getPostShare: z.coerce.number().min(0).max(1).default(0.6),
    getUserShare: z.coerce.number().min(0).max(1).default(0.2),
    feedShare: z.coerce.number().min(0).max(1).default(0.15),
    updatePostShare: z.coerce.number().min(0).max(1).default(0.04),
    updateUserShare: z.coerce.number().min(0).max(1).default(0.01),
    rate: z.coerce.number().positive().default(1000),
    durationS: z.coerce.number().positive().default(20),
    /** TTLs, s (seed 001: post 3600, user 1800, feed 300). */
    postTtlS: z.coerce.number().int().min(1).max(86_400).default(3600),
    userTtlS: z.coerce.number().int().min(1).max(86_400).default(1800),
    feedTtlS: z.coerce.number().int().min(1).max(86_400).default(300),
    /** Staleness probes in verify(): one write on one instance, reads on another until the new version shows. */
    probes: z.coerce.number().int().min(1).max(1000).default(50),
    /** Reads of each kind timed in verify() from the cache (hits) and from PostgreSQL, for "10-100x for hot data". */
    latencySamples: z.coerce.number().int().min(10).max(10_000).default(500),
    schema: z.string().regex(/^[a-z_][a-z0-9_]{0,39}$/, 'a lower-case identifier').default('cb_caches'),
    redisPrefix: z.string().regex(/^[\w:.-]{1,64}$/, 'letters, digits, _ : . - only, 1..64').default('cc:'),
    pgPoolSize: z.coerce.number().int().min(1).max(200).default(16),
  })
  .strict()
  .refine((o) => o.getPostShare + o.getUserShare + o.feedShare + o.updatePostShare + o.updateUserShare > 0, { message: 'the mix is empty: give at least one *Share above 0', path: ['getPostShare'] });
export type CachesOptions = z.infer<typeof CachesOptions>;

export type CacheOp = 'get_post' | 'get_user' | 'feed' | 'update_post' | 'update_user';

/** The mix, normalised, zero shares left out. */
export function cachesMix(o: CachesOptions): MixEntry<CacheOp>[] {
  return normaliseMix<CacheOp>([
    { op: 'get_post', share: o.getPostShare },
    { op: 'get_user', share: o.getUserShare },
    { op: 'feed', share: o.feedShare },
    { op: 'update_post', share: o.updatePostShare },
    { op: 'update_user', share: o.updateUserShare },
  ]);
}

/** Operations, declared once, all on the options' path. */
export function cachesOperations(o: CachesOptions): OperationSpec[] {
  return cachesMix(o).map((m) => ({ name: m.op, path: o.path }));
}

/** What the path is opened with. */
export function cacheOptions(o: CachesOptions): CacheOptions {
  return { schema: o.schema, redisPrefix: o.redisPrefix, postTtlSeconds: o.postTtlS, userTtlSeconds: o.userTtlS, feedTtlSeconds: o.feedTtlS };
}

/** The Redis hash where each thread adds its counters at close (hits, l1Hits, misses, dbWrites). */
export function statsKey(o: CachesOptions): string {
  return `${o.redisPrefix}run-stats`;
}
