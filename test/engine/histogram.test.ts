import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newHistogram, encodeHistogram, mergeEncoded, percentilesMs, recordNs } from '../../engine/histogram.js';

test('merging encoded histograms is exact: same counts and percentiles as one histogram of all values', () => {
  const all = newHistogram();
  const parts = [newHistogram(), newHistogram(), newHistogram()];
  let x = 12345;
  for (let i = 0; i < 30000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const ns = 1000 + (x % 50_000_000); // 1 µs .. 50 ms
    recordNs(all, ns);
    recordNs(parts[i % 3]!, ns);
  }
  const merged = newHistogram();
  for (const p of parts) mergeEncoded(merged, encodeHistogram(p));
  assert.equal(merged.totalCount, all.totalCount);
  for (const q of [50, 90, 99, 99.9, 100]) assert.equal(merged.getValueAtPercentile(q), all.getValueAtPercentile(q), `p${q}`);
  assert.deepEqual(percentilesMs(merged), percentilesMs(all));
});

test('percentiles are hidden when the sample is too small', () => {
  const h = newHistogram();
  for (let i = 0; i < 150; i++) recordNs(h, 1_000_000);
  const p = percentilesMs(h);
  assert.equal(p.count, 150);
  assert.equal(p.p50, 1);
  assert.equal(p.p99, 1);
  assert.equal(p.p999, null);
  const empty = percentilesMs(newHistogram());
  assert.equal(empty.p50, null);
  assert.equal(empty.count, 0);
});
