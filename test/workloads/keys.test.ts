/**
 * The key distributions of workload files (workloads/keys.ts) against their definitions
 * (YCSB, Cooper et al. SoCC 2010; Gray et al. SIGMOD 1994), statistically: the zipfian
 * rank-frequency slope, Gray's exact P(0) and P(1), hotspot shares, latest's recency, a uniform
 * chi-square, sequential's exact walk, and determinism from the seed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hotspotKeys, keyChooser, latestKeys, sequentialKeys, uniformKeys, zeta, zipfianKeys, type KeyChooser } from '../../workloads/keys.js';

function counts(c: KeyChooser, n: number, draws: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < draws; i++) {
    const k = c.next();
    assert.ok(k >= 0 && k < n && Number.isInteger(k), `key ${k} outside [0, ${n})`);
    out[k]!++;
  }
  return out;
}

/** Least-squares slope of log(frequency) on log(rank) over ranks 1..top (rank 1 = key 0). */
function logLogSlope(freq: Float64Array, top: number): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 0; k < top; k++) {
    if (freq[k]! > 0) {
      xs.push(Math.log(k + 1));
      ys.push(Math.log(freq[k]!));
    }
  }
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxy / sxx;
}

describe('zipfian', () => {
  for (const s of [0.5, 0.99, 1.2]) {
    test(`rank-frequency slope is -s (s = ${s}, ${s < 1 ? "Gray et al.'s generator" : 'inverse CDF'})`, () => {
      const n = 1000;
      const f = counts(zipfianKeys(n, s, 42), n, 400_000);
      const slope = logLogSlope(f, 50);
      assert.ok(Math.abs(slope + s) < 0.06, `slope ${slope.toFixed(3)} for s=${s}`);
      // the most popular key is key 0
      assert.equal(f.indexOf(Math.max(...f)), 0);
    });
  }

  test("Gray's generator gives keys 0 and 1 their exact zipfian probabilities", () => {
    const n = 10_000;
    const s = 0.99;
    const draws = 500_000;
    const f = counts(zipfianKeys(n, s, 7), n, draws);
    const z = zeta(n, s);
    for (const k of [0, 1]) {
      const p = 1 / Math.pow(k + 1, s) / z;
      const sd = Math.sqrt((p * (1 - p)) / draws);
      assert.ok(Math.abs(f[k]! / draws - p) < 5 * sd, `P(${k}) ${f[k]! / draws} vs ${p}`);
    }
  });
});

test('latest: the newest key is the most popular and recency follows zipfian', () => {
  const n = 1000;
  const f = counts(latestKeys(n, 0.99, 3), n, 300_000);
  assert.equal(f.indexOf(Math.max(...f)), n - 1);
  const byRecency = new Float64Array(n);
  for (let k = 0; k < n; k++) byRecency[n - 1 - k] = f[k]!;
  const slope = logLogSlope(byRecency, 50);
  assert.ok(Math.abs(slope + 0.99) < 0.06, `recency slope ${slope}`);
  // the newest 10% of keys take far more than 10% of draws
  let newest = 0;
  for (let k = n - 100; k < n; k++) newest += f[k]!;
  assert.ok(newest / 300_000 > 0.6, `newest 10% took ${newest / 300_000}`);
});

describe('hotspot', () => {
  for (const [hotShare, hotOps] of [
    [0.2, 0.8],
    [0.01, 0.99],
    [0.5, 0.3],
  ] as const) {
    test(`${hotShare * 100}% of the keys get ${hotOps * 100}% of the draws, uniformly within each set`, () => {
      const n = 10_000;
      const draws = 200_000;
      const f = counts(hotspotKeys(n, hotShare, hotOps, 11), n, draws);
      const hot = Math.floor(n * hotShare);
      let inHot = 0;
      for (let k = 0; k < hot; k++) inHot += f[k]!;
      const sd = Math.sqrt((hotOps * (1 - hotOps)) / draws);
      assert.ok(Math.abs(inHot / draws - hotOps) < 5 * sd + 1e-9, `hot share ${inHot / draws} vs ${hotOps}`);
      // within the hot set: the first and second half get about the same
      let a = 0;
      for (let k = 0; k < hot / 2; k++) a += f[k]!;
      assert.ok(Math.abs(a / inHot - 0.5) < 0.02, `hot set halves ${a / inHot}`);
    });
  }
});

test('uniform: chi-square over 100 keys below the 0.1% critical value (df 99: 148.2)', () => {
  const n = 100;
  const draws = 100_000;
  const f = counts(uniformKeys(n, 5), n, draws);
  const e = draws / n;
  let chi = 0;
  for (let k = 0; k < n; k++) chi += (f[k]! - e) ** 2 / e;
  assert.ok(chi < 148.2, `chi-square ${chi}`);
  // and not suspiciously perfect (a counter would give 0)
  assert.ok(chi > 50, `chi-square ${chi} is too small for random draws`);
});

test('sequential walks the range in order, threads interleaved, wrapping at n', () => {
  const one = sequentialKeys(5, 3);
  assert.deepEqual(Array.from({ length: 7 }, () => one.next()), [3, 4, 0, 1, 2, 3, 4]);
  const spec = { dist: 'sequential' as const, start: 0 };
  const t0 = keyChooser(spec, 10, 1, { index: 0, count: 2 });
  const t1 = keyChooser(spec, 10, 1, { index: 1, count: 2 });
  const seen = [...Array.from({ length: 5 }, () => t0.next()), ...Array.from({ length: 5 }, () => t1.next())].sort((a, b) => a - b);
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('every distribution is deterministic from its seed, and another seed gives another sequence', () => {
  const specs = [
    { dist: 'uniform' as const },
    { dist: 'zipfian' as const, s: 0.99 },
    { dist: 'zipfian' as const, s: 1.5 },
    { dist: 'latest' as const, s: 0.99 },
    { dist: 'hotspot' as const, hotShare: 0.2, hotOps: 0.8 },
  ];
  for (const spec of specs) {
    const draw = (seed: number) => {
      const c = keyChooser(spec, 10_000, seed);
      return Array.from({ length: 50 }, () => c.next());
    };
    assert.deepEqual(draw(9), draw(9), spec.dist);
    assert.notDeepEqual(draw(9), draw(10), spec.dist);
  }
});
