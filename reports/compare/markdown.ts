/**
 * compare as Markdown for a pull-request comment (GitHub-flavoured): the runs, then per run
 * against the baseline one table of changes with noise intervals and verdicts, notes and the
 * method. Text from the results is escaped (reports/markdown.ts md/code).
 */
import { describeStages, fmtDate, fmtS, measuredDurationS } from '../format.js';
import { code, md, mdItem } from '../markdown.js';
import { allChanges, type Comparison, type MetricChange, type MultiComparison, type RunRef } from './compare.js';
import { fmtChange, fmtLimit, fmtNoiseShort, fmtValue, methodLines, summaryText, verdictText, type Tone } from './text.js';

/** File name of the compare Markdown in the output directory. */
export const COMPARE_MARKDOWN_FILE = 'compare.md';

const TONE_ICON: Record<Tone, string> = { good: '✅', bad: '❌', warn: '⚠️', muted: '➖' };

/** A Markdown table of the runs: label, run id, start, measured s, paths, schedule, file. */
export function runsTableMarkdown(runs: readonly RunRef[], baselineLabel: string): string[] {
  const out = ['| Run | Run id | Started | Measured | Paths | Schedule | File |', '|---|---|---|--:|---|---|---|'];
  for (const ref of runs) {
    const r = ref.result;
    out.push(
      `| **${md(ref.label)}**${ref.label === baselineLabel ? ' (baseline)' : ''} | ${code(r.runId)} | ${md(fmtDate(r.startedAt))} | ${fmtS(measuredDurationS(r))} | ${r.scenario.paths.map(code).join(', ')} | ${md(describeStages(r.schedule.stages))} | ${code(ref.source)} |`,
    );
  }
  return out;
}

/**
 * A Markdown table of a comparison's changes.
 *
 * @param changes the rows (all for compare, the checked ones for gate).
 */
export function changeTableMarkdown(c: Comparison, changes: ReadonlyArray<{ subject: string; change: MetricChange }>): string[] {
  const out = [
    `| Operation | Metric | ${md(c.baseline.label)} | ${md(c.current.label)} | Change | 95 % noise interval | Limit | Verdict |`,
    '|---|---|--:|--:|--:|--:|--:|---|',
  ];
  for (const { subject, change: m } of changes) {
    const v = verdictText(m);
    const run = m.spec.id === 'footprint' || m.spec.id === 'cost';
    const verdict = v.tone === 'bad' ? `${TONE_ICON[v.tone]} **${md(v.text)}**` : `${TONE_ICON[v.tone]} ${md(v.text)}`;
    out.push(
      `| ${run ? '' : md(subject)} | ${m.spec.id === 'footprint' ? `footprint (${md(subject)})` : md(m.spec.label)} | ${fmtValue(m.spec.unit, m.baseline)} | ${fmtValue(m.spec.unit, m.current)} | ${fmtChange(m.spec, m.change)} | ${md(fmtNoiseShort(m))} | ${fmtLimit(m.spec, m.limit)} | ${verdict} |`,
    );
  }
  if (changes.length === 0) out.push('| _nothing to compare_ | | | | | | | |');
  return out;
}

/** The notes of a comparison as Markdown list items (none: no lines). */
export function notesMarkdown(c: Comparison): string[] {
  const out: string[] = [];
  if (c.onlyInBaseline.length) out.push(`- Only in ${md(c.baseline.label)}, not compared: ${c.onlyInBaseline.map(md).join(', ')}.`);
  if (c.onlyInCurrent.length) out.push(`- Only in ${md(c.current.label)}, not compared: ${c.onlyInCurrent.map(md).join(', ')}.`);
  for (const n of c.notes) out.push(`- ${mdItem(n)}`);
  return out;
}

/** The method, as a collapsed details block. */
export function methodMarkdown(): string[] {
  return ['<details><summary>How changes are judged</summary>', '', ...methodLines().map((l) => `- ${md(l)}`), '', '</details>'];
}

/**
 * Render a comparison of several runs as Markdown.
 *
 * @returns GitHub-flavoured Markdown ending with a newline.
 */
export function renderCompareMarkdown(mc: MultiComparison): string {
  const base = mc.runs[0]!;
  const out: string[] = [];
  out.push(`## capbench compare · ${md(base.result.scenario.id)}`);
  out.push('');
  out.push(...runsTableMarkdown(mc.runs, base.label));
  for (const c of mc.comparisons) {
    out.push('');
    out.push(`### ${md(c.current.label)} vs ${md(c.baseline.label)}: ${md(summaryText(allChanges(c).map((x) => x.change)))}`);
    out.push('');
    out.push(`_${c.paired ? 'Same schedule: seconds paired by time.' : 'Different schedules: seconds not paired.'}_`);
    out.push('');
    out.push(...changeTableMarkdown(c, allChanges(c)));
    const notes = notesMarkdown(c);
    if (notes.length) out.push('', ...notes);
  }
  out.push('');
  out.push(...methodMarkdown());
  out.push('');
  out.push(`<sub>capbench ${md(base.result.tool.version)} · results schema v${base.result.schemaVersion}</sub>`);
  return `${out.join('\n')}\n`;
}
