/**
 * The metrics compare and gate look at, how each is read from a RunResult (whole run and per
 * second), which direction is worse, and the limits on their change: the defaults and the
 * `--max-regression` syntax (documented in docs/ci.md).
 */
import { z } from 'zod';
import { UsageError } from '../../core/errors.js';
import type { OperationResult, SeriesPoint } from '../../core/results.js';
import { totalErrors } from '../format.js';
import type { ChangeKind } from './stats.js';

/** Metrics of one operation. */
export const OP_METRICS = ['p50', 'p90', 'p99', 'p999', 'throughput', 'error_rate'] as const;
export type OpMetricId = (typeof OP_METRICS)[number];
/** Metrics of the whole run: footprint per store (bytes after the run), projected cost ($/month). */
export const RUN_METRICS = ['footprint', 'cost'] as const;
export type RunMetricId = (typeof RUN_METRICS)[number];
export type MetricId = OpMetricId | RunMetricId;
export const METRICS: readonly MetricId[] = [...OP_METRICS, ...RUN_METRICS];

/** Unit of a metric's values. "ratio" is a fraction (error rate: 0.01 = 1 %). */
export type MetricUnit = 'ms' | 'ops/s' | 'ratio' | 'bytes' | '$/month';

/** How a metric is read and judged. */
export interface MetricSpec {
  id: MetricId;
  /** Label in tables: "p99", "p99.9", "throughput", "error rate", "footprint", "cost". */
  label: string;
  unit: MetricUnit;
  /** Which direction of change is a regression. */
  worse: 'higher' | 'lower';
  /** relative: change = current / baseline - 1; absolute: current - baseline (error rate, in fraction points). */
  change: ChangeKind;
}

/** An operation metric, with its whole-run figure and its per-second value (the noise estimate's input). */
export interface OpMetricSpec extends MetricSpec {
  id: OpMetricId;
  /** Whole-run figure of an operation; null when not measured (too few samples for the percentile). */
  whole(op: OperationResult): number | null;
  /** The value of one measured second; null to leave the second out. */
  perSecond(p: SeriesPoint): number | null;
  /** What the per-second value is, in words ("p99", "max (stands in for p99.9)"). */
  perSecondLabel: string;
}

/**
 * The operation metrics. Per-second values come from the series (core/results.ts
 * SeriesPointSchema), which carries p50, p90, p99 and max per second but no p99.9: the p99.9's
 * noise is estimated from the per-second max, a noisier figure, so its interval is wider
 * (conservative: a p99.9 change is less often called significant). Throughput leaves out the
 * seconds after the schedule ended (no intended arrivals: the drain).
 */
export const OP_METRIC_SPECS: readonly OpMetricSpec[] = [
  latency('p50', 'p50', (p) => p.latencyMs.p50, 'p50'),
  latency('p90', 'p90', (p) => p.latencyMs.p90, 'p90'),
  latency('p99', 'p99', (p) => p.latencyMs.p99, 'p99'),
  latency('p999', 'p99.9', (p) => p.latencyMs.max, 'max (stands in for p99.9)'),
  {
    id: 'throughput',
    label: 'throughput',
    unit: 'ops/s',
    worse: 'lower',
    change: 'relative',
    whole: (op) => op.achievedOpsPerSec,
    perSecond: (p) => (p.targetOps === 0 ? null : p.completedOps),
    perSecondLabel: 'completed operations',
  },
  {
    id: 'error_rate',
    label: 'error rate',
    unit: 'ratio',
    worse: 'higher',
    change: 'absolute',
    whole: (op) => (op.count > 0 ? totalErrors(op) / op.count : null),
    perSecond: (p) => (p.completedOps > 0 ? p.errors / p.completedOps : null),
    perSecondLabel: 'error rate',
  },
];

function latency(id: OpMetricId, label: string, perSecond: (p: SeriesPoint) => number | null, perSecondLabel: string): OpMetricSpec {
  return { id, label, unit: 'ms', worse: 'higher', change: 'relative', whole: (op) => op.latencyMs[id as 'p50'], perSecond, perSecondLabel };
}

