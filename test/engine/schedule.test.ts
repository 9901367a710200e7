import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArrivalSchedule } from '../../engine/schedule.js';
import { parseStages, parseDurationS, formatStages } from '../../core/units.js';
import { UsageError } from '../../core/errors.js';

function drain(s: ArrivalSchedule): number[] {
  const out: number[] = [];
  for (let t = s.next(); t !== undefined; t = s.next()) out.push(t);
  return out;
}

test('a constant schedule starts rate x duration operations, evenly spaced', () => {
  const times = drain(new ArrivalSchedule([{ durationS: 2, rate: 1000 }]));
  assert.equal(times.length, 2000);
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  for (const g of gaps) assert.ok(Math.abs(g - 1e6) < 1, `gap ${g} ns`);
  assert.ok(times.every((t) => t >= 0 && t < 2e9));
});

test('a staged schedule follows each stage: steps and linear ramps', () => {
  const stages = parseStages('1s:100,2s:1000,1s:0..400');
  const times = drain(new ArrivalSchedule(stages));
  const inWindow = (a: number, b: number) => times.filter((t) => t >= a * 1e9 && t < b * 1e9).length;
  assert.equal(inWindow(0, 1), 100);
  assert.equal(inWindow(1, 3), 2000);
  // ramp 0 -> 400 over 1 s: 200 arrivals, three quarters of them in the second half
  assert.ok(Math.abs(inWindow(3, 4) - 200) <= 1);
  assert.ok(Math.abs(inWindow(3.5, 4) - 150) <= 2, `second half ${inWindow(3.5, 4)}`);
});

test('a Poisson schedule keeps the mean rate (statistically) and is reproducible from its seed', () => {
  const a = drain(new ArrivalSchedule([{ durationS: 10, rate: 1000 }], 'poisson', 1, 0, 42));
  const b = drain(new ArrivalSchedule([{ durationS: 10, rate: 1000 }], 'poisson', 1, 0, 42));
  assert.deepEqual(a, b);
  // 10000 expected, sd = 100: within 5 sd
  assert.ok(Math.abs(a.length - 10000) < 500, `count ${a.length}`);
  const gaps = a.slice(1).map((t, i) => t - a[i]!);
  const cv = Math.sqrt(gaps.reduce((s, g) => s + (g - 1e6) ** 2, 0) / gaps.length) / 1e6;
  assert.ok(cv > 0.8 && cv < 1.2, `coefficient of variation ${cv} (exponential gaps have 1)`);
});

test('worker shares of a schedule add up to the whole schedule', () => {
  const stages = parseStages('1s:999,1s:3001');
  const whole = drain(new ArrivalSchedule(stages)).length;
  const parts = [0, 1, 2].map((i) => drain(new ArrivalSchedule(stages, 'constant', 1 / 3, i / 3)).length);
  assert.ok(Math.abs(parts.reduce((x, y) => x + y, 0) - whole) <= 3, `${parts} vs ${whole}`);
});

test('bad stages and durations are one clear UsageError', () => {
  assert.throws(() => parseStages('10:1000'), UsageError);
  assert.throws(() => parseStages('10s-1000'), (e: unknown) => e instanceof UsageError && /Bad stage "10s-1000"/.test(e.message));
  assert.throws(() => parseDurationS('0s'), UsageError);
  assert.equal(parseDurationS('1500ms'), 1.5);
  assert.equal(formatStages(parseStages('10s:1000,30s:0..5000')), '10s:1000,30s:0..5000');
});
