/**
 * HDR histograms (hdr-histogram-js) of latencies in µs, encoded so that worker threads can
 * send them to the parent, which merges them exactly (autocannon's habit, ../shared/STYLE.md).
 */
import * as hdr from 'hdr-histogram-js';
import type { Percentiles } from '../core/results.js';

/** Highest value a histogram tracks: 120 s in µs. Larger values are clamped to it (and show as max). */
export const MAX_TRACKABLE_US = 120_000_000;

/** Smallest sample count that carries each percentile (DESIGN.md: "no p99.9 from 100 samples"). */
export const MIN_SAMPLES = { p50: 1, p90: 10, p99: 100, p999: 1000 } as const;

export type Histogram = hdr.Histogram;

/** A new empty histogram of µs values, 1 µs .. 120 s, 3 significant digits. */
export function newHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 32,
    useWebAssembly: false,
  });
}

/** Record a duration given in ns, as µs (at least 1 µs, at most MAX_TRACKABLE_US). */
export function recordNs(h: Histogram, ns: number): void {
  let us = Math.round(ns / 1000);
  if (us < 1) us = 1;
  else if (us > MAX_TRACKABLE_US) us = MAX_TRACKABLE_US;
  h.recordValue(us);
}

/** Compressed base64 of a histogram (empty string for an empty one). */
export function encodeHistogram(h: Histogram): string {
  return h.totalCount === 0 ? '' : hdr.encodeIntoCompressedBase64(h);
}

/** Decode what encodeHistogram() produced; '' gives an empty histogram. */
export function decodeHistogram(b64: string): Histogram {
  if (!b64) return newHistogram();
  const h = hdr.decodeFromCompressedBase64(b64, 32, false);
  return h;
}

/** Add an encoded histogram into `into` (exact merge). */
export function mergeEncoded(into: Histogram, b64: string): void {
  if (!b64) return;
  const h = decodeHistogram(b64);
  into.add(h);
  h.destroy();
}

const us2ms = (us: number) => Math.round(us) / 1000;

/** hdr-histogram-js's ulp (dist/ulp.js): one unit in the last place of a double. */
const ulp = (x: number) => 2 ** (Math.floor(Math.log2(x)) - 52);

/** The count that percentile `p` must reach, exactly as hdr-histogram-js getValueAtPercentile() computes it. */
function countAt(p: number, total: number): number {
  const fp = (Math.min(p, 100) / 100) * total;
  return Math.max(Math.ceil(fp - ulp(fp)), 1);
}

/**
 * Percentiles in ms from a µs histogram, null where the sample is too small
 * (p90 < 10 samples, p99 < 100, p99.9 < 1000).
 *
 * One pass over the counts for every figure: the same values as hdr-histogram-js's
 * getValueAtPercentile() (highest equivalent value of the bucket where the cumulative count
 * reaches the percentile's), mean (median equivalent values) and minNonZeroValue, which walk
 * the counts once per figure — about 0.85 ms per histogram, a stall the live view and the
 * per-second series paid on the load thread every second (issue 7). test/engine/histogram.test.ts
 * checks the equality.
 */
export function percentilesMs(h: Histogram): Percentiles {
  const n = h.totalCount;
  if (n === 0) return { count: 0, min: null, mean: null, p50: null, p90: null, p99: null, p999: null, max: null };
  const js = h as unknown as { countsArrayLength: number; getCountAtIndex(i: number): number; valueFromIndex(i: number): number; highestEquivalentValue(v: number): number; medianEquivalentValue(v: number): number };
  const wants = [50, 90, 99, 99.9, 100].map((p) => countAt(p, n));
  const found: number[] = [];
  let cum = 0;
  let sum = 0;
  for (let i = 0; i < js.countsArrayLength && cum < n; i++) {
    const c = js.getCountAtIndex(i);
    if (c === 0) continue;
    const v = js.valueFromIndex(i);
    cum += c;
    sum += js.medianEquivalentValue(v) * c;
    while (found.length < wants.length && cum >= wants[found.length]!) found.push(js.highestEquivalentValue(v));
  }
  const at = (k: number, need: number) => (n >= need ? us2ms(found[k] ?? 0) : null);
  return {
    count: n,
    min: us2ms(h.minNonZeroValue),
    mean: Math.round(sum / n) / 1000,
    p50: at(0, MIN_SAMPLES.p50),
    p90: at(1, MIN_SAMPLES.p90),
    p99: at(2, MIN_SAMPLES.p99),
    p999: at(3, MIN_SAMPLES.p999),
    // The bucket's highest equivalent value: exact maxValue does not survive encoding, and max must merge exactly.
    max: us2ms(found[4] ?? 0),
  };
}
