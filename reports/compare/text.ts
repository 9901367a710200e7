/**
 * Words and figures shared by every compare and gate format (terminal, Markdown, HTML, JUnit):
 * values with their units, changes, intervals, limits, verdicts, and the description of the
 * noise method. Plain text; each format escapes it for itself.
 */
import { fmtChangePct, fmtChangePp, fmtMs, fmtNum, fmtRate, fmtRatioPct, fmtUsd, humanBytes } from '../../core/format.js';
import type { MetricChange } from './compare.js';
import type { MetricSpec, MetricUnit } from './metrics.js';
import { BOOTSTRAP_SEED, CONFIDENCE, MIN_SECONDS, RESAMPLES } from './stats.js';

/** A whole-run figure with its unit ("0.213 ms", "1,000 ops/s", "0.5 %", "7.25 MiB", "$12.00/month"); "—" when missing. */
export function fmtValue(unit: MetricUnit, v: number | null): string {
  if (v === null) return '—';
  switch (unit) {
    case 'ms':
      return fmtMs(v);
    case 'ops/s':
      return fmtRate(v);
    case 'ratio':
      return fmtRatioPct(v);
    case 'bytes':
      return humanBytes(v);
    case '$/month':
      return `${fmtUsd(v)}/month`;
  }
}

/** A change in the metric's terms: "+12.3 %" (relative) or "+0.5 pp" (absolute, a ratio); "—" when unknown. */
export function fmtChange(spec: MetricSpec, change: number | null): string {
  return spec.change === 'absolute' ? fmtChangePp(change) : fmtChangePct(change);
}

/** The noise in words: "[-8.1 %, +12.0 %]", "not estimable (…)", or "one snapshot per run". */
export function fmtNoise(m: MetricChange): string {
  const n = m.noise;
  if (n.kind === 'snapshot') return 'one snapshot per run';
  if (n.kind === 'not-estimable') return `not estimable: ${n.reason}`;
  return `[${fmtChange(m.spec, n.low)}, ${fmtChange(m.spec, n.high)}]`;
}

/** The noise in a short cell: the interval, "n/a (3 s)" or "snapshot". */
export function fmtNoiseShort(m: MetricChange): string {
  const n = m.noise;
  if (n.kind === 'snapshot') return 'snapshot';
  if (n.kind === 'not-estimable') return 'not estimable';
  return `[${fmtChange(m.spec, n.low)}, ${fmtChange(m.spec, n.high)}]`;
}

/** The limit in the worse direction: "+10 %" (latency, footprint, cost), "-5 %" (throughput), "+1 pp" (error rate); "—" when off. */
export function fmtLimit(spec: MetricSpec, limit: number | null): string {
  if (limit === null) return '—';
  // As the user wrote it: "10%" reads "+10 %", not "+10.0 %".
  return `${spec.worse === 'higher' ? '+' : '-'}${fmtNum(limit * 100)} ${spec.change === 'absolute' ? 'pp' : '%'}`;
}

/** Tone of a verdict for colour and badges: bad (fails the gate), warn (look at it), good, muted. */
export type Tone = 'good' | 'bad' | 'warn' | 'muted';

/** The verdict in words and its tone, e.g. "significant regression" (bad), "regression inside the noise" (warn). */
export function verdictText(m: MetricChange): { text: string; tone: Tone } {
  const worse = m.direction === 'worse';
  switch (m.verdict) {
    case 'within':
      return { text: 'no significant change', tone: 'good' };
    case 'significant':
      return worse ? { text: 'significant regression', tone: 'bad' } : { text: 'significant improvement', tone: 'good' };
    case 'in-noise':
      return worse ? { text: 'regression inside the noise', tone: 'warn' } : { text: 'improvement inside the noise', tone: 'muted' };
    case 'noise-unknown':
      return { text: `${worse ? 'regression' : 'improvement'} beyond the limit, noise not estimable`, tone: worse ? 'warn' : 'muted' };
    case 'not-measured':
      return { text: m.reason ?? 'not measured', tone: 'muted' };
    case 'unchecked':
      return { text: 'no limit', tone: 'muted' };
  }
}

/** A one-line explanation of a verdict for JUnit messages and Markdown details. */
export function verdictSentence(subject: string, m: MetricChange): string {
  const what = `${subject} ${m.spec.label}: ${fmtValue(m.spec.unit, m.baseline)} → ${fmtValue(m.spec.unit, m.current)} (${fmtChange(m.spec, m.change)}, limit ${fmtLimit(m.spec, m.limit)})`;
  switch (m.verdict) {
    case 'significant':
      return `${what}; ${m.noise.kind === 'interval' ? `95 % noise interval ${fmtNoise(m)} lies beyond the limit` : 'one snapshot per run, taken as measured'}: ${verdictText(m).text}.`;
    case 'in-noise':
      return `${what}; 95 % noise interval ${fmtNoise(m)} reaches inside the limit: ${verdictText(m).text}, not a failure.`;
    case 'noise-unknown':
      return `${what}; noise ${fmtNoise(m)}: not significant, flagged.`;
    default:
      return `${what}: ${verdictText(m).text}.`;
  }
}

/**
 * How compare and gate decide, in a few sentences (docs/ci.md says the same at length). Shown
 * under every compare and gate table.
 */
export function methodLines(): string[] {
  return [
    `Change: the whole-run figure of the current run against the baseline's (latency percentiles, achieved ops/s, error rate, footprint after the run per store, projected cost).`,
    `Noise: a ${Math.round(CONFIDENCE * 100)} % bootstrap interval (${RESAMPLES.toLocaleString('en-US')} resamples, seeded PRNG ${BOOTSTRAP_SEED}) of the median change of the per-second values over the measured (non-warmup) seconds: paired by second when both runs ran the same schedule, else the change of the two runs' per-second medians. p99.9 uses the per-second max (the series has no per-second p99.9); throughput the completed operations per second.`,
    `Verdict: a change within the limit is no significant change; beyond it, it is significant only when the whole interval lies beyond the limit too, else it is inside the noise (reported, never failed). With fewer than ${MIN_SECONDS} measured seconds the noise is not estimable: the change is flagged, not failed. Footprint and cost are one snapshot per run, taken as measured.`,
    `The interval covers the variation within each run, not between runs on a shared machine: keep the baseline's machine and schedule.`,
  ];
}

/**
 * The outcome of a set of changes in a few words: "no significant change", or "2 significant
 * regressions, 1 significant improvement", followed by the regressions inside the noise and the
 * changes whose noise could not be estimated.
 */
export function summaryText(changes: readonly MetricChange[]): string {
  const all = changes;
  const count = (pred: (m: MetricChange) => boolean) => all.filter(pred).length;
  const reg = count((m) => m.verdict === 'significant' && m.direction === 'worse');
  const imp = count((m) => m.verdict === 'significant' && m.direction === 'better');
  const noise = count((m) => m.verdict === 'in-noise' && m.direction === 'worse');
  const unknown = count((m) => m.verdict === 'noise-unknown');
  const parts: string[] = [];
  if (reg) parts.push(`${reg} significant regression${reg > 1 ? 's' : ''}`);
  if (imp) parts.push(`${imp} significant improvement${imp > 1 ? 's' : ''}`);
  if (parts.length === 0) parts.push('no significant change');
  if (noise) parts.push(`${noise} regression${noise > 1 ? 's' : ''} inside the noise`);
  if (unknown) parts.push(`${unknown} change${unknown > 1 ? 's' : ''} beyond a limit with the noise not estimable`);
  return parts.join(', ');
}
