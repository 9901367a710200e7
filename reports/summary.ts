/**
 * The short end-of-run summary printed to the terminal: one line of context, a per-operation
 * table, rate and flags, thresholds, footprint. The caller prints where the files went.
 * Text from the result is stripped of control characters (no terminal escape injection).
 */
import type { RunResult } from '../core/results.js';
import {
  errorsByKind,
  fmtInt,
  fmtMs,
  fmtNum,
  fmtRate,
  fmtRatioPct,
  fmtS,
  humanBytes,
  humanBytesDelta,
  measuredDurationS,
  opTargetOpsPerSec,
  stripControl,
  totalErrors,
} from './format.js';
import { redactResult } from './redact.js';
import { monthly, offerText, scaleText, storesOf } from './cost/view.js';

/** Options of {@link renderTerminalSummary}. */
export interface TerminalSummaryOptions {
  /** Use ANSI colours (the caller decides: TTY, NO_COLOR, --no-color). */
  color: boolean;
}

const ANSI = { reset: '\u001b[0m', bold: '\u001b[1m', dim: '\u001b[2m', red: '\u001b[31m', green: '\u001b[32m', yellow: '\u001b[33m' };
/** An ANSI text style. */
export type Style = keyof typeof ANSI;

/**
 * Render the end-of-run summary.
 *
 * @param result a validated RunResult (credentials are redacted again before rendering).
 * @param opts.color whether to emit ANSI colour codes.
 * @returns several lines joined by "\n", ending with a newline; latency in ms, rates in ops/s,
 *   footprint in IEC bytes. Lines are at most about 110 columns for typical operation names.
 */
export function renderTerminalSummary(result: RunResult, opts: TerminalSummaryOptions): string {
  const r = redactResult(result);
  const paint = painter(opts.color);
  const t = (s: string): string => stripControl(s);
  const lines: string[] = [];

  const status = r.status === 'aborted' ? paint(['bold', 'red'], 'ABORTED (partial results)') : paint('green', 'completed');
  lines.push(
    `${paint('bold', `capbench · ${t(r.scenario.id)}`)} · ${status} · ${fmtS(measuredDurationS(r))} measured (+${fmtS(r.schedule.warmupS)} warmup) · ${t(r.loop)} loop${r.loop === 'open' ? `, ${t(r.schedule.arrival)}` : ''}`,
  );
  if (r.status === 'aborted' && r.abortReason) lines.push(paint('red', `  aborted: ${t(r.abortReason)}`));
  lines.push('');

  const header = ['operation', 'count', 'ops/s achieved / target', 'p50', 'p99', 'p99.9', 'max', 'errors'];
  const rows: string[][] = r.operations.map((op) => {
    const target = opTargetOpsPerSec(op);
    const errs = totalErrors(op);
    const kinds = errorsByKind(op).map(([k, n]) => `${t(k)} ${fmtInt(n)}`).join(', ');
    const short = target !== null && target > 0 && op.achievedOpsPerSec < 0.95 * target;
    const pct = (v: number | null) => (v === null ? paint('dim', '—') : fmtMs(v));
    return [
      t(op.name),
      fmtInt(op.count),
      paint(short ? 'yellow' : [], `${fmtNum(op.achievedOpsPerSec)} / ${target !== null ? fmtNum(target) : '—'}`),
      pct(op.latencyMs.p50),
      pct(op.latencyMs.p99),
      pct(op.latencyMs.p999),
      pct(op.latencyMs.max),
      errs === 0 ? '0' : paint('red', `${fmtInt(errs)} (${kinds})`),
    ];
  });
  lines.push(...tableLines(header, rows, [false, true, true, true, true, true, true, false], (h) => paint('dim', h)));
  if (rows.length === 0) lines.push('  (no operations recorded)');
  lines.push(paint('dim', '  latency in ms from the intended start; — = too few samples'));
  lines.push('');

  const target = r.rate.targetOpsPerSec;
  const rateText =
    target !== null
      ? `${fmtRate(r.rate.achievedOpsPerSec)} of ${fmtRate(target)} target (${fmtRatioPct(r.rate.achievedOpsPerSec / target)})`
      : `${fmtRate(r.rate.achievedOpsPerSec)} (closed loop)`;
  lines.push(`  rate: ${rateText}${r.rate.notStarted > 0 ? `, ${fmtInt(r.rate.notStarted)} not started` : ''} · ${r.rate.flagged ? paint(['bold', 'yellow'], 'FLAGGED') : 'not flagged'}`);
  if (r.rate.flagged) {
    lines.push(paint('yellow', '  ! the run fell short of its schedule: the figures are not at the target rate'));
    for (const reason of r.rate.reasons) lines.push(paint('yellow', `    - ${t(reason)}`));
  }
  if (r.harness.bottleneck) {
    const lag = r.harness.eventLoopLagMs.p99;
    lines.push(
      paint('yellow', `  ! the harness, not the target, was the bottleneck (CPU ${fmtNum(r.harness.cpuPct.max)} % max, event-loop lag p99 ${lag === null ? '—' : fmtMs(lag)})`),
    );
    for (const note of r.harness.notes) lines.push(paint('yellow', `    - ${t(note)}`));
  }

  if (r.thresholds.length > 0) {
    const failed = r.thresholds.filter((th) => !th.passed);
    const head = `  thresholds: ${r.thresholds.length - failed.length} / ${r.thresholds.length} passed`;
    lines.push(failed.length === 0 ? paint('green', head) : paint('red', head));
    for (const th of failed) {
      const actual = th.actual === null ? 'not measured' : `${fmtNum(th.actual)} ${t(th.unit)}`;
      lines.push(paint('red', `    FAIL ${t(th.expression)} (measured ${actual}, limit ${fmtNum(th.limit)} ${t(th.unit)})`));
    }
  }

  for (const f of r.faults ?? []) {
    const errs = Object.entries(f.errorsByKind).map(([k, v]) => `${t(k)} ${fmtNum(v)}`).join(', ') || 'no errors';
    const rec = f.timeToRecoveryS === null ? (f.interruptedBy ? `not recovered before ${t(f.interruptedBy)}` : 'NOT RECOVERED') : `recovered after ${fmtNum(f.timeToRecoveryS)} s`;
    const loss = f.storeLoss.map((l) => `${t(l.check.replace(/\s*==\s*0$/, ''))} ${l.value === null ? '?' : fmtNum(l.value)}`).join(', ');
    const line = `  fault ${t(f.spec)}: ${errs}; ${rec}${loss ? `; ${loss}` : ''}`;
    lines.push(f.timeToRecoveryS === null && !f.interruptedBy ? paint('red', line) : line);
  }

  if (r.footprint.after.length > 0) {
    const parts = r.footprint.after.map((a) => {
      const b = r.footprint.before.find((f) => f.store === a.store);
      return `${t(a.store)} ${humanBytes(a.totalBytes)}${b ? ` (${humanBytesDelta(a.totalBytes - b.totalBytes)})` : ''}`;
    });
    const total = r.footprint.after.reduce((s, f) => s + f.totalBytes, 0);
    lines.push(`  footprint: ${parts.join(' · ')} · total ${humanBytes(total)}`);
  }
  if (r.cost) {
    const parts = storesOf(r.cost).map(({ store, chosen }) => `${t(store)} ${chosen ? `${monthly(chosen.monthlyUsd)} (${t(chosen.product)}, ${t(offerText(chosen))})` : 'not priced'}`);
    lines.push(`  cost at ${t(scaleText(r.cost.scale))}: ${parts.length ? `${parts.join(' · ')} · ` : ''}total ${paint('bold', monthly(r.cost.totalMonthlyUsd))}`);
    lines.push(paint('dim', `    list prices read ${r.cost.priceBook.readFrom}${r.cost.priceBook.readTo !== r.cost.priceBook.readFrom ? ` to ${r.cost.priceBook.readTo}` : ''} (${t(r.cost.priceBook.source)}); assumptions in the report`));
  }
  if (r.claims.length > 0) {
    const n = (v: string) => r.claims.filter((c) => c.verdict === v).length;
    lines.push(`  claims: ${n('holds')} hold · ${n('refuted') > 0 ? paint('red', `${n('refuted')} refuted`) : '0 refuted'} · ${n('not-measurable')} not measurable here`);
  }
  return `${lines.join('\n')}\n`;
}

