import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { RunResultSchema } from '../../core/results.js';
import { sampleResult } from '../fixtures/sample-result.js';

test('sampleResult() is a valid RunResult', () => {
  const parsed = RunResultSchema.safeParse(sampleResult());
  assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3)));
});

test('sampleResult() is deterministic and returns independent copies', () => {
  const a = sampleResult();
  const b = sampleResult();
  assert.deepEqual(a, b);
  a.operations[0]!.name = 'changed';
  assert.notEqual(sampleResult().operations[0]!.name, 'changed');
});

test('sampleResult(overrides) deep-merges objects and replaces arrays', () => {
  const r = sampleResult({ rate: { flagged: true, reasons: ['short'] }, scenario: { id: 'x' }, notes: [] });
  assert.equal(r.rate.flagged, true);
  assert.deepEqual(r.rate.reasons, ['short']);
  assert.equal(typeof r.rate.achievedOpsPerSec, 'number', 'sibling fields kept');
  assert.equal(r.scenario.id, 'x');
  assert.equal(r.scenario.description.length > 0, true);
  assert.deepEqual(r.notes, []);
  assert.ok(RunResultSchema.safeParse(r).success);
});

test('the fixture carries real HDR histograms whose counts match the operations', () => {
  for (const op of sampleResult().operations) {
    assert.ok(op.latencyHistogram, `${op.name} has a histogram`);
    const h = decodeFromCompressedBase64(op.latencyHistogram!, 32, false);
    try {
      assert.equal(h.totalCount, op.count, `${op.name}: histogram count`);
      assert.ok(Math.abs(h.maxValue / 1000 - op.latencyMs.max!) < 0.05, `${op.name}: histogram max`);
    } finally {
      h.destroy();
    }
  }
});

test('the fixture exercises the null-percentile and failed-threshold cases', () => {
  const r = sampleResult();
  assert.ok(r.operations.some((o) => o.latencyMs.p999 === null && o.latencyMs.p99 !== null), 'an op without p99.9');
  assert.ok(r.operations.some((o) => o.latencyMs.p99 === null), 'an op without p99');
  assert.ok(r.thresholds.some((t) => !t.passed) && r.thresholds.some((t) => t.passed));
  assert.ok(r.series.some((p) => p.warmup) && r.series.some((p) => !p.warmup));
  assert.ok(r.targets.some((t) => t.standInFor === 'MongoDB'));
});
