/**
 * claims.md and claims.html from a ClaimsReport: counts per verdict at the top, a row per claim
 * with its badge and link, every text escaped (a hostile figure can neither inject markup nor
 * break a Markdown table), no script on the page, and credentials redacted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClaimsReportSchema, type ClaimsReport } from '../../core/claims.js';
import { renderClaimsHtml, renderClaimsMarkdown } from '../../reports/claims/index.js';
import { renderClaimsSummary } from '../../reports/claims/summary.js';

const HOSTILE = '</td><script>alert(1)</script> | x';

/** A small report: one claim per verdict, one experiment, hostile text in the measured figure and a reason. */
function report(): ClaimsReport {
  const base = { seed: '000', section: 'Likes System', figures: ['10K+ likes/s'] };
  return ClaimsReportSchema.parse({
    schemaVersion: 1,
    kind: 'claims',
    tool: { name: 'capbench', version: '0.1.0' },
    mode: 'quick',
    status: 'completed',
    register: 'scenarios/claims/register.yaml',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:30.000Z',
    machine: { hostname: 'h', platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'cpu', totalMemBytes: 2 ** 33, node: 'v20' },
    targets: [{ store: 'redis', product: 'Redis', version: '7.0.15', address: '127.0.0.1:6379' }],
    experiments: [
      { id: 'likes-counter', scenario: 'viral-like-spike', description: 'spike', status: 'completed', report: 'runs/likes-counter/report.html', results: 'runs/likes-counter/results.json', durationS: 8.4, thresholds: { passed: 2, total: 3 }, claims: ['a.holds', 'b.refuted'], settings: { options: { posts: 20000 }, stages: [{ durationS: 3, rate: 10000 }], warmupS: 1, workers: 1 } },
    ],
    claims: [
      { ...base, id: 'a.holds', quote: 'Handles viral spikes (10K+ likes/sec)', measure: { kind: 'scenario', scenario: 'viral-like-spike', experiment: 'likes-counter' }, verdict: 'holds', measured: '10000 likes/s', report: 'runs/likes-counter/report.html' },
      { ...base, id: 'b.refuted', quote: 'All in Redis | ~500MB-1GB', measure: { kind: 'scenario', scenario: 'viral-like-spike', experiment: 'likes-counter' }, verdict: 'refuted', measured: HOSTILE, why: 'redis://user:hunter2@127.0.0.1:6379 said no', report: 'runs/likes-counter/report.html' },
      { ...base, id: 'c.bench', quote: 'INCR is 10x faster', measure: { kind: 'bench', command: 'npm run bench:like-paths' }, verdict: 'not-measurable', why: 'needs two paths' },
      { ...base, id: 'd.future', quote: 'Feed delivery (5-10 second lag acceptable)', measure: { kind: 'scenario', scenario: 'fan-out' }, verdict: 'not-yet-measured', why: 'the fan-out scenario is not built yet' },
    ],
  });
}

test('claims.html: counts, one row per claim in verdict groups, escaped text, no script, credentials redacted', () => {
  const html = renderClaimsHtml(report());
  assert.match(html, /^<!doctype html>/);
  assert.ok(!/<script/i.test(html), 'no script element at all');
  assert.match(html, /script-src &#39;none&#39;/);
  assert.ok(html.includes('&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt; | x'), 'the hostile figure is text');
  assert.ok(!html.includes('hunter2'), 'password redacted');
  assert.ok(html.includes('redis://user:***@127.0.0.1:6379'));
  for (const id of ['a.holds', 'b.refuted', 'c.bench', 'd.future']) assert.ok(html.includes(`id="claim-${id}"`), id);
  // The groups come in verdict order, each with its badge.
  const order = ['verdict-holds', 'verdict-refuted', 'verdict-not-measurable', 'verdict-not-yet-measured'].map((g) => html.indexOf(`id="${g}"`));
  assert.ok(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]!)), `groups in order: ${order}`);
  assert.match(html, /<a href="runs\/likes-counter\/report.html">report<\/a>/);
  assert.match(html, /not yet measured/);
  assert.match(html, /bench: npm run bench:like-paths/);
});

test('claims.md: counts per verdict, the hostile figure cannot break the table, credentials redacted', () => {
  const md = renderClaimsMarkdown(report());
  assert.match(md, /\*\*4 claims:\*\* ✅ 1 holds · ❌ 1 refuted · ➖ 1 not measurable here · ⏳ 1 not yet measured/);
  assert.ok(md.includes('&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt; \\| x'));
  assert.ok(!md.includes('hunter2'));
  assert.match(md, /\[report\]\(runs\/likes-counter\/report\.html\)/);
  const refutedRow = md.split('\n').find((l) => l.startsWith('| `b.refuted`'))!;
  // Unescaped pipes delimit cells: the row has exactly the header's 6 cells.
  assert.equal(refutedRow.split(/(?<!\\)\|/).length - 2, 6, refutedRow);
});

test('the terminal summary names the counts and the decided claims, without control characters', () => {
  const r = report();
  r.claims[0]!.measured = '10000 likes/s\u001b[31m';
  const text = renderClaimsSummary(r, { color: false });
  assert.match(text, /capbench claims · quick · completed · 4 claims: 1 holds · 1 refuted · 1 not measurable here · 1 not yet measured/);
  assert.match(text, /holds {4}a\.holds {4}10000 likes\/s\[31m/);
  assert.ok(!text.includes('\u001b'), 'no escape sequence from the report');
  assert.match(text, /experiments: likes-counter completed in 8\.4 s/);
});
