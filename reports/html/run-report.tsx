/**
 * The run report: one page with every section for one RunResult, its charts drawn in the
 * browser by Chart.js and reports/assets/report.client.js from the embedded chart data.
 */
import type { RunResult } from '../../core/results.js';
import { fmtDate } from '../format.js';
import { percentileSpectrum } from '../spectrum.js';
import { REPORT_CLIENT_JS } from './assets.generated.js';
import { chartData } from './chart-data.js';
import { chartJsSource } from './chartjs.js';
import { Page } from './page.js';
import { AbortBanner } from './sections/abort-banner.js';
import { Charts } from './sections/charts.js';
import { Claims } from './sections/claims.js';
import { Cost } from './sections/cost.js';
import { FlagBanner } from './sections/flag-banner.js';
import { Faults } from './sections/faults.js';
import { Footer } from './sections/footer.js';
import { Footprint } from './sections/footprint.js';
import { Header } from './sections/header.js';
import { Latency } from './sections/latency.js';
import { Notes } from './sections/notes.js';
import { Operations } from './sections/operations.js';
import { RunSettings } from './sections/run-settings.js';
import { ScenarioSections } from './sections/scenario-sections.js';
import { Summary } from './sections/summary.js';
import { Thresholds } from './sections/thresholds.js';

/**
 * The whole report page of one run. `r` should already be redacted (renderHtml does it).
 *
 * @throws CapbenchError when chart.js is not installed.
 */
export function RunReport({ r }: { r: RunResult }) {
  const spectra = r.operations.map((op) => percentileSpectrum(op.latencyHistogram));
  const aborted = r.status === 'aborted';
  return (
    <Page
      title={`${aborted ? '[ABORTED] ' : ''}capbench · ${r.scenario.id} · ${fmtDate(r.startedAt)}`}
      version={r.tool.version}
      bodyClass={aborted ? 'aborted' : 'completed'}
      data={chartData(r, spectra)}
      scripts={[chartJsSource(), REPORT_CLIENT_JS]}
    >
      <Header r={r} />
      <AbortBanner r={r} />
      <FlagBanner r={r} />
      <main>
        <Summary r={r} />
        <Operations r={r} />
        <Latency r={r} />
        <Faults r={r} />
        <Charts r={r} spectra={spectra} />
        <ScenarioSections r={r} />
        <Footprint r={r} />
        <Cost r={r} />
        <Thresholds r={r} />
        <Claims r={r} />
        <RunSettings r={r} />
        <Notes r={r} />
      </main>
      <Footer r={r} />
      <noscript>
        <p class="noscript">Charts need JavaScript; every figure is also in the tables above.</p>
      </noscript>
    </Page>
  );
}
