import type { RunResult } from '../../../core/results.js';
import { describeStages, fmtDate, fmtInt, fmtS, wallDurationS } from '../../format.js';
import { Badge, Bytes, interleave } from '../common.js';

/**
 * The page header: scenario id with a COMPLETED/ABORTED badge, its description, start and end
 * (UTC, wall-clock length in s), storage paths, targets with versions (a stand-in named as
 * one), the machine, and the load schedule.
 */
export function Header({ r }: { r: RunResult }) {
  const m = r.machine;
  const s = r.schedule;
  const wall = wallDurationS(r);
  return (
    <header>
      <p class="kicker">capbench report</p>
      <h1>
        {r.scenario.id}{' '}
        {r.status === 'aborted' ? <Badge tone="bad">ABORTED · partial results</Badge> : <Badge tone="good">COMPLETED</Badge>}
      </h1>
      <p class="description">{r.scenario.description}</p>
      <dl class="meta">
        <dt>Date</dt>
        <dd>
          {fmtDate(r.startedAt)} → {fmtDate(r.endedAt)}
          {Number.isFinite(wall) && ` (${fmtS(wall)} wall clock)`}
        </dd>
        <dt>Storage paths</dt>
        <dd>{r.scenario.paths.length ? interleave(r.scenario.paths.map((p) => <code>{p}</code>), ', ') : '—'}</dd>
        <dt>Targets</dt>
        <dd>
          <ul class="plain">{r.targets.length ? r.targets.map((t) => <Target t={t} />) : <li>—</li>}</ul>
        </dd>
        <dt>Machine</dt>
        <dd>
          {m.hostname} · {m.platform}/{m.arch} · {fmtInt(m.cpus)} × {m.cpuModel} · <Bytes bytes={m.totalMemBytes} /> RAM · Node {m.node}
        </dd>
        <dt>Load</dt>
        <dd>
          {r.loop} loop{r.loop === 'open' && `, ${s.arrival} arrivals`}
          {s.concurrency !== undefined && `, concurrency ${fmtInt(s.concurrency)}`}; {describeStages(s.stages)}; warmup {fmtS(s.warmupS)} (excluded)
        </dd>
      </dl>
    </header>
  );
}

/** One target: product and version, store and address, and a badge when it stands in for another product. */
function Target({ t }: { t: RunResult['targets'][number] }) {
  return (
    <li>
      <strong>{t.product}</strong> {t.version}{' '}
      <span class="muted">
        ({t.store} at <code>{t.address}</code>)
      </span>
      {t.standInFor ? (
        <>
          {' '}
          <Badge tone="warn" title={`Figures are ${t.product}'s, not ${t.standInFor}'s`}>
            stand-in for {t.standInFor}
          </Badge>
        </>
      ) : null}
    </li>
  );
}
