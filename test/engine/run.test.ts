import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CapbenchError } from '../../core/errors.js';
import { runLoad, type LoadPlan } from '../../engine/run.js';
import { bindOperations } from '../../engine/types.js';
import { TIMED_OPERATIONS } from '../fixtures/timed-workload.js';

const ref = (args: object) => ({ moduleUrl: new URL('../fixtures/timed-workload.js', import.meta.url).href, args });
const basePlan: LoadPlan = {
  loop: 'open',
  stages: [{ durationS: 2, rate: 500 }],
  arrival: 'constant',
  warmupS: 0,
  workers: 1,
  maxInFlight: 1000,
  graceS: 1,
  opTimeoutS: 5,
  seed: 1,
};
const names = { expect: TIMED_OPERATIONS };

test('open loop keeps a constant rate and is not flagged when the target keeps up', { timeout: 60_000 }, async () => {
  const out = await runLoad(ref({ serviceMs: 1 }), basePlan, names);
  const op = out.operations[0]!;
  assert.equal(op.count, 1000);
  assert.equal(out.rate.notStarted, 0);
  assert.equal(out.rate.targetOpsPerSec, 500);
  assert.ok(Math.abs(out.rate.achievedOpsPerSec - 500) < 50, `achieved ${out.rate.achievedOpsPerSec}`);
  assert.equal(out.rate.flagged, false, out.rate.reasons.join('; '));
  // setTimeout(1) may fire early by up to a loop tick (libuv caches its clock), so not >= 1 ms.
  assert.ok(op.latencyMs.p50! > 0.1 && op.latencyMs.p50! < 20, `p50 ${op.latencyMs.p50}`);
  // The schedule, not the target, sets the pace: each second completes about its 500.
  assert.ok(out.series.length >= 2 && out.series[0]!.targetOps === 500);
  for (const p of out.series.slice(0, 2)) assert.ok(Math.abs(p.completedOps - 500) <= 50, `second ${p.t}: ${p.completedOps} completed`);
});

test('a stalled operation shows in p99: latency counts from the intended start, service time does not', { timeout: 60_000 }, async () => {
  // One in-flight slot: the 300 ms stall holds back ~150 later arrivals, whose latency must include the wait.
  const out = await runLoad(ref({ serviceMs: 0, stallSeq: 200, stallMs: 300 }), { ...basePlan, maxInFlight: 1 }, names);
  const op = out.operations[0]!;
  assert.equal(op.count, 1000);
  assert.ok(op.latencyMs.p99! >= 100, `latency p99 ${op.latencyMs.p99} ms should show the stall`);
  assert.ok(op.latencyMs.max! >= 290, `latency max ${op.latencyMs.max}`);
  assert.ok(op.serviceTimeMs.p99! < 50, `service time p99 ${op.serviceTimeMs.p99} ms should not`);
  assert.ok(op.scheduleLagMs.p99! >= 100, `schedule lag p99 ${op.scheduleLagMs.p99}`);
});

