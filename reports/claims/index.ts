/**
 * The claims report in every format, from one ClaimsReport (core/claims.ts): claims.json
 * (validated, versioned), claims.md and claims.html, written side by side into one directory
 * whose runs/<experiment>/ holds each run's own reports.
 */
import { join } from 'node:path';
import { ClaimsReportSchema, type ClaimsReport } from '../../core/claims.js';
import { writeFileAtomic } from '../atomic.js';
import { redactJson } from '../redact.js';
import { CLAIMS_HTML_FILE, renderClaimsHtml } from './html.js';
import { CLAIMS_MARKDOWN_FILE, renderClaimsMarkdown } from './markdown.js';

export { CLAIMS_HTML_FILE, renderClaimsHtml } from './html.js';
export { CLAIMS_MARKDOWN_FILE, renderClaimsMarkdown } from './markdown.js';
export { renderClaimsSummary } from './summary.js';

/** File name of the claims JSON. */
export const CLAIMS_JSON_FILE = 'claims.json';

/** Paths of the files writeClaimsReports() wrote. */
export interface WrittenClaimsReports {
  json: string;
  markdown: string;
  html: string;
}

/**
 * Validate the report against ClaimsReportSchema and write `<dir>/claims.json` (first, so a
 * rendering failure still leaves it), `<dir>/claims.md` and `<dir>/claims.html`, each to a
 * temporary name then renamed. Credentials are redacted.
 *
 * @throws ZodError when the report does not match the schema (a bug, not user input); the fs
 *   error when `dir` is not writable.
 */
export async function writeClaimsReports(report: ClaimsReport, dir: string): Promise<WrittenClaimsReports> {
  const r = redactJson(ClaimsReportSchema.parse(report));
  const written = { json: join(dir, CLAIMS_JSON_FILE), markdown: join(dir, CLAIMS_MARKDOWN_FILE), html: join(dir, CLAIMS_HTML_FILE) };
  await writeFileAtomic(written.json, `${JSON.stringify(r, null, 2)}\n`);
  await writeFileAtomic(written.markdown, renderClaimsMarkdown(r));
  await writeFileAtomic(written.html, renderClaimsHtml(r));
  return written;
}
