/**
 * claims.html: the claims page as one self-contained HTML file (reports/html/claims-page.tsx on
 * the shared page shell: CSP, inline stylesheet, no script). Opens offline.
 */
import { h } from 'preact';
import type { ClaimsReport } from '../../core/claims.js';
import { ClaimsPage } from '../html/claims-page.js';
import { renderPage } from '../html/page.js';
import { redactJson } from '../redact.js';

/** File name of the HTML claims report. */
export const CLAIMS_HTML_FILE = 'claims.html';

/**
 * Render claims.html.
 *
 * @param report a validated ClaimsReport (credentials are redacted again before rendering).
 * @returns the document, starting with `<!doctype html>`; it references no external resource,
 *   only the run reports by relative link.
 */
export function renderClaimsHtml(report: ClaimsReport): string {
  return renderPage(h(ClaimsPage, { r: redactJson(report) }));
}
