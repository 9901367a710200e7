import { allChanges, type Comparison, type MetricChange } from '../../compare/compare.js';
import { fmtChange, fmtLimit, fmtNoise, fmtNoiseShort, fmtValue, summaryText, verdictText, type Tone } from '../../compare/text.js';
import { Badge, List, Section, Table, type Column } from '../common.js';

const BADGE: Record<Tone, 'good' | 'bad' | 'warn' | 'muted-badge'> = { good: 'good', bad: 'bad', warn: 'warn', 'muted': 'muted-badge' };

/**
 * One run against the baseline: a headline (no significant change / N significant
 * regressions), then per operation its metrics, then footprint per store and cost, each with
 * the two whole-run figures, the change, the 95 % noise interval, the limit and the verdict;
 * then the operations found in one run only and the notes.
 */
export function CompareChanges({ c, index }: { c: Comparison; index: number }) {
  const changes = allChanges(c);
  const columns: readonly Column[] = [
    { label: 'Operation' },
    { label: 'Metric' },
    { label: `${c.baseline.label} (baseline)`, num: true },
    { label: c.current.label, num: true },
    { label: 'Change', num: true },
    { label: '95 % noise interval', num: true, title: 'Bootstrap interval of the median per-second change (see "How changes are judged")' },
    { label: 'Limit', num: true },
    { label: 'Verdict' },
  ];
  const notes = [
    ...(c.onlyInBaseline.length ? [`Only in ${c.baseline.label}, not compared: ${c.onlyInBaseline.join(', ')}.`] : []),
    ...(c.onlyInCurrent.length ? [`Only in ${c.current.label}, not compared: ${c.onlyInCurrent.join(', ')}.`] : []),
    ...c.notes,
  ];
  return (
    <Section id={`vs-${index}`} title={`${c.current.label} vs ${c.baseline.label}: ${summaryText(changes.map((x) => x.change))}`}>
      <p class="hint">{c.paired ? 'Same schedule: seconds paired by their time.' : 'Different schedules: seconds not paired (change of the per-second medians).'}</p>
      <Table
        columns={columns}
        rows={changes.map(({ subject, change }, i) => (
          <ChangeRow subject={subject} m={change} first={i === 0 || changes[i - 1]!.subject !== subject} />
        ))}
        empty="Nothing to compare: the runs share no operation."
      />
      <List items={notes} />
    </Section>
  );
}

function ChangeRow({ subject, m, first }: { subject: string; m: MetricChange; first: boolean }) {
  const v = verdictText(m);
  const runLevel = m.spec.id === 'footprint' || m.spec.id === 'cost';
  return (
    <tr class={first ? 'group' : undefined}>
      <th scope="row">{runLevel ? '' : first ? subject : ''}</th>
      <td>{m.spec.id === 'footprint' ? `footprint (${subject})` : m.spec.label}</td>
      <td class="num">{fmtValue(m.spec.unit, m.baseline)}</td>
      <td class="num">{fmtValue(m.spec.unit, m.current)}</td>
      <td class={v.tone === 'bad' ? 'num bad' : 'num'}>{fmtChange(m.spec, m.change)}</td>
      <td class="num" title={fmtNoise(m)}>
        {fmtNoiseShort(m)}
      </td>
      <td class="num">{fmtLimit(m.spec, m.limit)}</td>
      <td>
        <Badge tone={BADGE[v.tone]} title={m.reason}>
          {v.text}
        </Badge>
      </td>
    </tr>
  );
}
