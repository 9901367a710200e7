/** The capacity search (engine/capacity.ts) without a server: ramp, bisection, retry, pass rule. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  driveSearch,
  initialSearchState,
  judgeStep,
  measureStep,
  nextRate,
  phaseOf,
  rampStartAfter,
  recordStep,
  roundRate,
  type SearchBounds,
} from '../../engine/capacity.js';
import type { LoadOutcome } from '../../engine/run.js';

const bounds: SearchBounds = { startRate: 10_000, maxRate: 400_000, minRate: 1_000, resolution: 0.05 };

/** Drive the search against a machine whose true limit is `limit` ops/s; returns the rates tried and the result. */
function simulate(limit: number, b = bounds): { tried: number[]; best: number | null } {
  let state = initialSearchState();
  const tried: number[] = [];
  for (let i = 0; i < 50; i++) {
    const rate = nextRate(b, state);
    if (rate === null) break;
    tried.push(rate);
    state = recordStep(state, rate, rate <= limit);
  }
  return { tried, best: state.lastPass };
}

test('the search doubles until a step fails, then bisects to the resolution', () => {
  const { tried, best } = simulate(87_000);
  assert.deepEqual(tried.slice(0, 5), [10_000, 20_000, 40_000, 80_000, 160_000]);
  assert.ok(best !== null && best <= 87_000 && best >= 87_000 / 1.05 - 1, `best ${best}`);
  assert.ok(tried.length <= 10, `${tried.length} steps: ${tried.join(', ')}`);
  assert.equal(phaseOf({ lastPass: 80_000, firstFail: null }), 'ramp');
  assert.equal(phaseOf({ lastPass: 80_000, firstFail: 160_000 }), 'bisect');
});

test('the search stops at the cap, and halves down when even the start fails', () => {
  const capped = simulate(1e9);
  assert.equal(capped.best, 400_000);
  assert.equal(capped.tried.at(-1), 400_000);
  const low = simulate(3_000);
  assert.deepEqual(low.tried.slice(0, 3), [10_000, 5_000, 2_500]);
  assert.equal(phaseOf({ lastPass: null, firstFail: 10_000 }), 'down');
  assert.ok(low.best !== null && low.best <= 3_000 && low.best > 2_500);
  assert.equal(simulate(500).best, null);
});

test('rates are rounded to three significant digits; a later configuration starts one doubling below the best', () => {
  assert.equal(roundRate(123_456), 123_000);
  assert.equal(roundRate(47_500), 47_500);
  assert.equal(rampStartAfter(bounds, null), 10_000);
  assert.equal(rampStartAfter(bounds, 87_000), 40_000);
  assert.equal(rampStartAfter(bounds, 15_000), 10_000);
});

test('a step passes only unflagged, under the p99 limit and without errors', () => {
  const c = { maxP99Ms: 5, requireUnflagged: true, maxErrorRate: 0 };
  const ok = { p99Ms: 1.2, flagged: false, flagReasons: [], count: 50_000, errors: 0 };
  assert.deepEqual(judgeStep(ok, c), { passed: true, why: [] });
  assert.match(judgeStep({ ...ok, p99Ms: 7.25 }, c).why.join(), /p99 7\.25 ms ≥ 5 ms/);
  assert.match(judgeStep({ ...ok, flagged: true, flagReasons: ['achieved 90%'] }, c).why.join(), /flagged: achieved 90%/);
  assert.equal(judgeStep({ ...ok, flagged: true }, { ...c, requireUnflagged: false }).passed, true);
  assert.equal(judgeStep({ ...ok, errors: 1 }, c).passed, false);
  assert.equal(judgeStep({ ...ok, p99Ms: null }, c).passed, false);
});

