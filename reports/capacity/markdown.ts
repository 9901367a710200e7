/**
 * The Markdown summary of a capacity search (GitHub-flavoured, for PR comments): the verdict,
 * the SLOs, the targets (a stand-in named as one), the step table, the scenario's checks.
 * Text from the result is escaped (reports/markdown.ts md/code).
 */
import type { CapacityResult } from '../../core/capacity.js';
import { fmtInt, fmtMs, fmtNum, fmtS } from '../../core/format.js';
import { describeTarget } from '../format.js';
import { code, md, mdItem } from '../markdown.js';
import { stepTableCells } from './table.js';

/**
 * Render the Markdown summary.
 * @returns Markdown ending with a newline; rates ops/s, latencies ms, CPU % of one core.
 */
export function renderCapacityMarkdown(r: CapacityResult): string {
  const out: string[] = [];
  const status = r.status === 'aborted' ? ' — INTERRUPTED (partial)' : '';
  out.push(`# capbench capacity: ${md(r.scenario.id)}${status}`, '');
  out.push(`**${r.kneeOpsPerSec === null ? 'No rate passed' : `Knee: ${fmtInt(r.kneeOpsPerSec)} ops/s`}** — ${md(r.verdict)}`, '');
  out.push(`- SLOs (${r.sloSource === 'flags' ? '--slo' : r.sloSource === 'thresholds' ? 'the scenario\'s latency thresholds' : 'capbench\'s default'}): ${r.slos.map((s) => code(s.expression)).join(', ')}${r.search.requireUnflagged ? '; a step the engine flagged fails' : ''}; ${r.search.maxErrorRate === 0 ? 'any error fails a step' : `errors above ${r.search.maxErrorRate * 100}% fail a step`}`);
  out.push(`- Paths: ${r.scenario.paths.map(code).join(', ')}`);
  out.push(`- Targets: ${r.targets.map((t) => md(`${t.store}: ${describeTarget(t)} at ${t.address}`)).join('; ') || '—'}`);
  out.push(`- Search: ramp from ${fmtInt(r.search.startRate)} ops/s (doubling, max ${fmtInt(r.search.maxRate)}, min ${fmtInt(r.search.minRate)}), bisection to ${fmtNum(r.search.resolutionPct)}%; ${r.search.prewarmS ? `${fmtS(r.search.prewarmS)} of unjudged load before the first step; ` : ''}steps of ${fmtS(r.search.stepS)} with ${fmtS(r.search.warmupS)} warmup (excluded), open loop, constant arrivals, ${r.search.workers} worker thread${r.search.workers > 1 ? 's' : ''}; ended: ${md(r.endedBecause)}`);
  out.push(`- Machine: ${md(`${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}`)}`, '');
  const t = stepTableCells(r.steps);
  out.push('## Steps', '');
  out.push(`Latencies (from the intended start) of the first SLO's operation, ms; svc = service time; CPU in % of one core.`, '');
  out.push(`| ${t.columns.map(md).join(' | ')} |`, `|${t.columns.map((_, i) => (i === t.columns.length - 1 ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const row of t.rows) out.push(`| ${row.map(md).join(' | ')} |`);
  if (t.rows.length === 0) out.push(`| ${t.columns.map(() => '—').join(' | ')} |`);
  out.push('');
  out.push('## Checks over all steps', '');
  if (!r.verify.ran) out.push(`Not run: ${md(r.verify.why ?? 'unknown')}.`);
  else if (r.verify.checks.length === 0) out.push(`${md(r.scenario.id)} has no correctness checks.`);
  else for (const c of r.verify.checks) out.push(`- ${c.passed ? '✅' : '❌'} ${code(c.expression)}: ${c.actual === null ? '—' : fmtNum(c.actual)} ${md(c.unit)}`);
  const notes = [...r.notes, ...r.verify.notes];
  if (notes.length) out.push('', '## Notes', '', ...notes.map((n) => `- ${mdItem(n)}`));
  out.push('', `_capbench ${md(r.tool.version)}, capacity results v${r.schemaVersion}; knee p99 ${fmtMs(r.steps.find((s) => s.passed && !s.superseded && s.targetOpsPerSec === r.kneeOpsPerSec)?.headline.p99Ms ?? null)}._`);
  return `${out.join('\n')}\n`;
}
