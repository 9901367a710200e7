import type { ComponentChildren } from 'preact';
import type { RunResult } from '../../../core/results.js';
import { fmtInt, fmtNum, fmtRate, fmtRatioPct, fmtS, measuredDurationS, totalErrors } from '../../format.js';
import { Pct } from '../common.js';

/**
 * The summary cards: throughput (ops/s, vs target), measured operations, errors (count and %
 * of operations), thresholds passed, claims that hold, and whether the harness kept up.
 */
export function Summary({ r }: { r: RunResult }) {
  const measuredS = measuredDurationS(r);
  const ops = r.operations.reduce((a, o) => a + o.count, 0);
  const warm = r.operations.reduce((a, o) => a + o.warmupCount, 0);
  const errs = r.operations.reduce((a, o) => a + totalErrors(o), 0);
  const tPass = r.thresholds.filter((t) => t.passed).length;
  const tAll = r.thresholds.length;
  const verdicts = { holds: 0, refuted: 0, 'not-measurable': 0 };
  for (const c of r.claims) verdicts[c.verdict]++;
  const target = r.rate.targetOpsPerSec;
  return (
    <section id="summary" class="cards">
      <Card
        label="Throughput"
        value={fmtRate(r.rate.achievedOpsPerSec)}
        sub={target !== null ? `target ${fmtRate(target)} · ${fmtRatioPct(r.rate.achievedOpsPerSec / target)}` : 'closed loop (no target rate)'}
        tone={r.rate.flagged ? 'bad' : undefined}
      />
      <Card
        label="Operations"
        value={fmtInt(ops)}
        sub={`measured over ${fmtS(measuredS)} · ${fmtInt(warm)} warmup ops excluded${r.rate.notStarted > 0 ? ` · ${fmtInt(r.rate.notStarted)} not started` : ''}`}
      />
      <Card label="Errors" value={fmtInt(errs)} sub={ops > 0 ? `${fmtRatioPct(errs / ops)} of measured ops` : '—'} tone={errs > 0 ? 'warn' : undefined} />
      <Card
        label="Thresholds"
        value={tAll ? `${tPass} / ${tAll} passed` : '—'}
        sub={tAll ? (tPass === tAll ? 'all passed' : `${tAll - tPass} failed`) : 'none set'}
        tone={tAll === 0 ? undefined : tPass < tAll ? 'bad' : 'good'}
      />
      <Card
        label="Claims"
        value={r.claims.length ? `${verdicts.holds} hold` : '—'}
        sub={r.claims.length ? `${verdicts.refuted} refuted · ${verdicts['not-measurable']} not measurable here` : 'none checked'}
      />
      <Card
        label="Harness"
        value={r.harness.bottleneck ? 'bottleneck' : 'ok'}
        sub={
          <>
            CPU {fmtNum(r.harness.cpuPct.max)} % max · loop lag p99 <Pct p={r.harness.eventLoopLagMs} k="p99" />
          </>
        }
        tone={r.harness.bottleneck ? 'bad' : undefined}
      />
    </section>
  );
}

/** One summary card: a label, a large value, a line below; `tone` colours it. */
export function Card({ label, value, sub, tone }: { label: string; value: string; sub: ComponentChildren; tone?: 'good' | 'bad' | 'warn' }) {
  return (
    <div class={tone ? `card ${tone}` : 'card'}>
      <div class="label">{label}</div>
      <div class="value">{value}</div>
      <div class="sub">{sub}</div>
    </div>
  );
}
