/**
 * SLOs of a capacity search (`capbench capacity --slo 'like:p99<5ms'`) and the pass rule of a
 * step: every SLO's percentile strictly under its limit, no errors beyond the allowed share,
 * and (unless allowed) the run not flagged by the engine.
 *
 * An SLO is `<operation>:<p50|p90|p99|p99.9><N><ms|s|us|µs>` (p999 is accepted for p99.9, and
 * a number without a unit is read as ms); latency is measured from the intended start
 * (coordinated-omission corrected). `*` as the operation applies it to every operation.
 */
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import { fmtMs } from '../core/format.js';
import type { CapacityOpFigures, Slo, SloPercentile } from '../core/capacity.js';
import type { OperationResult } from '../core/results.js';
import type { Threshold } from './thresholds.js';
import type { LoadOutcome } from './run.js';

const SLO_RE = /^\s*([\w.-]+|\*)\s*:\s*(p50|p90|p99|p99\.9|p999)\s*(<)\s*(\d+(?:\.\d+)?)\s*(ms|s|us|µs)?\s*$/;
const FORM = "Write <operation>:<p50|p90|p99|p99.9><N>ms, e.g. --slo 'like:p99<5ms'.";

/** The SLO text as zod parses it: one line of error when it does not fit the form. */
export const SloTextSchema = z.string().transform((text, ctx): Slo => {
  const m = SLO_RE.exec(text);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not an SLO. ${FORM}` });
    return z.NEVER;
  }
  const percentile: SloPercentile = m[2] === 'p99.9' ? 'p999' : (m[2] as SloPercentile);
  const unit = m[5] ?? 'ms';
  const value = Number(m[4]);
  const limitMs = unit === 's' ? value * 1000 : unit === 'ms' ? value : value / 1000;
  if (!(limitMs > 0)) {
    ctx.addIssue({ code: 'custom', message: `"${text}": the limit must be above 0 ms. ${FORM}` });
    return z.NEVER;
  }
  return { expression: `${m[1]}:${percentileLabel(percentile)}<${fmtLimit(limitMs)}`, operation: m[1]!, percentile, limitMs };
});

/** "p99.9" for p999, else the name. */
export function percentileLabel(p: SloPercentile): string {
  return p === 'p999' ? 'p99.9' : p;
}

const fmtLimit = (ms: number) => `${Number(ms.toPrecision(6))}ms`;

/**
 * Parse one SLO expression.
 * @throws UsageError (exit 2), one line: what is wrong and the form to use.
 */
export function parseSlo(text: string): Slo {
  const r = SloTextSchema.safeParse(text);
  if (r.success) return r.data;
  throw new UsageError(`Bad --slo: ${r.error.issues[0]!.message}`);
}

/**
 * Check that every SLO names an operation the scenario runs with these options (or `*`).
 * @throws UsageError naming the SLO and listing the operations.
 */
export function checkSloOperations(slos: readonly Slo[], operations: readonly { name: string }[], scenarioId: string): void {
  for (const s of slos) {
    if (s.operation !== '*' && !operations.some((o) => o.name === s.operation)) {
      throw new UsageError(`SLO "${s.expression}" names operation "${s.operation}", which ${scenarioId} does not run.`, {
        hint: `Operations: ${operations.map((o) => o.name).join(', ')} (or * for all).`,
      });
    }
  }
}

/** capbench's SLO when neither --slo nor the scenario's thresholds give a latency limit. */
export const DEFAULT_SLO = '*:p99<50ms';

/**
 * The SLOs a scenario's own thresholds imply: each latency percentile threshold with `<` or
 * `<=` (p50, p90, p99, p999), e.g. viral-like-spike's like:p99<10ms. Others (error_rate,
 * ops_per_sec, max, mean, service time) are not SLOs of the search: errors are judged anyway.
 */
export function slosFromThresholds(thresholds: readonly Threshold[]): Slo[] {
  const out: Slo[] = [];
  for (const t of thresholds) {
    if (!['p50', 'p90', 'p99', 'p999'].includes(t.metric) || (t.cmp !== '<' && t.cmp !== '<=')) continue;
    const p = t.metric as SloPercentile;
    out.push({ expression: `${t.operation}:${percentileLabel(p)}<${fmtLimit(t.limit)}`, operation: t.operation, percentile: p, limitMs: t.limit });
  }
  return out;
}

/** The pass rule besides the SLOs. */
export interface StepRule {
  /** Fail a step the engine flagged (achieved < 95% of target, operations not started, timeouts). */
  requireUnflagged: boolean;
  /** Highest share of measured operations (all kinds together) that may error, 0..1. */
  maxErrorRate: number;
}

/** One operation's figures out of the engine's result. */
export function opFigures(op: OperationResult): CapacityOpFigures {
  const errors = Object.values(op.errors).reduce((a, b) => a + b, 0);
  return {
    name: op.name,
    path: op.path,
    count: op.count,
    errors,
    errorsByKind: op.errors,
    acknowledged: op.okCount + (op.warmupOkCount ?? 0),
    achievedOpsPerSec: op.achievedOpsPerSec,
    latencyMs: { p50: op.latencyMs.p50, p90: op.latencyMs.p90, p99: op.latencyMs.p99, p999: op.latencyMs.p999, max: op.latencyMs.max },
    serviceTimeMs: { p50: op.serviceTimeMs.p50, p99: op.serviceTimeMs.p99 },
    scheduleLagP99Ms: op.scheduleLagMs.p99,
  };
}

/**
 * Judge one step's outcome: each SLO on each operation it names (strictly below the limit; a
 * percentile the sample cannot carry fails, naming the count), errors, the engine's flag, and
 * an abort. An operation the options run but that completed nothing in the step fails its SLO.
 * @returns passed, and each failed criterion as a short phrase ("like p99 7.2 ms ≥ 5 ms").
 */
export function judgeSlos(outcome: LoadOutcome, slos: readonly Slo[], rule: StepRule): { passed: boolean; why: string[] } {
  const why: string[] = [];
  if (outcome.aborted) why.push(`aborted: ${outcome.abortReason ?? 'interrupted'}`);
  const count = outcome.operations.reduce((a, o) => a + o.count, 0);
  if (count === 0) why.push('no operation completed');
  for (const s of slos) {
    const ops = s.operation === '*' ? outcome.operations : outcome.operations.filter((o) => o.name === s.operation);
    if (ops.length === 0) why.push(`${s.operation}: not run`);
    for (const op of ops) {
      const v = op.latencyMs[s.percentile];
      const label = `${op.name} ${percentileLabel(s.percentile)}`;
      if (v === null) why.push(`${label}: too few samples (n = ${op.latencyMs.count})`);
      else if (!(v < s.limitMs)) why.push(`${label} ${fmtMs(v)} ≥ ${fmtMs(s.limitMs)}`);
    }
  }
  const errors = outcome.operations.reduce((a, o) => a + Object.values(o.errors).reduce((x, y) => x + y, 0), 0);
  if (errors > 0 && (count === 0 || errors / count > rule.maxErrorRate)) why.push(`${errors} errors (${count > 0 ? ((errors / count) * 100).toPrecision(2) : '100'}%)`);
  if (rule.requireUnflagged && outcome.rate.flagged && !outcome.aborted) why.push(`flagged: ${outcome.rate.reasons.join('; ') || 'by the engine'}`);
  return { passed: why.length === 0, why };
}
