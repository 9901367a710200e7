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

/**
 * Percentiles in ms from a µs histogram, null where the sample is too small
 * (p90 < 10 samples, p99 < 100, p99.9 < 1000).
 */
export function percentilesMs(h: Histogram): Percentiles {
  const n = h.totalCount;
  if (n === 0) return { count: 0, min: null, mean: null, p50: null, p90: null, p99: null, p999: null, max: null };
  const at = (p: number, need: number) => (n >= need ? us2ms(h.getValueAtPercentile(p)) : null);
  return {
    count: n,
    min: us2ms(h.minNonZeroValue),
    mean: Math.round(h.mean) / 1000,
    p50: at(50, MIN_SAMPLES.p50),
    p90: at(90, MIN_SAMPLES.p90),
    p99: at(99, MIN_SAMPLES.p99),
    p999: at(99.9, MIN_SAMPLES.p999),
    // The bucket's highest equivalent value: exact maxValue does not survive encoding, and max must merge exactly.
    max: us2ms(h.getValueAtPercentile(100)),
  };
}