/** A function that wraps text in ANSI styles when `color` is true, and returns it as is otherwise. */
export function painter(color: boolean): (style: Style | Style[], text: string) => string {
  return (style, text) => {
    if (!color) return text;
    const styles = Array.isArray(style) ? style : [style];
    if (styles.length === 0) return text;
    return `${styles.map((s) => ANSI[s]).join('')}${text}${ANSI.reset}`;
  };
}

/**
 * A table for the terminal: each column padded to its widest cell (ANSI codes not counted),
 * columns two spaces apart, indented by two; `right[i]` right-aligns column i; the last column
 * is not padded. The header line goes through `styleHeader`.
 * @returns the header line, then one line per row.
 */
export function tableLines(header: readonly string[], rows: readonly string[][], right: readonly boolean[], styleHeader: (line: string) => string = (l) => l): string[] {
  const widths = header.map((h, i) => Math.max(visibleLength(h), ...rows.map((row) => visibleLength(row[i] ?? ''))));
  const fmtRow = (cells: readonly string[]) =>
    `  ${cells.map((c, i) => (right[i] ? padStart(c, widths[i]!) : i === cells.length - 1 ? c : padEnd(c, widths[i]!))).join('  ')}`.trimEnd();
  return [styleHeader(fmtRow(header)), ...rows.map(fmtRow)];
}

// eslint-disable-next-line no-control-regex
const ANSI_RE = /\u001b\[[0-9;]*m/g;

function visibleLength(s: string): number {
  return [...s.replace(ANSI_RE, '')].length;
}
function padStart(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - visibleLength(s))) + s;
}
function padEnd(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - visibleLength(s)));
}
