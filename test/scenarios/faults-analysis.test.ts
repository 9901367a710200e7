/**
 * Fault specs (core/faults.ts) and the per-fault analysis (scenarios/faults.ts analyseFaults),
 * pure: what a SPEC means, and how errors, first error and recovery are read off a series.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFaultPlan, parseFaultSpec } from '../../core/faults.js';
import type { SeriesPoint } from '../../core/results.js';
import { analyseFaults, lossChecks, recoveryChecks, type FaultRecord } from '../../scenarios/faults.js';

test('a SPEC: store, kind, start, length and latency, in seconds and ms', () => {
  assert.deepEqual(parseFaultSpec('redis:pause@10s+500ms'), { spec: 'redis:pause@10s+500ms', store: 'redis', kind: 'pause', atS: 10, forS: 0.5 });
  assert.deepEqual(parseFaultSpec('redis:kill@10s'), { spec: 'redis:kill@10s', store: 'redis', kind: 'kill', atS: 10 });
  assert.deepEqual(parseFaultSpec('cassandra:stop@15s+10s'), { spec: 'cassandra:stop@15s+10s', store: 'cassandra', kind: 'stop', atS: 15, forS: 10 });
  assert.deepEqual(parseFaultSpec('redis:delay@10s+5s=20ms'), { spec: 'redis:delay@10s+5s=20ms', store: 'redis', kind: 'delay', atS: 10, forS: 5, delayMs: 20 });
  assert.equal(parseFaultSpec('mongodb:kill@0s').atS, 0);
  assert.throws(() => parseFaultSpec('redis:stop@1s=3ms'), /only a delay takes/);
  // the plan is sorted by start and checked against the run
  const plan = checkFaultPlan([parseFaultSpec('redis:restart@12s'), parseFaultSpec('redis:kill@10s')], 20);
  assert.deepEqual(plan.map((f) => f.spec), ['redis:kill@10s', 'redis:restart@12s']);
  assert.throws(() => checkFaultPlan([parseFaultSpec('redis:pause@19s+2s')], 20), /lasts until 21 s/);
});

const point = (t: number, completed: number, errors: number, p99: number | null): SeriesPoint => ({
  t,
  targetOps: 100,
  completedOps: completed,
  errors,
  latencyMs: { p50: p99, p90: p99, p99, max: p99 },
  serviceTimeMs: { p50: p99, p99, max: p99 },
  warmup: t < 1,
});

test('analysis: errors by kind in the window, time to first error, recovery back within the band', () => {
  // steady at 2 ms until 5 s; a kill at 5.2 s fails everything for 2 s; a backlog at 7 s; back at 8 s.
  const series = [0, 1, 2, 3, 4].map((t) => point(t, 100, 0, 2)).concat([point(5, 40, 30, 900), point(6, 10, 10, null), point(7, 250, 0, 1500), point(8, 100, 0, 2.5), point(9, 100, 0, 2)]);
  const errors = new Map<number, Record<string, number>>([[5, { ECONNRESET: 20, ECONNREFUSED: 10 }], [6, { ECONNREFUSED: 10 }]]);
  const rec: FaultRecord = { fault: parseFaultSpec('redis:kill@5s'), target: 'test', actions: [{ atS: 5.2, what: 'SIGKILL', ok: true }], liftedAtS: 7, notes: [] };
  const loss = lossChecks([
    { expression: 'likes lost == 0', operation: 'like', metric: 'likes_lost', unit: 'likes', limit: 0, actual: 42, passed: false },
    { expression: 'like:p99<5ms', operation: 'like', metric: 'p99', unit: 'ms', limit: 5, actual: 3, passed: true },
  ]);
  const [f] = analyseFaults([rec], series, errors, loss);
  assert.deepEqual(f!.band, { p99Ms: 12, successPct: 99 });
  assert.deepEqual(f!.errorsByKind, { ECONNRESET: 20, ECONNREFUSED: 20 });
  assert.equal(f!.opsFailed, 40);
  assert.equal(f!.timeToFirstErrorS, 0);
  assert.equal(f!.timeToRecoveryS, 2.8); // 8 s (first of two seconds back in band) - 5.2 s
  assert.equal(f!.opsShort, 60 + 90); // seconds 5..7: 60 + 90 + 0 short of 100/s
  assert.deepEqual(f!.storeLoss.map((l) => [l.check, l.value]), [['likes lost == 0', 42]]);
  assert.deepEqual(recoveryChecks([f!]), []);
});

test('analysis: a store that never comes back is NOT RECOVERED and fails the run', () => {
  const series = [0, 1, 2, 3].map((t) => point(t, 100, 0, 2)).concat([point(4, 0, 0, null), point(5, 100, 100, 1), point(6, 100, 100, 1)]);
  const rec: FaultRecord = { fault: parseFaultSpec('postgres:kill@4s'), target: 'test', actions: [{ atS: 4, what: 'SIGKILL', ok: true }], liftedAtS: null, notes: [] };
  const [f] = analyseFaults([rec], series, new Map([[5, { ECONNREFUSED: 100 }], [6, { ECONNREFUSED: 100 }]]), []);
  assert.equal(f!.timeToRecoveryS, null);
  assert.equal(f!.timeToFirstErrorS, 1);
  assert.ok(f!.notes.some((n) => /did not come back/.test(n)));
  const [check] = recoveryChecks([f!]);
  assert.equal(check!.passed, false);
  assert.equal(check!.expression, 'postgres:kill@4s: postgres recovers');
});

test('analysis: a pause with no visible effect recovers at once', () => {
  const series = [0, 1, 2, 3, 4, 5].map((t) => point(t, 100, 0, 2));
  const rec: FaultRecord = { fault: parseFaultSpec('redis:pause@3s+1ms'), target: 'test', actions: [{ atS: 3, what: 'pause', ok: true }, { atS: 3.001, what: 'resume', ok: true }], liftedAtS: 3.001, notes: [] };
  const [f] = analyseFaults([rec], series, new Map(), []);
  assert.equal(f!.timeToRecoveryS, 0);
  assert.equal(f!.timeToFirstErrorS, null);
  assert.deepEqual(f!.errorsByKind, {});
});
