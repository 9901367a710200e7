import type { RunResult } from '../../../core/results.js';
import { PERCENTILE_COLUMNS, describeStages, fmtInt, fmtNum, fmtRate, fmtS } from '../../format.js';
import { Badge, List, Pct, Section, interleave } from '../common.js';

/**
 * How the run was driven and how the harness fared: run id, schedule, warmup (s), workers and
 * in-flight cap, target vs achieved rate (ops/s), client CPU (% of one core), event-loop lag
 * (ms), harness notes, and the scenario's options as given.
 */
export function RunSettings({ r }: { r: RunResult }) {
  const lag = r.harness.eventLoopLagMs;
  const options = Object.entries(r.scenario.options);
  const s = r.schedule;
  return (
    <Section id="run" title="Run and harness">
      <dl class="meta">
        <dt>Run id</dt>
        <dd>
          <code>{r.runId}</code>
        </dd>
        <dt>Schedule</dt>
        <dd>
          {r.loop} loop{r.loop === 'open' && `, ${s.arrival} arrivals`}; {describeStages(s.stages)}
        </dd>
        <dt>Warmup</dt>
        <dd>{fmtS(s.warmupS)} (excluded from the figures)</dd>
        <dt>Workers</dt>
        <dd>
          {fmtInt(s.workers)} worker threads · in-flight cap {fmtInt(s.maxInFlight)} ops
          {s.concurrency !== undefined && ` · concurrency ${fmtInt(s.concurrency)}`}
          {s.pacing !== undefined && ` · ${s.pacing === 'spin' ? 'spin pacing (send times within µs; a busy core while waiting)' : 'batch pacing (timers, ~1 ms resolution; lateness counts in latency)'}`}
        </dd>
        <dt>Rate</dt>
        <dd>
          target {r.rate.targetOpsPerSec !== null ? fmtRate(r.rate.targetOpsPerSec) : '— (closed loop)'} · achieved {fmtRate(r.rate.achievedOpsPerSec)} ·
          not started {fmtInt(r.rate.notStarted)} ops · {r.rate.flagged ? <Badge tone="bad">flagged</Badge> : <Badge tone="good">not flagged</Badge>}
        </dd>
        <dt>Client CPU</dt>
        <dd>
          {fmtNum(r.harness.cpuPct.mean)} % mean · {fmtNum(r.harness.cpuPct.max)} % max (of one core)
        </dd>
        <dt>Event-loop lag</dt>
        <dd>
          {interleave(
            PERCENTILE_COLUMNS.map((c) => (
              <>
                {c.label} <Pct p={lag} k={c.key} />
              </>
            )),
            ' · ',
          )}{' '}
          <span class="muted">({fmtInt(lag.count)} samples)</span>
        </dd>
        <dt>Bottleneck</dt>
        <dd>{r.harness.bottleneck ? <Badge tone="bad">the harness limited the run</Badge> : 'the harness kept up'}</dd>
      </dl>
      {r.harness.notes.length > 0 && (
        <>
          <h3>Harness notes</h3>
          <List items={r.harness.notes} />
        </>
      )}
      <details open>
        <summary>Scenario options ({options.length})</summary>
        {options.length ? (
          <table class="options">
            <tbody>
              {options.map(([k, v]) => (
                <tr>
                  <th scope="row">
                    <code>{k}</code>
                  </th>
                  <td>
                    <code>{optionText(v)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">none</p>
        )}
      </details>
    </Section>
  );
}

/** An option value as written: strings as they are, anything else as JSON. */
function optionText(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
