import type { RunResult } from '../../../core/results.js';
import { fmtInt, fmtS } from '../../format.js';
import type { SpectrumResult } from '../../spectrum.js';

/**
 * The charts over time: throughput of all operations, then per operation throughput (ops/s),
 * latency percentiles and latency vs service time (ms), and the percentile spectrum (ms). Only
 * the canvases are here; the client script draws them from the page's data. `spectra[i]`
 * belongs to `r.operations[i]`.
 */
export function Charts({ r, spectra }: { r: RunResult; spectra: readonly SpectrumResult[] }) {
  const warm = r.schedule.warmupS > 0 && r.series.some((p) => p.warmup);
  return (
    <section id="charts">
      <h2>Over time</h2>
      <Chart id="chart-throughput" caption="All operations: throughput achieved vs target (ops/s)" label="Throughput of all operations over time" wide />
      {warm && <p class="chart-note">Shaded band: warmup ({fmtS(r.schedule.warmupS)}), excluded from every figure in the tables.</p>}
      {r.operations.map((op, i) => {
        const spectrum = spectra[i]!;
        return (
          <section class="op-charts" id={`op-${i}`}>
            <h3>
              {op.name}{' '}
              <span class="muted">
                · <code>{op.path}</code>
              </span>
            </h3>
            <div class="grid">
              <Chart id={`chart-op-${i}-throughput`} caption="Throughput: achieved vs target (ops/s)" label={`Throughput of ${op.name} over time`} />
              <Chart id={`chart-op-${i}-latency`} caption="Latency percentiles over time (ms)" label={`Latency p50, p90, p99 and max of ${op.name} over time`} />
              <Chart id={`chart-op-${i}-service`} caption="Latency vs service time (ms)" label={`Latency and service time of ${op.name} over time`} />
              {spectrum.ok ? (
                <Chart
                  id={`chart-op-${i}-spectrum`}
                  caption={`Percentile spectrum (ms) from ${fmtInt(spectrum.count)} samples`}
                  label={`Latency by percentile for ${op.name}`}
                />
              ) : (
                <figure class="chart empty">
                  <figcaption>Percentile spectrum</figcaption>
                  <p class="muted">Not available: {spectrum.reason}.</p>
                </figure>
              )}
            </div>
          </section>
        );
      })}
    </section>
  );
}

/** A captioned chart canvas the client script draws into; `label` describes it to screen readers. */
export function Chart({ id, caption, label, wide }: { id: string; caption: string; label: string; wide?: boolean }) {
  return (
    <figure class={wide ? 'chart wide' : 'chart'}>
      <figcaption>{caption}</figcaption>
      <div class="canvas-box">
        <canvas id={id} role="img" aria-label={label} />
      </div>
    </figure>
  );
}
