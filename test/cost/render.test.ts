/** The cost in every report format: HTML section (escaped), Markdown block, terminal line. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderHtml, renderMarkdown, renderTerminalSummary } from '../../reports/index.js';
import { applyCost, parsePriceBook } from '../../reports/cost/index.js';
import { likesRun, smallBook, storesOfPath } from './helpers.js';

const costed = () => applyCost(likesRun(), { priceBook: smallBook(), scale: { posts: 10_000_000, likesPerSec: 10_000 }, storesOfPath });

test('the HTML report has a Cost section after Footprint: lines, total, assumptions, prices with source and date', () => {
  const html = renderHtml(costed());
  const at = (id: string) => html.indexOf(`<section id="${id}">`);
  assert.ok(at('cost') > at('footprint') && at('footprint') > 0, 'after Footprint');
  const section = html.slice(at('cost'), html.indexOf('</section>', at('cost')));
  assert.match(section, /<h2>Cost at scale<\/h2>/);
  assert.match(section, /posts 10,000,000 · likesPerSec 10,000 likes\/s/);
  assert.match(section, /\$43\.80\/month/);
  assert.match(section, /6 × a\.small/);
  assert.match(section, /\$26,280\/month/);
  assert.match(section, /in total/);
  assert.match(section, /<h3>Assumptions<\/h3>/);
  assert.match(section, /<a href="https:\/\/example\.com\/pricing">https:\/\/example\.com\/pricing<\/a>/);
  assert.match(section, /2026-01-15/);
  assert.match(section, /re-check them on their pages/);
});

test('a run without a cost says how to get one; text from the price book is escaped', () => {
  const plain = renderHtml(likesRun());
  assert.match(plain, /No cost projection for this run\. Pass a scale/);
  const evil = parsePriceBook(
    JSON.stringify({ currency: 'USD', entries: [{ id: 'e<1>', provider: '<b>P</b>', product: '<script>alert(1)</script>', stores: ['redis'], offer: 'o&o', unit: 'month', priceUsd: 1, memoryGiB: 1, region: 'r', source: 'https://example.com/?a=<x>', readAt: '2026-01-01' }] }),
    'evil.json',
  );
  const html = renderHtml(applyCost(likesRun(), { priceBook: evil, scale: { posts: 1000 }, storesOfPath }));
  assert.doesNotMatch(html, /<script>alert/);
  assert.match(html, /&lt;script>alert\(1\)&lt;\/script>|&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(html, /<b>P<\/b>/);
});

test('Markdown and the terminal summary carry a short cost block', () => {
  const r = costed();
  const md = renderMarkdown(r);
  assert.match(md, /^### Cost at scale: \$43\.80\/month$/m);
  assert.match(md, /^\| redis \| P · Cache A \| 6 × a\.small \| \$43\.80\/month \|$/m);
  assert.match(md, /^\| \*\*Total\*\* \| \| \| \*\*\$43\.80\/month\*\* \|$/m);
  assert.match(md, /<details><summary>Assumptions<\/summary>/);
  assert.match(md, /re-check them on their pages/);
  assert.doesNotMatch(renderMarkdown(likesRun()), /Cost at scale/);
  const term = renderTerminalSummary(r, { color: false });
  assert.match(term, /^ {2}cost at posts 10,000,000 · likesPerSec 10,000 likes\/s: redis \$43\.80\/month \(Cache A, 6 × a\.small\) · total \$43\.80\/month$/m);
  assert.match(term, /list prices read 2026-01-15 \(small-book\.json\)/);
});
