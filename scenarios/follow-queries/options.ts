/**
 * Options of the follow-queries scenario. Figures from seed 000, "Follows System":
 * PostgreSQL, "~100/sec", "Who follows this user?", "Show mutual followers (requires
 * joins)", "Prevents duplicate follows with transactions".
 */
import { z } from 'zod';
import type { OperationSpec } from '../../engine/types.js';
import { pgFollowsPath, type PgFollows } from '../../reference-impl/follows/index.js';
import type { StoreClients } from '../../targets/clients.js';

/** Share of arrivals per operation (relative weights; the mix is their normalised sum). */
const share = (d: number) => z.coerce.number().min(0).max(1).default(d);

/**
 * The options schema (zod, strict: an unknown option is an error; numbers are coerced from
 * strings such as -o users=1000). FollowQueriesOptions.parse({}) gives the defaults.
 */
export const FollowQueriesOptions = z
  .object({
    /** Users 0..users-1, all seeded in the load phase. User 0 is the most followed (zipfian rank 0). */
    users: z.coerce.number().int().min(2).max(10_000_000).default(10_000),
    /** Follow edges seeded per user (distinct followees, drawn zipfian, so a few users are celebrities). */
    followsPerUser: z.coerce.number().int().min(0).max(1_000).default(20),
    /** Zipfian exponent of followee popularity (seeding, follows, profile reads); 0 = uniform. */
    zipfS: z.coerce.number().min(0).max(3).default(0.99),
    /** Arrival rate of all operations together, ops/s; default: what makes follows 100/s under the mix (seed 000: "~100/sec"). */
    rate: z.coerce.number().positive().optional(),
    /** Length of the default schedule (one constant stage at `rate`), s. */
    durationS: z.coerce.number().positive().default(30),
    /** Mix: share of arrivals that follow (creates a follow; a duplicate is a no-op). */
    followShare: share(0.4),
    /** Mix: share of arrivals that unfollow. */
    unfollowShare: share(0.1),
    /** Mix: share of arrivals that read a page of a user's followers ("Who follows this user?"). */
    followersShare: share(0.25),
    /** Mix: share of arrivals that read a page of whom a user follows (off by default). */
    followingShare: share(0),
    /** Mix: share of arrivals that read a page of the common followers of two users (the join). */
    mutualsShare: share(0.15),
    /** Mix: share of arrivals that read a user's follower/following counters (user_stats). */
    countsShare: share(0.1),
    /** Hot (follower, followee) pairs that follows/unfollows race on; never seeded; 0 = no races. */
    racePairs: z.coerce.number().int().min(0).max(1_000).default(20),
    /** Share of follows and of unfollows that go to a race pair, 0..1. */
    raceShare: z.coerce.number().min(0).max(1).default(0.3),
    /**
     * Requests sent at once for a follow that goes to a race pair (a double submit: two taps,
     * a client retry), 1..16; 1 = one request. They run on separate connections, so they
     * truly race; the operation is one follow whose outcome is "created" if any request created it.
     */
    raceBurst: z.coerce.number().int().min(1).max(16).default(2),
    /** Page size of followers/following/mutuals reads (first page), 1..10000. */
    pageSize: z.coerce.number().int().min(1).max(10_000).default(100),
    /** PostgreSQL connections per worker thread. */
    pgPoolSize: z.coerce.number().int().min(1).max(500).default(16),
    /** PostgreSQL schema of the tables (users, user_stats, follows, follow_queries_tally). */
    schema: z.string().regex(/^[a-z_][a-z0-9_]{0,39}$/, 'a lower-case SQL identifier (letters, digits, _), at most 40 characters').default('public'),
  })
  .strict()
  .refine((o) => o.followShare + o.unfollowShare + o.followersShare + o.followingShare + o.mutualsShare + o.countsShare > 0, {
    message: 'the mix is empty: give at least one *Share above 0',
    path: ['followShare'],
  });
/** Validated options, defaults filled in (rate stays undefined unless given: see totalRate). */
export type FollowQueriesOptions = z.infer<typeof FollowQueriesOptions>;

/** Operation names in the order the workload numbers them (following only when its share is above 0). */
export type FollowOp = 'follow' | 'unfollow' | 'followers' | 'following' | 'mutuals' | 'counts';

/**
 * The mix: the operations with a share above 0, in workload order (follow, unfollow,
 * followers, following, mutuals, counts), with shares normalised to sum to 1. Operations
 * left out are not run, not reported and not named by the default thresholds.
 */
export function mixOf(o: FollowQueriesOptions): { op: FollowOp; share: number }[] {
  const raw: [FollowOp, number][] = [
    ['follow', o.followShare],
    ['unfollow', o.unfollowShare],
    ['followers', o.followersShare],
    ['following', o.followingShare],
    ['mutuals', o.mutualsShare],
    ['counts', o.countsShare],
  ];
  const sum = raw.reduce((a, [, s]) => a + s, 0);
  return raw.filter(([, s]) => s > 0).map(([op, s]) => ({ op, share: s / sum }));
}

/** Follows per second the seed claims (000 · Follows System: "~100/sec"). */
export const CLAIMED_FOLLOWS_PER_S = 100;

/**
 * Total arrival rate, ops/s: `rate` when given, else the rate at which follows arrive at
 * 100/s under the mix (250 ops/s for the default 40% follows), else 250 when the mix has no follows.
 */
export function totalRate(o: FollowQueriesOptions): number {
  if (o.rate !== undefined) return o.rate;
  const f = mixOf(o).find((m) => m.op === 'follow')?.share ?? 0;
  return f > 0 ? Math.round((CLAIMED_FOLLOWS_PER_S / f) * 10) / 10 : 250;
}

/**
 * The scenario's operations, declared once (the mix's operations, in mix order, all on
 * follows.pg): the parent validates thresholds against them and each thread binds its
 * functions to them by name (scenarios/follow-queries/workload.ts).
 */
export function followOperations(o: FollowQueriesOptions): OperationSpec[] {
  return mixOf(o).map((m) => ({ name: m.op, path: pgFollowsPath.id }));
}

/**
 * follows.pg opened through its registration, on the options' schema. The scenario needs the
 * PostgreSQL-specific audit, EXPLAIN and bulk seeding of PgFollows, which the registration keeps.
 * Call setup() before use.
 */
export function openPgFollows(o: FollowQueriesOptions, clients: StoreClients): PgFollows {
  return pgFollowsPath.open(clients, { schema: o.schema });
}
