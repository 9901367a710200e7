/**
 * The noise estimate and the limits: the bootstrap intervals on constructed per-second values
 * (where the answer is known), and the --max-regression syntax.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMPARE_DEFAULT_LIMITS, GATE_DEFAULT_LIMITS, parseLimits } from '../../reports/compare/metrics.js';
import { MIN_SECONDS, median, pairedInterval, unpairedInterval } from '../../reports/compare/stats.js';
import { UsageError } from '../../core/errors.js';

const base = [4.1, 5.3, 3.8, 6.2, 4.7, 5.0, 4.4, 5.9, 4.9, 5.1];

test('median of odd and even lengths, without mutating', () => {
  const v = [3, 1, 2];
  assert.equal(median(v), 2);
  assert.deepEqual(v, [3, 1, 2]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('paired: every second 50 % higher gives an interval of exactly +50 %', () => {
  const n = pairedInterval(base.map((x) => [x, x * 1.5] as const), 'relative', 'p99');
  assert.equal(n.kind, 'interval');
  if (n.kind !== 'interval') return;
  assert.equal(n.method, 'paired');
  assert.equal(n.seconds, base.length);
  assert.ok(Math.abs(n.low - 0.5) < 1e-9 && Math.abs(n.high - 0.5) < 1e-9, `${n.low}..${n.high}`);
});

test('paired: one slow second out of ten leaves the interval around 0', () => {
  const pairs = base.map((x, i) => [x, i === 3 ? x * 3 : x * (1 + ((i % 3) - 1) * 0.05)] as const);
  const n = pairedInterval(pairs, 'relative', 'p99');
  assert.equal(n.kind, 'interval');
  if (n.kind !== 'interval') return;
  assert.ok(n.low <= 0 && n.high >= 0, `${n.low}..${n.high} includes 0`);
});

test('unpaired: a clear shift excludes 0, the same values include it; the interval is reproducible', () => {
  const shifted = unpairedInterval(base, base.map((x) => x * 1.4), 'relative', 'p99');
  assert.equal(shifted.kind, 'interval');
  if (shifted.kind !== 'interval') return;
  assert.equal(shifted.method, 'unpaired');
  assert.ok(shifted.low > 0, `low ${shifted.low} > 0`);
  assert.ok(Math.abs(shifted.estimate - 0.4) < 1e-9);
  const same = unpairedInterval(base, [...base].reverse(), 'relative', 'p99');
  assert.ok(same.kind === 'interval' && same.low < 0 && same.high > 0);
  assert.deepEqual(unpairedInterval(base, base.map((x) => x * 1.4), 'relative', 'p99'), shifted, 'same seed, same interval');
});

test('absolute change (error rate) in fraction points', () => {
  const n = pairedInterval(base.map(() => [0, 0.02] as const), 'absolute', 'error rate');
  assert.ok(n.kind === 'interval' && Math.abs(n.low - 0.02) < 1e-12 && Math.abs(n.high - 0.02) < 1e-12);
});

test(`fewer than ${MIN_SECONDS} seconds: the noise is not estimable, with the reason`, () => {
  const few = base.slice(0, MIN_SECONDS - 1);
  const p = pairedInterval(few.map((x) => [x, x] as const), 'relative', 'p99');
  assert.equal(p.kind, 'not-estimable');
  if (p.kind === 'not-estimable') assert.match(p.reason, /^4 measured seconds with a p99 in both runs \(5 needed\)$/);
  const u = unpairedInterval(base, few, 'relative', 'p99');
  assert.ok(u.kind === 'not-estimable' && /current run/.test(u.reason));
  // Pairs without a baseline value > 0 have no ratio and do not count.
  const zeros = pairedInterval(base.map((x, i) => [i < 6 ? 0 : x, x] as const), 'relative', 'completed operations');
  assert.equal(zeros.kind, 'not-estimable');
});

test('limits: defaults, overrides, off, aliases', () => {
  assert.deepEqual(parseLimits(undefined, GATE_DEFAULT_LIMITS), GATE_DEFAULT_LIMITS);
  const l = parseLimits('p99=20%, throughput=off,p99.9=15%,error-rate=0.5%', GATE_DEFAULT_LIMITS);
  assert.equal(l.p99, 0.2);
  assert.equal(l.throughput, null);
  assert.equal(l.p999, 0.15);
  assert.equal(l.error_rate, 0.005);
  assert.equal(l.footprint, 0.1, 'unnamed metrics keep their default');
  assert.equal(parseLimits('cost=10%', COMPARE_DEFAULT_LIMITS).cost, 0.1);
});

test('limits: bad items are one UsageError line naming the item', () => {
  for (const [text, re] of [
    ['p98=10%', /unknown metric "p98"/],
    ['p99', /expected metric=limit/],
    ['p99=10', /"p99=10": expected a percentage/],
    ['throughput=-5%', /"throughput=-5%"/],
  ] as const) {
    assert.throws(
      () => parseLimits(text, GATE_DEFAULT_LIMITS),
      (err: unknown) => err instanceof UsageError && re.test(err.message) && !err.oneLine().includes('\n'),
      text,
    );
  }
});
