import type { OperationResult, RunResult } from '../../../core/results.js';
import { PERCENTILE_COLUMNS, fmtInt } from '../../format.js';
import { Pct, Section, Table, type Column } from '../common.js';

/** The three timings of every operation, one table row each. */
const MEASURES: ReadonlyArray<{ key: 'latencyMs' | 'serviceTimeMs' | 'scheduleLagMs'; label: string; title: string }> = [
  { key: 'latencyMs', label: 'latency', title: 'From the intended start to the response (coordinated-omission corrected)' },
  { key: 'serviceTimeMs', label: 'service time', title: 'From sending the request to the response' },
  { key: 'scheduleLagMs', label: 'schedule lag', title: 'How late the request was sent compared with its intended start' },
];

const COLUMNS: readonly Column[] = [
  { label: 'Operation' },
  { label: 'Measure' },
  { label: 'Samples', num: true },
  ...PERCENTILE_COLUMNS.map((c) => ({ label: c.label, num: true })),
  { label: 'mean', num: true },
];

/**
 * Latency, service time and schedule lag of every operation: samples, p50 to max and mean in
 * ms. A percentile the sample is too small to carry shows as "—".
 */
export function Latency({ r }: { r: RunResult }) {
  return (
    <Section id="latency" title="Latency, service time and schedule lag">
      <Table columns={COLUMNS} rows={r.operations.map((op) => <OperationRows op={op} />)} empty="No operations were recorded." />
      <p class="hint">
        <strong>Latency</strong> counts from each operation's intended start, so queueing in the client is included; <strong>service time</strong>{' '}
        counts from the send. A percentile shows “—” when the sample is too small to carry it (p99 needs 100 samples, p99.9 needs 1,000).
      </p>
    </Section>
  );
}

/** One operation's rows, one per measure; the first carries the operation's name for all. */
function OperationRows({ op }: { op: OperationResult }) {
  return (
    <>
      {MEASURES.map((m, i) => (
        <tr class={i === 0 ? 'group' : undefined}>
          {i === 0 && (
            <th scope="rowgroup" rowspan={MEASURES.length} class="nowrap">
              {op.name}
            </th>
          )}
          <td title={m.title}>{m.label}</td>
          <td class="num">{fmtInt(op[m.key].count)}</td>
          {PERCENTILE_COLUMNS.map((c) => (
            <td class="num">
              <Pct p={op[m.key]} k={c.key} />
            </td>
          ))}
          <td class="num">
            <Pct p={op[m.key]} k="mean" />
          </td>
        </tr>
      ))}
    </>
  );
}
