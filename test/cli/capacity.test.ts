/** `capbench capacity`: every flag checked before any work (one line, exit 2), and the defaults. No server needed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PREWARM_S } from '../../core/capacity.js';
import { UsageError } from '../../core/errors.js';
import { CAPACITY_DEFAULTS, planCapacity, type CapacityFlags } from '../../cli/commands/capacity.js';
import { capbench } from '../fixtures/cli.js';

const base: CapacityFlags = { path: 'likes.redis-counter', option: ['posts=1000'] };

test('the plan: SLOs from --slo, else the scenario thresholds, else *:p99<50ms; rates and step defaults', async () => {
  const p = await planCapacity('viral-like-spike', { ...base, slo: ['like:p99<5ms', 'like:p99.9<20ms'] });
  assert.deepEqual(p.slos.map((s) => s.expression), ['like:p99<5ms', 'like:p99.9<20ms']);
  assert.equal(p.sloSource, 'flags');
  assert.equal(p.search.startRate, 1000, "viral-like-spike's default rate (backgroundRate)");
  assert.equal(p.search.maxRate, CAPACITY_DEFAULTS.maxRate);
  assert.equal(p.search.minRate, 15.6);
  assert.equal(p.search.stepS, 10);
  assert.equal(p.search.warmupS, 2);
  assert.equal(p.search.prewarmS, DEFAULT_PREWARM_S, 'an unjudged warm-up before the first step by default');
  assert.equal(p.search.retryOthersPct, 25);
  assert.equal(p.search.requireUnflagged, true);
  assert.equal(p.search.maxErrorRate, 0);
  assert.deepEqual(Object.keys(p.settings.connections), ['redis']);

  const own = await planCapacity('viral-like-spike', base);
  assert.equal(own.sloSource, 'thresholds');
  assert.deepEqual(own.slos.map((s) => s.expression), ['like:p99<10ms']);
  const fanOut = await planCapacity('fan-out', {});
  assert.equal(fanOut.sloSource, 'default');
  assert.deepEqual(fanOut.slos.map((s) => s.expression), ['*:p99<50ms']);

  const q = await planCapacity('viral-like-spike', { ...base, step: '3s', startRate: '500', maxRate: '4000', minRate: '100', resolution: '5', maxSteps: '6', pause: '0', retry: false, allowFlagged: true, maxErrorRate: '0.5', workers: '2', prewarm: '0' });
  assert.deepEqual(
    { ...q.search },
    { startRate: 500, maxRate: 4000, minRate: 100, resolutionPct: 5, stepS: 3, warmupS: 0.6, prewarmS: 0, pauseS: 0, maxSteps: 6, retryOthersPct: null, requireUnflagged: false, maxErrorRate: 0.005, workers: 2, maxInFlight: 10_000, opTimeoutS: 10, seed: 1 },
  );
});

test('bad input is one UsageError line before any work', async () => {
  const bad: [CapacityFlags, RegExp][] = [
    [{ ...base, slo: ['like:p95<5ms'] }, /^Bad --slo: "like:p95<5ms" is not an SLO/],
    [{ ...base, slo: ['follow:p99<5ms'] }, /names operation "follow", which viral-like-spike does not run/],
    [{ ...base, startRate: 'fast' }, /^Bad --start-rate "fast"/],
    [{ ...base, startRate: '5000', maxRate: '1000' }, /--min-rate ≤ --start-rate ≤ --max-rate/],
    [{ ...base, minRate: '2000' }, /--min-rate ≤ --start-rate ≤ --max-rate/],
    [{ ...base, resolution: '0' }, /^Bad --resolution "0"/],
    [{ ...base, resolution: '250' }, /^Bad --resolution "250"/],
    [{ ...base, step: '1s' }, /--step \(1 s\) must be at least 1 s longer than the warmup/],
    [{ ...base, step: '4s', warmup: '3.5s' }, /--step \(4 s\) must be at least 1 s longer/],
    [{ ...base, warmup: 'soon' }, /^Bad --warmup "soon"/],
    [{ ...base, prewarm: 'soon' }, /^Bad --prewarm "soon"/],
    [{ ...base, prewarm: '-5s' }, /^Bad --prewarm "-5s"/],
    [{ ...base, maxSteps: '0' }, /^Bad --max-steps "0"/],
    [{ ...base, maxErrorRate: '-1' }, /^Bad --max-error-rate "-1"/],
    [{ ...base, workers: '0' }, /^Bad --workers "0"/],
    [{ ...base, path: 'likes.nope' }, /likes\.nope/],
    [{ ...base, option: ['posts=x'] }, /option posts/],
    [{ ...base, maxRate: '2000000', maxInFlight: '100' }, /cannot be carried with at most 100 operations in flight/],
  ];
  for (const [flags, re] of bad) {
    await assert.rejects(planCapacity('viral-like-spike', flags), (e: unknown) => e instanceof UsageError && re.test(e.message) && !e.oneLine().includes('\n'), JSON.stringify(flags));
  }
  await assert.rejects(planCapacity('no-such-scenario', {}), (e: unknown) => e instanceof UsageError && /Unknown scenario "no-such-scenario"/.test(e.message));
  // A workload file with a fault: a capacity search injects none.
  const withFault = new URL('../../../examples/viral-evening.yaml', import.meta.url).pathname;
  await assert.rejects(planCapacity(withFault, { step: '2s' }), (e: unknown) => e instanceof UsageError && /injects no faults; .*viral-evening\.yaml asks for redis:pause@90s/.test(e.message));
  // A workload file without one plans like a scenario: its operations, its thresholds as SLOs.
  const p = await planCapacity(new URL('../../../examples/celebrity-post.yaml', import.meta.url).pathname, { step: '2s' });
  assert.equal(p.sloSource, 'thresholds');
  assert.ok(p.slos.length > 0 && p.slos.every((x) => p.settings.operations.some((o) => o.name === x.operation) || x.operation === '*'));
});

test('the CLI: a bad flag exits 2 with one line "Cannot capacity. ..." and writes nothing', async () => {
  for (const args of [
    ['capacity', 'viral-like-spike', '--slo', 'like:p99<5'.replace('<5', '<<5')],
    ['capacity', 'viral-like-spike', '--resolution', 'fine'],
    ['capacity', 'viral-like-spike', '--max-rate', '10', '--start-rate', '100'],
    ['capacity', 'follow-queries', '--slo', 'like:p99<5ms'],
  ]) {
    const r = await capbench(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^Cannot capacity\. /);
    assert.equal(r.stdout, '');
  }
});
