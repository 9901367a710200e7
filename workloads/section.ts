/**
 * The workload's section of the report (core/results.ts ScenarioSection): each operation with
 * its path, key distribution and share against what it did; each path's own checks (passed,
 * failed, or not checked with why); what was seeded; p50/p99 per operation, and ops/s per
 * operation over time.
 */
import type { ScenarioSection } from '../core/results.js';
import type { LoadOutcome } from '../engine/run.js';
import type { WorkloadOptions } from './file.js';
import { describeKeys } from './keys.js';
import type { CheckRow } from './scenario.js';

/** What the section is built from. */
export interface WorkloadSectionInput {
  w: WorkloadOptions;
  outcome: LoadOutcome;
  rows: readonly CheckRow[];
  /** Follow edges seeded, when data.followGraph is set. */
  graphEdges: number | undefined;
  /** The stores of each path. */
  stores: { path: string; stores: string }[];
}

/** Build the section. Pure: no I/O. */
export function workloadSection(x: WorkloadSectionInput): ScenarioSection {
  const { w, outcome } = x;
  const opRows = w.operations.map((o) => {
    const r = outcome.operations.find((m) => m.name === o.name);
    const errors = r ? Object.values(r.errors).reduce((a, b) => a + b, 0) : null;
    return [
      o.name,
      o.op,
      `${o.path}${o.overridden ? ` (file: ${o.overridden})` : ''}`,
      x.stores.find((s) => s.path === o.path)?.stores ?? '',
      `${describeKeys(o.keys)} over ${o.entity}s`,
      Math.round(o.share * 1000) / 10,
      r?.count ?? null,
      r?.achievedOpsPerSec ?? null,
      r?.latencyMs.p50 ?? null,
      r?.latencyMs.p99 ?? null,
      errors,
    ];
  });
  const checkRows = x.rows.map((r) =>
    r.check.kind === 'checked'
      ? [r.path, r.check.result.expression, r.check.result.passed ? 'passed' : 'FAILED', r.check.result.actual, r.check.detail ?? '']
      : [r.path, r.check.expression, 'not checked', null, r.check.why],
  );
  const seeded: (string | number | null)[][] = [
    ['posts', w.data.posts],
    ['users', w.data.users],
  ];
  if (w.data.followGraph) {
    const g = w.data.followGraph;
    seeded.push(['follow edges (power law)', x.graphEdges ?? null]);
    seeded.push(['follower-count exponent alpha', g.alpha]);
    if (g.celebrities[0]) seeded.push(['celebrity (user 0) followers', g.celebrities[0].followers]);
  }
  const names = w.operations.map((o) => o.name);
  return {
    id: 'workload',
    title: `Workload ${w.name}`,
    intro: `${w.description}. Operations composed in a workload file over capbench's storage paths; keys drawn from YCSB's distributions (workloads/keys.ts); each path's own checks after the run.`,
    tables: [
      {
        caption: 'Operations: the mix as declared and what each did (measured, after warmup)',
        columns: ['operation', 'op', 'storage path', 'stores', 'keys', 'share of arrivals (%)', 'measured ops', 'achieved (ops/s)', 'p50 (ms)', 'p99 (ms)', 'errors'],
        rows: opRows,
      },
      {
        caption: 'Checks of each path after the run (a check a path lacks is "not checked", never a pass)',
        columns: ['storage path', 'check', 'result', 'actual', 'detail'],
        rows: checkRows,
      },
      { caption: `Seeded before the run (namespace ${w.namespace})`, columns: ['what', 'count'], rows: seeded },
    ],
    charts: [
      {
        id: 'workload-latency',
        title: 'Latency per operation (ms, from the intended start)',
        kind: 'bar',
        xLabel: 'operation',
        yLabel: 'ms',
        categories: names,
        series: [
          { label: 'p50', points: names.map((n, i) => [i, outcome.operations.find((m) => m.name === n)?.latencyMs.p50 ?? null]) },
          { label: 'p99', points: names.map((n, i) => [i, outcome.operations.find((m) => m.name === n)?.latencyMs.p99 ?? null]) },
        ],
      },
      {
        id: 'workload-ops-per-second',
        title: 'Completed operations per second, by operation',
        kind: 'line',
        xLabel: 'time since the run began (s)',
        yLabel: 'ops/s',
        series: names.map((n) => ({ label: n, points: (outcome.operations.find((m) => m.name === n)?.series ?? []).map((p): [number, number | null] => [p.t, p.completedOps]) })),
      },
    ],
  };
}
