/**
 * The follow-queries section of the report (core/results.ts ScenarioSection): the graph audit
 * after the run (seed 000, "Follows System": "Prevents duplicate follows with transactions"),
 * what became of every follow and unfollow, and latency per query kind beside the server's own
 * time for the heaviest join (mutual followers, "requires joins").
 */
import type { OperationResult, ScenarioSection } from '../../core/results.js';
import type { FollowsAudit, QueryPlan } from '../../reference-impl/follows/index.js';
import type { Tally } from './tally.js';

/** What the section is built from; `tally` is null when some thread's tally is missing. */
export interface FollowSectionInput {
  audit: FollowsAudit;
  /** Edges the checks expected after the run, and the interval failed or unsettled operations allow. */
  expected: { edges: number; low: number; high: number };
  tally: Tally | null;
  operations: readonly OperationResult[];
  plan: QueryPlan | null;
}

/** The query kinds in the order the section lists them. */
const QUERY_KINDS = ['followers', 'following', 'mutuals', 'counts', 'follow', 'unfollow'] as const;

/** Build the section. Pure: no I/O. */
export function followQueriesSection(x: FollowSectionInput): ScenarioSection {
  const { audit, expected, tally } = x;
  const ops = QUERY_KINDS.map((k) => x.operations.find((o) => o.name === k)).filter((o): o is OperationResult => o !== undefined);
  const tables: ScenarioSection['tables'] = [
    {
      caption: 'Graph audit after the run (every row of follows and user_stats)',
      columns: ['check', 'found', 'expected'],
      rows: [
        ['follow rows', audit.edges, expected.low === expected.high ? expected.edges : `${expected.low}..${expected.high}`],
        ['duplicate rows (rows − distinct pairs)', audit.edges - audit.distinctPairs, 0],
        ['self follows', audit.selfFollows, 0],
        ['users whose followers_count differs from their rows', audit.followersMismatches, 0],
        ['users whose following_count differs from their rows', audit.followingMismatches, 0],
        ['users with rows but no user_stats row', audit.missingStats, 0],
      ],
      note: 'The expected row count is seeded + created − removed; a follow or unfollow that failed or was in flight at the end may or may not have committed, which widens it to an interval.',
    },
    {
      caption: 'Latency by query kind (from the intended start, ms)',
      columns: ['operation', 'measured', 'p50 (ms)', 'p99 (ms)', 'p99.9 (ms)', 'max (ms)', 'service time p99 (ms)'],
      rows: ops.map((o) => [o.name, o.latencyMs.count, o.latencyMs.p50, o.latencyMs.p99, o.latencyMs.p999, o.latencyMs.max, o.serviceTimeMs.p99]),
      ...(x.plan
        ? { note: `EXPLAIN ANALYZE of mutuals for the two most followed users: ${x.plan.summary}; ${x.plan.executionMs ?? '—'} ms on the server (planning ${x.plan.planningMs ?? '—'} ms).` }
        : {}),
    },
  ];
  if (tally) {
    tables.push({
      caption: 'What became of every follow and unfollow request (warmup included)',
      columns: ['outcome', 'follows', 'unfollows', 'of which on race pairs'],
      rows: [
        ['changed a row', tally.followCreated, tally.unfollowRemoved, tally.raceFollowCreated + tally.raceUnfollowRemoved],
        ['no-op (already following / nothing to remove)', tally.followDuplicate, tally.unfollowMissing, tally.raceFollowDuplicate + tally.raceUnfollowMissing],
        ['failed (driver error)', tally.followFailed, tally.unfollowFailed, null],
        ['in flight at the end', tally.unsettled, null, tally.raceUncertain],
      ],
      note: `${tally.concurrentFollows} follows started while another follow of the same pair was in flight; ${tally.concurrentDuplicates} of them resolved "already following" (the primary key turned them into no-ops).`,
    });
  }
  const withP99 = ops.filter((o) => o.latencyMs.p50 !== null);
  return {
    id: 'follow-queries',
    title: 'Follow graph: integrity and query latency',
    intro: 'Follows and unfollows change rows and counters in one transaction; the audit reads the whole graph after the run and compares it with what the run acknowledged.',
    tables,
    charts:
      withP99.length > 0
        ? [
            {
              id: 'latency-by-kind',
              title: 'Latency by query kind (ms)',
              kind: 'bar',
              xLabel: 'operation',
              yLabel: 'latency (ms)',
              categories: withP99.map((o) => o.name),
              series: [
                { label: 'p50', points: withP99.map((o, i) => [i, o.latencyMs.p50]) },
                { label: 'p99', points: withP99.map((o, i) => [i, o.latencyMs.p99]) },
              ],
            },
          ]
        : [],
  };
}
