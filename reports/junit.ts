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

/** One JUnit test case: passed, failed (with a failure) or skipped (with the reason). */
export interface JunitCase {
  classname: string;
  name: string;
  failure?: { type: string; message: string; detail: string };
  /** Not evaluated: the reason (a <skipped message>). */
  skipped?: string;
}

/** One test suite, rendered by {@link junitDocument}. */
export interface JunitSuite {
  name: string;
  cases: readonly JunitCase[];
  /** Suite time in s, already formatted ("12.345"). */
  time: string;
  /** ISO date the suite started. */
  timestamp: string;
  hostname: string;
  properties: ReadonlyArray<readonly [string, string]>;
  /** Lines for <system-out>; none: no element. */
  systemOut: readonly string[];
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
  const cases: JunitCase[] = [];
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

  const wall = wallDurationS(r);
  const time = Number.isFinite(wall) && wall >= 0 ? wall.toFixed(3) : '0';
  const properties: Array<[string, string]> = [
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
  return junitDocument({ name: suite, cases, time, timestamp: r.startedAt, hostname: r.machine.hostname, properties, systemOut: [...r.harness.notes, ...r.notes] });
}

/**
 * A JUnit XML document with one suite: a <testsuites> root (named "capbench") holding the
 * <testsuite> with its properties, its cases and, when there are lines, a <system-out>.
 * Every name, message and value is XML-escaped.
 *
 * @returns UTF-8 XML text ending with a newline.
 */
export function junitDocument(s: JunitSuite): string {
  const failures = s.cases.filter((c) => c.failure).length;
  const skipped = s.cases.filter((c) => !c.failure && c.skipped !== undefined).length;
  const lines: string[] = [];
  lines.push('<?xml version="1.0" encoding="UTF-8"?>');
  lines.push(`<testsuites name="capbench" tests="${s.cases.length}" failures="${failures}" errors="0" time="${s.time}">`);
  lines.push(
    `  <testsuite name="${x(s.name)}" tests="${s.cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${s.time}" timestamp="${x(s.timestamp)}" hostname="${x(s.hostname)}">`,
  );
  lines.push('    <properties>');
  for (const [k, v] of s.properties) lines.push(`      <property name="${x(k)}" value="${x(v)}"/>`);
  lines.push('    </properties>');
  for (const c of s.cases) {
    const open = `    <testcase classname="${x(c.classname)}" name="${x(c.name)}" time="0"`;
    if (c.failure) {
      lines.push(`${open}>`);
      lines.push(`      <failure type="${x(c.failure.type)}" message="${x(c.failure.message)}">${x(c.failure.detail)}</failure>`);
      lines.push('    </testcase>');
    } else if (c.skipped !== undefined) {
      lines.push(`${open}>`);
      lines.push(`      <skipped message="${x(c.skipped)}"/>`);
      lines.push('    </testcase>');
    } else {
      lines.push(`${open}/>`);
    }
  }
  if (s.systemOut.length > 0) lines.push(`    <system-out>${x(s.systemOut.join('\n'))}</system-out>`);
  lines.push('  </testsuite>');
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
