/**
 * The data behind the compare page's charts, embedded as JSON (Page `data`): per operation,
 * each run's per-second p99 latency (ms) and completed operations (ops/s), overlaid by
 * reports/assets/report.client.js with one colour per run. Times in s since each run's run
 * phase began; the shaded warmup is the union of the runs' warmups.
 */
import type { SeriesPoint } from '../../core/results.js';
import type { RunRef } from '../compare/compare.js';
import { warmupSpans } from './chart-data.js';

/** One run's series of one operation. */
interface RunSeries {
  t: number[];
  p99: Array<number | null>;
  completed: number[];
}

export interface CompareChartPayload {
  /** Warmup spans [from, to) in s, merged over every run. */
  warmup: Array<[number, number]>;
  compare: {
    /** Legend label per run, in order ("A (baseline)", "B", ...). */
    runs: string[];
    /** Per operation (every operation of any run, first run's order first), one series per run (empty when the run lacks it). */
    ops: Array<{ name: string; runs: RunSeries[] }>;
  };
}

function toRunSeries(points: readonly SeriesPoint[]): RunSeries {
  const s: RunSeries = { t: [], p99: [], completed: [] };
  for (const p of [...points].sort((a, b) => a.t - b.t)) {
    s.t.push(p.t);
    s.p99.push(p.latencyMs.p99);
    s.completed.push(p.completedOps);
  }
  return s;
}

function mergeSpans(spans: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0])) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The chart payload of a comparison: runs[0] is the baseline. */
export function compareChartData(runs: readonly RunRef[]): CompareChartPayload {
  const names = [...new Set(runs.flatMap((ref) => ref.result.operations.map((o) => o.name)))];
  return {
    warmup: mergeSpans(runs.flatMap((ref) => warmupSpans(ref.result.series.length ? ref.result.series : ref.result.operations.flatMap((o) => o.series)))),
    compare: {
      runs: runs.map((ref, i) => (i === 0 ? `${ref.label} (baseline)` : ref.label)),
      ops: names.map((name) => ({
        name,
        runs: runs.map((ref) => toRunSeries(ref.result.operations.find((o) => o.name === name)?.series ?? [])),
      })),
    },
  };
}
