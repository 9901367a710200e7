/**
 * The capacity report page (`capbench capacity`, `capbench report` of a capacity results
 * file): the verdict and the knee, the latency-vs-rate curve ("hockey stick") with the SLO line
 * and the knee marked, achieved vs target rate, the step table, each operation at the knee,
 * the scenario's checks over all steps, the search settings and the notes. Built from one
 * CapacityResult (core/capacity.ts) with the run report's page shell, cells and client script.
 */
import type { CapacityResult, CapacityStep } from '../../core/capacity.js';
import { fmtInt, fmtMs, fmtNum, fmtPct, fmtS } from '../../core/format.js';
import { CAPACITY_CHART_SECTION, capacityCharts } from '../capacity/charts.js';
import { stepTableCells } from '../capacity/table.js';
import { describeTarget, fmtDate } from '../format.js';
import { REPORT_CLIENT_JS } from './assets.generated.js';
import { chartJsSource } from './chartjs.js';
import { Badge, List, Section, Table } from './common.js';
import { Page } from './page.js';
import { Chart } from './sections/charts.js';
import { scenarioChartId } from './sections/scenario-sections.js';

const SLO_SOURCE = { flags: 'given with --slo', thresholds: "the scenario's own latency thresholds", default: "capbench's default (no latency threshold in the scenario)" } as const;

/**
 * The whole capacity page. `r` should already be redacted (renderCapacityHtml does it).
 * @throws CapbenchError when chart.js is not installed.
 */