for (const workers of [1, 2]) {
  for (const pacing of ['spin', 'batch'] as const) {
    test(`a 500 ms target pause under a constant rate shows in p99 as theory says (${workers} worker${workers > 1 ? 's' : ''}, ${pacing} pacing)`, { timeout: 60_000 }, async () => {
      // 1,000 ops/s for 3 s; arrivals in [1.0, 1.5) s wait for the pause's end, so an arrival at t
      // has latency 1.5 − t. Latency above x then has the share (0.5 − x)/3, which is 1% at
      // x = 470 ms: the p99 must be ~470 ms whatever the waiting strategy or thread count, because
      // latency counts from each operation's intended start (coordinated omission).
      const out = await runLoad(ref({ serviceMs: 0, pauseAtS: 1, pauseMs: 500 }), { ...basePlan, stages: [{ durationS: 3, rate: 1000 }], workers, pacing }, names);
      const op = out.operations[0]!;
      assert.ok(Math.abs(op.count - 3000) <= 2, `count ${op.count}`);
      // Upper bounds leave room for the client's own catching up after the pause (the once-a-second
      // merge runs first on a busy machine); the lower bound is what coordinated omission would break.
      assert.ok(op.latencyMs.p99! >= 440 && op.latencyMs.p99! <= 650, `latency p99 ${op.latencyMs.p99} ms, expected ~470`);
      assert.ok(op.latencyMs.max! >= 480 && op.latencyMs.max! <= 700, `latency max ${op.latencyMs.max} ms, expected ~500`);
      // Outside the pause the target answers at once: the median stays small.
      assert.ok(op.latencyMs.p50! < 5, `latency p50 ${op.latencyMs.p50} ms`);
      assert.equal(out.schedule.pacing, pacing);
    });

    test(`a 500 ms client stall is measured from each operation's intended start (${workers} worker${workers > 1 ? 's' : ''}, ${pacing} pacing)`, { timeout: 60_000 }, async () => {
      // The thread itself stops for 500 ms at its 1,000th arrival (t = 1 s): the arrivals due
      // meanwhile are sent late. Their latency must count the wait (p99 ~470 ms as above), their
      // service time must not: the stall is the client's, and coordinated omission would hide it.
      const perThread = 1000 / workers;
      const out = await runLoad(ref({ serviceMs: 0, blockSeq: perThread, blockMs: 500 }), { ...basePlan, stages: [{ durationS: 3, rate: 1000 }], workers, pacing }, names);
      const op = out.operations[0]!;
      assert.ok(Math.abs(op.count - 3000) <= 2, `count ${op.count}`);
      assert.ok(op.latencyMs.p99! >= 440 && op.latencyMs.p99! <= 650, `latency p99 ${op.latencyMs.p99} ms, expected ~470 (plus the client's catching up)`);
      assert.ok(op.serviceTimeMs.p99! < 20, `service time p99 ${op.serviceTimeMs.p99} ms should not show the stall`);
      assert.ok(op.scheduleLagMs.p99! >= 440, `schedule lag p99 ${op.scheduleLagMs.p99} ms`);
    });
  }
}

test('batch pacing keeps the schedule: every arrival starts, each second completes its target, lateness within the timer resolution', { timeout: 60_000 }, async () => {
  const out = await runLoad(ref({ serviceMs: 0 }), { ...basePlan, stages: [{ durationS: 3, rate: 2000 }], pacing: 'batch' }, names);
  const op = out.operations[0]!;
  assert.equal(op.count, 6000);
  assert.equal(out.rate.notStarted, 0);
  assert.equal(out.rate.flagged, false, out.rate.reasons.join('; '));
  for (const p of out.series.filter((s) => s.t < 3)) assert.ok(Math.abs(p.completedOps - 2000) <= 100, `second ${p.t}: ${p.completedOps} completed`);
  // Arrivals wait for a timer (~1 ms resolution, plus its lateness) and go out together: late by
  // a few ms at most, and the lateness is in the latency, not hidden.
  assert.ok(op.scheduleLagMs.p50! < 3, `schedule lag p50 ${op.scheduleLagMs.p50} ms`);
  assert.ok(op.scheduleLagMs.p99! < 10, `schedule lag p99 ${op.scheduleLagMs.p99} ms`);
  assert.ok(op.latencyMs.p50! >= op.scheduleLagMs.p50!, 'latency includes the lateness');
  assert.equal(out.schedule.pacing, 'batch');
});

test('the live view shows the second that just ended, with the figures the report gives for it', { timeout: 60_000 }, async () => {
  // A step from 500 to 1,500 ops/s at 2 s: the view at ~3.15 s must already say ~1,500, not 500.
  const seen: { elapsedS: number; ops: number; target: number | null }[] = [];
  const out = await runLoad(ref({ serviceMs: 0 }), { ...basePlan, stages: [{ durationS: 2, rate: 500 }, { durationS: 3, rate: 1500 }] }, { ...names, onProgress: (p) => seen.push({ elapsedS: p.elapsedS, ops: p.lastSecondOps, target: p.targetRate }) });
  const at = seen.find((p) => p.elapsedS >= 3 && p.elapsedS < 4);
  assert.ok(at, `a view during the fourth second: ${JSON.stringify(seen)}`);
  assert.ok(at.elapsedS - 3 < 0.5, `the view came ${at.elapsedS - 3} s after the second ended`);
  assert.equal(at.target, 1500);
  const second2 = out.series.find((p) => p.t === 2)!;
  assert.equal(at.ops, second2.completedOps, 'the live figure is the report\'s');
  assert.ok(Math.abs(at.ops - 1500) <= 75, `second 2 completed ${at.ops}`);
});

