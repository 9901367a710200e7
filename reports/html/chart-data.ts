/**
 * The data behind the run report's charts, embedded in the page as JSON (see Page's `data`);
 * reports/assets/report.client.js reads it and draws. Times in s since the run phase began,
 * rates in ops/s, latencies in ms.
 */
import type { OperationResult, RunResult, ScenarioChart, SeriesPoint } from '../../core/results.js';
import { scenarioChartId } from './sections/scenario-sections.js';
import type { SpectrumPoint, SpectrumResult } from '../spectrum.js';

interface ChartSeries {
  t: number[];
  target: Array<number | null>;
  completed: number[];
  errors: number[];
  p50: Array<number | null>;
  p90: Array<number | null>;
  p99: Array<number | null>;
  max: Array<number | null>;
  s50: Array<number | null>;
  s99: Array<number | null>;
}

export interface ChartPayload {
  /** Warmup spans [from, to) in s since the run phase began. */
  warmup: Array<[number, number]>;
  /** Fault markers (vertical lines on every time chart): start and, when lifted, end, s since the run phase began. */
  faults: Array<{ x: number; label: string }>;
  all: ChartSeries;
  ops: Array<{ name: string; series: ChartSeries; spectrum: SpectrumPoint[] | null }>;
  /** The scenario sections' charts, each with the id of its canvas. */
  scenarioCharts: Array<ScenarioChart & { canvas: string }>;
}

function toSeries(points: readonly SeriesPoint[]): ChartSeries {
  const s: ChartSeries = { t: [], target: [], completed: [], errors: [], p50: [], p90: [], p99: [], max: [], s50: [], s99: [] };
  for (const p of [...points].sort((a, b) => a.t - b.t)) {
    s.t.push(p.t);
    s.target.push(p.targetOps);
    s.completed.push(p.completedOps);
    s.errors.push(p.errors);
    s.p50.push(p.latencyMs.p50);
    s.p90.push(p.latencyMs.p90);
    s.p99.push(p.latencyMs.p99);
    s.max.push(p.latencyMs.max);
    s.s50.push(p.serviceTimeMs.p50);
    s.s99.push(p.serviceTimeMs.p99);
  }
  return s;
}

/** Contiguous warmup spans of a series; each point covers [t, t + step). */
export function warmupSpans(points: readonly SeriesPoint[]): Array<[number, number]> {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  const spans: Array<[number, number]> = [];
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i]!;
    if (!p.warmup) continue;
    const next = sorted[i + 1];
    const end = next ? next.t : p.t + 1;
    const last = spans.at(-1);
    if (last && last[1] === p.t) last[1] = end;
    else spans.push([p.t, end]);
  }
  return spans;
}

/** A vertical marker per fault start (its spec) and per lift ("<store> back"), from RunResult.faults. */
export function faultMarkers(r: RunResult): Array<{ x: number; label: string }> {
  const out: Array<{ x: number; label: string }> = [];
  for (const f of r.faults ?? []) {
    out.push({ x: f.actions.find((a) => a.ok)?.atS ?? f.atS, label: f.spec });
    if (f.liftedAtS !== null && f.kind !== 'kill') out.push({ x: f.liftedAtS, label: `${f.store} back` });
  }
  return out;
}

/**
 * The chart payload of a run: warmup spans, the series of all operations together, and per
 * operation its series and percentile spectrum (`spectra[i]` belongs to `r.operations[i]`).
 */
export function chartData(r: RunResult, spectra: readonly SpectrumResult[]): ChartPayload {
  const opPoints = r.operations.flatMap((o) => o.series);
  return {
    warmup: warmupSpans(r.series.length ? r.series : opPoints),
    faults: faultMarkers(r),
    all: toSeries(r.series),
    ops: r.operations.map((op: OperationResult, i) => {
      const sp = spectra[i]!;
      return { name: op.name, series: toSeries(op.series), spectrum: sp.ok ? sp.points : null };
    }),
    scenarioCharts: (r.sections ?? []).flatMap((s) => s.charts.map((c) => ({ ...c, canvas: scenarioChartId(s.id, c.id) }))),
  };
}
