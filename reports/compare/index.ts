/**
 * compare: read results files, compare every run against the first, and write compare.html and
 * compare.md. The pieces (comparison, noise, limits, formats) live beside this file.
 */
import { join } from 'node:path';
import { h } from 'preact';
import { writeFileAtomic } from '../atomic.js';
import { CompareReport } from '../html/compare-report.js';
import { renderPage } from '../html/page.js';
import { loadResults } from '../load.js';
import { redactResult } from '../redact.js';
import { runLabel, type MultiComparison, type RunRef } from './compare.js';
import { COMPARE_MARKDOWN_FILE, renderCompareMarkdown } from './markdown.js';

export * from './compare.js';
export { runCostUsdPerMonth, type CostAccessor } from './cost.js';
export * from './metrics.js';
export { BOOTSTRAP_SEED, CONFIDENCE, MIN_SECONDS, RESAMPLES, median, pairedInterval, unpairedInterval, type Noise, type NoiseInterval } from './stats.js';
export { COMPARE_MARKDOWN_FILE, renderCompareMarkdown } from './markdown.js';
export { renderCompareTerminal } from './terminal.js';
export { methodLines, summaryText, verdictText } from './text.js';

/** File name of the compare page in the output directory. */
export const COMPARE_HTML_FILE = 'compare.html';

/**
 * Read and validate results files, labelled A, B, C, ... in the order given (credentials redacted).
 *
 * @param paths results.json files or run folders.
 * @throws UsageError (exit 2) for a missing, unreadable or invalid file, or another schema version (reports/load.ts).
 */
export async function loadRuns(paths: readonly string[]): Promise<RunRef[]> {
  const runs: RunRef[] = [];
  for (const [i, source] of paths.entries()) runs.push({ label: runLabel(i), source, result: redactResult(await loadResults(source)) });
  return runs;
}

/**
 * Render the compare page: one self-contained HTML document (opens offline; Chart.js inlined).
 *
 * @throws CapbenchError when chart.js is not installed.
 */
export function renderCompareHtml(mc: MultiComparison): string {
  return renderPage(h(CompareReport, { mc }));
}

/**
 * Write `<dir>/compare.html` and `<dir>/compare.md` (directory created if needed; each file
 * written to a temporary name and renamed).
 *
 * @returns the paths written.
 * @throws the fs error when `dir` is not writable; CapbenchError when chart.js is missing.
 */
export async function writeCompareReports(mc: MultiComparison, dir: string): Promise<{ html: string; markdown: string }> {
  const markdown = join(dir, COMPARE_MARKDOWN_FILE);
  const html = join(dir, COMPARE_HTML_FILE);
  await writeFileAtomic(markdown, renderCompareMarkdown(mc));
  await writeFileAtomic(html, renderCompareHtml(mc));
  return { html, markdown };
}
