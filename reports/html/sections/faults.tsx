import type { RunResult } from '../../../core/results.js';
import { FAULT_COLUMNS, faultLegend, faultNotes, faultRows } from '../../faults.js';
import { Badge, Section, Table } from '../common.js';

/** Faults injected during the run (issue 13): one row per fault, its notes below; nothing when the run had none. */
export function Faults({ r }: { r: RunResult }) {
  const faults = r.faults ?? [];
  if (faults.length === 0) return null;
  const rows = faultRows(faults);
  return (
    <Section id="faults" title="Faults">
      <p class="muted">{faultLegend(faults)}</p>
      <Table
        columns={FAULT_COLUMNS.map((label, i) => ({ label, num: i >= 3 && i <= 6 }))}
        rows={rows.map((cells, i) => (
          <tr class={faults[i]!.timeToRecoveryS === null && !faults[i]!.interruptedBy ? 'fail' : undefined}>
            <th scope="row">
              <code>{cells[0]}</code>
            </th>
            <td>{cells[1]}</td>
            <td>{cells[2]}</td>
            <td class="num">{cells[3]}</td>
            <td class="num">{faults[i]!.timeToRecoveryS === null && !faults[i]!.interruptedBy ? <Badge tone="bad">NOT RECOVERED</Badge> : cells[4]}</td>
            <td class="num">{cells[5]}</td>
            <td class="num">{cells[6]}</td>
            <td>{cells[7]}</td>
          </tr>
        ))}
      />
      <ul>
        {faultNotes(faults).map((n) => (
          <li>
            <code>{n.spec}</code>: {n.text}
          </li>
        ))}
      </ul>
    </Section>
  );
}
