/**
 * Key distributions for workloads: uniform and zipfian (YCSB's skewed popularity, where a
 * few posts get most of the likes). Deterministic from a seed.
 */
import { mulberry32 } from '../../engine/schedule.js';

/** Draws integers in [0, n). */
export interface KeyChooser {
  next(): number;
}

/**
 * Zipfian over [0, n) with exponent s (YCSB uses 0.99): P(k) ∝ 1/(k+1)^s, so key 0 is the
 * most popular. Inverse-CDF sampling on a precomputed table: n Float64s (8 bytes each),
 * O(log n) a draw.
 */
export function zipfian(n: number, s: number, seed: number): KeyChooser {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += 1 / Math.pow(k + 1, s);
    cdf[k] = sum;
  }
  for (let k = 0; k < n; k++) cdf[k] = cdf[k]! / sum;
  const rand = mulberry32(seed);
  return {
    next() {
      const u = rand();
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cdf[mid]! < u) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    },
  };
}

/** Uniform over [0, n). */
export function uniform(n: number, seed: number): KeyChooser {
  const rand = mulberry32(seed);
  return { next: () => Math.floor(rand() * n) };
}