export const FOOTPRINT_SPEC: MetricSpec = { id: 'footprint', label: 'footprint', unit: 'bytes', worse: 'higher', change: 'relative' };
export const COST_SPEC: MetricSpec = { id: 'cost', label: 'cost', unit: '$/month', worse: 'higher', change: 'relative' };

/**
 * The largest change each metric may make in its worse direction, as a fraction: 0.1 = 10 %
 * (relative), and for error_rate 0.01 = 1 percentage point (absolute). null: not checked.
 */
export type Limits = Record<MetricId, number | null>;

/** Gate defaults (docs/ci.md): p99 +10 %, throughput -5 %, footprint +10 %; the others only when asked for. */
export const GATE_DEFAULT_LIMITS: Readonly<Limits> = {
  p50: null,
  p90: null,
  p99: 0.1,
  p999: null,
  throughput: 0.05,
  error_rate: null,
  footprint: 0.1,
  cost: null,
};

/**
 * Compare defaults: what compare calls a change (every metric is shown; these decide which
 * changes are marked): latency percentiles 10 %, throughput 5 %, error rate 1 percentage
 * point, footprint and cost 10 %.
 */
export const COMPARE_DEFAULT_LIMITS: Readonly<Limits> = {
  p50: 0.1,
  p90: 0.1,
  p99: 0.1,
  p999: 0.1,
  throughput: 0.05,
  error_rate: 0.01,
  footprint: 0.1,
  cost: 0.1,
};

const ALIASES: Record<string, MetricId> = {
  p50: 'p50',
  p90: 'p90',
  p99: 'p99',
  p999: 'p999',
  'p99.9': 'p999',
  throughput: 'throughput',
  error_rate: 'error_rate',
  'error-rate': 'error_rate',
  errors: 'error_rate',
  footprint: 'footprint',
  cost: 'cost',
};

/** "10%", "2.5%" -> 0.1, 0.025; "off" -> null. */
const LimitValueSchema = z.union([
  z.literal('off').transform(() => null),
  z
    .string()
    .regex(/^\d+(\.\d+)?%$/, 'expected a percentage such as 10% (or off)')
    .transform((s) => Number(s.slice(0, -1)) / 100),
]);
const LimitsPatchSchema = z.partialRecord(z.enum(METRICS as [MetricId, ...MetricId[]]), LimitValueSchema);

/**
 * Parse `--max-regression` ("p99=10%,throughput=5%,footprint=off") over `defaults`: the metrics
 * named replace their default, the others keep it; "off" stops checking one. Names: p50, p90,
 * p99, p999 (or p99.9), throughput, error_rate (or error-rate), footprint, cost. The error
 * rate's limit is in percentage points (1% = the error rate may rise by 1 point).
 *
 * @returns the limits, as fractions.
 * @throws UsageError naming the bad item and the accepted syntax.
 */
export function parseLimits(text: string | undefined, defaults: Readonly<Limits>): Limits {
  const out: Limits = { ...defaults };
  if (text === undefined) return out;
  const raw: Record<string, string> = {};
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    const name = eq > 0 ? item.slice(0, eq).trim().toLowerCase() : '';
    const metric = ALIASES[name];
    if (!metric) {
      throw new UsageError(`Bad --max-regression item "${item}": ${eq > 0 ? `unknown metric "${name}"` : 'expected metric=limit'}.`, {
        hint: `Write metric=N% items separated by commas, e.g. p99=10%,throughput=5%; metrics: ${Object.keys(ALIASES).join(', ')}.`,
      });
    }
    raw[metric] = item.slice(eq + 1).trim().toLowerCase();
  }
  const parsed = LimitsPatchSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    throw new UsageError(`Bad --max-regression limit "${key}=${raw[key] ?? ''}": expected a percentage such as 10% (or off).`, {
      hint: 'Write metric=N% items separated by commas, e.g. p99=10%,throughput=5%,footprint=off.',
    });
  }
  for (const [k, v] of Object.entries(parsed.data)) out[k as MetricId] = v as number | null;
  return out;
}

/** Label of a metric in tables. */
export function metricLabel(id: MetricId): string {
  return id === 'footprint' ? FOOTPRINT_SPEC.label : id === 'cost' ? COST_SPEC.label : OP_METRIC_SPECS.find((s) => s.id === id)!.label;
}
