/**
 * Reports of a capacity search: results.json (kind "capacity", core/capacity.ts), report.html
 * and summary.md, written into one directory, and read back for `capbench report`.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { h } from 'preact';
import { CAPACITY_SCHEMA_VERSION, CapacityResultSchema, type CapacityResult } from '../../core/capacity.js';
import { UsageError } from '../../core/errors.js';
import { writeFileAtomic } from '../atomic.js';
import { CapacityReport } from '../html/capacity-report.js';
import { renderPage } from '../html/page.js';
import { HTML_FILE } from '../html.js';
import { RESULTS_FILE } from '../load.js';
import { MARKDOWN_FILE } from '../markdown.js';
import { redactJson, redactOptions } from '../redact.js';
import { renderCapacityMarkdown } from './markdown.js';

export { renderCapacityMarkdown } from './markdown.js';
export { stepTableHeader, stepTableRow, stepVerdict } from './table.js';

/** A capacity result with URL credentials redacted everywhere and secret-looking options hidden. */
function redacted(r: CapacityResult): CapacityResult {
  const out = redactJson(r);
  out.scenario.options = redactOptions(r.scenario.options);
  return out;
}

/**
 * The capacity report as one self-contained HTML document (the curve, the step table, the verdict).
 * @throws CapbenchError when chart.js is not installed.
 */
export function renderCapacityHtml(r: CapacityResult): string {
  return renderPage(h(CapacityReport, { r: redacted(r) }));
}

/** What writeCapacityReports() wrote. */
export interface WrittenCapacityReports {
  json: string;
  html?: string;
  markdown?: string;
}

/**
 * Validate `r` against its schema and write `<dir>/results.json` first (so a failing render
 * still leaves the results), then report.html and summary.md when asked; each atomically.
 * @throws CapbenchError when `r` does not fit the schema (a bug: nothing is written); the fs
 *   error when `dir` is not writable.
 */
export async function writeCapacityReports(r: CapacityResult, dir: string, formats: readonly string[] = ['html', 'markdown']): Promise<WrittenCapacityReports> {
  const valid = CapacityResultSchema.parse(redacted(r));
  const out: WrittenCapacityReports = { json: join(dir, RESULTS_FILE) };
  await writeFileAtomic(out.json, `${JSON.stringify(valid, null, 2)}\n`);
  if (formats.includes('html')) {
    out.html = join(dir, HTML_FILE);
    await writeFileAtomic(out.html, renderCapacityHtml(valid));
  }
  if (formats.includes('markdown')) {
    out.markdown = join(dir, MARKDOWN_FILE);
    await writeFileAtomic(out.markdown, renderCapacityMarkdown(valid));
  }
  return out;
}

/**
 * Read a results file (or a run directory's results.json) when it is a capacity result.
 * @returns the validated result, or undefined when the file is not of kind "capacity" (or not
 *   readable JSON: the run-results loader then says what is wrong with it).
 * @throws UsageError (exit 2) for a capacity file of another version or that does not fit the
 *   schema, naming the first offending field.
 */
export async function loadCapacityIfCapacity(path: string): Promise<CapacityResult | undefined> {
  let file = path;
  try {
    if ((await stat(path)).isDirectory()) file = join(path, RESULTS_FILE);
  } catch {
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (!data || typeof data !== 'object' || (data as { kind?: unknown }).kind !== 'capacity') return undefined;
  const version = (data as { schemaVersion?: unknown }).schemaVersion;
  if (version !== CAPACITY_SCHEMA_VERSION) {
    throw new UsageError(`${file} is a capacity result of schema version ${JSON.stringify(version)}; this capbench reads version ${CAPACITY_SCHEMA_VERSION}.`, {
      hint: 'Render it with the capbench that wrote it, or run the search again.',
    });
  }
  const parsed = CapacityResultSchema.safeParse(data);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new UsageError(`${file} does not match the capacity results schema: ${i.path.map(String).join('.') || '(top level)'}: ${i.message}.`, {
      hint: 'It was hand-edited or written by an incompatible build: restore it or run the search again.',
    });
  }
  return parsed.data;
}
