/**
 * Comparing runs of one scenario: per operation and metric the change from a baseline run,
 * with a noise interval from the per-second data (reports/compare/stats.ts) and a verdict
 * against a limit; footprint per store and projected cost too. Pure: results in, a
 * Comparison out; every format (terminal, Markdown, HTML, JUnit) is rendered from it.
 */
import { UsageError } from '../../core/errors.js';
import type { OperationResult, RunResult } from '../../core/results.js';
import { describeStages, describeTarget } from '../format.js';
import { runCostUsdPerMonth, type CostAccessor } from './cost.js';
import { COST_SPEC, FOOTPRINT_SPEC, OP_METRIC_SPECS, type Limits, type MetricSpec, type OpMetricSpec } from './metrics.js';
import { pairedInterval, unpairedInterval, type Noise } from './stats.js';

/** A run given to compare or gate: its label ("A", "B", ...), where it was read from, the result. */
export interface RunRef {
  label: string;
  source: string;
  result: RunResult;
}

/**
 * The outcome for one metric:
 * - within: the change stays inside the limit (in either direction);
 * - significant: beyond the limit, and the noise interval lies wholly beyond the limit on the
 *   change's side (so it excludes 0 too); for footprint and cost, one snapshot each, beyond the
 *   limit is enough;
 * - in-noise: beyond the limit, but the interval reaches back inside the limit: the runs' own
 *   variation could explain the part beyond it;
 * - noise-unknown: beyond the limit, and too few seconds to estimate the noise: not significant, flagged;
 * - not-measured: a figure is missing in one run (a percentile the sample cannot carry);
 * - unchecked: no limit on this metric.
 */
export type Verdict = 'within' | 'significant' | 'in-noise' | 'noise-unknown' | 'not-measured' | 'unchecked';

/** One snapshot per run (footprint, cost): no per-second data, no interval; the figures are taken as measured. */
export interface NoiseSnapshot {
  kind: 'snapshot';
}

/** The change of one metric from the baseline to the current run. */
export interface MetricChange {
  spec: MetricSpec;
  /** Whole-run figures in the metric's unit (ms, ops/s, fraction, bytes, $/month); null when not measured. */
  baseline: number | null;
  current: number | null;
  /** relative: current / baseline - 1 (0.5 = +50 %); absolute: current - baseline. null when a figure is missing. */
  change: number | null;
  noise: Noise | NoiseSnapshot;
  /** The limit in the worse direction (a fraction, or fraction points for absolute metrics); null: not checked. */
  limit: number | null;
  verdict: Verdict;
  /** worse: the change goes the regression's way; better: the other way; none: no change or unknown. */
  direction: 'worse' | 'better' | 'none';
  /** Why a figure is missing (not-measured). */
  reason?: string;
}

/** One operation present in both runs. */
export interface OperationComparison {
  name: string;
  /** Storage path in the current run (and the baseline's when it differs). */
  path: string;
  baselinePath: string;
  metrics: MetricChange[];
}

/** A run against the baseline. */
export interface Comparison {
  baseline: RunRef;
  current: RunRef;
  /** True when both ran the same schedule, so that seconds are paired by their time. */
  paired: boolean;
  operations: OperationComparison[];
  /** Footprint after the run, per store found in both runs. */
  footprint: Array<MetricChange & { store: string }>;
  /** Projected cost, when both runs carry one. */
  cost: MetricChange | null;
  onlyInBaseline: string[];
  onlyInCurrent: string[];
  /** Things that qualify the comparison (different schedules, paths, versions, machines; flagged runs). */
  notes: string[];
}

/** Several runs against the first. */
export interface MultiComparison {
  runs: RunRef[];
  comparisons: Comparison[];
  limits: Limits;
}

export interface CompareOptions {
  /** The limits deciding the verdicts (reports/compare/metrics.ts). */
  limits: Readonly<Limits>;
  /** Where to read a run's cost; default {@link runCostUsdPerMonth}. */
  cost?: CostAccessor;
}

/** Run labels: A, B, ..., Z, then R27, R28, .... */
export function runLabel(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `R${i + 1}`;
}

/**
 * Check that every run is of the same scenario (same id) before anything is compared.
 *
 * @param command "compare" or "gate", for the message.
 * @throws UsageError (exit 2) naming the scenarios and files that differ.
 */
export function assertSameScenario(command: 'compare' | 'gate', runs: readonly RunRef[]): void {
  const first = runs[0];
  if (!first) return;
  const other = runs.find((r) => r.result.scenario.id !== first.result.scenario.id);
  if (!other) return;
  const what = command === 'gate' ? 'the baseline' : 'the first run';
  throw new UsageError(
    `${other.source} is a run of ${other.result.scenario.id} but ${what} (${first.source}) is a run of ${first.result.scenario.id}.`,
    { hint: `${command === 'gate' ? 'Gate against a baseline' : 'Compare runs'} of the same scenario.` },
  );
}

