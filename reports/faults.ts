/**
 * The faults of a run as rows (issue 13), shared by the HTML section and the Markdown summary
 * so both say the same: per fault, errors by kind, time to first error, time to recovery,
 * operations failed / timed out / short, and what the store lost by the scenario's own check.
 */
import type { FaultResult } from '../core/results.js';
import { fmtInt, fmtNum } from './format.js';

/** Column labels of faultRows(). */
export const FAULT_COLUMNS = ['Fault', 'What was done', 'Errors by kind', 'First error after', 'Recovered after', 'Failed / timed out', 'Short of schedule', 'Store lost'] as const;

const secs = (v: number | null, none: string) => (v === null ? none : `${fmtNum(v)} s`);

/** One row of text cells per fault, in FAULT_COLUMNS order. */
export function faultRows(faults: readonly FaultResult[]): string[][] {
  return faults.map((f) => [
    f.spec,
    `${f.actions.map((a) => `${a.what} at ${fmtNum(a.atS)} s${a.ok ? '' : ` (failed: ${a.error ?? '?'})`}`).join(', ') || 'nothing done'}`,
    Object.keys(f.errorsByKind).length ? Object.entries(f.errorsByKind).map(([k, v]) => `${k} ${fmtInt(v)}`).join(', ') : 'none',
    secs(f.timeToFirstErrorS, 'no error'),
    f.timeToRecoveryS === null ? (f.interruptedBy ? `not before ${f.interruptedBy}` : 'NOT RECOVERED') : `${fmtNum(f.timeToRecoveryS)} s`,
    `${fmtInt(f.opsFailed)} / ${fmtInt(f.opsTimedOut)}`,
    f.opsShort === null ? '—' : fmtInt(f.opsShort),
    f.storeLoss.length ? f.storeLoss.map((l) => `${l.check.replace(/\s*==\s*0$/, '')}: ${l.value === null ? 'not measured' : `${fmtInt(l.value)} ${l.unit}`}`).join('; ') : 'the scenario has no loss check',
  ]);
}

/** Per fault, how it acted (which server, which mechanism), then its notes: the lines under the table. */
export function faultNotes(faults: readonly FaultResult[]): Array<{ spec: string; text: string }> {
  return faults.flatMap((f) => [{ spec: f.spec, text: `acted on ${f.target}` }, ...f.notes.map((text) => ({ spec: f.spec, text }))]);
}

/** The sentence under the table: how the band and recovery are defined. */
export function faultLegend(faults: readonly FaultResult[]): string {
  const b = faults[0]?.band;
  const band = b ? `p99 ≤ ${b.p99Ms === null ? '?' : `${fmtNum(b.p99Ms)} ms`} and success ≥ ${b.successPct === null ? '?' : `${fmtNum(b.successPct)} %`}` : '';
  return `Times from the fault's start, per-second resolution. Recovered: two seconds running back within the pre-fault band (${band}: twice the worst p99, at least + 10 ms, and the worst success rate − 1 point of the 10 s before the first fault). Store lost: the scenario's own verification after the run (whole run). Red dashed lines on the time charts mark each fault and when its store was back.`;
}
