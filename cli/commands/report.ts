/** `capbench report <results.json|dir>`: re-render the reports from a results file. */
import { checkOutDir } from '../../core/out-dir.js';
import { dirname, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadResults, parseReportFormats, writeReports, renderTerminalSummary } from '../../reports/index.js';
import { loadCostInputs, withCost } from './cost.js';
import { loadCapacityIfCapacity, writeCapacityReports } from '../../reports/capacity/index.js';

/** Options of `capbench report`. */
export interface ReportOptions {
  out?: string;
  format?: string;
  /** Recompute the cost at this scale (else at the scale the results carry, when --price-book is given). */
  scale?: string;
  priceBook?: string;
}

/**
 * Re-render reports from results.json into `outDir` (default: the results file's folder). With
 * --scale or --price-book the cost and the cost claims are recomputed first (and written back
 * into the results.json beside the reports). An older results file (schema v1) is read as the
 * current version without a cost, and written back in the current version.
 * @throws UsageError for a missing or invalid results file, a bad scale or price book (one line).
 * @returns the paths written.
 */
export async function reportCommand(input: string, opts: ReportOptions): Promise<{ html?: string; markdown?: string; junit?: string; summary: string }> {
  const formats = parseReportFormats(opts.format ?? 'html,markdown,junit');
  if (opts.out !== undefined) await checkOutDir(opts.out);
  // A capacity search's results (kind "capacity", `capbench capacity`) render as the capacity report.
  const capacity = await loadCapacityIfCapacity(input);
  if (capacity) {
    const isDirectory = await stat(input).then((s) => s.isDirectory()).catch(() => false);
    const w = await writeCapacityReports(capacity, resolve(opts.out ?? (isDirectory ? input : dirname(input))), formats.filter((f) => f !== 'junit'));
    return { html: w.html, markdown: w.markdown, summary: capacity.verdict };
  }
  const cost = opts.scale !== undefined || opts.priceBook !== undefined ? await loadCostInputs(opts) : undefined;
  const loaded = await loadResults(input);
  const result = cost ? withCost(loaded, { ...cost, scale: cost.scale ?? loaded.cost?.scale }) : loaded;
  const isDir = await stat(input).then((s) => s.isDirectory()).catch(() => false);
  const outDir = resolve(opts.out ?? (isDir ? input : dirname(input)));
  const written = await writeReports(result, outDir, formats);
  return { html: written.html, markdown: written.markdown, junit: written.junit, summary: renderTerminalSummary(result, { color: false }) };
}

/** Register `capbench report`. */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('re-render report.html (and summary.md, junit.xml) from a results.json')
    .argument('<results>', 'a results.json, or the folder holding it')
    .option('--out <dir>', 'where to write (default: beside the results file)')
    .option('--format <list>', 'html,markdown,junit', 'html,markdown,junit')
    .option('--scale <list>', 'recompute the monthly cloud cost at this scale, e.g. posts=1000000,likesPerSec=5000 (see docs/cost.md)')
    .option('--price-book <file>', 'recompute the cost (and the cost claims) with this price book instead of the built-in one')
    .action(async (input: string, opts: ReportOptions) => {
      const r = await reportCommand(input, opts);
      for (const p of [r.html, r.markdown, r.junit]) if (p) process.stdout.write(`wrote ${p}\n`);
    });
}

