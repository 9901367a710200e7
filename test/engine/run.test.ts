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
