/**
 * The gate: a current run against a stored baseline of the same scenario, each checked metric
 * against its limit (reports/compare/metrics.ts; defaults p99 +10 %, throughput -5 %,
 * footprint +10 %). Fails (exit 1) only on a significant regression; a regression inside the
 * noise is reported as such and passes; one whose noise cannot be estimated is flagged and
 * passes (DESIGN.md "Commands": `capbench gate ... exit 1 on regression`).
 */
import { EXIT } from '../../core/errors.js';
import { allChanges, assertSameScenario, compareRuns, isSignificantRegression, type Comparison, type MetricChange, type RunRef } from '../compare/compare.js';
import type { CostAccessor } from '../compare/cost.js';
import { METRICS, metricLabel, type Limits, type MetricId } from '../compare/metrics.js';

/**
 * One checked metric: pass (within the limit, or beyond it but inside the noise, or an
 * improvement), fail (a significant regression), flagged (beyond the limit with the noise not
 * estimable) or skipped (not measured in a run, or missing from the current run).
 */
export interface GateCheck {
  /** Operation name, store (footprint) or "total" (cost). */
  subject: string;
  metric: MetricId;
  outcome: 'pass' | 'fail' | 'flagged' | 'skipped';
  /** The change, when both runs have the subject. */
  change?: MetricChange;
  /** Why it was skipped. */
  reason?: string;
}

export interface GateResult {
  comparison: Comparison;
  limits: Limits;
  checks: GateCheck[];
  /** Significant regressions. */
  failed: number;
  /** 0 within limits, 1 on a significant regression. */
  exitCode: typeof EXIT.OK | typeof EXIT.THRESHOLDS_FAILED;
}

/**
 * Gate `current` against `baseline`.
 *
 * @param limits checked metrics (null: not checked), e.g. parseLimits(flag, GATE_DEFAULT_LIMITS).
 * @param opts.cost where to read a run's cost (default: the results' cost field).
 * @throws UsageError (exit 2) when the runs are of different scenarios.
 */
export function evaluateGate(baseline: RunRef, current: RunRef, limits: Readonly<Limits>, opts: { cost?: CostAccessor } = {}): GateResult {
  assertSameScenario('gate', [baseline, current]);
  const comparison = compareRuns(baseline, current, { limits, cost: opts.cost });
  const checks: GateCheck[] = [];
  for (const { subject, change } of allChanges(comparison)) {
    if (change.limit === null) continue;
    checks.push({ subject, metric: change.spec.id, change, outcome: outcomeOf(change) });
  }
  const checked = METRICS.filter((m) => limits[m] !== null);
  for (const name of comparison.onlyInBaseline) {
    for (const metric of checked.filter((m) => m !== 'footprint' && m !== 'cost')) {
      checks.push({ subject: name, metric, outcome: 'skipped', reason: `${name} is not in the current run` });
    }
  }
  if (limits.footprint !== null) {
    for (const f of baseline.result.footprint.after) {
      if (!comparison.footprint.some((x) => x.store === f.store)) {
        checks.push({ subject: f.store, metric: 'footprint', outcome: 'skipped', reason: `no ${f.store} footprint in the current run` });
      }
    }
  }
  if (limits.cost !== null && comparison.cost === null) {
    checks.push({ subject: 'total', metric: 'cost', outcome: 'skipped', reason: 'a run carries no projected cost' });
  }
  const failed = checks.filter((c) => c.outcome === 'fail').length;
  return { comparison, limits: { ...limits }, checks, failed, exitCode: failed > 0 ? EXIT.THRESHOLDS_FAILED : EXIT.OK };
}

function outcomeOf(m: MetricChange): GateCheck['outcome'] {
  if (isSignificantRegression(m)) return 'fail';
  if (m.verdict === 'noise-unknown' && m.direction === 'worse') return 'flagged';
  if (m.verdict === 'not-measured') return 'skipped';
  return 'pass';
}

/** The limits in force, in words: "p99 +10 %, throughput -5 %, footprint +10 %". */
export function describeLimits(limits: Readonly<Limits>, fmt: (metric: MetricId, limit: number) => string): string {
  const on = METRICS.filter((m) => limits[m] !== null);
  return on.length ? on.map((m) => `${metricLabel(m)} ${fmt(m, limits[m]!)}`).join(', ') : 'none';
}

/** "PASS: within limits" / "FAIL: 1 significant regression" and what else to look at, in a few words. */
export function gateHeadline(g: GateResult): string {
  const count = (o: GateCheck['outcome']) => g.checks.filter((c) => c.outcome === o).length;
  const inNoise = g.checks.filter((c) => c.outcome === 'pass' && c.change?.verdict === 'in-noise' && c.change.direction === 'worse').length;
  const parts = [g.failed > 0 ? `FAIL: ${g.failed} significant regression${g.failed > 1 ? 's' : ''}` : 'PASS: within limits'];
  if (inNoise) parts.push(`${inNoise} regression${inNoise > 1 ? 's' : ''} inside the noise`);
  if (count('flagged')) parts.push(`${count('flagged')} flagged (noise not estimable)`);
  if (count('skipped')) parts.push(`${count('skipped')} skipped`);
  return parts.join('; ');
}
