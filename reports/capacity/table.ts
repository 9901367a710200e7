/**
 * The step table of a capacity search as text (`capbench capacity` prints it live, one row as
 * each step finishes; the benches print it too) and as rows for the HTML and Markdown reports.
 * Rates ops/s, latencies ms (from the intended start; svc = service time, lag = schedule lag),
 * CPU % of one core (client = capbench, server = the targets' server processes, others = the
 * machine's busy time minus both).
 */
import type { CapacityStep } from '../../core/capacity.js';
import { fmtInt, fmtNum, fmtPct } from '../../core/format.js';
import { stripControl } from '../format.js';

/** A column: heading (unit included), width, the step's cell. */
type Column = readonly [header: string, width: number, cell: (s: CapacityStep) => string];

/** The columns, in order; the verdict ("PASS", or "FAIL: reasons") follows them. */
export const STEP_COLUMNS: readonly Column[] = [
  ['#', 3, (s) => String(s.index)],
  ['phase', 6, (s) => s.phase],
  ['target/s', 9, (s) => fmtInt(s.targetOpsPerSec)],
  ['achieved/s', 10, (s) => fmtInt(s.achievedOpsPerSec)],
  ['p50 ms', 7, (s) => fmtNum(s.headline.p50Ms)],
  ['p99 ms', 7, (s) => fmtNum(s.headline.p99Ms)],
  ['svc p99', 7, (s) => fmtNum(s.headline.serviceP99Ms)],
  ['lag p99', 7, (s) => fmtNum(s.headline.lagP99Ms)],
  ['client', 6, (s) => fmtPct(s.cpu.clientPct)],
  ['server', 6, (s) => fmtPct(s.cpu.serverPct)],
  ['others', 6, (s) => fmtPct(s.cpu.othersPct)],
];

/** PASS, or FAIL with the reasons; "(superseded by a retry)" when a retry replaced it. */
export function stepVerdict(s: CapacityStep): string {
  const v = s.passed ? 'PASS' : `FAIL: ${s.failReasons.join('; ')}`;
  return s.superseded ? `${v} (superseded by the retry)` : v;
}

/** The header line of the text table (the latencies are of `operation`, the first SLO's). */
export function stepTableHeader(operation: string): string {
  return `${STEP_COLUMNS.map(([h, w]) => h.padStart(w)).join('  ')}  result (latencies: ${stripControl(operation)})`;
}

/** One step as a line of the text table. */
export function stepTableRow(s: CapacityStep): string {
  return `${STEP_COLUMNS.map(([, w, cell]) => cell(s).padStart(w)).join('  ')}  ${stripControl(stepVerdict(s))}`;
}

/** The table as heading + cells, for the HTML and Markdown reports. */
export function stepTableCells(steps: readonly CapacityStep[]): { columns: string[]; rows: string[][] } {
  return {
    columns: [...STEP_COLUMNS.map(([h]) => h), 'result'],
    rows: steps.map((s) => [...STEP_COLUMNS.map(([, , cell]) => cell(s)), stepVerdict(s)]),
  };
}
