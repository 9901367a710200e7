/**
 * The charts of the capacity report, in the shape the report's client script already draws
 * (core/results.ts ScenarioChart): the latency-vs-rate curve ("hockey stick": p50 and p99 of
 * each SLO's operation against the target rate, with the SLO limit as a flat line and the knee
 * marked) and achieved vs target rate. Only the steps whose verdict stands are drawn (a
 * superseded or interrupted step is left out; the step table lists it). Rates ops/s, latency ms.
 */
import type { CapacityResult, CapacityStep } from '../../core/capacity.js';
import { fmtInt } from '../../core/format.js';
import type { ScenarioChart } from '../../core/results.js';

/** Canvas id prefix of the capacity charts (drawn by reports/assets/report.client.js). */
export const CAPACITY_CHART_SECTION = 'capacity';

/** The steps a chart draws: verdict standing, one per rate (the last run at that rate), by rate. */
export function chartedSteps(steps: readonly CapacityStep[]): CapacityStep[] {
  const byRate = new Map<number, CapacityStep>();
  for (const s of steps) if (!s.superseded && !s.aborted) byRate.set(s.targetOpsPerSec, s);
  return [...byRate.values()].sort((a, b) => a.targetOpsPerSec - b.targetOpsPerSec);
}

/** `x` rounded up to two significant digits (a tidy axis end). */
function roundUp(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Math.ceil(x / p) * p;
}

/** The knee and first-fail markers of a rate axis. */
function markers(r: CapacityResult): { x: number; label: string }[] {
  const out: { x: number; label: string }[] = [];
  if (r.kneeOpsPerSec !== null) out.push({ x: r.kneeOpsPerSec, label: `knee ${fmtInt(r.kneeOpsPerSec)}/s` });
  if (r.firstFailOpsPerSec !== null) out.push({ x: r.firstFailOpsPerSec, label: `fail ${fmtInt(r.firstFailOpsPerSec)}/s` });
  return out;
}

/**
 * The hockey stick (one chart per operation an SLO names; "*" draws the first operation's)
 * and achieved vs target, over a linear rate axis from 0. A latency axis spanning more than 200x
 * is logarithmic.
 */
export function capacityCharts(r: CapacityResult): ScenarioChart[] {
  const steps = chartedSteps(r.steps);
  if (steps.length === 0) return [];
  const xs = steps.map((s) => s.targetOpsPerSec);
  // A linear rate axis from 0 (the classic hockey stick), a little past the last step so that
  // the markers' labels fit: the flat reference lines span it.
  const xEnd = roundUp(Math.max(...xs) * 1.15);
  const charts: ScenarioChart[] = [];
  const names = [...new Set(r.slos.map((s) => (s.operation === '*' ? (steps[0]!.operations[0]?.name ?? '*') : s.operation)))];
  names.forEach((name, i) => {
    const fig = (s: CapacityStep) => s.operations.find((o) => o.name === name);
    const p50 = steps.map((s): [number, number | null] => [s.targetOpsPerSec, fig(s)?.latencyMs.p50 ?? null]);
    const p99 = steps.map((s): [number, number | null] => [s.targetOpsPerSec, fig(s)?.latencyMs.p99 ?? null]);
    const series = [
      { label: `${name} p50 (ms)`, points: p50 },
      { label: `${name} p99 (ms)`, points: p99 },
    ];
    for (const slo of r.slos.filter((s) => s.operation === name || s.operation === '*')) {
      if (slo.percentile !== 'p50' && slo.percentile !== 'p99') {
        series.push({ label: `${name} ${slo.percentile === 'p999' ? 'p99.9' : slo.percentile} (ms)`, points: steps.map((s) => [s.targetOpsPerSec, fig(s)?.latencyMs[slo.percentile] ?? null]) });
      }
      series.push({ label: `SLO ${slo.expression}`, points: [[0, slo.limitMs], [xEnd, slo.limitMs]] });
    }
    const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter((y): y is number => y !== null && y > 0);
    const yLog = ys.length > 0 && Math.max(...ys) / Math.min(...ys) > 200;
    charts.push({
      id: `latency-${i}`,
      title: `Latency vs target rate: ${name} (the hockey stick)`,
      kind: 'line',
      xLabel: 'target rate (ops/s)',
      yLabel: `latency (ms${yLog ? ', log scale' : ''})`,
      yLog,
      series,
      markers: markers(r),
    });
  });
  charts.push({
    id: 'throughput',
    title: 'Achieved vs target rate (all operations)',
    kind: 'line',
    xLabel: 'target rate (ops/s)',
    yLabel: 'rate (ops/s)',
    series: [
      // The reference first, so that the measured line is drawn over it.
      { label: 'achieved = target', points: [[0, 0], [xEnd, xEnd]] },
      { label: 'achieved (ops/s)', points: steps.map((s) => [s.targetOpsPerSec, s.achievedOpsPerSec]) },
    ],
    markers: markers(r),
  });
  return charts;
}