test('driveSearch runs the shared search: ramp, bisection, one retry of a disturbed failing step', async () => {
  interface Fake { rate: number; phase: string; passed: boolean; busy: boolean; superseded?: boolean }
  const limit = 87_000;
  let busyOnce = true; // the first failing step ran on a busy machine and is retried once
  let pauses = 0;
  const found = await driveSearch<Fake>(bounds, 10_000, 16, {
    run: async (rate, phase) => {
      const busy = rate > limit && busyOnce;
      if (busy) busyOnce = false;
      return { rate, phase, passed: rate <= limit, busy };
    },
    passed: (s) => s.passed,
    retry: (s) => s.busy,
    supersede: (s) => {
      s.superseded = true;
    },
    pause: async () => {
      pauses++;
    },
  });
  assert.equal(found.best, simulate(limit).best, 'same result as nextRate/recordStep driven by hand');
  const rates = found.steps.map((s) => s.rate);
  assert.deepEqual(rates.slice(0, 6), [10_000, 20_000, 40_000, 80_000, 160_000, 160_000]);
  assert.equal(found.steps[4]!.superseded, true);
  assert.equal(found.steps[5]!.phase, 'retry');
  assert.equal(found.steps[1]!.phase, 'ramp');
  assert.equal(found.steps.at(-1)!.phase, 'bisect');
  assert.equal(found.state.firstFail !== null && found.state.firstFail > limit, true);
  assert.equal(pauses, found.steps.length, 'a pause after each step and before the retry');
});

test('driveSearch stops when told, keeping the interrupted step out of the state, and honours maxSteps', async () => {
  let n = 0;
  const found = await driveSearch(bounds, 10_000, 16, {
    run: async (rate) => {
      n++;
      return rate;
    },
    passed: () => true,
    stopped: () => n >= 2,
  });
  assert.deepEqual(found.steps, [10_000, 20_000]);
  assert.equal(found.best, 10_000);
  const capped = await driveSearch(bounds, 10_000, 3, { run: async (rate) => rate, passed: () => true });
  assert.deepEqual(capped.steps, [10_000, 20_000, 40_000]);
  assert.equal(capped.state.firstFail, null);
});

test('measureStep reads the judged operation out of the engine outcome; an aborted step fails with its reason', () => {
  const pct = (p99: number | null) => ({ count: 1000, min: 0.01, mean: 0.2, p50: 0.1, p90: 0.5, p99, p999: 2, max: 3 });
  const op = (name: string, p99: number | null, errors: Record<string, number> = {}) => ({
    name,
    path: 'any.path',
    count: 1000,
    okCount: 990,
    errors,
    warmupCount: 200,
    warmupOkCount: 200,
    achievedOpsPerSec: 500,
    latencyMs: pct(p99),
    serviceTimeMs: pct(0.9),
    scheduleLagMs: pct(0.4),
    series: [],
  });
  const outcome = {
    operations: [op('read', 99), op('write', 1.5, { timeout: 10 })],
    series: [],
    rate: { targetOpsPerSec: 500, achievedOpsPerSec: 498, notStarted: 0, flagged: false, reasons: [] },
    harness: { eventLoopLagMs: pct(1), cpuPct: { mean: 50, max: 60 }, bottleneck: false, notes: [] },
    schedule: { arrival: 'constant' as const, stages: [], warmupS: 1, workers: 1, maxInFlight: 10 },
    startedAt: '',
    endedAt: '',
    aborted: false,
  } as unknown as LoadOutcome;
  const c = { maxP99Ms: 5, requireUnflagged: true, maxErrorRate: 0 };
  const { step, acknowledged } = measureStep(outcome, 'write', 500, c);
  assert.equal(acknowledged, 1190, 'measured and warmup operations acknowledged');
  assert.equal(step.targetOpsPerSec, 500);
  assert.equal(step.achievedOpsPerSec, 498);
  assert.deepEqual(step.latencyMs, { p50: 0.1, p99: 1.5, p999: 2, max: 3 });
  assert.equal(step.errors, 10);
  assert.deepEqual(step.errorsByKind, { timeout: 10 });
  assert.equal(step.passed, false, 'the other operation\'s p99 is not judged, but this one\'s errors are');
  assert.deepEqual(step.failReasons, ['10 errors (1.0%)']);
  assert.equal(measureStep(outcome, 'read', 500, c).step.failReasons[0], 'p99 99 ms ≥ 5 ms');
  const aborted = measureStep({ ...outcome, operations: [op('write', 1.5)], aborted: true, abortReason: 'interrupted (Ctrl-C)' }, 'write', 500, c).step;
  assert.equal(aborted.passed, false);
  assert.deepEqual(aborted.failReasons, ['aborted: interrupted (Ctrl-C)']);
  const missing = measureStep(outcome, 'nope', 500, c).step;
  assert.equal(missing.count, 0);
  assert.deepEqual(missing.failReasons, ['no operation completed', 'too few samples for a p99']);
});
