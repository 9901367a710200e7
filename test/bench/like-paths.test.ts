import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuUsPerOp, judgeTenX, parseProcStat, TEN_X_HOLDS_AT } from '../../bench/like-paths-verdict.js';
import { fmtRatio } from '../../core/format.js';

const p50 = { redis: 0.2, pg: 1.1 };

test('the 10x claim holds at >= 8x with both limits found, and is refuted below', () => {
  const holds = judgeTenX({ best: 160_000, firstFail: 176_000 }, { best: 12_000, firstFail: 13_200 }, p50);
  assert.equal(holds.verdict, 'holds');
  assert.ok(Math.abs(holds.throughputRatio! - 160 / 12) < 1e-9);
  assert.ok(Math.abs(holds.ratioLow! - 160 / 13.2) < 1e-9);
  assert.ok(Math.abs(holds.ratioHigh! - 176 / 12) < 1e-9);
  assert.ok(Math.abs(holds.p50Ratio! - 5.5) < 1e-9);
  assert.equal(TEN_X_HOLDS_AT, 8);
  assert.equal(judgeTenX({ best: 80_000, firstFail: 88_000 }, { best: 10_000, firstFail: 11_000 }, p50).verdict, 'holds', 'exactly 8x holds');
  const refuted = judgeTenX({ best: 48_000, firstFail: 52_000 }, { best: 12_000, firstFail: 13_200 }, p50);
  assert.equal(refuted.verdict, 'refuted');
  assert.match(refuted.reason, /48000\/s.*12000\/s: 4× < 8×/);
  assert.match(refuted.rule, /≥ 8×/);
});

test('a bound that leaves both answers open is not measurable', () => {
  // redis-counter never failed: its figure is a lower bound, so a small ratio proves nothing
  assert.equal(judgeTenX({ best: 40_000, firstFail: null }, { best: 12_000, firstFail: 13_000 }, p50).verdict, 'not-measurable');
  // ... but a large one still holds
  assert.equal(judgeTenX({ best: 400_000, firstFail: null }, { best: 12_000, firstFail: 13_000 }, p50).verdict, 'holds');
  // pg-direct never failed: its figure is a lower bound, so a large ratio proves nothing
  assert.equal(judgeTenX({ best: 160_000, firstFail: 170_000 }, { best: 10_000, firstFail: null }, p50).verdict, 'not-measurable');
  assert.equal(judgeTenX({ best: 160_000, firstFail: 170_000 }, { best: 40_000, firstFail: null }, p50).verdict, 'refuted');
  // redis-counter passed nothing
  const none = judgeTenX({ best: null, firstFail: 500 }, { best: 2_000, firstFail: 4_000 }, p50);
  assert.equal(none.verdict, 'not-measurable');
  assert.equal(none.throughputRatio, null);
});

test('pg-direct passing nothing holds only when redis-counter is >= 8x the lowest rate pg failed at', () => {
  const v = judgeTenX({ best: 50_000, firstFail: 55_000 }, { best: null, firstFail: 625 }, { redis: 0.2, pg: null });
  assert.equal(v.verdict, 'holds');
  assert.equal(v.throughputRatio, null);
  assert.equal(v.ratioLow, 80);
  assert.equal(v.ratioHigh, null);
  assert.equal(v.p50Ratio, null);
  assert.equal(judgeTenX({ best: 4_000, firstFail: 5_000 }, { best: null, firstFail: 625 }, p50).verdict, 'not-measurable');
});

test('ratios print with three significant digits', () => {
  assert.equal(fmtRatio(13.3333), '13.3×');
  assert.equal(fmtRatio(4), '4×');
  assert.equal(fmtRatio(null), '—');
  assert.equal(fmtRatio(Infinity), '—');
});

test('/proc/<pid>/stat lines parse to the command, its CPU seconds and its reaped children\'s', () => {
  const line = '19029 (redis-server) S 1 19029 19029 0 -1 4194560 1209 0 0 0 150 75 0 0 20 0 5 0 6969 62259200 3050 18446744073709551615 1 1 0 0 0 0 0 4097 17634 0 0 0 17 1 0 0 0 0 0';
  assert.deepEqual(parseProcStat(line), { comm: 'redis-server', cpuS: 2.25, childrenCpuS: 0 });
  const postmaster = '19021 (postgres) S 1 19021 19021 0 -1 4194560 9000 52000 0 0 30 20 4100 900 20 0 1 0 6960 3316052000 25000 18446744073709551615';
  assert.deepEqual(parseProcStat(postmaster), { comm: 'postgres', cpuS: 0.5, childrenCpuS: 50 });
  const odd = '42 (a (b) c) R 1 42 42 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 1 0 0';
  assert.deepEqual(parseProcStat(odd), { comm: 'a (b) c', cpuS: 0.1, childrenCpuS: 0 });
  assert.equal(parseProcStat('garbage'), null);
  assert.equal(parseProcStat('1 (x) S 1 2'), null);
});

test('server CPU per like is µs of one core per operation', () => {
  assert.equal(cpuUsPerOp(45, 200_000), 2.25);
  assert.equal(cpuUsPerOp(60, 7_500), 80);
  assert.equal(cpuUsPerOp(null, 1_000), null);
  assert.equal(cpuUsPerOp(50, 0), null);
});

test('the likes-lost check: a loss figure when the counters are the seeded ones (or fewer, for a path that keeps no zero counters)', async () => {
  const { likesCheck } = await import('../../bench/search-common.js');
  assert.deepEqual(likesCheck(100, { posts: 1000, likes: 100 }, 1000, 'them'), { acknowledged: 100, stored: 100, lost: 0 });
  assert.deepEqual(likesCheck(100, { posts: 1000, likes: 97 }, 1000, 'them'), { acknowledged: 100, stored: 97, lost: 3 });
  // Another process reset the counters: no loss figure, and the note says why.
  const reset = likesCheck(100, { posts: 40, likes: 40 }, 1000, 'them');
  assert.equal(reset.lost, null);
  assert.match(reset.note!, /40 counters found instead of the 1000 seeded/);
  // likes.per-user (Cassandra counters): only the liked posts hold one.
  assert.deepEqual(likesCheck(100, { posts: 40, likes: 99 }, 1000, 'them', false), { acknowledged: 100, stored: 99, lost: 1 });
  assert.equal(likesCheck(100, { posts: 1001, likes: 100 }, 1000, 'them', false).lost, null);
});
