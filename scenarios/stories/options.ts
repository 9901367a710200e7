/**
 * Options of the stories scenario (seed 001 "3. Stories Database (Cassandra + Redis)"; 003
 * "HyperLogLog: ~0.81% error rate. 12 KB per counter regardless of cardinality").
 */
import { z } from 'zod';
import type { OperationSpec } from '../../engine/types.js';
import type { StoryStoreOptions } from '../../reference-impl/stories/types.js';
import { pathIdsOf } from '../../reference-impl/registry.js';
import { normaliseMix, type MixEntry } from '../common/mix.js';

/** "1000,100000,1000000" or an array: distinct-viewer counts for the set-vs-HyperLogLog experiment. */
const ViewerCounts = z
  .union([z.string(), z.array(z.coerce.number())])
  .transform((v) => (typeof v === 'string' ? v.split(',').filter((x) => x.trim() !== '').map((x) => Number(x.trim())) : v))
  .pipe(z.array(z.number().int().min(1).max(10_000_000)).max(6));

export const StoriesOptions = z
  .object({
    /** Storage path of the stories (any registered stories path). */
    path: z.enum(pathIdsOf('stories')).default('stories.cassandra-redis'),
    /** Users with stories; ids 0..users-1. */
    users: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
    /** Active stories per user created in the load phase. */
    storiesPerUser: z.coerce.number().int().min(1).max(20).default(2),
    /** Zipfian exponent of which seeded story is viewed (a few stories get most views). */
    zipfS: z.coerce.number().min(0).max(3).default(0.99),
    /** Shares of the mix: create a story, view one, read a user's active stories, read a story's view counts. */
    createShare: z.coerce.number().min(0).max(1).default(0.05),
    viewShare: z.coerce.number().min(0).max(1).default(0.75),
    activeShare: z.coerce.number().min(0).max(1).default(0.15),
    countsShare: z.coerce.number().min(0).max(1).default(0.05),
    /** Arrival rate, ops/s, and run length, s (with neither --rate nor --stages). */
    rate: z.coerce.number().positive().default(500),
    durationS: z.coerce.number().positive().default(20),
    /** Story lifetime of the run, s (seed 001: 86400). */
    ttlS: z.coerce.number().int().min(1).max(86_400).default(86_400),
    /** Lifetime of the expiry probe's stories, s: verify() creates some, waits ttl + 1 s, and checks every store dropped them. */
    expiryProbeS: z.coerce.number().int().min(1).max(30).default(2),
    /** Distinct viewers for the set-vs-HyperLogLog experiment (MEMORY USAGE and error each); empty to skip. */
    hllViewers: ViewerCounts.default([1000, 100_000, 1_000_000]),
    /** Cassandra keyspace and Redis prefix of the run. */
    keyspace: z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'a lower-case identifier').default('cb_stories'),
    redisPrefix: z.string().regex(/^[\w:.-]{1,64}$/, 'letters, digits, _ : . - only, 1..64').default('st:'),
    /** Seed of the key streams. */
    seed: z.coerce.number().int().default(1),
  })
  .strict()
  .refine((o) => o.createShare + o.viewShare + o.activeShare + o.countsShare > 0, { message: 'the mix is empty: give at least one *Share above 0', path: ['viewShare'] });
export type StoriesOptions = z.infer<typeof StoriesOptions>;

/** Operation names of the mix. */
export type StoryOp = 'create_story' | 'view_story' | 'active_stories' | 'view_counts';

/** The mix, shares normalised, operations with share 0 left out. */
export function storiesMix(o: StoriesOptions): MixEntry<StoryOp>[] {
  return normaliseMix<StoryOp>([
    { op: 'create_story', share: o.createShare },
    { op: 'view_story', share: o.viewShare },
    { op: 'active_stories', share: o.activeShare },
    { op: 'view_counts', share: o.countsShare },
  ]);
}

/** The scenario's operations, declared once, all on the options' path. */
export function storiesOperations(o: StoriesOptions): OperationSpec[] {
  return storiesMix(o).map((m) => ({ name: m.op, path: o.path }));
}

/** The options the stories path is opened with. */
export function storyStoreOptions(o: StoriesOptions): StoryStoreOptions {
  return { keyspace: o.keyspace, redisPrefix: o.redisPrefix, ttlSeconds: o.ttlS };
}

/** Id of seeded story j (0-based) of user u. */
export function seededStoryId(o: StoriesOptions, u: number, j: number): number {
  return u * o.storiesPerUser + j;
}

/** First story id a run-phase create of thread `thread` uses (far above the seeded ids). */
export function createdStoryBase(thread: number): number {
  return 1_000_000_000 + thread * 100_000_000;
}
