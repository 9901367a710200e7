/** engine/slo.ts: the SLO parser, the SLOs a scenario's thresholds imply, and the step judge (no server). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../core/errors.js';
import { checkSloOperations, judgeSlos, parseSlo, slosFromThresholds } from '../../engine/slo.js';
import { parseThreshold } from '../../engine/thresholds.js';
import type { LoadOutcome } from '../../engine/run.js';

test('an SLO parses with its percentile and limit in ms; p99.9 and p999 are the same, s and µs convert', () => {
  assert.deepEqual(parseSlo('like:p99<5ms'), { expression: 'like:p99<5ms', operation: 'like', percentile: 'p99', limitMs: 5 });
  assert.deepEqual(parseSlo(' follow : p99.9 < 0.25 s '), { expression: 'follow:p99.9<250ms', operation: 'follow', percentile: 'p999', limitMs: 250 });
  assert.equal(parseSlo('x:p999<500us').limitMs, 0.5);
  assert.equal(parseSlo('x:p50<2').limitMs, 2, 'a bare number is ms');
  assert.equal(parseSlo('*:p90<10ms').operation, '*');
});

test('a bad SLO is one UsageError line naming it and showing the form', () => {
  for (const bad of ['like', 'like:p95<5ms', 'like:p99>5ms', 'like:p99<5min', 'like:p99<0ms', 'like:error_rate<1%', '']) {
    assert.throws(
      () => parseSlo(bad),
      (e: unknown) => e instanceof UsageError && !e.oneLine().includes('\n') && /^Bad --slo: /.test(e.message) && /like:p99<5ms/.test(e.oneLine()),
      bad,
    );
  }
});

test('an SLO must name an operation the scenario runs (or *)', () => {
  const ops = [{ name: 'like' }, { name: 'read' }];
  checkSloOperations([parseSlo('like:p99<5ms'), parseSlo('*:p50<1ms')], ops, 'viral-like-spike');
  assert.throws(() => checkSloOperations([parseSlo('follow:p99<5ms')], ops, 'viral-like-spike'), (e: unknown) => e instanceof UsageError && /"follow", which viral-like-spike does not run/.test(e.message) && /like, read/.test(e.oneLine()));
});

test("the scenario's latency thresholds become its default SLOs; error-rate and > thresholds do not", () => {
  const slos = slosFromThresholds(['like:p99<10ms', 'like:error_rate<0.1%', 'x:p999<=1s', 'y:p99>3ms', 'z:max<5ms'].map(parseThreshold));
  assert.deepEqual(
    slos.map((s) => [s.expression, s.percentile, s.limitMs]),
    [
      ['like:p99<10ms', 'p99', 10],
      ['x:p99.9<1000ms', 'p999', 1000],
    ],
  );
});

/** A LoadOutcome with the given operations' p99 (ms), errors and flag. */
function outcome(ops: { name: string; p99: number | null; count?: number; errors?: number }[], flagged = false, aborted = false): LoadOutcome {
  const pct = (p99: number | null, count: number) => ({ count, min: 0.01, mean: 0.2, p50: 0.1, p90: 0.5, p99, p999: null, max: 9 });
  return {
    operations: ops.map((o) => ({
      name: o.name,
      path: 'any.path',
      count: o.count ?? 1000,
      okCount: (o.count ?? 1000) - (o.errors ?? 0),
      errors: (o.errors ? { ECONNRESET: o.errors } : {}) as Record<string, number>,
      warmupCount: 0,
      achievedOpsPerSec: 500,
      latencyMs: pct(o.p99, o.count ?? 1000),
      serviceTimeMs: pct(0.5, 1000),
      scheduleLagMs: pct(0.2, 1000),
      series: [],
    })),
    series: [],
    rate: { targetOpsPerSec: 1000, achievedOpsPerSec: 990, notStarted: 0, flagged, reasons: flagged ? ['achieved 80%'] : [] },
    harness: { eventLoopLagMs: pct(1, 1), cpuPct: { mean: 1, max: 1 }, bottleneck: false, notes: [] },
    schedule: { arrival: 'constant', stages: [{ durationS: 2, rate: 1000 }], warmupS: 1, workers: 1, maxInFlight: 100 },
    startedAt: '',
    endedAt: '',
    aborted,
    ...(aborted ? { abortReason: 'interrupted (Ctrl-C)' } : {}),
  };
}

test('a step passes only with every SLO strictly under its limit, no errors, not flagged, not aborted', () => {
  const rule = { requireUnflagged: true, maxErrorRate: 0 };
  const slos = [parseSlo('like:p99<5ms'), parseSlo('read:p99<2ms')];
  assert.deepEqual(judgeSlos(outcome([{ name: 'like', p99: 4.9 }, { name: 'read', p99: 1 }]), slos, rule), { passed: true, why: [] });
  assert.deepEqual(judgeSlos(outcome([{ name: 'like', p99: 5 }, { name: 'read', p99: 1 }]), slos, rule).why, ['like p99 5 ms ≥ 5 ms']);
  assert.deepEqual(judgeSlos(outcome([{ name: 'like', p99: 1 }, { name: 'read', p99: null, count: 40 }]), slos, rule).why, ['read p99: too few samples (n = 40)']);
  assert.deepEqual(judgeSlos(outcome([{ name: 'like', p99: 1, errors: 3 }, { name: 'read', p99: 1 }]), slos, rule).why, ['3 errors (0.15%)']);
  assert.equal(judgeSlos(outcome([{ name: 'like', p99: 1, errors: 3 }, { name: 'read', p99: 1 }]), slos, { ...rule, maxErrorRate: 0.01 }).passed, true);
  assert.deepEqual(judgeSlos(outcome([{ name: 'like', p99: 1 }, { name: 'read', p99: 1 }], true), slos, rule).why, ['flagged: achieved 80%']);
  assert.equal(judgeSlos(outcome([{ name: 'like', p99: 1 }, { name: 'read', p99: 1 }], true), slos, { ...rule, requireUnflagged: false }).passed, true);
  assert.deepEqual(judgeSlos(outcome([{ name: 'like', p99: 1 }, { name: 'read', p99: 1 }], true, true), slos, rule).why, ['aborted: interrupted (Ctrl-C)']);
  const star = judgeSlos(outcome([{ name: 'like', p99: 7 }, { name: 'read', p99: 8 }]), [parseSlo('*:p99<5ms')], rule);
  assert.deepEqual(star.why, ['like p99 7 ms ≥ 5 ms', 'read p99 8 ms ≥ 5 ms']);
  assert.deepEqual(judgeSlos(outcome([{ name: 'like', p99: 1 }]), [parseSlo('read:p99<5ms')], rule).why, ['read: not run']);
});
