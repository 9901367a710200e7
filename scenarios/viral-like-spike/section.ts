/**
 * The viral-like-spike section of the report (core/results.ts ScenarioSection): whether every
 * acknowledged like was stored, and the background before the spike, the spike and the
 * background after it side by side (seed 000, "Likes System": "Handles viral spikes (10K+
 * likes/sec)"), with the likes per second against the target and the spike marked.
 */
import type { ScenarioSection, SeriesPoint } from '../../core/results.js';
import { window, windowStats } from '../common/figures.js';
import type { SpikeWindow } from './window.js';

/** What the section is built from. Counts in likes; the series is the run's per-second series (t in s). */
export interface SpikeSectionInput {
  path: string;
  acknowledged: number;
  stored: number;
  series: readonly SeriesPoint[];
  spike: SpikeWindow;
  /** Run length, s. */
  runS: number;
}

/** Build the section. Pure: no I/O. */
export function viralLikeSpikeSection(x: SpikeSectionInput): ScenarioSection {
  const { spike: w } = x;
  const windows: Array<[string, number, number]> =
    w.share > 0
      ? [
          ['background before the spike', 0, w.fromS],
          ['spike', w.fromS, w.toS],
          ['background after the spike', w.toS, x.runS],
        ]
      : [['whole run (no spike in this schedule)', 0, x.runS]];
  const rows = windows.map(([name, from, to]) => {
    const points = window(x.series, from, to).filter((p) => !p.warmup);
    const s = windowStats(points);
    return [name, `${from}-${to}`, points.length, s.targetOpsPerSec, s.opsPerSec, s.worstP99Ms];
  });
  const sorted = [...x.series].sort((a, b) => a.t - b.t);
  return {
    id: 'viral-like-spike',
    title: `Viral like spike on ${x.path}`,
    intro: 'Likes at a background rate, a spike on one viral post, then back down: did the path keep up during the spike, and was every acknowledged like stored?',
    tables: [
      {
        caption: 'Every acknowledged like stored? (after the run, read back from the store)',
        columns: ['likes acknowledged', 'likes stored', 'lost (acknowledged, not stored)', 'stored without an acknowledgement'],
        rows: [[x.acknowledged, x.stored, Math.max(0, x.acknowledged - x.stored), Math.max(0, x.stored - x.acknowledged)]],
        note: 'Stored without an acknowledgement: operations that timed out or errored after the store applied them.',
      },
      {
        caption: 'Background vs spike (measured seconds only)',
        columns: ['window', 'seconds of the run', 'measured seconds', 'target (ops/s)', 'achieved (ops/s)', 'worst per-second p99 (ms)'],
        rows,
      },
    ],
    charts: [
      {
        id: 'likes-per-second',
        title: 'Likes per second: achieved vs target',
        kind: 'line',
        xLabel: 'time since the run began (s)',
        yLabel: 'likes per second',
        series: [
          { label: 'target', points: sorted.map((p) => [p.t, p.targetOps]) },
          { label: 'achieved', points: sorted.map((p) => [p.t, p.completedOps]) },
        ],
        ...(w.share > 0 ? { markers: [{ x: w.fromS, label: 'spike starts' }, { x: w.toS, label: 'spike ends' }] } : {}),
      },
    ],
  };
}
