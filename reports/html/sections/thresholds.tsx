import type { RunResult } from '../../../core/results.js';
import { fmtNum } from '../../format.js';
import { Badge, NotMeasured, Section, Table, type Column } from '../common.js';

const COLUMNS: readonly Column[] = [
  { label: 'Result' },
  { label: 'Threshold' },
  { label: 'Operation' },
  { label: 'Metric' },
  { label: 'Measured', num: true },
  { label: 'Limit', num: true },
];

/** The scenario's thresholds: PASS/FAIL, the expression, and the measured value against the limit (in the threshold's unit). */
export function Thresholds({ r }: { r: RunResult }) {
  return (
    <Section id="thresholds" title="Thresholds">
      {r.thresholds.length === 0 ? (
        <p class="muted">The scenario sets no thresholds.</p>
      ) : (
        <Table
          columns={COLUMNS}
          rows={r.thresholds.map((t) => (
            <tr class={t.passed ? 'pass' : 'fail'}>
              <td>{t.passed ? <Badge tone="good">PASS</Badge> : <Badge tone="bad">FAIL</Badge>}</td>
              <th scope="row">
                <code>{t.expression}</code>
              </th>
              <td>{t.operation}</td>
              <td>{t.metric}</td>
              <td class="num">{t.actual !== null ? `${fmtNum(t.actual)} ${t.unit}` : <NotMeasured why="not measured (too few samples or no data)" />}</td>
              <td class="num">{`${fmtNum(t.limit)} ${t.unit}`}</td>
            </tr>
          ))}
        />
      )}
    </Section>
  );
}
