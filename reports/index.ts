/**
 * Reports: every format is rendered from one RunResult (core/results.ts) and nothing else.
 * writeReports() writes results.json plus the formats the user chose into a run's directory.
 */
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { RunResult } from '../core/results.js';
import { writeFileAtomic } from './atomic.js';
import { HTML_FILE, renderHtml } from './html.js';
import { JUNIT_FILE, renderJunit } from './junit.js';
import { RESULTS_FILE } from './load.js';
import { MARKDOWN_FILE, renderMarkdown } from './markdown.js';
import { redactResult } from './redact.js';

export { HTML_FILE, renderHtml, writeHtmlReport } from './html.js';
export { JUNIT_FILE, renderJunit } from './junit.js';
export { RESULTS_FILE, loadResults, parseResults } from './load.js';
export { MARKDOWN_FILE, renderMarkdown } from './markdown.js';
export { renderTerminalSummary, type TerminalSummaryOptions } from './summary.js';
export { percentileSpectrum, type SpectrumPoint, type SpectrumResult } from './spectrum.js';
export { redactResult } from './redact.js';

/** Report formats besides results.json (always written). */
export const REPORT_FORMATS = ['html', 'markdown', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const ALIASES: Record<string, ReportFormat> = { html: 'html', markdown: 'markdown', md: 'markdown', junit: 'junit', xml: 'junit' };

/**
 * Parse a comma-separated list of report formats as given on the command line
 * ("html,md,junit"; aliases md = markdown, xml = junit; "none" or "" = none).
 * @returns the formats, without duplicates, in the order given.
 * @throws UsageError naming the unknown format and the known ones.
 */
export function parseReportFormats(text: string): ReportFormat[] {
  const out: ReportFormat[] = [];
  for (const raw of text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    if (raw === 'none') continue;
    const f = ALIASES[raw];
    if (!f) throw new UsageError(`Unknown report format "${raw}".`, { hint: `Use a comma-separated list of ${REPORT_FORMATS.join(', ')} (or none).` });
    if (!out.includes(f)) out.push(f);
  }
  return out;
}

/** Paths of the files writeReports() wrote, by format. */
export interface WrittenReports {
  /** Always written: the pretty-printed results JSON. */
  json: string;
  html?: string;
  markdown?: string;
  junit?: string;
}

/**
 * Write `<dir>/results.json` (pretty JSON, credentials redacted) and each chosen format:
 * report.html, summary.md, junit.xml. The directory is created if needed; each file is written
 * to a temporary name and renamed. results.json is written first, so that a failure while
 * rendering a format still leaves the results on disk.
 *
 * @param result the run's results (valid against RunResultSchema).
 * @param dir output directory.
 * @param formats formats besides JSON; duplicates are ignored.
 * @returns the paths written, by format.
 * @throws the fs error when `dir` is not writable; CapbenchError when chart.js is missing (html).
 */
export async function writeReports(result: RunResult, dir: string, formats: readonly ReportFormat[]): Promise<WrittenReports> {
  const r = redactResult(result);
  const written: WrittenReports = { json: join(dir, RESULTS_FILE) };
  await writeFileAtomic(written.json, `${JSON.stringify(r, null, 2)}\n`);
  for (const f of new Set(formats)) {
    if (f === 'html') {
      written.html = join(dir, HTML_FILE);
      await writeFileAtomic(written.html, renderHtml(r));
    } else if (f === 'markdown') {
      written.markdown = join(dir, MARKDOWN_FILE);
      await writeFileAtomic(written.markdown, renderMarkdown(r));
    } else if (f === 'junit') {
      written.junit = join(dir, JUNIT_FILE);
      await writeFileAtomic(written.junit, renderJunit(r));
    }
  }
  return written;
}
