/**
 * Options of the viral-like-spike scenario. Figures from seed 000, "Likes System":
 * "Handles viral spikes (10K+ likes/sec)", "Throughput: 100K+/sec".
 */
import { z } from 'zod';
import type { OperationSpec } from '../../engine/types.js';
import type { LikeCounterOptions } from '../../reference-impl/likes/types.js';
import { pathIdsOf } from '../../reference-impl/registry.js';
import { parseDurationS } from '../../core/units.js';
import { REDIS_PERSISTENCE_MODES } from '../../targets/redis/persistence.js';

export const ViralLikeSpikeOptions = z
  .object({
    /** Storage path the likes go through: any registered likes path (reference-impl/registry.ts). */
    path: z.enum(pathIdsOf('likes')).default('likes.redis-counter'),
    /** Posts in the key space, all seeded in the load phase. */
    posts: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
    /** Zipfian exponent of the background likes (YCSB's 0.99). */
    zipfS: z.coerce.number().min(0).max(3).default(0.99),
    /** Background like rate before and after the spike, likes/s. */
    backgroundRate: z.coerce.number().min(1).default(1_000),
    /** Arrival rate during the spike, likes/s (seed 000: 10K+). */
    spikeRate: z.coerce.number().min(1).default(10_000),
    /** Seconds of background before the spike, of the spike, and after it. */
    beforeS: z.coerce.number().positive().default(10),
    spikeS: z.coerce.number().positive().default(10),
    afterS: z.coerce.number().positive().default(10),
    /** The post that goes viral; default: the middle of the key space (a cold post). */
    viralPost: z.coerce.number().int().min(0).optional(),
    /** Share of operations that read the count (GET/HGET/SELECT) instead of liking, 0..1. */
    readRatio: z.coerce.number().min(0).max(1).default(0),
    /** likes.redis-hash: posts per bucket (must stay below hash-max-listpack-entries). */
    bucketSize: z.coerce.number().int().positive().optional(),
    /** TTL of like keys / buckets, s; 0 = none (seed 000 "TTL Automation" uses 604800). */
    ttlS: z.coerce.number().int().min(0).default(0),
    /** Redis paths: prefix of every key (default none: the seed's keys); tests and parallel runs use their own. */
    keyPrefix: z.string().regex(/^[\w:.-]{0,64}$/, 'letters, digits, _ : . - only, at most 64').default(''),
    /** PostgreSQL connections per worker thread (likes.pg-direct). */
    pgPoolSize: z.coerce.number().int().min(1).max(500).default(32),
    /** likes.batch-sync: flush period, ms (default 1000). */
    flushMs: z.coerce.number().int().min(10).max(600_000).default(1000),
    /** likes.batch-sync: flush early once this many posts are pending. */
    flushBatch: z.coerce.number().int().min(1).default(10_000),
    /** likes.batch-sync: live counts as INCR strings or HINCRBY hash buckets. */
    redisLayout: z.enum(['incr', 'hash']).default('incr'),
    /** likes.batch-sync: one acknowledged like in this many per thread is timed until MongoDB shows it (sync lag). */
    lagSampleEvery: z.coerce.number().int().min(1).default(50),
    /**
     * Redis persistence during the run (targets/redis/persistence.ts): none, rdb, aof-everysec,
     * aof-always. Set on the local Redis capbench started (and restored after the run); on an
     * external Redis only accepted when it already runs that mode. Unset: the mode is not touched.
     */
    redisPersistence: z.enum(REDIS_PERSISTENCE_MODES).optional(),
    /** Kill Redis -9 this long after the run began (e.g. "15s"), and start it again crashDownS later: the crash window. */
    crashAt: z
      .union([z.number(), z.string()])
      .transform((v, ctx) => {
        try {
          return parseDurationS(typeof v === 'number' ? `${v}s` : v, 'crashAt');
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: `crashAt must be a duration such as 15s (${(err as Error).message})` });
          return z.NEVER;
        }
      })
      .optional(),
    /**
     * Posts of seed 000's memory table, measured after the run on this Redis (memory-table.ts):
     * all in Redis, hot only 10%, hashes. 0 = not measured; the seed's table is for 1000000.
     */
    memoryTablePosts: z.coerce.number().int().min(0).max(10_000_000).default(0),
    /** Seconds Redis stays down after crashAt before it is started again. */
    crashDownS: z.coerce.number().positive().max(600).default(2),
    /** likes.hot-cold: share of posts that are hot (the newest ids; seed 000 "Hot Only (10%)"). */
    hotShare: z.coerce.number().min(0).max(1).default(0.1),
  })
  .strict();
export type ViralLikeSpikeOptions = z.infer<typeof ViralLikeSpikeOptions>;

/** The viral post of the options. */
export function viralPostOf(o: ViralLikeSpikeOptions): number {
  return o.viralPost ?? Math.floor(o.posts / 2);
}

/**
 * The scenario's operations, declared once: the parent validates thresholds against them and
 * every thread binds its functions to them by name (scenarios/viral-like-spike/workload.ts).
 * "like" always; "read" (the count) when readRatio > 0.
 */
export function likeOperations(o: ViralLikeSpikeOptions): OperationSpec[] {
  return o.readRatio > 0 ? [{ name: 'like', path: o.path }, { name: 'read', path: o.path }] : [{ name: 'like', path: o.path }];
}

/** The options the likes path is opened with. */
export function counterOptions(o: ViralLikeSpikeOptions): LikeCounterOptions {
  const base: LikeCounterOptions = { bucketSize: o.bucketSize, ttlSeconds: o.ttlS || undefined, ...(o.keyPrefix ? { keyPrefix: o.keyPrefix } : {}) };
  if (o.path === 'likes.batch-sync') return { ...base, flushMs: o.flushMs, flushBatch: o.flushBatch, redisLayout: o.redisLayout };
  if (o.path === 'likes.hot-cold') return { ...base, hotPolicy: 'recent', hotFrom: Math.floor(o.posts * (1 - o.hotShare)) };
  return base;
}

/** Redis lists where likes.batch-sync runs leave their flush log and sync-lag samples (under bs:*, so reset() removes them). */
export const BATCH_SYNC_LOG = { flushes: 'bs:log:flush', acks: 'bs:log:acks' } as const;
