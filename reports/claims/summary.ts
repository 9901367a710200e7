/**
 * The claims summary printed to the terminal: counts per verdict, one line per claim a run
 * decided (holds or refuted), and the experiments with their times. Text from the report is
 * stripped of control characters (no terminal escape injection).
 */
import { countVerdicts, REGISTER_VERDICTS, type ClaimsReport } from '../../core/claims.js';
import { fmtS, stripControl } from '../format.js';
import { redactJson } from '../redact.js';
import { STATUS_LABEL, VERDICT_LABEL } from './labels.js';

const ANSI = { reset: '\u001b[0m', bold: '\u001b[1m', red: '\u001b[31m', green: '\u001b[32m' };

/**
 * Render the terminal summary of a claims report.
 *
 * @param opts.color whether to emit ANSI colour codes.
 * @returns lines joined by "\n", ending with a newline.
 */
export function renderClaimsSummary(report: ClaimsReport, opts: { color: boolean }): string {
  const r = redactJson(report);
  const paint = (style: keyof typeof ANSI, text: string) => (opts.color ? `${ANSI[style]}${text}${ANSI.reset}` : text);
  const t = stripControl;
  const counts = countVerdicts(r.claims);
  const lines: string[] = [];
  const status = r.status === 'interrupted' ? paint('red', 'INTERRUPTED (partial register)') : 'completed';
  lines.push(`${paint('bold', 'capbench claims')} · ${r.mode} · ${status} · ${r.claims.length} claims: ${REGISTER_VERDICTS.map((v) => `${counts[v]} ${VERDICT_LABEL[v]}`).join(' · ')}`);
  lines.push('');
  const decided = r.claims.filter((c) => c.verdict === 'holds' || c.verdict === 'refuted');
  const width = Math.max(0, ...decided.map((c) => c.id.length));
  for (const c of decided) {
    const verdict = c.verdict === 'holds' ? paint('green', 'holds  ') : paint('red', 'refuted');
    lines.push(`  ${verdict}  ${t(c.id).padEnd(width)}  ${t(c.measured ?? '—')}`);
  }
  if (decided.length > 0) lines.push('');
  const ran = r.experiments.map((e) => `${t(e.id)} ${STATUS_LABEL[e.status]}${e.durationS !== undefined ? ` in ${fmtS(e.durationS)}` : ''}`);
  lines.push(`  experiments: ${ran.join(' · ') || 'none'}`);
  lines.push('  refuted claims are findings about the design documents, not failures');
  return `${lines.join('\n')}\n`;
}
