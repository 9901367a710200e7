/**
 * Key distributions of workload files, as YCSB defines them (Cooper, Silberstein, Tam,
 * Ramakrishnan, Sears, "Benchmarking Cloud Serving Systems with YCSB", SoCC 2010, section 4.1
 * "Distributions", and YCSB's core generators): uniform, zipfian with exponent s, latest,
 * hotspot and sequential. Every chooser draws integers in [0, n) and is deterministic from its
 * seed (mulberry32, engine/schedule.ts), so `--seed` reproduces a run's keys.
 *
 * - uniform: every key equally likely.
 * - zipfian(s): P(rank k) ∝ 1/(k+1)^s, key 0 the most popular. For 0 < s < 1 (YCSB's default
 *   0.99) the constant-time generator of Gray, Sundaresan, Englert, Baclawski and Weinberger,
 *   "Quickly Generating Billion-Record Synthetic Databases", SIGMOD 1994, section 6 (YCSB's
 *   ZipfianGenerator): zeta(n, s) computed once, O(n); each draw O(1), no table. For s >= 1
 *   (where Gray's formula does not apply) inverse-CDF sampling on a table of n Float64s
 *   (8 bytes a key), O(log n) a draw, as scenarios/common/zipf.ts does.
 * - latest(s): YCSB's SkewedLatestGenerator: the newest key (n-1) most popular, recency
 *   zipfian: key = n-1 - zipfian(s). Over the seeded ids (the load phase's newest entities);
 *   inserts during the run are not folded in (docs/workloads.md).
 * - hotspot(hotShare, hotOps): YCSB's HotspotIntegerGenerator: the first hotShare of the keys
 *   (the hot set) get hotOps of the draws, uniformly within it; the rest uniformly over the others.
 * - sequential: YCSB's SequentialGenerator: start, start+1, ... wrapping at n; threads interleave
 *   (thread i of c draws start+i, start+i+c, ...), so together they walk the range once.
 */
import { z } from 'zod';
import { mulberry32 } from '../engine/schedule.js';
import { zipfian } from '../scenarios/common/zipf.js';

/** Draws integers in [0, n). */
export interface KeyChooser {
  next(): number;
}

/** A key distribution as a workload file gives it (`keys:`), validated. */
export const KeySpecSchema = z.discriminatedUnion('dist', [
  z.object({ dist: z.literal('uniform'), from: z.string().optional() }).strict(),
  z.object({ dist: z.literal('zipfian'), s: z.number({ error: 's must be a number > 0 (YCSB: 0.99)' }).gt(0, { error: 's must be > 0 (YCSB: 0.99)' }).max(10, { error: 's must be at most 10' }).default(0.99), from: z.string().optional() }).strict(),
  z.object({ dist: z.literal('latest'), s: z.number({ error: 's must be a number > 0' }).gt(0, { error: 's must be > 0' }).max(10, { error: 's must be at most 10' }).default(0.99), from: z.string().optional() }).strict(),
  z
    .object({
      dist: z.literal('hotspot'),
      hotShare: z.number({ error: 'hotShare must be a fraction of the keys in (0, 1)' }).gt(0, { error: 'hotShare must be in (0, 1)' }).lt(1, { error: 'hotShare must be in (0, 1)' }).default(0.2),
      hotOps: z.number({ error: 'hotOps must be a fraction of the operations in [0, 1]' }).min(0, { error: 'hotOps must be in [0, 1]' }).max(1, { error: 'hotOps must be in [0, 1]' }).default(0.8),
      from: z.string().optional(),
    })
    .strict(),
  z.object({ dist: z.literal('sequential'), start: z.number().int({ error: 'start must be a whole number >= 0' }).min(0, { error: 'start must be a whole number >= 0' }).default(0), from: z.string().optional() }).strict(),
], { error: (iss) => (iss.code === 'invalid_union' ? 'dist must be one of uniform, zipfian, latest, hotspot, sequential' : undefined) });
/** A validated key distribution. `from` names the entity the keys are drawn from (post, user, word). */
export type KeySpec = z.output<typeof KeySpecSchema>;
/** The distribution names, for messages. */
export const KEY_DISTS = ['uniform', 'zipfian', 'latest', 'hotspot', 'sequential'] as const;

/** Uniform over [0, n). */
export function uniformKeys(n: number, seed: number): KeyChooser {
  const rand = mulberry32(seed);
  return { next: () => Math.floor(rand() * n) };
}

