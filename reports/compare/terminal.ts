/**
 * compare in the terminal: the runs, then per run against the baseline a table of every
 * operation metric, footprint and cost with the change, the noise interval, the limit and the
 * verdict; then notes and the method. Text from the results is stripped of control characters.
 */
import { describeStages, fmtDate, fmtS, measuredDurationS, stripControl } from '../format.js';
import { painter, tableLines, type Style } from '../summary.js';
import { allChanges, type Comparison, type MetricChange, type MultiComparison, type RunRef } from './compare.js';
import { fmtChange, fmtLimit, fmtNoiseShort, fmtValue, methodLines, summaryText, verdictText, type Tone } from './text.js';

const TONE_STYLE: Record<Tone, Style[]> = { good: ['green'], bad: ['bold', 'red'], warn: ['yellow'], muted: ['dim'] };

/** One line per run: label, run id, start, measured seconds, paths, schedule, source file. */
export function runLines(runs: readonly RunRef[], baselineLabel: string): string[] {
  return runs.map((ref) => {
    const r = ref.result;
    const role = ref.label === baselineLabel ? ' (baseline)' : '';
    return `  ${ref.label}${role}: ${stripControl(r.runId)} · ${fmtDate(r.startedAt)} · ${fmtS(measuredDurationS(r))} measured · ${stripControl(r.scenario.paths.join(', '))} · ${stripControl(describeStages(r.schedule.stages))} · ${stripControl(ref.source)}`;
  });
}

/**
 * The table of a comparison's changes, for the terminal.
 *
 * @param changes the rows to show (all of them for compare, the checked ones for gate).
 * @returns the header line and one line per change.
 */
export function changeTableLines(c: Comparison, changes: ReadonlyArray<{ subject: string; change: MetricChange }>, color: boolean): string[] {
  const paint = painter(color);
  const header = ['', 'metric', c.baseline.label, c.current.label, 'change', '95 % noise interval', 'limit', 'verdict'];
  const rows = changes.map(({ subject, change: m }, i) => {
    const v = verdictText(m);
    const metric = m.spec.id === 'footprint' ? `footprint (${stripControl(subject)})` : m.spec.label;
    const first = i === 0 || changes[i - 1]!.subject !== subject;
    return [
      m.spec.id === 'footprint' || m.spec.id === 'cost' || !first ? '' : stripControl(subject),
      metric,
      fmtValue(m.spec.unit, m.baseline),
      fmtValue(m.spec.unit, m.current),
      fmtChange(m.spec, m.change),
      fmtNoiseShort(m),
      fmtLimit(m.spec, m.limit),
      paint(TONE_STYLE[v.tone], v.text),
    ];
  });
  return tableLines(header, rows, [false, false, true, true, true, true, true, false], (h) => paint('dim', h));
}

/** Notes of a comparison (operations found in one run only, different schedules, ...), indented. */
export function noteLines(c: Comparison): string[] {
  const out: string[] = [];
  if (c.onlyInBaseline.length) out.push(`  only in ${c.baseline.label}, not compared: ${stripControl(c.onlyInBaseline.join(', '))}`);
  if (c.onlyInCurrent.length) out.push(`  only in ${c.current.label}, not compared: ${stripControl(c.onlyInCurrent.join(', '))}`);
  for (const n of c.notes) out.push(`  note: ${stripControl(n)}`);
  return out;
}

/**
 * Render a comparison of several runs for the terminal.
 *
 * @param opts.color whether to emit ANSI colours.
 * @returns lines joined by "\n", ending with a newline.
 */
export function renderCompareTerminal(mc: MultiComparison, opts: { color: boolean }): string {
  const paint = painter(opts.color);
  const base = mc.runs[0]!;
  const lines: string[] = [];
  lines.push(`${paint('bold', `capbench compare · ${stripControl(base.result.scenario.id)}`)} · ${mc.runs.length} runs, ${base.label} is the baseline`);
  lines.push(...runLines(mc.runs, base.label));
  for (const c of mc.comparisons) {
    lines.push('');
    lines.push(paint('bold', `${c.current.label} vs ${c.baseline.label}${c.paired ? ' (seconds paired)' : ' (unpaired: different schedules)'}: ${summaryText(allChanges(c).map((x) => x.change))}`));
    lines.push(...changeTableLines(c, allChanges(c), opts.color));
    lines.push(...noteLines(c));
  }
  lines.push('');
  for (const l of methodLines()) lines.push(paint('dim', `  ${l}`));
  return `${lines.join('\n')}\n`;
}
