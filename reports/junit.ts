/**
 * JUnit XML for CI: one test suite per run, one test case per threshold, one for "rate not
 * flagged" and one for "run completed". Failed cases carry a <failure> with the measured
 * figure and the limit. Everything from the result is XML-escaped.
 */
import type { RunResult } from '../core/results.js';
import { describeTarget, escapeXml as x, fmtNum, fmtRate, fmtRatioPct, wallDurationS } from './format.js';
import { redactResult } from './redact.js';

/** File name of the JUnit XML inside a run's output directory. */
export const JUNIT_FILE = 'junit.xml';

interface Case {
  classname: string;
  name: string;
  failure?: { type: string; message: string; detail: string };
}

/**
 * Render a run as JUnit XML.
 *
 * Test cases: each threshold (`capbench.<scenario>.thresholds`, named by its expression;
 * failure type "threshold"), "rate not flagged" (`capbench.<scenario>.rate`; failure type
 * "rate-flagged" with the reasons) and "run completed" (`capbench.<scenario>.run`; failure
 * type "aborted" with the abort reason).
 *
 * @param result a validated RunResult (credentials are redacted again before rendering).
 * @returns a UTF-8 XML document with a <testsuites> root, ending with a newline.
 */
export function renderJunit(result: RunResult): string {
  const r = redactResult(result);
  const suite = `capbench.${r.scenario.id}`;
  const cases: Case[] = [];
  for (const t of r.thresholds) {
    const measured = t.actual === null ? 'not measured (too few samples or no data)' : `${fmtNum(t.actual)} ${t.unit}`;
    cases.push({
      classname: `${suite}.thresholds`,
      name: t.expression,
      failure: t.passed
        ? undefined
        : {
            type: 'threshold',
            message: `${t.expression}: measured ${measured}, limit ${fmtNum(t.limit)} ${t.unit}`,
            detail: `operation: ${t.operation}\nmetric: ${t.metric}\nmeasured: ${measured}\nlimit: ${fmtNum(t.limit)} ${t.unit}`,
          },
    });
  }
  const target = r.rate.targetOpsPerSec;
  const rateLine =
    target !== null
      ? `achieved ${fmtRate(r.rate.achievedOpsPerSec)} of ${fmtRate(target)} target (${fmtRatioPct(r.rate.achievedOpsPerSec / target)}); ${r.rate.notStarted} intended operations never started`
      : `achieved ${fmtRate(r.rate.achievedOpsPerSec)} (closed loop)`;
  cases.push({
    classname: `${suite}.rate`,
    name: 'rate not flagged',
    failure: r.rate.flagged
      ? {
          type: 'rate-flagged',
          message: `The run fell short of its schedule: ${r.rate.reasons[0] ?? rateLine}`,
          detail: [rateLine, ...r.rate.reasons.map((s) => `- ${s}`)].join('\n'),
        }
      : undefined,
  });
  cases.push({
    classname: `${suite}.run`,
    name: 'run completed',
    failure:
      r.status === 'aborted'
        ? { type: 'aborted', message: `The run was aborted${r.abortReason ? `: ${r.abortReason}` : ''}; results are partial.`, detail: r.abortReason ?? 'aborted' }
        : undefined,
  });

  const failures = cases.filter((c) => c.failure).length;
  const wall = wallDurationS(r);
  const time = Number.isFinite(wall) && wall >= 0 ? wall.toFixed(3) : '0';
  const props: Array<[string, string]> = [
    ['runId', r.runId],
    ['status', r.status],
    ['loop', r.loop],
    ['targetOpsPerSec', target === null ? 'null' : String(target)],
    ['achievedOpsPerSec', String(r.rate.achievedOpsPerSec)],
    ['harnessBottleneck', String(r.harness.bottleneck)],
    ['machine', `${r.machine.hostname} ${r.machine.platform}/${r.machine.arch} ${r.machine.cpus}x ${r.machine.cpuModel}, Node ${r.machine.node}`],
    ...r.targets.map((t): [string, string] => [`target.${t.store}`, describeTarget(t)]),
    ['capbench', r.tool.version],
  ];
  const lines: string[] = [];
  lines.push('<?xml version="1.0" encoding="UTF-8"?>');
  lines.push(`<testsuites name="capbench" tests="${cases.length}" failures="${failures}" errors="0" time="${time}">`);
  lines.push(
    `  <testsuite name="${x(suite)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${time}" timestamp="${x(r.startedAt)}" hostname="${x(r.machine.hostname)}">`,
  );
  lines.push('    <properties>');
  for (const [k, v] of props) lines.push(`      <property name="${x(k)}" value="${x(v)}"/>`);
  lines.push('    </properties>');
  for (const c of cases) {
    const open = `    <testcase classname="${x(c.classname)}" name="${x(c.name)}" time="0"`;
    if (!c.failure) {
      lines.push(`${open}/>`);
      continue;
    }
    lines.push(`${open}>`);
    lines.push(`      <failure type="${x(c.failure.type)}" message="${x(c.failure.message)}">${x(c.failure.detail)}</failure>`);
    lines.push('    </testcase>');
  }
  if (r.harness.notes.length > 0 || r.notes.length > 0) {
    lines.push(`    <system-out>${x([...r.harness.notes, ...r.notes].join('\n'))}</system-out>`);
  }
  lines.push('  </testsuite>');
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
