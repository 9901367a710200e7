/**
 * follow-queries: follows and unfollows at ~100 follows/s with duplicate follows racing on
 * a few hot pairs, plus "who follows this user?", mutual followers (the join) and counter
 * reads, on follows.pg (seed 000, "Follows System": PostgreSQL, "~100/sec", "Who follows
 * this user?", "Show mutual followers (requires joins)", "Prevents duplicate follows with
 * transactions"). Verifies no duplicate rows, counters equal rows, and that every
 * acknowledged follow/unfollow is accounted for; reports bytes per edge and read p99s.
 */
import type pg from 'pg';
import type { ClaimResult, DerivedFigure, OperationResult, ThresholdResult } from '../../core/results.js';
import type { Footprint } from '../../core/target.js';
import { pgFollowsPath, type FollowsAudit, type PgFollows, type QueryPlan } from '../../reference-impl/follows/index.js';
import { quoteSchema } from '../../reference-impl/common/pg.js';
import { clientOf } from '../../reference-impl/path.js';
import { openStoreClients } from '../../targets/clients.js';
import { storeBytes } from '../common/figures.js';
import type { Scenario, ScenarioContext } from '../types.js';
import { GraphModel } from './graph.js';
import { CLAIMED_FOLLOWS_PER_S, FollowQueriesOptions, followOperations, mixOf, openPgFollows, totalRate } from './options.js';
import { followQueriesSection } from './section.js';
import { clearTally, readTally } from './tally.js';

export { FollowQueriesOptions } from './options.js';

type O = FollowQueriesOptions;

/** Follow edges per seedFollows() call (it batches 10000 per statement inside). */
const SEED_CHUNK = 50_000;
/** Sustained follows/s that count as "~100/s" (5% below the seed's figure, as the engine's shortfall flag). */
const HOLDS_AT = 0.95 * CLAIMED_FOLLOWS_PER_S;

/** Run `f` with a small pool and a PgFollows on the options' schema; always closes the pool. */
async function withGraph<T>(o: O, ctx: ScenarioContext, f: (g: PgFollows, pool: pg.Pool) => Promise<T>): Promise<T> {
  const clients = await openStoreClients(ctx.connections, pgFollowsPath.stores, { pgPoolSize: 4 });
  try {
    const g = openPgFollows(o, clients);
    await g.setup();
    return await f(g, clientOf(clients, 'postgres', pgFollowsPath.id));
  } finally {
    await clients.close();
  }
}

/** Bytes of the follows table in a footprint: main fork, TOAST/maps and its indexes; undefined when absent. */
export function followsBytes(fps: readonly Footprint[], schema: string): number | undefined {
  const fp = fps.find((f) => f.store === 'postgres');
  if (!fp) return undefined;
  const t = schema === 'public' ? 'follows' : `${schema}.follows`;
  const items = fp.items.filter((i) => i.name === `table ${t}` || i.name === `toast ${t}` || (i.kind === 'index' && i.note === `on ${t}`));
  return items.length === 0 ? undefined : items.reduce((a, i) => a + i.bytes, 0);
}

/**
 * Distance of `actual` outside [lo, hi] (0 inside): how many rows no acknowledged operation
 * accounts for.
 */
function outside(actual: number, lo: number, hi: number): number {
  return actual < lo ? lo - actual : actual > hi ? actual - hi : 0;
}