/** zeta(n, s) = Σ_{i=1..n} 1/i^s, O(n). */
export function zeta(n: number, s: number): number {
  let sum = 0;
  for (let i = 1; i <= n; i++) sum += 1 / Math.pow(i, s);
  return sum;
}

/**
 * Zipfian over [0, n) with exponent s > 0: P(k) ∝ 1/(k+1)^s, key 0 the most popular.
 * s < 1: Gray et al. (SIGMOD 1994) constant-time draws; s >= 1: inverse CDF on a table.
 * @throws RangeError for n < 1 or s <= 0 (the file schema refuses them first).
 */
export function zipfianKeys(n: number, s: number, seed: number): KeyChooser {
  if (!(n >= 1) || !(s > 0)) throw new RangeError(`zipfian needs n >= 1 and s > 0 (n=${n}, s=${s})`);
  const rand = mulberry32(seed);
  if (n === 1) return { next: () => 0 };
  if (s < 1) {
    // Gray et al. 1994, section 6 (YCSB ZipfianGenerator.nextLong).
    const zetan = zeta(n, s);
    const zeta2 = zeta(2, s);
    const alpha = 1 / (1 - s);
    const eta = (1 - Math.pow(2 / n, 1 - s)) / (1 - zeta2 / zetan);
    const half = 1 + Math.pow(0.5, s);
    return {
      next() {
        const u = rand();
        const uz = u * zetan;
        if (uz < 1) return 0;
        if (uz < half) return 1;
        return Math.min(n - 1, Math.floor(n * Math.pow(eta * u - eta + 1, alpha)));
      },
    };
  }
  // s >= 1: the inverse-CDF table the scenarios use (scenarios/common/zipf.ts), same seed, same draws.
  return zipfian(n, s, seed);
}

/** Latest over [0, n): key n-1 the most popular, n-1-k with zipfian(s) weight of rank k. */
export function latestKeys(n: number, s: number, seed: number): KeyChooser {
  const z = zipfianKeys(n, s, seed);
  return { next: () => n - 1 - z.next() };
}

/**
 * Hotspot over [0, n): keys [0, h) with h = max(1, floor(n·hotShare)) take hotOps of the draws
 * (uniform within), the others the rest (uniform within); with h = n every draw is hot.
 */
export function hotspotKeys(n: number, hotShare: number, hotOps: number, seed: number): KeyChooser {
  const rand = mulberry32(seed);
  const hot = Math.min(n, Math.max(1, Math.floor(n * hotShare)));
  const cold = n - hot;
  return {
    next() {
      if (cold === 0 || rand() < hotOps) return Math.floor(rand() * hot);
      return hot + Math.floor(rand() * cold);
    },
  };
}

/** Sequential over [0, n): start+offset, start+offset+stride, ... modulo n. */
export function sequentialKeys(n: number, start: number, offset = 0, stride = 1): KeyChooser {
  let i = 0;
  return {
    next() {
      const k = (start + offset + i * stride) % n;
      i++;
      return k;
    },
  };
}

/**
 * The chooser of a KeySpec over n keys for one thread.
 * @param thread this thread's index and the thread count (sequential interleaves them).
 */
export function keyChooser(spec: KeySpec, n: number, seed: number, thread: { index: number; count: number } = { index: 0, count: 1 }): KeyChooser {
  switch (spec.dist) {
    case 'uniform':
      return uniformKeys(n, seed);
    case 'zipfian':
      return zipfianKeys(n, spec.s, seed);
    case 'latest':
      return latestKeys(n, spec.s, seed);
    case 'hotspot':
      return hotspotKeys(n, spec.hotShare, spec.hotOps, seed);
    case 'sequential':
      return sequentialKeys(n, spec.start % n, thread.index, thread.count);
  }
}

/** One line, e.g. "zipfian s=0.99", for reports. */
export function describeKeys(spec: KeySpec): string {
  switch (spec.dist) {
    case 'uniform':
      return 'uniform';
    case 'zipfian':
      return `zipfian s=${spec.s}`;
    case 'latest':
      return `latest s=${spec.s}`;
    case 'hotspot':
      return `hotspot ${pct(spec.hotShare)} of keys get ${pct(spec.hotOps)} of ops`;
    case 'sequential':
      return `sequential from ${spec.start}`;
  }
}

/** 0.2 -> "20%", 0.000001 -> "0.0001%". */
function pct(x: number): string {
  return `${Number((x * 100).toPrecision(3))}%`;
}