/**
 * Compare runs[1..] each against runs[0] (the baseline).
 *
 * @throws UsageError when fewer than two runs are given or their scenarios differ.
 */
export function compareMany(runs: readonly RunRef[], opts: CompareOptions): MultiComparison {
  if (runs.length < 2) throw new UsageError('Compare needs at least two results files (the first is the baseline).', { hint: 'Pass two or more results.json files.' });
  assertSameScenario('compare', runs);
  return { runs: [...runs], comparisons: runs.slice(1).map((r) => compareRuns(runs[0]!, r, opts)), limits: { ...opts.limits } };
}

/**
 * Compare one run against a baseline of the same scenario (the caller checks the scenario with
 * {@link assertSameScenario}). Operations are matched by name.
 */
export function compareRuns(baseline: RunRef, current: RunRef, opts: CompareOptions): Comparison {
  const b = baseline.result;
  const c = current.result;
  const paired = sameSchedule(b, c);
  const operations: OperationComparison[] = [];
  for (const cop of c.operations) {
    const bop = b.operations.find((o) => o.name === cop.name);
    if (!bop) continue;
    operations.push({
      name: cop.name,
      path: cop.path,
      baselinePath: bop.path,
      metrics: OP_METRIC_SPECS.map((spec) => opMetricChange(spec, bop, cop, paired, opts.limits[spec.id])),
    });
  }
  const footprint: Comparison['footprint'] = [];
  for (const after of c.footprint.after) {
    const base = b.footprint.after.find((f) => f.store === after.store);
    if (!base) continue;
    footprint.push({ store: after.store, ...snapshotChange(FOOTPRINT_SPEC, base.totalBytes, after.totalBytes, opts.limits.footprint) });
  }
  const costOf = opts.cost ?? runCostUsdPerMonth;
  const bc = costOf(b);
  const cc = costOf(c);
  return {
    baseline,
    current,
    paired,
    operations,
    footprint,
    cost: bc !== null && cc !== null ? snapshotChange(COST_SPEC, bc, cc, opts.limits.cost) : null,
    onlyInBaseline: b.operations.filter((o) => !c.operations.some((x) => x.name === o.name)).map((o) => o.name),
    onlyInCurrent: c.operations.filter((o) => !b.operations.some((x) => x.name === o.name)).map((o) => o.name),
    notes: comparisonNotes(baseline, current, paired),
  };
}

/** Same loop, arrivals, stages, warmup and concurrency: second t of one run had the arrivals of second t of the other. */
function sameSchedule(a: RunResult, b: RunResult): boolean {
  const key = (r: RunResult) =>
    JSON.stringify([r.loop, r.schedule.arrival, r.schedule.warmupS, r.schedule.concurrency ?? null, r.schedule.stages.map((s) => [s.durationS, s.fromRate ?? s.rate, s.rate])]);
  return key(a) === key(b);
}

function opMetricChange(spec: OpMetricSpec, bop: OperationResult, cop: OperationResult, paired: boolean, limit: number | null): MetricChange {
  const bv = spec.whole(bop);
  const cv = spec.whole(cop);
  let noise: Noise;
  if (paired) {
    // Same schedule: second t of both runs is in the same stage at the same intended rate
    // (Poisson arrivals may differ by a few operations; the condition is the same).
    const base = new Map<number, number>();
    for (const p of bop.series) {
      const v = p.warmup ? null : spec.perSecond(p);
      if (v !== null) base.set(p.t, v);
    }
    const pairs: Array<[number, number]> = [];
    for (const p of cop.series) {
      const v = p.warmup ? null : spec.perSecond(p);
      const x = base.get(p.t);
      if (v !== null && x !== undefined) pairs.push([x, v]);
    }
    noise = pairedInterval(pairs, spec.change, spec.perSecondLabel);
  } else {
    const values = (op: OperationResult) => op.series.flatMap((p) => (p.warmup ? [] : [spec.perSecond(p)])).filter((v): v is number => v !== null);
    noise = unpairedInterval(values(bop), values(cop), spec.change, spec.perSecondLabel);
  }
  return judge(spec, bv, cv, noise, limit);
}

function snapshotChange(spec: MetricSpec, baseline: number, current: number, limit: number | null): MetricChange {
  return judge(spec, baseline, current, { kind: 'snapshot' }, limit);
}

