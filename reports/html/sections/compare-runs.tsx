import type { RunRef } from '../../compare/compare.js';
import { describeStages, describeTarget, fmtDate, fmtInt, fmtS, measuredDurationS } from '../../format.js';
import { Badge, Section, Table, interleave, type Column } from '../common.js';

const COLUMNS: readonly Column[] = [
  { label: 'Run' },
  { label: 'Run id' },
  { label: 'Started' },
  { label: 'Measured', num: true, title: 'Measured seconds, warmup excluded' },
  { label: 'Storage paths' },
  { label: 'Schedule' },
  { label: 'File' },
];

/**
 * The runs compared, one row each: label (the first is the baseline), run id, start (UTC),
 * measured s, storage paths, schedule and the file read; aborted and flagged runs carry a
 * badge. Below, the baseline's targets (with versions) and machine: the comparison notes say
 * where another run's differ.
 */
export function CompareRuns({ runs }: { runs: readonly RunRef[] }) {
  const base = runs[0]!.result;
  const m = base.machine;
  return (
    <Section id="runs" title="Runs">
      <Table
        columns={COLUMNS}
        rows={runs.map((ref, i) => {
          const r = ref.result;
          return (
            <tr>
              <th scope="row" class="nowrap">
                {ref.label}
                {i === 0 && <span class="muted"> (baseline)</span>}
                {r.status === 'aborted' && (
                  <>
                    {' '}
                    <Badge tone="bad">aborted</Badge>
                  </>
                )}
                {r.rate.flagged && (
                  <>
                    {' '}
                    <Badge tone="warn" title={r.rate.reasons.join('; ')}>
                      flagged
                    </Badge>
                  </>
                )}
              </th>
              <td>
                <code>{r.runId}</code>
              </td>
              <td class="nowrap">{fmtDate(r.startedAt)}</td>
              <td class="num">{fmtS(measuredDurationS(r))}</td>
              <td>{interleave(r.scenario.paths.map((p) => <code>{p}</code>), ', ')}</td>
              <td>
                {r.loop} loop; {describeStages(r.schedule.stages)}; warmup {fmtS(r.schedule.warmupS)}
              </td>
              <td class="wrap">
                <code>{ref.source}</code>
              </td>
            </tr>
          );
        })}
      />
      <dl class="meta">
        <dt>Targets ({runs[0]!.label})</dt>
        <dd>{base.targets.map(describeTarget).join(' · ') || '—'}</dd>
        <dt>Machine ({runs[0]!.label})</dt>
        <dd>
          {m.hostname} · {m.platform}/{m.arch} · {fmtInt(m.cpus)} × {m.cpuModel} · Node {m.node}
        </dd>
      </dl>
    </Section>
  );
}
