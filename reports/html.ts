/**
 * The self-contained HTML report: one file that opens offline. The page is built from preact
 * components (reports/html/: a page shell, one component per section, shared cells) rendered
 * to a string; JSX escapes every text and attribute taken from the result. The stylesheet and
 * the browser script live in reports/assets/ and are inlined at build time
 * (reports/assets/inline.mjs); Chart.js (UMD build) is read from node_modules at render time.
 * The data for the charts is embedded as JSON in a <script type="application/json"> element.
 * Nothing is fetched: a Content-Security-Policy with `default-src 'none'` and hashes of the
 * inline style and scripts makes sure of it.
 */
import { join } from 'node:path';
import { h } from 'preact';
import type { RunResult } from '../core/results.js';
import { writeFileAtomic } from './atomic.js';
import { renderPage } from './html/page.js';
import { RunReport } from './html/run-report.js';
import { redactResult } from './redact.js';

/** File name of the HTML report inside a run's output directory. */
export const HTML_FILE = 'report.html';

/**
 * Render the whole report as one HTML document (UTF-8 text).
 *
 * @param result a validated RunResult (credentials are redacted again before rendering).
 * @returns the document, starting with `<!doctype html>`; it references no external resource.
 * @throws CapbenchError when chart.js is not installed (node_modules/chart.js/dist/chart.umd.js).
 */
export function renderHtml(result: RunResult): string {
  return renderPage(h(RunReport, { r: redactResult(result) }));
}

/**
 * Render the report and write it to `<dir>/report.html` (directory created if needed; the file
 * is written to a temporary name and renamed, so a reader never sees half a report).
 *
 * @returns the path of the written file.
 * @throws CapbenchError when chart.js is missing; the fs error when the directory is not writable.
 */
export async function writeHtmlReport(result: RunResult, dir: string): Promise<string> {
  const path = join(dir, HTML_FILE);
  await writeFileAtomic(path, renderHtml(result));
  return path;
}
