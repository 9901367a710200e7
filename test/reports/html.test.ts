import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderHtml, writeHtmlReport } from '../../reports/html.js';
import { percentileSpectrum } from '../../reports/spectrum.js';
import { sampleResult, sampleSections } from '../fixtures/sample-result.js';

const EVIL = '<script>alert(1)</script>';
const CLOSE = '</script><script>alert(2)</script>';

/** The JSON embedded in <script type="application/json" id="capbench-data">. */
function embeddedData(html: string): any {
  const m = /<script type="application\/json" id="capbench-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'data element present');
  return JSON.parse(m[1]!);
}

test('the HTML is self-contained: no external src/href, no url() or @import, a CSP that forbids fetches', () => {
  const html = renderHtml(sampleResult());
  assert.ok(html.startsWith('<!doctype html>'));
  assert.doesNotMatch(html, /\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i, 'no src/href to http(s) or protocol-relative URLs');
  assert.doesNotMatch(html, /<link\b/i, 'no <link> elements');
  assert.doesNotMatch(html, /url\(\s*["']?\s*(?:https?:)?\/\//i, 'no CSS url() to the network');
  assert.doesNotMatch(html, /@import/i);
  assert.doesNotMatch(html, /sourceMappingURL/, 'Chart.js source-map reference dropped');
  assert.match(html, /Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;sha256-/);
  assert.match(html, /Chart\.js v4\./, 'Chart.js is inlined');
});

test('a malicious scenario id, note, reason, error kind, option and threshold are escaped everywhere', () => {
  const base = sampleResult();
  const r = sampleResult({
    status: 'aborted',
    abortReason: CLOSE,
    scenario: { id: EVIL, description: '"><img src=x onerror=alert(3)>', options: { [EVIL]: CLOSE, nested: { a: '</script>' } } },
    rate: { flagged: true, reasons: [CLOSE] },
    harness: { bottleneck: true, notes: ['</SCRIPT><!--'] },
    notes: [EVIL, '</script>', '<!-- <script>'],
    thresholds: [{ ...base.thresholds[0]!, expression: EVIL }],
    claims: [{ ...base.claims[0]!, claim: EVIL, measured: '</script>', note: '&lt;already escaped&gt;' }],
  });
  r.operations[0]!.errors = { [EVIL]: 3 };
  r.operations[0]!.name = '</script><b>op</b>';
  const html = renderHtml(r);
  // Only our three script elements open and close.
  assert.equal(html.match(/<script\b/gi)?.length, 3, 'three <script> elements');
  assert.equal(html.match(/<\/script/gi)?.length, 3, 'three </script> end tags');
  assert.doesNotMatch(html, /<img\b/i);
  assert.doesNotMatch(html, /<b>op<\/b>/);
  assert.doesNotMatch(html, /<!--/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, 'scenario id shown escaped');
  assert.match(html, /&amp;lt;already escaped&amp;gt;/, 'text is escaped once more, never decoded');
  // The embedded data round-trips the raw strings for the charts.
  const data = embeddedData(html);
  assert.equal(data.ops[0].name, '</script><b>op</b>');
});

test('the flag banner appears when the rate is flagged or the harness was the bottleneck, with the reasons', () => {
  assert.doesNotMatch(renderHtml(sampleResult()), /class="banner flag"/, 'no banner on a clean run');
  const flagged = renderHtml(sampleResult({ rate: { flagged: true, notStarted: 1234, reasons: ['achieved 8,012 of 10,000 ops/s during the spike'] } }));
  assert.match(flagged, /class="banner flag"/);
  assert.match(flagged, /fell short of its schedule/);
  assert.match(flagged, /achieved 8,012 of 10,000 ops\/s during the spike/);
  assert.match(flagged, /1,234 intended operations never started/);
  const bottleneck = renderHtml(sampleResult({ harness: { bottleneck: true, notes: ['client CPU at 100 % for 12 s'] } }));
  assert.match(bottleneck, /class="banner flag"/);
  assert.match(bottleneck, /the harness, not the target, was the bottleneck/);
  assert.match(bottleneck, /client CPU at 100 % for 12 s/);
});

test('an aborted run is shown as partial, loudly', () => {
  const html = renderHtml(sampleResult({ status: 'aborted', abortReason: 'Ctrl-C at t = 31 s' }));
  assert.match(html, /<title>\[ABORTED\]/);
  assert.match(html, /class="banner abort"/);
  assert.match(html, /ABORTED — partial results/);
  assert.match(html, /Ctrl-C at t = 31 s/);
  assert.doesNotMatch(renderHtml(sampleResult()), /class="banner abort"/);
});

test('null percentiles show "—" with a "too few samples" tooltip', () => {
  const r = sampleResult();
  const html = renderHtml(r);
  const flush = r.operations.find((o) => o.latencyMs.p99 === null)!;
  assert.match(html, new RegExp(`<span class="na" title="too few samples \\(n = ${flush.latencyMs.count}\\)">—</span>`));
  // latency table: one row per op and measure; count the "too few samples" cells: p99 and p99.9
  // for sync-flush (3 measures x 2) + p99.9 for read-count (3 measures).
  assert.equal(html.match(/title="too few samples/g)?.length, 9);
});

test('the header names targets with versions, stand-ins as what they are, the machine and the date', () => {
  const html = renderHtml(sampleResult());
  assert.match(html, /<strong>Redis<\/strong> 7\.0\.15/);
  assert.match(html, /<strong>FerretDB \(MongoDB wire protocol\)<\/strong> 1\.24\.0/);
  assert.match(html, /stand-in for MongoDB/);
  assert.match(html, /bench-01 · linux\/x64 · 8 × AMD EPYC 7B13/);
  assert.match(html, /2025-11-21 14:03:07 UTC/);
});

test('every figure carries its unit; bytes are humanised with exact bytes in a title', () => {
  const html = renderHtml(sampleResult());
  assert.match(html, /<span title="10,871,232 bytes">10\.4 MiB<\/span>/);
  assert.match(html, /<td class="num">0\.291 ms<\/td>/);
  assert.match(html, /5,057 ops\/s/);
  assert.match(html, /21\.7 ms<\/td><td class="num">10 ms<\/td>/, 'threshold measured vs limit with units');
});

test('thresholds, claims and notes are listed', () => {
  const html = renderHtml(sampleResult());
  assert.match(html, /<span class="badge bad">FAIL<\/span><\/td><th scope="row"><code>like: p99\.9 &lt; 10ms<\/code>/);
  assert.match(html, /<span class="badge good">holds<\/span>/);
  assert.match(html, /<span class="badge bad">refuted<\/span>/);
  assert.match(html, /not measurable here/);
  assert.match(html, /Zipfian key choice/);
});

test('chart data: warmup spans, per-op series and a percentile spectrum decoded from the HDR histogram', () => {
  const r = sampleResult();
  const data = embeddedData(renderHtml(r));
  assert.deepEqual(data.warmup, [[0, r.schedule.warmupS]]);
  assert.equal(data.ops.length, r.operations.length);
  assert.equal(data.all.t.length, r.series.length);
  const like = data.ops[0];
  assert.ok(Array.isArray(like.spectrum) && like.spectrum.length > 20);
  const last = like.spectrum.at(-1);
  assert.ok(Math.abs(last.ms - r.operations[0]!.latencyMs.max!) < 0.05, 'spectrum ends at the max');
  for (let i = 1; i < like.spectrum.length; i++) assert.ok(like.spectrum[i].ms >= like.spectrum[i - 1].ms, 'monotonic');
});

test('a missing or corrupt histogram degrades to a note, not an error', () => {
  const r = sampleResult();
  delete r.operations[0]!.latencyHistogram;
  r.operations[1]!.latencyHistogram = 'not-a-histogram';
  const html = renderHtml(r);
  assert.match(html, /Not available: no latency histogram in the results\./);
  assert.match(html, /Not available: the latency histogram could not be decoded\./);
  const data = embeddedData(html);
  assert.equal(data.ops[0].spectrum, null);
  assert.equal(data.ops[1].spectrum, null);
  assert.deepEqual(percentileSpectrum(''), { ok: false, reason: 'no latency histogram in the results' });
});

test('passwords never reach the report', () => {
  const r = sampleResult({ scenario: { options: { redisPassword: 'hunter2', url: 'postgres://bench:hunter2@127.0.0.1:5432/db' } }, notes: ['connected to redis://:hunter2@10.0.0.5:6379'] });
  const html = renderHtml(r);
  assert.doesNotMatch(html, /hunter2/);
  assert.match(html, /postgres:\/\/bench:\*\*\*@127\.0\.0\.1:5432\/db/);
});

test('a closed-loop run with no series or operations still renders', () => {
  const r = sampleResult({ loop: 'closed', rate: { targetOpsPerSec: null }, schedule: { concurrency: 16 } });
  r.operations = [];
  r.series = [];
  r.footprint = { before: [], after: [], derived: [] };
  r.thresholds = [];
  r.claims = [];
  const html = renderHtml(r);
  assert.match(html, /No operations were recorded/);
  assert.match(html, /closed loop \(no target rate\)/);
});

test('writeHtmlReport writes report.html into the directory and returns its path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'capbench-html-'));
  try {
    const path = await writeHtmlReport(sampleResult(), join(dir, 'nested'));
    assert.equal(path, join(dir, 'nested', 'report.html'));
    const text = await readFile(path, 'utf8');
    assert.ok(text.startsWith('<!doctype html>') && text.trimEnd().endsWith('</html>'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('scenario sections: tables with numbers formatted and empties as "—", one canvas per chart, their data embedded, text escaped', () => {
  const r = sampleResult();
  r.sections = sampleSections(EVIL);
  const html = renderHtml(r);
  assert.doesNotMatch(html, /<script>alert\(1\)<\/script>/, 'hostile text escaped');
  assert.match(html, /<section id="scenario-strategies"><h2>Strategies side by side \(&lt;script&gt;/);
  assert.match(html, /<td class="num">4,210<\/td>/, 'numbers formatted and right-aligned');
  assert.match(html, /<td class="num">—<\/td>/, 'null as a dash');
  assert.match(html, /<canvas id="chart-sc-strategies-lag-cdf"/);
  assert.match(html, /<canvas id="chart-sc-strategies-amplification"/);
  const data = embeddedData(html);
  assert.deepEqual(
    data.scenarioCharts.map((c: { canvas: string; kind: string }) => [c.canvas, c.kind]),
    [
      ['chart-sc-strategies-lag-cdf', 'line'],
      ['chart-sc-strategies-amplification', 'bar'],
    ],
  );
  assert.deepEqual(data.scenarioCharts[0].markers, [{ x: 5000, label: `5 s target (${EVIL})` }]);
  assert.doesNotMatch(renderHtml(sampleResult()), /id="scenario-/, 'no section when the scenario has none');
});