export function CapacityReport({ r }: { r: CapacityResult }) {
  const charts = capacityCharts(r);
  const aborted = r.status === 'aborted';
  const knee = r.steps.find((s) => s.passed && !s.superseded && s.targetOpsPerSec === r.kneeOpsPerSec);
  const table = stepTableCells(r.steps);
  return (
    <Page
      title={`${aborted ? '[INTERRUPTED] ' : ''}capbench capacity · ${r.scenario.id} · ${fmtDate(r.startedAt)}`}
      version={r.tool.version}
      bodyClass={aborted ? 'aborted' : 'completed'}
      data={{ scenarioCharts: charts.map((c) => ({ ...c, canvas: scenarioChartId(CAPACITY_CHART_SECTION, c.id) })) }}
      scripts={[chartJsSource(), REPORT_CLIENT_JS]}
    >
      <header>
        <p class="kicker">capbench capacity</p>
        <h1>
          {r.scenario.id}{' '}
          {r.kneeOpsPerSec === null ? <Badge tone="bad">no rate passed</Badge> : <Badge tone={r.firstFailOpsPerSec === null ? 'warn' : 'good'}>{`knee ${fmtInt(r.kneeOpsPerSec)} ops/s${r.firstFailOpsPerSec === null ? ' (lower bound)' : ''}`}</Badge>}
          {aborted && <Badge tone="bad">INTERRUPTED · partial</Badge>}
        </h1>
        <p class="description">{r.scenario.description}</p>
        <dl class="meta">
          <dt>Date</dt>
          <dd>
            {fmtDate(r.startedAt)} → {fmtDate(r.endedAt)}
          </dd>
          <dt>SLOs</dt>
          <dd>
            {r.slos.map((s, i) => (
              <>
                {i > 0 && ', '}
                <code>{s.expression}</code>
              </>
            ))}{' '}
            <span class="muted">({SLO_SOURCE[r.sloSource]})</span>
          </dd>
          <dt>Storage paths</dt>
          <dd>
            {r.scenario.paths.map((p, i) => (
              <>
                {i > 0 && ', '}
                <code>{p}</code>
              </>
            ))}
          </dd>
          <dt>Targets</dt>
          <dd>
            <ul class="plain">
              {r.targets.map((t) => (
                <li>
                  <strong>{describeTarget(t)}</strong> <span class="muted">· {t.store} at {t.address}</span> {t.standInFor && <Badge tone="warn">{`stand-in for ${t.standInFor}`}</Badge>}
                </li>
              ))}
            </ul>
          </dd>
          <dt>Machine</dt>
          <dd>
            {r.machine.hostname} · {r.machine.platform}/{r.machine.arch} · {fmtInt(r.machine.cpus)} × {r.machine.cpuModel} · Node {r.machine.node}
          </dd>
          {r.command && (
            <>
              <dt>Command</dt>
              <dd>
                <code>{r.command}</code>
              </dd>
            </>
          )}
        </dl>
      </header>
      {aborted && (
        <section class="banner abort" role="alert">
          <h2>INTERRUPTED — partial search</h2>
          <p>
            The search stopped early ({r.abortReason ?? 'interrupted'}). The steps below are those that ran; the step in progress is marked aborted and failed. A knee found
            so far is a lower bound.
          </p>
        </section>
      )}
      <main>
        <Section id="verdict" title="Verdict">
          <p>
            <strong>{r.verdict}</strong>
          </p>
          <div class="cards">
            <Card label="Knee (highest passing rate)" value={r.kneeOpsPerSec === null ? '—' : `${fmtInt(r.kneeOpsPerSec)} ops/s`} sub={knee ? `achieved ${fmtInt(knee.achievedOpsPerSec)} ops/s` : 'no step passed'} tone={r.kneeOpsPerSec === null ? 'bad' : 'good'} />
            <Card label="First failing rate" value={r.firstFailOpsPerSec === null ? '—' : `${fmtInt(r.firstFailOpsPerSec)} ops/s`} sub={r.firstFailOpsPerSec === null ? 'none: the knee is a lower bound' : 'lowest rate that failed'} />
            <Card label={`${knee?.headline.operation ?? 'latency'} at the knee`} value={knee ? `p99 ${fmtMs(knee.headline.p99Ms)}` : '—'} sub={knee ? `p50 ${fmtMs(knee.headline.p50Ms)} · service p99 ${fmtMs(knee.headline.serviceP99Ms)}` : ''} />
            <Card label="Steps" value={fmtInt(r.steps.length)} sub={`ended: ${r.endedBecause}`} />
          </div>
        </Section>
        <Section id="curve" title="Latency vs rate">
          {charts.length === 0 ? (
            <p class="muted">No step finished, so there is no curve.</p>
          ) : (
            <>
              <div class="grid">
                {charts.map((c) => (
                  <Chart id={scenarioChartId(CAPACITY_CHART_SECTION, c.id)} caption={c.title} label={`${c.title}: ${c.yLabel} by ${c.xLabel}`} />
                ))}
              </div>
              <p class="chart-note">
                One point per rate whose verdict stands (a retried step's first run is left out). Latency is measured from each operation's intended start, so a target that falls behind shows up as
                the hockey stick's blade. The dashed vertical lines mark the knee and the first failing rate.
              </p>
            </>
          )}
        </Section>
        <Section id="steps" title="Steps">
          <p class="hint">
            In the order run. Latencies of the first SLO's operation in ms from the intended start (svc = service time, lag = schedule lag, both p99); CPU in % of one core over the whole step:
            client = capbench, server = the targets' server processes, others = the rest of the machine. A failing step during which others used ≥{' '}
            {r.search.retryOthersPct === null ? '— (retries off)' : `${fmtNum(r.search.retryOthersPct)} %`} of a core is run once more.
          </p>
          <Table
            columns={table.columns.map((c, i) => ({ label: c, num: i !== 1 && i < table.columns.length - 1 }))}
            rows={r.steps.map((s, k) => (
              <tr class={s.superseded ? 'muted' : undefined}>
                {table.rows[k]!.map((cell, i) => (i === table.columns.length - 1 ? <td class={s.passed || s.superseded ? undefined : 'bad'}>{cell}</td> : <td class={i !== 1 ? 'num' : undefined}>{cell}</td>))}
              </tr>
            ))}
            empty="No step ran."
          />
        </Section>
        {knee && <KneeOperations step={knee} />}
        <Section id="checks" title="Checks over all steps">
          {!r.verify.ran ? (
            <p>Not run: {r.verify.why}.</p>
          ) : r.verify.checks.length === 0 ? (
            <p>{r.scenario.id} has no correctness checks.</p>
          ) : (
            <Table
              columns={[{ label: 'check' }, { label: 'actual', num: true }, { label: 'unit' }, { label: 'result' }]}
              rows={r.verify.checks.map((c) => (
                <tr>
                  <td>
                    <code>{c.expression}</code>
                  </td>
                  <td class="num">{c.actual === null ? '—' : fmtNum(c.actual)}</td>
                  <td>{c.unit}</td>
                  <td class={c.passed ? undefined : 'bad'}>{c.passed ? <Badge tone="good">PASS</Badge> : <Badge tone="bad">FAIL</Badge>}</td>
                </tr>
              ))}
            />
          )}
        </Section>
        <Section id="settings" title="Search settings">
          <List
            items={[
              `ramp from ${fmtInt(r.search.startRate)} ops/s, doubling, up to ${fmtInt(r.search.maxRate)} ops/s; when the start fails, halving down to ${fmtInt(r.search.minRate)} ops/s`,
              `bisection until the gap between the knee and the first fail is within ${fmtNum(r.search.resolutionPct)}% of the knee; at most ${r.search.maxSteps} rates (a retry is not counted)`,
              `before the first step: ${r.search.prewarmS ? `${fmtS(r.search.prewarmS)} of load at its rate, not judged (warm-up of a cold process)` : 'no warm-up load'}`,
              `each step: ${fmtS(r.search.stepS)} of open-loop constant arrivals, the first ${fmtS(r.search.warmupS)} warmup (excluded), ${fmtS(r.search.pauseS)} pause after it`,
              `${r.search.workers} worker thread${r.search.workers > 1 ? 's' : ''}, at most ${fmtInt(r.search.maxInFlight)} operations in flight, operation timeout ${fmtS(r.search.opTimeoutS)}, seed ${r.search.seed}`,
              `a step fails on a broken SLO, on ${r.search.maxErrorRate === 0 ? 'any error' : `errors above ${r.search.maxErrorRate * 100}%`}${r.search.requireUnflagged ? ', and when the engine flagged it (achieved < 95% of target, operations not started, timeouts)' : ''}`,
            ]}
          />
          <p>
            Scenario options: <code>{JSON.stringify(r.scenario.options)}</code>
          </p>
        </Section>
        {r.notes.length + r.verify.notes.length > 0 && (
          <Section id="notes" title="Notes">
            <List items={[...r.notes, ...r.verify.notes]} />
          </Section>
        )}
      </main>
      <footer>
        Generated by capbench {r.tool.version} from capacity results v{r.schemaVersion}. Latency is measured from each operation's intended start (coordinated-omission corrected).
      </footer>
      <noscript>
        <p class="noscript">Charts need JavaScript; every figure is also in the tables above.</p>
      </noscript>
    </Page>
  );
}

function Card({ label, value, sub, tone }: { label: string; value: string; sub: string; tone?: 'good' | 'bad' }) {
  return (
    <div class={tone ? `card ${tone}` : 'card'}>
      <div class="label">{label}</div>
      <div class="value">{value}</div>
      <div class="sub">{sub}</div>
    </div>
  );
}

/** Every operation of the knee step: count, errors, percentiles, service time, lag. */
function KneeOperations({ step }: { step: CapacityStep }) {
  return (
    <Section id="knee-operations" title={`Operations at the knee (${fmtInt(step.targetOpsPerSec)} ops/s)`}>
      <Table
        columns={[
          { label: 'operation' },
          { label: 'path' },
          { label: 'ops/s', num: true },
          { label: 'count', num: true },
          { label: 'errors', num: true },
          { label: 'p50 (ms)', num: true },
          { label: 'p90 (ms)', num: true },
          { label: 'p99 (ms)', num: true },
          { label: 'p99.9 (ms)', num: true },
          { label: 'max (ms)', num: true },
          { label: 'svc p99 (ms)', num: true },
          { label: 'lag p99 (ms)', num: true },
        ]}
        rows={step.operations.map((o) => (
          <tr>
            <td>{o.name}</td>
            <td>
              <code>{o.path}</code>
            </td>
            <td class="num">{fmtInt(o.achievedOpsPerSec)}</td>
            <td class="num">{fmtInt(o.count)}</td>
            <td class="num">{fmtInt(o.errors)}</td>
            <td class="num">{fmtNum(o.latencyMs.p50)}</td>
            <td class="num">{fmtNum(o.latencyMs.p90)}</td>
            <td class="num">{fmtNum(o.latencyMs.p99)}</td>
            <td class="num">{fmtNum(o.latencyMs.p999)}</td>
            <td class="num">{fmtNum(o.latencyMs.max)}</td>
            <td class="num">{fmtNum(o.serviceTimeMs.p99)}</td>
            <td class="num">{fmtNum(o.scheduleLagP99Ms)}</td>
          </tr>
        ))}
      />
      <p class="hint">
        CPU during the step: client {fmtPct(step.cpu.clientPct)}, server {fmtPct(step.cpu.serverPct)}, others {fmtPct(step.cpu.othersPct)} of one core; machine {fmtPct(step.cpu.machinePct)} of all
        cores.
      </p>
    </Section>
  );
}
