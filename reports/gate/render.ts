/**
 * The gate's outputs, all from one GateResult: the terminal table, gate.md (a pull-request
 * comment) and gate-junit.xml (one test case per operation × checked metric, per store for
 * footprint, and for cost; a failure on a significant regression, skipped when not measured
 * or when the noise could not be estimated for a change beyond the limit).
 */
import { fmtDate, stripControl } from '../format.js';
import { junitDocument, type JunitCase } from '../junit.js';
import { code, md, mdItem } from '../markdown.js';
import { painter } from '../summary.js';
import type { MetricChange } from '../compare/compare.js';
import { changeTableMarkdown, methodMarkdown, notesMarkdown, runsTableMarkdown } from '../compare/markdown.js';
import { COST_SPEC, FOOTPRINT_SPEC, OP_METRIC_SPECS, metricLabel, type MetricId, type MetricSpec } from '../compare/metrics.js';
import { changeTableLines, noteLines, runLines } from '../compare/terminal.js';
import { fmtLimit, methodLines, verdictSentence } from '../compare/text.js';
import { describeLimits, gateHeadline, type GateCheck, type GateResult } from './gate.js';

/** File names the gate writes in its output directory. */
export const GATE_MARKDOWN_FILE = 'gate.md';
export const GATE_JUNIT_FILE = 'gate-junit.xml';

function specOf(metric: MetricId): MetricSpec {
  return metric === 'footprint' ? FOOTPRINT_SPEC : metric === 'cost' ? COST_SPEC : OP_METRIC_SPECS.find((s) => s.id === metric)!;
}

function limitsText(g: GateResult): string {
  return describeLimits(g.limits, (m, l) => fmtLimit(specOf(m), l));
}

function compared(g: GateResult): Array<{ subject: string; change: MetricChange }> {
  return g.checks.flatMap((c) => (c.change ? [{ subject: c.subject, change: c.change }] : []));
}

function skippedLines(g: GateResult): string[] {
  return g.checks.filter((c) => c.outcome === 'skipped').map((c) => `${c.subject} ${metricLabel(c.metric)}: ${c.reason ?? c.change?.reason ?? 'not measured'}`);
}

/**
 * The gate in the terminal: the two runs, the limits, the checked metrics, notes, the method
 * and a last line "gate: PASS: within limits" / "gate: FAIL: 1 significant regression".
 *
 * @returns lines joined by "\n", ending with a newline.
 */
export function renderGateTerminal(g: GateResult, opts: { color: boolean }): string {
  const paint = painter(opts.color);
  const c = g.comparison;
  const lines: string[] = [];
  lines.push(`${paint('bold', `capbench gate · ${stripControl(c.baseline.result.scenario.id)}`)} · ${c.current.label} against the baseline ${c.baseline.label}${c.paired ? ' (seconds paired)' : ' (unpaired: different schedules)'}`);
  lines.push(...runLines([c.baseline, c.current], c.baseline.label));
  lines.push(`  limits: ${limitsText(g)}`);
  lines.push('');
  lines.push(...changeTableLines(c, compared(g), opts.color));
  for (const s of skippedLines(g)) lines.push(paint('dim', `  skipped: ${stripControl(s)}`));
  lines.push(...noteLines(c));
  lines.push('');
  for (const l of methodLines()) lines.push(paint('dim', `  ${l}`));
  lines.push('');
  lines.push(paint(['bold', g.failed > 0 ? 'red' : 'green'], `gate: ${gateHeadline(g)}`));
  return `${lines.join('\n')}\n`;
}

/**
 * gate.md: a headline (✅ within limits / ❌ N significant regressions), the runs, the limits,
 * the checked metrics, what was skipped, notes and the method.
 *
 * @returns GitHub-flavoured Markdown ending with a newline.
 */
export function renderGateMarkdown(g: GateResult): string {
  const c = g.comparison;
  const out: string[] = [];
  out.push(`## ${g.failed > 0 ? '❌' : '✅'} capbench gate · ${md(c.baseline.result.scenario.id)} — ${md(gateHeadline(g))}`);
  out.push('');
  out.push(...runsTableMarkdown([c.baseline, c.current], c.baseline.label));
  out.push('');
  out.push(`**Limits:** ${md(limitsText(g))} · ${c.paired ? 'same schedule: seconds paired by time' : 'different schedules: seconds not paired'}`);
  out.push('');
  out.push(...changeTableMarkdown(c, compared(g)));
  const skipped = skippedLines(g);
  const notes = notesMarkdown(c);
  if (skipped.length || notes.length) {
    out.push('');
    for (const s of skipped) out.push(`- Skipped: ${md(s)}.`);
    out.push(...notes);
  }
  const failing = g.checks.filter((x) => x.outcome === 'fail' || x.outcome === 'flagged');
  if (failing.length) {
    out.push('');
    for (const x of failing) out.push(`- ${x.outcome === 'fail' ? '❌' : '⚠️'} ${mdItem(verdictSentence(x.subject, x.change!))}`);
  }
  out.push('');
  out.push(...methodMarkdown());
  out.push('');
  out.push(`<sub>capbench ${md(c.current.result.tool.version)} · baseline ${code(c.baseline.result.runId)} · current ${code(c.current.result.runId)}</sub>`);
  return `${out.join('\n')}\n`;
}

/**
 * gate-junit.xml: suite `capbench.gate.<scenario>`; a case per operation × checked metric
 * (classname `capbench.gate.<scenario>.<operation>`, name the metric), per store for footprint
 * (`….footprint`, name the store) and for cost (`….cost`). A significant regression is a
 * <failure type="regression">; a metric not measured, or beyond its limit with the noise not
 * estimable, is <skipped>. Changes inside the noise are listed in <system-out>.
 *
 * @returns well-formed XML ending with a newline.
 */
export function renderGateJunit(g: GateResult): string {
  const c = g.comparison;
  const suite = `capbench.gate.${c.current.result.scenario.id}`;
  const cases: JunitCase[] = g.checks.map((x) => junitCase(suite, x));
  const inNoise = g.checks.filter((x) => x.change?.verdict === 'in-noise').map((x) => verdictSentence(x.subject, x.change!));
  return junitDocument({
    name: suite,
    cases,
    time: '0',
    timestamp: c.current.result.startedAt,
    hostname: c.current.result.machine.hostname,
    properties: [
      ['baseline.runId', c.baseline.result.runId],
      ['baseline.file', c.baseline.source],
      ['current.runId', c.current.result.runId],
      ['current.file', c.current.source],
      ['limits', limitsText(g)],
      ['seconds', c.paired ? 'paired' : 'unpaired'],
      ['baseline.startedAt', fmtDate(c.baseline.result.startedAt)],
      ['capbench', c.current.result.tool.version],
    ],
    systemOut: [...inNoise, ...c.notes],
  });
}

function junitCase(suite: string, x: GateCheck): JunitCase {
  const group = x.metric === 'footprint' ? 'footprint' : x.metric === 'cost' ? 'cost' : x.subject;
  const name = x.metric === 'footprint' ? x.subject : metricLabel(x.metric);
  const base = { classname: `${suite}.${group}`, name };
  if (x.outcome === 'fail') {
    const sentence = verdictSentence(x.subject, x.change!);
    return { ...base, failure: { type: 'regression', message: sentence, detail: sentence } };
  }
  if (x.outcome === 'flagged') return { ...base, skipped: verdictSentence(x.subject, x.change!) };
  if (x.outcome === 'skipped') return { ...base, skipped: x.reason ?? x.change?.reason ?? 'not measured' };
  return base;
}
