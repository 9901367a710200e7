import type { OperationResult, RunResult } from '../../../core/results.js';
import { errorsByKind, fmtInt, fmtRate, fmtRatioPct, opTargetOpsPerSec, totalErrors } from '../../format.js';
import { NotMeasured, Section, Table, type Column } from '../common.js';

const COLUMNS: readonly Column[] = [
  { label: 'Operation' },
  { label: 'Storage path' },
  { label: 'Measured ops', num: true },
  { label: 'OK ops', num: true },
  { label: 'Error ops', num: true },
  { label: 'Errors by kind' },
  { label: 'Warmup ops', num: true, title: 'Operations during warmup, excluded from every figure' },
  { label: 'Achieved', num: true },
  { label: 'Target', num: true },
  { label: 'Achieved / target', num: true },
];

/**
 * Per operation: measured, OK and error operations (errors also in % and by kind), warmup
 * operations (excluded), and the achieved rate against the target rate (ops/s, %).
 */
export function Operations({ r }: { r: RunResult }) {
  return (
    <Section id="operations" title="Operations">
      <Table columns={COLUMNS} rows={r.operations.map((op) => <OperationRow op={op} loop={r.loop} />)} empty="No operations were recorded." />
      <p class="hint">
        Warmup operations are excluded from every figure. Target per operation: mean of the intended arrivals per second over the measured
        seconds.
      </p>
    </Section>
  );
}

function OperationRow({ op, loop }: { op: OperationResult; loop: RunResult['loop'] }) {
  const errs = totalErrors(op);
  const kinds = errorsByKind(op);
  const target = opTargetOpsPerSec(op);
  const ratio = target !== null && target > 0 ? op.achievedOpsPerSec / target : null;
  return (
    <tr>
      <th scope="row" class="nowrap">
        {op.name}
      </th>
      <td>
        <code>{op.path}</code>
      </td>
      <td class="num">{fmtInt(op.count)}</td>
      <td class="num">
        {fmtInt(op.okCount)}
        {op.notFoundCount ? (
          <>
            {' '}
            <span class="muted" title="found nothing to act on (e.g. a duplicate follow): not an error">
              + {fmtInt(op.notFoundCount)} not found
            </span>
          </>
        ) : null}
      </td>
      <td class={errs > 0 ? 'num bad' : 'num'}>
        {fmtInt(errs)}
        {op.count > 0 && (
          <>
            {' '}
            <span class="muted">({fmtRatioPct(errs / op.count)})</span>
          </>
        )}
      </td>
      <td>
        {kinds.length ? (
          <ul class="kinds">
            {kinds.map(([kind, n]) => (
              <li>
                <code>{kind}</code> {fmtInt(n)}
              </li>
            ))}
          </ul>
        ) : (
          <span class="muted">none</span>
        )}
      </td>
      <td class="num muted">{fmtInt(op.warmupCount)}</td>
      <td class="num">{fmtRate(op.achievedOpsPerSec)}</td>
      <td class="num">
        {target !== null ? (
          fmtRate(target)
        ) : (
          <NotMeasured why={loop === 'closed' ? 'closed loop: no target rate' : "the scenario mixes operations: see the run's target rate"} />
        )}
      </td>
      <td class={ratio !== null && ratio < 0.95 ? 'num bad' : 'num'}>{ratio !== null ? fmtRatioPct(ratio) : <NotMeasured why="no target rate" />}</td>
    </tr>
  );
}