/**
 * The verdict for one metric (see {@link Verdict}). Within the limit is decided on the whole-run
 * change alone; beyond it, the noise decides whether the change is significant: the whole
 * interval must lie beyond the limit, not merely exclude 0, because the interval sees only the
 * variation within each run, and runs of the same code differ as a whole too (docs/ci.md).
 */
export function judge(spec: MetricSpec, baseline: number | null, current: number | null, noise: MetricChange['noise'], limit: number | null): MetricChange {
  const base = { spec, baseline, current, noise, limit };
  if (baseline === null || current === null) {
    const which = baseline === null && current === null ? 'either run' : baseline === null ? 'the baseline' : 'the current run';
    return { ...base, change: null, verdict: 'not-measured', direction: 'none', reason: `not measured in ${which} (too few samples)` };
  }
  let change: number;
  if (spec.change === 'absolute') change = current - baseline;
  else if (baseline > 0) change = current / baseline - 1;
  else if (current === baseline) change = 0;
  else return { ...base, change: null, verdict: 'not-measured', direction: 'none', reason: 'the baseline figure is 0: no relative change' };
  const worseSign = spec.worse === 'higher' ? 1 : -1;
  const direction = change === 0 ? 'none' : Math.sign(change) === worseSign ? 'worse' : 'better';
  if (limit === null) return { ...base, change, verdict: 'unchecked', direction };
  if (Math.abs(change) <= limit) return { ...base, change, verdict: 'within', direction };
  let verdict: Verdict;
  if (noise.kind === 'snapshot') verdict = 'significant';
  else if (noise.kind === 'not-estimable') verdict = 'noise-unknown';
  else verdict = (change > 0 ? noise.low > limit : noise.high < -limit) ? 'significant' : 'in-noise';
  return { ...base, change, verdict, direction };
}

/** A significant change in the worse direction: what fails the gate. */
export function isSignificantRegression(m: MetricChange): boolean {
  return m.verdict === 'significant' && m.direction === 'worse';
}

/** Every metric change of a comparison: operations (in order), then footprint, then cost. */
export function allChanges(c: Comparison): Array<{ subject: string; change: MetricChange }> {
  return [
    ...c.operations.flatMap((op) => op.metrics.map((m) => ({ subject: op.name, change: m }))),
    ...c.footprint.map((f) => ({ subject: f.store, change: f as MetricChange })),
    ...(c.cost ? [{ subject: 'total', change: c.cost }] : []),
  ];
}

function comparisonNotes(baseline: RunRef, current: RunRef, paired: boolean): string[] {
  const b = baseline.result;
  const c = current.result;
  const A = baseline.label;
  const B = current.label;
  const notes: string[] = [];
  if (!paired) {
    notes.push(
      `${B} ran a different schedule than ${A} (${describeStages(c.schedule.stages)}, warmup ${c.schedule.warmupS} s, ${c.loop} loop; ${A}: ${describeStages(b.schedule.stages)}, warmup ${b.schedule.warmupS} s, ${b.loop} loop): seconds are not paired, and throughput changes reflect the schedule as much as the system.`,
    );
  }
  for (const op of c.operations) {
    const bop = b.operations.find((o) => o.name === op.name);
    if (bop && bop.path !== op.path) notes.push(`${op.name}: ${B} exercised ${op.path}, ${A} ${bop.path}.`);
  }
  for (const t of c.targets) {
    const bt = b.targets.find((x) => x.store === t.store);
    if (bt && (bt.product !== t.product || bt.version !== t.version || bt.client !== t.client)) notes.push(`${t.store}: ${B} ran on ${describeTarget(t)}, ${A} on ${describeTarget(bt)}.`);
  }
  if (b.machine.hostname !== c.machine.hostname || b.machine.cpuModel !== c.machine.cpuModel || b.machine.cpus !== c.machine.cpus) {
    notes.push(
      `${B} ran on ${c.machine.hostname} (${c.machine.cpus} × ${c.machine.cpuModel}), ${A} on ${b.machine.hostname} (${b.machine.cpus} × ${b.machine.cpuModel}): part of any change is the machine.`,
    );
  }
  for (const ref of [baseline, current]) {
    const r = ref.result;
    if (r.status === 'aborted') notes.push(`${ref.label} was aborted${r.abortReason ? ` (${r.abortReason})` : ''}: its figures are partial.`);
    if (r.rate.flagged) notes.push(`${ref.label} fell short of its schedule (flagged): ${r.rate.reasons.join('; ') || 'see its report'}.`);
    if (r.harness.bottleneck) notes.push(`${ref.label}: the harness, not the target, was the bottleneck.`);
  }
  return notes;
}
