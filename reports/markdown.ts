/**
 * The Markdown summary for PR comments (GitHub-flavoured): status, rate, flags, the
 * per-operation table, thresholds, claims and footprint totals. Text from the result is
 * escaped so that it can neither inject HTML nor break a table.
 */
import { FAULT_COLUMNS, faultLegend, faultNotes, faultRows } from './faults.js';
import type { RunResult } from '../core/results.js';
import {
  formatCell,
  PERCENTILE_COLUMNS,
  describeTarget,
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
  totalErrors,
} from './format.js';
import { redactResult } from './redact.js';
import { monthly, offerText, priceCaveat, scaleText, storesOf } from './cost/view.js';

/** File name of the Markdown summary inside a run's output directory. */
export const MARKDOWN_FILE = 'summary.md';

/**
 * Render the Markdown summary of a run.
 *
 * @param result a validated RunResult (credentials are redacted again before rendering).
 * @returns GitHub-flavoured Markdown, ending with a newline. Latency figures in ms, rates in
 *   ops/s, sizes in IEC bytes; a percentile the sample cannot carry is "—".
 */
export function renderMarkdown(result: RunResult): string {
  const r = redactResult(result);
  const out: string[] = [];
  const aborted = r.status === 'aborted';
  out.push(`## ${aborted ? '⛔ ' : ''}capbench · ${md(r.scenario.id)} — ${aborted ? '**ABORTED (partial results)**' : 'completed'}`);
  out.push('');
  if (aborted) {
    out.push(`> **Aborted${r.abortReason ? `:** ${md(r.abortReason)}.` : '.**'} The figures cover only the part of the run before it stopped.`);
    out.push('');
  }
  const target = r.rate.targetOpsPerSec;
  const rate =
    target !== null
      ? `${fmtRate(r.rate.achievedOpsPerSec)} achieved of ${fmtRate(target)} target (${fmtRatioPct(r.rate.achievedOpsPerSec / target)})`
      : `${fmtRate(r.rate.achievedOpsPerSec)} achieved (closed loop)`;
  out.push(`**Rate:** ${rate} · ${fmtS(measuredDurationS(r))} measured, ${fmtS(r.schedule.warmupS)} warmup excluded · ${md(r.loop)} loop${r.loop === 'open' ? `, ${md(r.schedule.arrival)} arrivals` : ''}  `);
  out.push(`**Targets:** ${r.targets.map((t) => md(describeTarget(t))).join(' · ') || '—'}  `);
  const m = r.machine;
  out.push(`**Machine:** ${md(m.hostname)} · ${md(m.platform)}/${md(m.arch)} · ${fmtInt(m.cpus)} × ${md(m.cpuModel)} · ${humanBytes(m.totalMemBytes)} RAM · Node ${md(m.node)}  `);
  out.push(`**Run:** ${md(r.runId)} · ${md(r.startedAt)}`);
  out.push('');

  if (r.rate.flagged || r.harness.bottleneck) {
    out.push('### ⚠️ Flags');
    out.push('');
    if (r.rate.flagged) {
      out.push(`- **Rate flagged:** the run fell short of its schedule; the figures are not at the target rate${r.rate.notStarted > 0 ? ` (${fmtInt(r.rate.notStarted)} intended operations never started)` : ''}.`);
      for (const reason of r.rate.reasons) out.push(`  - ${mdItem(reason)}`);
    }
    if (r.harness.bottleneck) {
      out.push(`- **Harness bottleneck:** the client, not the target, limited the run (CPU ${fmtNum(r.harness.cpuPct.max)} % max of one core; event-loop lag p99 ${pct(r.harness.eventLoopLagMs.p99)}).`);
      for (const note of r.harness.notes) out.push(`  - ${mdItem(note)}`);
    }
    out.push('');
  }

  out.push('### Operations');
  out.push('');
  out.push(`| Operation | Path | Count | Errors | Achieved | Target | ${PERCENTILE_COLUMNS.map((c) => c.label).join(' | ')} |`);
  out.push(`|---|---|--:|--:|--:|--:|${PERCENTILE_COLUMNS.map(() => '--:').join('|')}|`);
  for (const op of r.operations) {
    const errs = totalErrors(op);
    const kinds = errorsByKind(op);
    const errText = errs === 0 ? '0' : `${fmtInt(errs)} (${kinds.map(([k, n]) => `${md(k)} ${fmtInt(n)}`).join(', ')})`;
    const t = opTargetOpsPerSec(op);
    out.push(
      `| ${md(op.name)} | ${code(op.path)} | ${fmtInt(op.count)} | ${errText} | ${fmtRate(op.achievedOpsPerSec)} | ${t !== null ? fmtRate(t) : '—'} | ${PERCENTILE_COLUMNS.map((c) => pct(op.latencyMs[c.key])).join(' | ')} |`,
    );
  }
  if (r.operations.length === 0) out.push('| _no operations recorded_ | | | | | | | | | | |');
  out.push('');
  out.push('_Latency from the intended start (coordinated-omission corrected); “—”: too few samples for that percentile._');
  out.push('');

  if (r.thresholds.length > 0) {
    const passed = r.thresholds.filter((t) => t.passed).length;
    out.push(`### Thresholds: ${passed} / ${r.thresholds.length} passed`);
    out.push('');
    out.push('| | Threshold | Measured | Limit |');
    out.push('|---|---|--:|--:|');
    for (const t of r.thresholds) {
      out.push(`| ${t.passed ? '✅ pass' : '❌ **FAIL**'} | ${code(t.expression)} | ${t.actual !== null ? `${fmtNum(t.actual)} ${md(t.unit)}` : '— (not measured)'} | ${fmtNum(t.limit)} ${md(t.unit)} |`);
    }
    out.push('');
  }

  for (const sec of r.sections ?? []) {
    out.push(`### ${md(sec.title)}`);
    out.push('');
    if (sec.intro) out.push(md(sec.intro), '');
    for (const t of sec.tables) {
      out.push(`**${md(t.caption)}**`, '');
      out.push(`| ${t.columns.map(md).join(' | ')} |`);
      out.push(`|${t.columns.map(() => '---').join('|')}|`);
      for (const row of t.rows) out.push(`| ${t.columns.map((_, i) => md(formatCell(row[i]))).join(' | ')} |`);
      out.push('');
      if (t.note) out.push(`_${md(t.note)}_`, '');
    }
    if (sec.charts.length > 0) out.push(`_Charts in the HTML report: ${sec.charts.map((c) => md(c.title)).join('; ')}._`, '');
    for (const n of sec.notes ?? []) out.push(`- ${mdItem(n)}`);
    if ((sec.notes ?? []).length > 0) out.push('');
  }

  if (r.claims.length > 0) {
    out.push('### Design claims');
    out.push('');
    out.push('| Claim | Source | Measured | Verdict |');
    out.push('|---|---|---|---|');
    const verdict = { holds: '✅ holds', refuted: '❌ refuted', 'not-measurable': '➖ not measurable here' };
    for (const c of r.claims) out.push(`| ${md(c.claim)} | ${md(c.source)} | ${md(c.measured)} | ${verdict[c.verdict]} |`);
    out.push('');
  }

  const stores = [...new Set([...r.footprint.before.map((f) => f.store), ...r.footprint.after.map((f) => f.store)])];
  if (stores.length > 0 || r.footprint.derived.length > 0) {
    out.push('### Footprint');
    out.push('');
    if (stores.length > 0) {
      out.push('| Store | Before | After | Change |');
      out.push('|---|--:|--:|--:|');
      for (const s of stores) {
        const b = r.footprint.before.find((f) => f.store === s)?.totalBytes;
        const a = r.footprint.after.find((f) => f.store === s)?.totalBytes;
        out.push(`| ${md(s)} | ${b !== undefined ? humanBytes(b) : '—'} | ${a !== undefined ? humanBytes(a) : '—'} | ${a !== undefined && b !== undefined ? humanBytesDelta(a - b) : '—'} |`);
      }
      out.push('');
    }
    for (const d of r.footprint.derived) {
      out.push(`- ${mdItem(d.name)}: ${d.value === null ? '— (not measured)' : `${fmtNum(d.value)} ${md(d.unit)}`}`);
    }
    if (r.footprint.derived.length > 0) out.push('');
  }

  if (r.cost) {
    out.push(`### Cost at scale: ${md(monthly(r.cost.totalMonthlyUsd))}`);
    out.push('');
    out.push(`At ${md(scaleText(r.cost.scale))}; per store, the cheapest priced product:`);
    out.push('');
    out.push('| Store | Product | Offer | $/month |');
    out.push('|---|---|---|--:|');
    for (const { store, chosen } of storesOf(r.cost)) {
      out.push(`| ${md(store)} | ${chosen ? md(`${chosen.provider} · ${chosen.product}`) : '_no product in the price book fits_'} | ${chosen ? md(offerText(chosen)) : '—'} | ${md(monthly(chosen?.monthlyUsd ?? null))} |`);
    }
    out.push(`| **Total** | | | **${md(monthly(r.cost.totalMonthlyUsd))}** |`);
    out.push('');
    out.push('<details><summary>Assumptions</summary>');
    out.push('');
    for (const a of r.cost.assumptions) out.push(`- ${mdItem(a)}`);
    out.push('');
    out.push('</details>');
    out.push('');
    out.push(`_${md(priceCaveat(r.cost))}_`);
    out.push('');
  }

  if (r.faults && r.faults.length > 0) {
    out.push('### Faults');
    out.push('');
    out.push(`| ${FAULT_COLUMNS.join(' | ')} |`);
    out.push(`|${FAULT_COLUMNS.map(() => '---').join('|')}|`);
    for (const row of faultRows(r.faults)) out.push(`| ${row.map((c) => md(c)).join(' | ')} |`);
    out.push('');
    out.push(`_${md(faultLegend(r.faults))}_`);
    out.push('');
    for (const n of faultNotes(r.faults)) out.push(`- ${code(n.spec)}: ${mdItem(n.text)}`);
    out.push('');
  }

  if (r.notes.length > 0) {
    out.push('### Notes');
    out.push('');
    for (const n of r.notes) out.push(`- ${mdItem(n)}`);
    out.push('');
  }
  out.push(`<sub>capbench ${md(r.tool.version)} · results schema v${r.schemaVersion}</sub>`);
  return `${out.join('\n')}\n`;
}

function pct(v: number | null): string {
  return v === null ? '—' : fmtMs(v);
}

/**
 * Escape text for Markdown inline content and table cells: HTML-significant characters become
 * entities, Markdown punctuation is backslash-escaped, line breaks become spaces.
 */
export function md(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`);
}

/** Like {@link md}, for text that starts a line or a list item: also defuses a leading "-", "+", "#", "=", ">" or "1.". */
export function mdItem(text: string): string {
  return md(text).trimStart().replace(/^([-=+#])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
}

/** An inline code span that survives any content (fence longer than any backtick run; `|` escaped for tables). */
export function code(text: string): string {
  const flat = text.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((s) => s.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
