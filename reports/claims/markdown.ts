/**
 * claims.md: the design documents' claims against measurement, in GitHub-flavoured Markdown
 * (for a PR comment or a wiki page). Rendered from a ClaimsReport (core/claims.ts) only; text
 * from it is escaped so that it can neither inject HTML nor break a table.
 */
import { countVerdicts, REGISTER_VERDICTS, type ClaimsReport } from '../../core/claims.js';
import { describeStages, fmtDate, fmtInt, fmtS, humanBytes } from '../format.js';
import { md } from '../markdown.js';
import { redactJson } from '../redact.js';
import { groupByVerdict, measureLabel, STATUS_LABEL, VERDICT_LABEL, whyLines } from './labels.js';

/** File name of the Markdown claims report. */
export const CLAIMS_MARKDOWN_FILE = 'claims.md';

const ICON = { holds: '✅', refuted: '❌', 'not-measurable': '➖', 'not-yet-measured': '⏳' } as const;

/** A relative link from claims.md to a run's file (our own path, percent-encoded for Markdown). */
function link(text: string, href: string | undefined): string {
  return href ? `[${md(text)}](${encodeURI(href).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)})` : '—';
}

/**
 * Render claims.md.
 *
 * @param report a validated ClaimsReport (credentials are redacted again before rendering).
 * @returns Markdown ending with a newline: counts per verdict, the claims table (id, seed ·
 *   section, the claim as written, verdict, measured figure, why, link to the run's report),
 *   then the experiments behind the verdicts.
 */
export function renderClaimsMarkdown(report: ClaimsReport): string {
  const r = redactJson(report);
  const out: string[] = [];
  const counts = countVerdicts(r.claims);
  const interrupted = r.status === 'interrupted';
  out.push(`## capbench claims — design documents vs measurement${interrupted ? ' — **INTERRUPTED (partial)**' : ''}`);
  out.push('');
  out.push(`**${fmtInt(r.claims.length)} claims:** ${REGISTER_VERDICTS.map((v) => `${ICON[v]} ${fmtInt(counts[v])} ${VERDICT_LABEL[v]}`).join(' · ')}  `);
  out.push(`**Mode:** ${r.mode}${r.only ? ` (only ${r.only.map(md).join(', ')})` : ''} · ${md(fmtDate(r.startedAt))} → ${md(fmtDate(r.endedAt))}  `);
  out.push(`**Targets:** ${r.targets.map((t) => `${md(t.product)} ${md(t.version)}${t.standInFor ? ` (stand-in for ${md(t.standInFor)})` : ''}`).join(' · ') || '—'}  `);
  const m = r.machine;
  out.push(`**Machine:** ${md(m.hostname)} · ${md(m.platform)}/${md(m.arch)} · ${fmtInt(m.cpus)} × ${md(m.cpuModel)} · ${humanBytes(m.totalMemBytes)} RAM · Node ${md(m.node)}`);
  out.push('');
  if (interrupted) {
    out.push('> **Interrupted:** experiments that did not run, or ran only in part, decide nothing; their claims say so.');
    out.push('');
  }
  out.push('_Refuted claims are findings about the design documents, not failures of the run._');
  out.push('');

  for (const [verdict, claims] of groupByVerdict(r.claims)) {
    out.push(`### ${ICON[verdict]} ${VERDICT_LABEL[verdict]} (${fmtInt(claims.length)})`);
    out.push('');
    out.push('| Claim | Seed · section | As written | Measured | Why | Run |');
    out.push('|---|---|---|---|---|---|');
    for (const c of claims) {
      const written = `“${md(c.quote)}”<br>${c.figures.map(md).join('; ')}`;
      const why = whyLines(c).map(md);
      out.push(
        `| \`${c.id}\` | ${md(c.seed)} · ${md(c.section)} | ${written} | ${c.measured ? md(c.measured) : '—'} | ${why.length ? why.join('<br>') : '—'} | ${c.report ? link('report', c.report) : md(measureLabel(c.measure))} |`,
      );
    }
    out.push('');
  }

  out.push('### Experiments');
  out.push('');
  out.push('| Experiment | Scenario | Schedule | Status | Time | Thresholds | Claims | Report |');
  out.push('|---|---|---|---|--:|--:|--:|---|');
  for (const e of r.experiments) {
    const status = `${STATUS_LABEL[e.status]}${e.flagged ? ', flagged' : ''}${e.harnessBottleneck ? ', client-bound' : ''}${e.reason ? `: ${md(e.reason)}` : ''}`;
    out.push(
      `| \`${e.id}\` | ${md(e.scenario)} | ${e.settings ? md(describeStages(e.settings.stages)) : '—'} | ${status} | ${e.durationS !== undefined ? fmtS(e.durationS) : '—'} | ${e.thresholds ? `${e.thresholds.passed} / ${e.thresholds.total}` : '—'} | ${e.claims.length} | ${link('report', e.report)} |`,
    );
  }
  out.push('');
  out.push(`<sub>capbench ${md(r.tool.version)} · claims schema v${r.schemaVersion} · register ${md(r.register)}</sub>`);
  return `${out.join('\n')}\n`;
}
