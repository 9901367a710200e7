/** Words for verdicts and experiment states that every claims format (HTML, Markdown, terminal) shares. */
import { REGISTER_VERDICTS, type ClaimRow, type ExperimentStatus, type MeasureKind, type RegisterVerdict } from '../../core/claims.js';

/** A verdict as the reports write it. */
export const VERDICT_LABEL: Readonly<Record<RegisterVerdict, string>> = {
  holds: 'holds',
  refuted: 'refuted',
  'not-measurable': 'not measurable here',
  'not-yet-measured': 'not yet measured',
};

/** An experiment's status as the reports write it. */
export const STATUS_LABEL: Readonly<Record<ExperimentStatus, string>> = {
  completed: 'completed',
  aborted: 'interrupted (partial)',
  failed: 'failed',
  skipped: 'left out',
  'not-run': 'not run',
};

/** How a claim is measured, in words: "viral-like-spike · likes-counter", "bench: npm run …", "cost model", "—". */
export function measureLabel(m: { kind: MeasureKind; scenario?: string; experiment?: string; command?: string }): string {
  switch (m.kind) {
    case 'scenario':
      return m.experiment ? `${m.scenario} · ${m.experiment}` : (m.scenario ?? 'scenario');
    case 'bench':
      return m.command ? `bench: ${m.command}` : 'bench';
    case 'cost':
      return m.experiment ? `cost model · ${m.experiment}` : 'cost model';
    case 'none':
      return 'not here';
  }
}

/** What explains a claim's verdict, one line each: the reason, then the register's note (the Run column names a bench's command). */
export function whyLines(c: Pick<ClaimRow, 'why' | 'note'>): string[] {
  return [c.why, c.note].filter((x): x is string => Boolean(x));
}

/** Claims grouped by verdict, in REGISTER_VERDICTS order (holds, refuted, not measurable, not yet measured), register order within; empty groups left out. */
export function groupByVerdict<C extends Pick<ClaimRow, 'verdict'>>(claims: readonly C[]): Array<[RegisterVerdict, C[]]> {
  return REGISTER_VERDICTS.map((v): [RegisterVerdict, C[]] => [v, claims.filter((c) => c.verdict === v)]).filter(([, cs]) => cs.length > 0);
}
