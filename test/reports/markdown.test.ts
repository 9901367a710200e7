import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderMarkdown } from '../../reports/markdown.js';
import { sampleResult, sampleSections } from '../fixtures/sample-result.js';

test('markdown contains the per-operation table with units and "—" for missing percentiles', () => {
  const r = sampleResult();
  const md = renderMarkdown(r);
  assert.match(md, /^\| Operation \| Path \| Count \| Errors \| Achieved \| Target \| p50 \| p90 \| p99 \| p99\.9 \| max \|$/m);
  assert.match(md, /^\|---\|---\|--:\|/m);
  for (const op of r.operations) assert.match(md, new RegExp(`^\\| ${op.name} \\| \`${op.path}\` \\|`, 'm'));
  assert.match(md, /\| like \| `likes\.redis-counter` \| 227,552 \| 32 \(timeout 28, ECONNRESET 4\) \| 5,057 ops\/s \| 5,060 ops\/s \| 0\.291 ms \|/);
  assert.match(md, /\| sync-flush \|.*\| — \| — \| 86\.4 ms \|$/m);
  // Every table row has the same number of cells as its header.
  for (const line of md.split('\n').filter((l) => l.startsWith('| like') || l.startsWith('| read-count'))) {
    assert.equal(line.split(/(?<!\\)\|/).length, 13, line);
  }
});

test('markdown has summary, thresholds, claims and flags', () => {
  const md = renderMarkdown(sampleResult({ rate: { flagged: true, reasons: ['short by 20 %'] }, harness: { bottleneck: true } }));
  assert.match(md, /^## capbench · viral-like-spike — completed$/m);
  assert.match(md, /\*\*Rate:\*\* 5,068 ops\/s achieved of 5,071 ops\/s target/);
  assert.match(md, /FerretDB \(MongoDB wire protocol\) 1\.24\.0 \(stand-in for MongoDB\)/);
  assert.match(md, /### ⚠️ Flags/);
  assert.match(md, /\*\*Rate flagged:\*\*/);
  assert.match(md, /  - short by 20 %/);
  assert.match(md, /\*\*Harness bottleneck:\*\*/);
  assert.match(md, /### Thresholds: 3 \/ 4 passed/);
  assert.match(md, /\| ❌ \*\*FAIL\*\* \| `like: p99\.9 < 10ms` \| 21\.7 ms \| 10 ms \|/);
  assert.match(md, /\| ❌ refuted \|/);
  assert.doesNotMatch(renderMarkdown(sampleResult()), /Flags/);
});

test('an aborted run is loud in markdown', () => {
  const md = renderMarkdown(sampleResult({ status: 'aborted', abortReason: 'Ctrl-C' }));
  assert.match(md, /^## ⛔ capbench · viral-like-spike — \*\*ABORTED \(partial results\)\*\*$/m);
  assert.match(md, /^> \*\*Aborted:\*\* Ctrl-C\./m);
});

test('text from the result cannot inject HTML or break the table', () => {
  const r = sampleResult({ scenario: { id: '<script>alert(1)</script>' }, notes: ['<img src=x onerror=alert(1)>', '1. not a list'] });
  r.operations[0]!.name = 'a|b\nc';
  r.operations[0]!.path = 'p|`q`';
  const md = renderMarkdown(r);
  assert.doesNotMatch(md, /<script>|<img/);
  assert.match(md, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(md, /^\| a\\\|b c \| `` p\\\|`q` `` \|/m);
  assert.match(md, /^- 1\\\. not a list$/m);
});

test('markdown renders each scenario section: heading, its tables with formatted cells, chart titles, notes', () => {
  const r = sampleResult();
  r.sections = sampleSections('push | pull');
  const md = renderMarkdown(r);
  assert.match(md, /^### Strategies side by side \(push \\\| pull\)$/m);
  assert.match(md, /^\| strategy \| p50 \(ms\) \| p99 \(ms\) \| write amplification \(rows\/post\) \|$/m);
  assert.match(md, /^\| push \\\| pull \| 812 \| 4,210 \| 1,251 \|$/m, 'cells formatted, pipes escaped');
  assert.match(md, /^\| fan-out on read \| 0 \| 0 \| — \|$/m);
  assert.match(md, /_Charts in the HTML report: Delivery lag CDF/);
  assert.match(md, /^- the celebrity posted twice/m);
});
