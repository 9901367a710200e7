/** `capbench report <results.json|dir>`: re-render the reports from a results file. */
import { dirname, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadResults, parseReportFormats, writeReports, renderTerminalSummary } from '../../reports/index.js';

/**
 * Re-render reports from results.json into `outDir` (default: the results file's folder).
 * @throws UsageError for a missing or invalid results file (one line).
 * @returns the paths written.
 */
export async function reportCommand(input: string, opts: { out?: string; format?: string }): Promise<{ html?: string; markdown?: string; junit?: string; summary: string }> {
  const result = await loadResults(input);
  const isDir = await stat(input).then((s) => s.isDirectory()).catch(() => false);
  const outDir = resolve(opts.out ?? (isDir ? input : dirname(input)));
  const written = await writeReports(result, outDir, parseReportFormats(opts.format ?? 'html,markdown,junit'));
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
    .action(async (input: string, opts: { out?: string; format?: string }) => {
      const r = await reportCommand(input, opts);
      for (const p of [r.html, r.markdown, r.junit]) if (p) process.stdout.write(`wrote ${p}\n`);
    });
}

