/**
 * The hot path's histogram: a counts array laid out exactly like newHistogram()'s HDR
 * histogram (1 µs .. 120 s, 3 significant digits: 2,048 sub-buckets, unit 1 µs), filled with
 * integer arithmetic (one clz32, one shift, one increment per value) and poured into an
 * hdr-histogram-js histogram once per second.
 *
 * Why: hdr-histogram-js's recordValue computes its index with Math.log2, Math.pow and
 * Math.floor; three of those per operation were a third of the engine's own CPU at 1M ops/s
 * (issue 7's profile, docs/benchmarks.md). The counts are the same as recording each value
 * into the HDR histogram — same index for every value — so merging stays exact
 * (test/engine/histogram.test.ts checks it value for value); hdr-histogram-js still holds,
 * encodes, merges and reads every histogram the results carry.
 */
import { MAX_TRACKABLE_US, type Histogram } from './histogram.js';

/** log2 of half the sub-bucket count for 3 significant digits (HDR: subBucketHalfCountMagnitude). */
const HALF_MAGNITUDE = 10;
const HALF = 1 << HALF_MAGNITUDE;
/** Index of MAX_TRACKABLE_US, plus one: the length the counts need. */
const LENGTH = indexOf(MAX_TRACKABLE_US) + 1;

/** HDR's counts index of `us` (an integer 1 .. MAX_TRACKABLE_US) for unit 1 µs and 3 digits. */
function indexOf(us: number): number {
  const b = 31 - Math.clz32(us) - HALF_MAGNITUDE;
  const bucket = b > 0 ? b : 0;
  return (bucket << HALF_MAGNITUDE) + (us >>> bucket);
}

/** The lowest value (µs) whose index is `i`: the value recorded for the whole bucket. */
function valueAt(i: number): number {
  if (i < 2 * HALF) return i;
  const bucket = (i >>> HALF_MAGNITUDE) - 1;
  return (i - (bucket << HALF_MAGNITUDE)) * 2 ** bucket;
}

/**
 * Counts of µs values in HDR's bucket layout. record() is allocation-free; pourInto() adds the
 * counts into an hdr-histogram-js histogram (exactly as if each value had been recorded there)
 * and clears them, so one instance is reused second after second.
 */
export class HdrCounts {
  private readonly counts = new Float64Array(LENGTH);
  private lo = LENGTH;
  private hi = -1;
  /** Values recorded since the last pourInto(). */
  total = 0;

  /** Record a duration given in ns, as µs (at least 1 µs, at most MAX_TRACKABLE_US), as histogram.ts recordNs() does. */
  recordNs(ns: number): void {
    let us = Math.round(ns / 1000);
    if (us < 1) us = 1;
    else if (us > MAX_TRACKABLE_US) us = MAX_TRACKABLE_US;
    const i = indexOf(us);
    this.counts[i]!++;
    if (i < this.lo) this.lo = i;
    if (i > this.hi) this.hi = i;
    this.total++;
  }

  /** Add every count into `h` (one recordValueWithCount per non-empty bucket); the counts are left as they are. */
  addInto(h: Histogram): void {
    const c = this.counts;
    for (let i = this.lo; i <= this.hi; i++) {
      const n = c[i]!;
      if (n !== 0) h.recordValueWithCount(valueAt(i), n);
    }
  }

  /** Empty the counts for reuse. */
  clear(): void {
    if (this.hi >= this.lo) this.counts.fill(0, this.lo, this.hi + 1);
    this.lo = LENGTH;
    this.hi = -1;
    this.total = 0;
  }
}
