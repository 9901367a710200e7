import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newHistogram, encodeHistogram, decodeHistogram, mergeEncoded, percentilesMs, recordNs } from '../../engine/histogram.js';
import { HdrCounts } from '../../engine/counts.js';

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

test('the hot path counts (engine/counts.ts) give the same histogram as recording each value into hdr-histogram-js', () => {
  const direct = newHistogram();
  const counts = new HdrCounts();
  let x = 987654321;
  const values: number[] = [0, 1, 499, 500, 1499, 2_047_000, 2_048_000, 2_049_499, 1e9, 119_999_999_000, 500e9];
  for (let i = 0; i < 50_000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    // ns from 0.3 µs to ~20 s on a log scale, so that every bucket range is hit.
    values.push(Math.round(300 * Math.exp((x / 2147483648) * 18)));
  }
  for (const ns of values) {
    recordNs(direct, ns);
    counts.recordNs(ns);
  }
  const poured = newHistogram();
  counts.addInto(poured);
  assert.equal(counts.total, values.length);
  assert.equal(poured.totalCount, direct.totalCount);
  for (const q of [0.1, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100]) assert.equal(poured.getValueAtPercentile(q), direct.getValueAtPercentile(q), `p${q}`);
  // Bucket for bucket: the encodings of the two decode to the same counts.
  const a = decodeHistogram(encodeHistogram(poured));
  const b = decodeHistogram(encodeHistogram(direct));
  assert.deepEqual(percentilesMs(a), percentilesMs(b));
  assert.equal(a.outputPercentileDistribution(), b.outputPercentileDistribution());
  // Cleared counts start over.
  counts.clear();
  assert.equal(counts.total, 0);
  const empty = newHistogram();
  counts.addInto(empty);
  assert.equal(empty.totalCount, 0);
});

test('percentilesMs reads every figure in one pass with the values hdr-histogram-js gives', () => {
  for (const size of [1, 7, 150, 5000, 100_000]) {
    const h = newHistogram();
    let x = size * 7919 + 1;
    for (let i = 0; i < size; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      recordNs(h, Math.round(500 * Math.exp((x / 2147483648) * 16)));
    }
    const p = percentilesMs(h);
    const ms = (us: number) => Math.round(us) / 1000;
    assert.equal(p.count, size);
    assert.equal(p.p50, ms(h.getValueAtPercentile(50)), `p50 of ${size}`);
    if (size >= 10) assert.equal(p.p90, ms(h.getValueAtPercentile(90)), `p90 of ${size}`);
    if (size >= 100) assert.equal(p.p99, ms(h.getValueAtPercentile(99)), `p99 of ${size}`);
    if (size >= 1000) assert.equal(p.p999, ms(h.getValueAtPercentile(99.9)), `p99.9 of ${size}`);
    assert.equal(p.max, ms(h.getValueAtPercentile(100)), `max of ${size}`);
    assert.equal(p.mean, Math.round(h.mean) / 1000, `mean of ${size}`);
    assert.equal(p.min, ms(h.minNonZeroValue), `min of ${size}`);
  }
});