/** A correctness check in threshold form: `<what> == 0`. */
function zeroCheck(expression: string, operation: string, metric: string, unit: string, actual: number | null): ThresholdResult {
  return { expression, operation, metric, unit, limit: 0, actual, passed: actual === 0 };
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Errors of an operation over the measured phase (not_found is not one), as a fraction of its count (null when it did not run). */
function errorRate(op: OperationResult | undefined): number | null {
  if (!op || op.count === 0) return null;
  const errs = Object.values(op.errors).reduce((a, v) => a + v, 0);
  return errs / op.count;
}

/**
 * The follow-queries scenario (docs/scenarios.md): store postgres, path follows.pg; default
 * schedule one constant stage of durationS at totalRate(o) (250 ops/s: 100 follows/s);
 * verify() adds the checks, figures and claims documented there. Registered in
 * scenarios/registry.ts.
 */
export const followQueries: Scenario<O> = {
  id: 'follow-queries',
  description: 'Follows/unfollows at ~100 follows/s with duplicate races on hot pairs; followers, mutuals (join) and counts reads (seed 000, Follows System).',
  options: FollowQueriesOptions,
  http: { pathOptions: (o) => ({ schema: o.schema }) },
  smokeOptions: { users: 200, followsPerUser: 5, racePairs: 2, schema: 'cbsmoke_follows' },
  operations: followOperations,
  defaultStages: (o) => [{ durationS: o.durationS, rate: totalRate(o), label: 'steady' }],
  defaultRate: (o) => totalRate(o),
  defaultWarmupS: (o) => Math.min(2, o.durationS / 5),
  defaultThresholds: (o) => [...(o.followShare > 0 ? ['follow:p99<50ms'] : []), '*:error_rate<1%'],
  workloadModule: new URL('./workload.js', import.meta.url).href,

  async reset(o, ctx) {
    await withGraph(o, ctx, async (g, pool) => {
      try {
        await g.reset({ users: true });
      } catch (err) {
        // 0A000: another path's table references users (e.g. bookmarks); keep the users, empty the graph.
        if ((err as { code?: string }).code !== '0A000') throw err;
        ctx.log(`follow-queries: users are referenced by another table, so they stay; emptying follows and zeroing counters only`);
        await g.reset();
      }
      await clearTally(pool, quoteSchema(o.schema));
    });
  },

  async seed(o, ctx) {
    const model = new GraphModel(o);
    const planned = model.plannedEdges();
    await withGraph(o, ctx, async (g, pool) => {
      const t0 = Date.now();
      ctx.log(`seeding ${o.users} users (follows.pg, schema ${o.schema})`);
      await g.seedUsers({ first: 0, count: o.users });
      ctx.log(`seeding ${planned} follow edges (${o.followsPerUser} per user, followees zipfian s=${o.zipfS}; ${model.races.length} race pairs left unfollowed)`);
      let followers: number[] = [];
      let followees: number[] = [];
      let inserted = 0;
      let nextLog = 0.25;
      const flush = async () => {
        const n = await g.seedFollows(followers, followees);
        inserted += n;
        followers = [];
        followees = [];
        if (planned > 0 && inserted / planned >= nextLog) {
          ctx.log(`  ${inserted} / ${planned} edges (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
          while (inserted / planned >= nextLog) nextLog += 0.25;
        }
      };
      for (let u = 0; u < o.users; u++) {
        for (const e of model.followeesOf(u)) {
          followers.push(u);
          followees.push(e);
        }
        if (followers.length >= SEED_CHUNK) await flush();
      }
      if (followers.length > 0) await flush();
      if (inserted !== planned) throw new Error(`seeding inserted ${inserted} follow edges, expected ${planned} (were the tables reset?)`);
      // Planner statistics and the visibility map, as autovacuum would leave a table at rest
      // (index-only scans of followers/mutuals need the visibility map).
      const s = quoteSchema(o.schema);
      await pool.query(`VACUUM (ANALYZE) ${s}.follows, ${s}.user_stats, ${s}.users`);
      ctx.log(`seeded ${o.users} users and ${inserted} follow edges in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });
  },

  async verify(o, ctx, { outcome, footprint }) {
    const derived: DerivedFigure[] = [];
    const claims: ClaimResult[] = [];
    const notes: string[] = [];
    const checks: ThresholdResult[] = [];
    const model = new GraphModel(o);
    const planned = model.plannedEdges();
    const workers = outcome.schedule.workers;

    const { audit, tally, tallyThreads, raceRows, plan } = await withGraph(o, ctx, async (g, pool) => {
      const audit: FollowsAudit = await g.audit();
      const t = await readTally(pool, quoteSchema(o.schema), workers);
      let raceRows = 0;
      for (const r of model.races) if (await g.isFollowing(r.follower, r.followee)) raceRows++;
      // The heaviest join the workload asks for: common followers of the two most followed users.
      const plan: QueryPlan | null = o.users >= 2 ? await g.explainMutuals(0, 1, o.pageSize).catch(() => null) : null;
      return { audit, tally: t.tally, tallyThreads: t.threads, raceRows, plan };
    });
    const tallyComplete = tallyThreads >= workers;
    const op = (name: string) => outcome.operations.find((x) => x.name === name);
    const follow = op('follow');
    const unfollow = op('unfollow');

    // --- Checks: the store's invariants, and every acknowledged change accounted for.
    checks.push(zeroCheck('duplicate follow rows == 0', 'follow', 'duplicate_rows', 'rows', audit.edges - audit.distinctPairs));
    checks.push(zeroCheck('self follows == 0', 'follow', 'self_follows', 'rows', audit.selfFollows));
    checks.push(zeroCheck('followers_count mismatches == 0', 'counts', 'followers_count_mismatches', 'users', audit.followersMismatches));
    checks.push(zeroCheck('following_count mismatches == 0', 'counts', 'following_count_mismatches', 'users', audit.followingMismatches));
    if (audit.mismatchExamples.length > 0) notes.push(`users whose counters differ from their rows: ${audit.mismatchExamples.join(', ')}${audit.followersMismatches + audit.followingMismatches > 5 ? ', …' : ''}`);

    // Rows after the run = seeded + created - removed; an operation that failed or was still
    // in flight may or may not have committed, so it widens the interval.
    let created: number;
    let removed: number;
    let mayAdd: number;
    let mayRemove: number;
    if (tallyComplete) {
      created = tally.followCreated;
      removed = tally.unfollowRemoved;
      mayAdd = tally.followFailed + tally.unsettled;
      mayRemove = tally.unfollowFailed + tally.unsettled;
    } else {
      // Fallback without the workload's tally: the engine's counts. A timed-out or warmup
      // operation that did not resolve ok may have changed a row either way.
      const uncertain = (x: OperationResult | undefined) => {
        if (!x) return 0;
        const errs = Object.values(x.errors).reduce((a, v) => a + v, 0);
        return errs + (x.warmupCount - (x.warmupOkCount ?? 0));
      };
      created = (follow?.okCount ?? 0) + (follow?.warmupOkCount ?? 0);
      removed = (unfollow?.okCount ?? 0) + (unfollow?.warmupOkCount ?? 0);
      mayAdd = uncertain(follow);
      mayRemove = uncertain(unfollow);
      notes.push(`the workload's tally was found for ${tallyThreads} of ${workers} threads; edges are accounted from the engine's counts, and race figures are unknown`);
    }
    const expectedEdges = planned + created - removed;
    const unaccounted = outside(audit.edges, expectedEdges - mayRemove, expectedEdges + mayAdd);
    checks.push(zeroCheck('unaccounted follow edges == 0', 'follow', 'unaccounted_edges', 'rows', unaccounted));
    if (mayAdd + mayRemove > 0) notes.push(`${mayAdd + mayRemove} follows/unfollows failed or did not settle; the edge count was checked against the interval they allow (${expectedEdges - mayRemove}..${expectedEdges + mayAdd})`);
    if (tallyComplete && model.races.length > 0) {
      const raceExpected = tally.raceFollowCreated - tally.raceUnfollowRemoved;
      const raceOff = outside(raceRows, raceExpected - tally.raceUncertain, raceExpected + tally.raceUncertain);
      checks.push(zeroCheck('race pairs unaccounted == 0', 'follow', 'race_pairs_unaccounted', 'pairs', raceOff));
    }

    // --- Derived figures.
    derived.push({ name: 'follow edges after the run', value: audit.edges, unit: 'edges', note: `${planned} seeded + ${created} created − ${removed} removed` });
    const followRate = follow?.achievedOpsPerSec ?? 0;
    const measuredS = follow && follow.achievedOpsPerSec > 0 ? follow.count / follow.achievedOpsPerSec : 0;
    const targetFollowRate = outcome.rate.targetOpsPerSec === null ? null : outcome.rate.targetOpsPerSec * (mixOf(o).find((m) => m.op === 'follow')?.share ?? 0);
    if (follow) {
      derived.push({
        name: 'follows per second achieved',
        value: round1(followRate),
        unit: 'follows/s',
        note: `follow operations completed per measured second (new follows and duplicates); target ${targetFollowRate === null ? 'none (closed loop)' : `${round1(targetFollowRate)}/s`}`,
      });
      derived.push({ name: 'new follows per second', value: measuredS > 0 ? round1(follow.okCount / measuredS) : null, unit: 'follows/s', note: 'follows that created a row' });
    }
    const base = followsBytes(footprint.baseline, o.schema);
    const seeded = followsBytes(footprint.before, o.schema);
    let bytesPerEdge: number | null = null;
    let bytesNote = `(follows table + its indexes after seeding − after reset) / ${planned} edges`;
    if (planned > 0 && base !== undefined && seeded !== undefined) bytesPerEdge = (seeded - base) / planned;
    else if (planned > 0) {
      // No per-table items: fall back to the whole database (users and user_stats included).
      const b = storeBytes(footprint.baseline, 'postgres');
      const a = storeBytes(footprint.before, 'postgres');
      if (b !== undefined && a !== undefined) {
        bytesPerEdge = (a - b) / planned;
        bytesNote = `(whole PostgreSQL database after seeding − after reset) / ${planned} edges, users and user_stats included`;
      }
    }
    derived.push({ name: 'bytes per follow edge', value: bytesPerEdge === null ? null : round1(bytesPerEdge), unit: 'bytes', note: bytesNote });
    for (const name of ['followers', 'following', 'mutuals', 'counts', 'follow']) {
      const x = op(name);
      if (x) derived.push({ name: `${name} p99`, value: x.latencyMs.p99, unit: 'ms', note: `from the intended start; ${x.latencyMs.count} measured ${name} operations${x.latencyMs.p99 === null ? ' (too few for a p99)' : ''}` });
    }
    if (tallyComplete) {
      derived.push({ name: 'duplicate follows rejected', value: tally.followDuplicate, unit: 'follows', note: `follows of an already-followed pair, turned into no-ops (warmup included); ${tally.raceFollowDuplicate} of them on race pairs` });
    }
    if (tallyComplete && model.races.length > 0 && o.raceBurst > 1) {
      const requests = tally.followCreated + tally.followDuplicate + tally.followFailed;
      const runS = outcome.schedule.stages.reduce((a, st) => a + st.durationS, 0);
      derived.push({
        name: 'follow requests per second',
        value: runS > 0 ? round1(requests / runS) : null,
        unit: 'requests/s',
        note: `follow transactions PostgreSQL ran, over the whole run (warmup included): race-pair follows are sent ${o.raceBurst} at once`,
      });
    }
    if (tallyComplete && model.races.length > 0) {
      derived.push({
        name: 'concurrent duplicate follows',
        value: tally.concurrentFollows,
        unit: 'follows',
        note: `follows started while another follow of the same pair was in flight (same thread); ${tally.concurrentDuplicates} of them resolved "already following"`,
      });
      derived.push({ name: 'race pairs followed at the end', value: raceRows, unit: 'pairs', note: `of ${model.races.length} race pairs; ${tally.raceOverlapping} race operations overlapped another on the same pair` });
    }

    // --- Claims.
    const flagged = outcome.rate.flagged;
    const errRate = errorRate(follow);
    const p99 = follow?.latencyMs.p99;
    const measured = `${round1(followRate)} follows/s${targetFollowRate !== null ? ` at a ${round1(targetFollowRate)}/s target` : ''} on follows.pg, p99 ${p99 ?? '—'} ms, error rate ${errRate === null ? '—' : pct(errRate)}${flagged ? ` (run flagged: ${outcome.rate.reasons.join('; ')})` : ''}`;
    const claimBase = { id: 'follows.throughput-100', source: '000 · Follows System', claim: 'Follows at ~100/s on PostgreSQL, real-time' };
    if (!follow) {
      claims.push({ ...claimBase, measured: 'this run had no follows (followShare 0)', verdict: 'not-measurable' });
    } else if (targetFollowRate !== null && targetFollowRate < HOLDS_AT) {
      claims.push({ ...claimBase, measured, verdict: 'not-measurable', note: `the run asked for ${round1(targetFollowRate)} follows/s; the default rate gives 100` });
    } else if (followRate < HOLDS_AT) {
      claims.push(
        outcome.harness.bottleneck
          ? { ...claimBase, measured, verdict: 'not-measurable', note: 'the client, not PostgreSQL, limited the run (see harness notes)' }
          : { ...claimBase, measured, verdict: 'refuted' },
      );
    } else if (errRate !== null && errRate >= 0.01) {
      claims.push({ ...claimBase, measured, verdict: 'refuted', note: 'the rate was reached, but 1% or more of the follows failed' });
    } else {
      claims.push({
        ...claimBase,
        measured,
        verdict: 'holds',
        ...(flagged ? { note: `the run fell short of its own schedule, but sustained at least ${HOLDS_AT} follows/s` } : {}),
      });
    }

    const dupBase = { id: 'follows.no-duplicates', source: '000 · Follows System', claim: 'Prevents duplicate follows with transactions' };
    const consistent = audit.edges === audit.distinctPairs && audit.followersMismatches === 0 && audit.followingMismatches === 0 && unaccounted === 0;
    if (!tallyComplete) {
      claims.push({ ...dupBase, measured: `${audit.edges - audit.distinctPairs} duplicate rows; counters ${consistent ? 'equal' : 'differ from'} rows`, verdict: consistent ? 'holds' : 'refuted', note: 'the workload tally is missing, so how many duplicate follows were attempted is unknown' });
    } else if (tally.followDuplicate === 0) {
      claims.push({ ...dupBase, measured: 'no duplicate follow was attempted', verdict: 'not-measurable', note: 'raise raceShare or lower racePairs' });
    } else {
      claims.push({
        ...dupBase,
        measured: `${tally.followDuplicate} duplicate follows (${tally.concurrentFollows} concurrent with another follow of the same pair) left ${audit.edges - audit.distinctPairs} duplicate rows; ${audit.followersMismatches + audit.followingMismatches} counter mismatches; ${unaccounted} unaccounted edges`,
        verdict: consistent ? 'holds' : 'refuted',
        note: 'the primary key (follower_id, followee_id) rejects the duplicate; INSERT … ON CONFLICT DO NOTHING and counters updated only when a row changed keep counts equal to rows',
      });
    }

    // --- Notes.
    if (plan) {
      const idx = plan.seqScans.length === 0 ? 'index scans only' : `sequential scans of ${plan.seqScans.join(', ')}`;
      notes.push(
        `mutual followers are a join ("requires joins", 000 · Follows System): EXPLAIN ANALYZE of mutuals(0, 1), the two most followed users, first ${o.pageSize}: ${plan.summary} — ${plan.joins.length > 0 ? plan.joins.join(', ') : 'no join node'}, ${idx}; ${plan.executionMs ?? '—'} ms on the server`,
      );
    }
    const raceFollows = o.followShare > 0 ? o.raceShare : 0;
    notes.push(
      `${o.users} users, ${planned} seeded edges (${o.followsPerUser} per user, zipfian s=${o.zipfS}; user 0 is the most followed); ${model.races.length} race pairs take ${pct(raceFollows)} of follows and unfollows${o.raceBurst > 1 ? `, a race-pair follow sent as ${o.raceBurst} simultaneous requests` : ''}; pages of ${o.pageSize}`,
    );
    const sections = [
      followQueriesSection({
        audit,
        expected: { edges: expectedEdges, low: expectedEdges - mayRemove, high: expectedEdges + mayAdd },
        tally: tallyComplete ? tally : null,
        operations: outcome.operations,
        plan,
      }),
    ];
    return { derived, claims, notes, checks, sections };
  },
};
