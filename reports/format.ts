/**
 * Formatting and escaping shared by every report format. Pure functions, no I/O. Numbers
 * and units come from core/format.ts (re-exported here), the one set of formatting helpers
 * the engine, the CLI, the benches and the reports share.
 */
import type { OperationResult, Percentiles, RunResult, Stage } from '../core/results.js';

import { fmtNum, fmtRate, fmtS } from '../core/format.js';

export { exactBytes, fmtInt, fmtMs, fmtNum, fmtRate, fmtRatioPct, fmtS, humanBytes, humanBytesDelta } from '../core/format.js';

/**
 * Measured length of the run phase without warmup, s: the number of non-warmup points of the
 * run's per-second series; without a series, endedAt - startedAt - warmupS (at least 0).
 */
export function measuredDurationS(result: RunResult): number {
  const measuredPoints = result.series.filter((p) => !p.warmup).length;
  if (measuredPoints > 0) return measuredPoints;
  const wall = (Date.parse(result.endedAt) - Date.parse(result.startedAt)) / 1000;
  return Number.isFinite(wall) ? Math.max(0, wall - result.schedule.warmupS) : 0;
}

/** Wall-clock length of the run, s (endedAt - startedAt), or NaN when a date does not parse. */
export function wallDurationS(result: RunResult): number {
  return (Date.parse(result.endedAt) - Date.parse(result.startedAt)) / 1000;
}

/**
 * The intended (target) rate of one operation over the measured phase, ops/s: the mean of
 * the operation's per-second `targetOps` over its non-warmup seconds. Null in closed loop or
 * when the series carries no target. (RunResult has no per-operation target field; this is
 * derived from the series.)
 */
export function opTargetOpsPerSec(op: OperationResult): number | null {
  let sum = 0;
  let n = 0;
  for (const p of op.series) {
    // Seconds with no arrivals (the drain after the schedule's end) are not part of the target.
    if (p.warmup || p.targetOps === null || p.targetOps === 0) continue;
    sum += p.targetOps;
    n++;
  }
  return n > 0 ? sum / n : null;
}

/** Total errors of an operation (all kinds). */
export function totalErrors(op: OperationResult): number {
  return Object.values(op.errors).reduce((a, b) => a + b, 0);
}

/** Errors by kind, largest first, as [kind, count] pairs (kinds with count 0 left out). */
export function errorsByKind(op: OperationResult): Array<[string, number]> {
  return Object.entries(op.errors)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** The percentile columns every report shows, in order, with their labels. */
export const PERCENTILE_COLUMNS: ReadonlyArray<{ key: keyof Percentiles; label: string; minSamples: number }> = [
  { key: 'p50', label: 'p50', minSamples: 1 },
  { key: 'p90', label: 'p90', minSamples: 10 },
  { key: 'p99', label: 'p99', minSamples: 100 },
  { key: 'p999', label: 'p99.9', minSamples: 1000 },
  { key: 'max', label: 'max', minSamples: 1 },
];

/** "2025-11-21 14:03:07 UTC" from an ISO date; the input as is when it does not parse. */
export function fmtDate(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Describe stages in words: "20 s at 2,000 ops/s → 5 s ramp 2,000→10,000 ops/s → …". */
export function describeStages(stages: readonly Stage[]): string {
  if (stages.length === 0) return '—';
  return stages
    .map((s) => {
      const label = s.label ? ` (${s.label})` : '';
      if (s.fromRate !== undefined && s.fromRate !== s.rate) {
        return `${fmtS(s.durationS)} ramp ${fmtNum(s.fromRate)}→${fmtRate(s.rate)}${label}`;
      }
      return `${fmtS(s.durationS)} at ${fmtRate(s.rate)}${label}`;
    })
    .join(' → ');
}

/**
 * "FerretDB (MongoDB wire protocol) 1.24.0, stand-in for MongoDB" style target label; with the
 * client library where the run recorded one: "Redis 7.0.15 via ioredis 5.11.1 (auto-pipelining)".
 */
export function describeTarget(t: RunResult['targets'][number]): string {
  const base = `${t.product} ${t.version}`;
  const named = t.standInFor ? `${base} (stand-in for ${t.standInFor})` : base;
  return t.client ? `${named} via ${t.client}` : named;
}

/**
 * Escape text for XML 1.0 content and attributes. Characters XML 1.0 cannot carry at all
 * (C0 controls other than tab, LF, CR; lone surrogates; U+FFFE/U+FFFF) are replaced by U+FFFD.
 */
export function escapeXml(text: unknown): string {
  return String(text)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Serialise a value as JSON that is safe inside an HTML <script> element: `<`, `>`, `&`,
 * U+2028 and U+2029 are written as \u escapes, so no "</script>" or "<!--" can appear.
 * JSON.parse() of the element's text gives the value back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Remove terminal control sequences from text taken from a result (a scenario id could
 * otherwise carry ESC sequences into the user's terminal). Tabs and newlines become spaces.
 */
export function stripControl(text: string): string {
  return text.replace(/[\u0000-\u001F\u007F-\u009F]/g, (c) => (c === '\t' || c === '\n' || c === '\r' ? ' ' : ''));
}

/** A scenario table cell (core/results.ts ScenarioTable) as text: numbers with about three significant figures, null as "—". */
export function formatCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  return typeof v === 'number' ? fmtNum(v) : v;
}
