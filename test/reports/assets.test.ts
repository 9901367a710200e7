/**
 * The HTML report's inlined assets and page shell: the build carries the current
 * reports/assets/ files, and the CSP pins exactly the inline style and scripts a page has.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { h } from 'preact';
import { REPORT_CLIENT_JS, REPORT_CSS } from '../../reports/html/assets.generated.js';
import { Page, renderPage } from '../../reports/html/page.js';
import { renderHtml } from '../../reports/html.js';
import { sampleResult } from '../fixtures/sample-result.js';

/** The source tree's reports/assets/ (tests run from dist/test/reports/). */
const ASSETS = new URL('../../../reports/assets/', import.meta.url);

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');

/** The bodies of the inline <style> and <script> elements without attributes, in order. */
function inlineBodies(html: string, tag: 'style' | 'script'): string[] {
  return [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]!);
}

test('the build carries the current report.css and report.client.js (else run `npm run build`)', () => {
  assert.equal(REPORT_CSS, readFileSync(new URL('report.css', ASSETS), 'utf8'), 'reports/assets/report.css changed since the last build');
  assert.equal(REPORT_CLIENT_JS, readFileSync(new URL('report.client.js', ASSETS), 'utf8'), 'reports/assets/report.client.js changed since the last build');
});

test('the run report inlines the stylesheet and both scripts as they are, each pinned by its CSP hash', () => {
  const html = renderHtml(sampleResult());
  const styles = inlineBodies(html, 'style');
  const scripts = inlineBodies(html, 'script');
  assert.deepEqual(styles, [REPORT_CSS]);
  assert.equal(scripts.length, 2);
  assert.match(scripts[0]!, /Chart\.js v4\./);
  assert.equal(scripts[1], REPORT_CLIENT_JS);
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1]?.replace(/&#39;/g, "'");
  assert.equal(
    csp,
    `default-src 'none'; script-src 'sha256-${sha256(scripts[0]!)}' 'sha256-${sha256(REPORT_CLIENT_JS)}'; style-src 'sha256-${sha256(REPORT_CSS)}'; img-src data:; base-uri 'none'; form-action 'none'`,
  );
});

test('a page without scripts blocks every script and embeds no data', () => {
  const html = renderPage(h(Page, { title: "compare <a> & 'b'", version: '0.0.0' }, h('p', null, 'x > y')));
  assert.match(html, /script-src &#39;none&#39;/);
  assert.doesNotMatch(html, /<script\b/);
  assert.match(html, /<title>compare &lt;a&gt; &amp; &#39;b&#39;<\/title>/);
  assert.match(html, /<p>x &gt; y<\/p>/);
});

test('an inline body that could end its element early is refused', () => {
  assert.throws(() => renderPage(h(Page, { title: 't', version: '0', scripts: ['let s = "</script>";'] })), /Cannot inline a <script> body/);
  assert.throws(() => renderPage(h(Page, { title: 't', version: '0', scripts: ['/* <!-- */'] })), /Cannot inline a <script> body/);
});
