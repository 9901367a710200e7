/**
 * Thresholds: pass/fail conditions on the measured results, written as
 * `<operation>:<metric><comparator><number>[unit]`, e.g. `like:p99<5ms`,
 * `*:error_rate<0.1%`, `like:ops_per_sec>=9500`. `*` applies to every operation.
 *
 * Metrics: latency p50 p90 p99 p999 max mean (ms; from the intended start), service_p50
 * service_p99 (ms), error_rate (fraction; "%" allowed), ops_per_sec (achieved).
 * A failed threshold makes `capbench run` exit 1.
 */
import { UsageError } from '../core/errors.js';
import type { OperationResult, ThresholdResult } from '../core/results.js';

const METRICS = ['p50', 'p90', 'p99', 'p999', 'max', 'mean', 'service_p50', 'service_p99', 'error_rate', 'ops_per_sec'] as const;
type Metric = (typeof METRICS)[number];
type Cmp = '<' | '<=' | '>' | '>=';

/** A parsed threshold. */
export interface Threshold {
  expression: string;
  operation: string;
  metric: Metric;
  cmp: Cmp;
  /** Limit in the metric's unit (ms, fraction, ops/s). */
  limit: number;
}

const RE = /^\s*([\w.*-]+)\s*:\s*([a-z0-9_]+)\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)?)\s*(ms|s|us|µs|%)?\s*$/;

/**
 * Parse one threshold expression.
 * @throws UsageError saying what is wrong and showing the form.
 */
export function parseThreshold(expression: string): Threshold {
  const m = RE.exec(expression);
  const form = 'Write <operation>:<metric><comparator><number>[unit], e.g. like:p99<5ms or *:error_rate<0.1%.';
  if (!m) throw new UsageError(`Bad threshold "${expression}".`, { hint: form });
  const metric = m[2] as Metric;
  if (!METRICS.includes(metric)) throw new UsageError(`Bad threshold "${expression}": unknown metric "${m[2]}".`, { hint: `Metrics: ${METRICS.join(', ')}.` });
  let limit = Number(m[4]);
  const unit = m[5];
  const isTime = metric !== 'error_rate' && metric !== 'ops_per_sec';
  if (unit === '%') {
    if (metric !== 'error_rate') throw new UsageError(`Bad threshold "${expression}": % only fits error_rate.`);
    limit /= 100;
  } else if (unit !== undefined) {
    if (!isTime) throw new UsageError(`Bad threshold "${expression}": ${metric} takes no time unit.`);
    limit = unit === 's' ? limit * 1000 : unit === 'ms' ? limit : limit / 1000;
  }
  return { expression: expression.trim(), operation: m[1]!, metric, cmp: m[3] as Cmp, limit };
}

function value(op: OperationResult, metric: Metric): number | null {
  switch (metric) {
    case 'service_p50':
      return op.serviceTimeMs.p50;
    case 'service_p99':
      return op.serviceTimeMs.p99;
    case 'error_rate': {
      const errs = Object.values(op.errors).reduce((a, v) => a + v, 0);
      return op.count > 0 ? errs / op.count : null;
    }
    case 'ops_per_sec':
      return op.achievedOpsPerSec;
    default:
      return op.latencyMs[metric];
  }
}

/**
 * Evaluate thresholds against per-operation results. A metric that could not be measured
 * (too few samples, no operations) fails: a gate must not pass on missing data.
 * @throws UsageError when a threshold names an operation the scenario does not have.
 */
export function evaluateThresholds(thresholds: readonly Threshold[], operations: readonly OperationResult[]): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  for (const t of thresholds) {
    const ops = t.operation === '*' ? operations : operations.filter((o) => o.name === t.operation);
    if (ops.length === 0) {
      throw new UsageError(`Threshold "${t.expression}" names operation "${t.operation}", which this scenario does not have.`, {
        hint: `Operations: ${operations.map((o) => o.name).join(', ')} (or * for all).`,
      });
    }
    for (const op of ops) {
      const actual = value(op, t.metric);
      const passed =
        actual !== null &&
        (t.cmp === '<' ? actual < t.limit : t.cmp === '<=' ? actual <= t.limit : t.cmp === '>' ? actual > t.limit : actual >= t.limit);
      out.push({
        expression: t.operation === '*' ? `${op.name}:${t.expression.split(':').slice(1).join(':')}` : t.expression,
        operation: op.name,
        metric: t.metric,
        unit: t.metric === 'error_rate' ? 'fraction' : t.metric === 'ops_per_sec' ? 'ops/s' : 'ms',
        limit: t.limit,
        actual,
        passed,
      });
    }
  }
  return out;
}
