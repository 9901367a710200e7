import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseThreshold, evaluateThresholds } from '../../engine/thresholds.js';
import { UsageError } from '../../core/errors.js';
import type { OperationResult } from '../../core/results.js';

const pct = (p99: number | null) => ({ count: 1000, min: 0.1, mean: 1, p50: 0.5, p90: 1, p99, p999: null, max: 9 });
const op = (name: string, p99: number | null, errors: Record<string, number> = {}): OperationResult => ({
  name, path: 'x', count: 1000, okCount: 1000, errors, warmupCount: 0, achievedOpsPerSec: 950,
  latencyMs: pct(p99), serviceTimeMs: pct(1), scheduleLagMs: pct(0.1), series: [],
});

test('thresholds parse units and compare', () => {
  assert.deepEqual(parseThreshold('like:p99<5ms'), { expression: 'like:p99<5ms', operation: 'like', metric: 'p99', cmp: '<', limit: 5 });
  assert.equal(parseThreshold('like:p99<0.5s').limit, 500);
  assert.equal(parseThreshold('*:error_rate<0.1%').limit, 0.001);
  const r = evaluateThresholds(['like:p99<5ms', '*:error_rate<1%', 'like:ops_per_sec>=1000'].map(parseThreshold), [op('like', 4), op('read', 7, { ETIMEDOUT: 20 })]);
  assert.deepEqual(r.map((x) => [x.expression, x.passed]), [
    ['like:p99<5ms', true],
    ['like:error_rate<1%', true],
    ['read:error_rate<1%', false],
    ['like:ops_per_sec>=1000', false],
  ]);
});

test('a metric with too few samples fails the threshold instead of passing on missing data', () => {
  const [r] = evaluateThresholds([parseThreshold('like:p99<5ms')], [op('like', null)]);
  assert.equal(r!.passed, false);
  assert.equal(r!.actual, null);
});

test('bad thresholds are one clear UsageError', () => {
  assert.throws(() => parseThreshold('p99<5'), UsageError);
  assert.throws(() => parseThreshold('like:p42<5'), /unknown metric "p42"/);
  assert.throws(() => parseThreshold('like:ops_per_sec>5ms'), /takes no time unit/);
  assert.throws(() => evaluateThresholds([parseThreshold('nope:p99<5')], [op('like', 1)]), /does not have/);
});