test('a target that cannot keep up is flagged, with the shortfall stated', { timeout: 60_000 }, async () => {
  // 20 ms per op with at most 2 in flight caps throughput near 100 ops/s against a 500 ops/s target.
  const out = await runLoad(ref({ serviceMs: 20 }), { ...basePlan, maxInFlight: 2, graceS: 0, opTimeoutS: 2 }, names);
  assert.equal(out.rate.flagged, true);
  assert.ok(out.rate.notStarted > 0);
  assert.ok(out.rate.reasons.some((r) => /never started/.test(r)), out.rate.reasons.join('; '));
});

test('errors are counted by kind and warmup samples are kept apart', { timeout: 60_000 }, async () => {
  const out = await runLoad(ref({ serviceMs: 0, failEvery: 10 }), { ...basePlan, warmupS: 1 }, names);
  const op = out.operations[0]!;
  assert.equal(op.warmupCount, 500);
  assert.equal(op.count, 500);
  assert.equal(op.errors['EFAKE'], 50);
  assert.equal(op.okCount, 450);
  assert.equal(out.series[0]!.warmup, true);
  assert.equal(out.series[1]!.warmup, false);
});

test('worker threads share the schedule and their histograms merge into one result', { timeout: 60_000 }, async () => {
  const out = await runLoad(ref({ serviceMs: 1 }), { ...basePlan, workers: 2 }, names);
  const op = out.operations[0]!;
  assert.ok(Math.abs(op.count - 1000) <= 2, `count ${op.count}`);
  assert.equal(out.schedule.workers, 2);
  assert.equal(op.latencyMs.count, op.count);
});

test('closed loop runs a fixed concurrency for the duration', { timeout: 60_000 }, async () => {
  const out = await runLoad(ref({ serviceMs: 10 }), { ...basePlan, loop: 'closed', concurrency: 4, durationS: 1 }, names);
  const op = out.operations[0]!;
  // 4 users x ~1 s / ~10 ms each: between 200 and 400 operations
  assert.ok(op.count > 150 && op.count <= 420, `count ${op.count}`);
  assert.equal(out.rate.targetOpsPerSec, null);
});

test('aborting midway returns the partial measurements', { timeout: 60_000 }, async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort('test abort'), 700);
  const out = await runLoad(ref({ serviceMs: 1 }), { ...basePlan, stages: [{ durationS: 5, rate: 200 }] }, { ...names, signal: ac.signal });
  assert.equal(out.aborted, true);
  assert.equal(out.abortReason, 'test abort');
  const op = out.operations[0]!;
  assert.ok(op.count > 50 && op.count < 400, `count ${op.count}`);
  assert.equal(out.rate.flagged, true);
});

test('operations are bound by name: a declared operation without a function, or twice, is refused', () => {
  const run = { like: async () => undefined };
  assert.deepEqual(bindOperations([{ name: 'like', path: 'p' }], run).map((o) => o.name), ['like']);
  assert.throws(() => bindOperations([{ name: 'read', path: 'p' }], run), /"read" is declared but the workload has no function/);
  assert.throws(() => bindOperations([{ name: 'like', path: 'p' }, { name: 'like', path: 'p' }], run), /declared twice/);
});

test('a workload whose operations differ from the declared ones stops the run before it starts', { timeout: 60_000 }, async () => {
  const declare = [{ name: 'op', path: 'test.other' }];
  for (const workers of [1, 2]) {
    await assert.rejects(runLoad(ref({ serviceMs: 0, declare }), { ...basePlan, workers }, names), (e: unknown) => {
      assert.ok(e instanceof CapbenchError, String(e));
      assert.match(e.message, /runs op \(test\.other\), but the scenario declares op \(test\.timed\)/);
      return true;
    });
  }
});
