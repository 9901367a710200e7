import type { RunRef } from '../../compare/compare.js';
import { Chart } from './charts.js';

/**
 * Per operation, the runs overlaid (one colour per run): per-second p99 latency (ms) and
 * throughput (completed ops/s). Only the canvases are here; the client script draws them from
 * the page's data (reports/html/compare-chart-data.ts), operation i into `cmp-op-<i>-*`.
 */
export function CompareCharts({ runs }: { runs: readonly RunRef[] }) {
  const names = [...new Set(runs.flatMap((ref) => ref.result.operations.map((o) => o.name)))];
  return (
    <section id="charts">
      <h2>Over time, runs overlaid</h2>
      {names.map((name, i) => (
        <section class="op-charts" id={`cmp-op-${i}`}>
          <h3>{name}</h3>
          <div class="grid">
            <Chart id={`cmp-op-${i}-p99`} caption="p99 latency per second (ms)" label={`Per-second p99 latency of ${name}, one line per run`} />
            <Chart id={`cmp-op-${i}-throughput`} caption="Throughput: completed operations per second (ops/s)" label={`Throughput of ${name}, one line per run`} />
          </div>
        </section>
      ))}
      <p class="chart-note">Shaded band: warmup, excluded from every figure in the tables. A second with too few operations for a p99 shows no point.</p>
    </section>
  );
}
