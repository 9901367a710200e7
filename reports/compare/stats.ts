/**
 * The noise estimate of compare and gate: a seeded percentile bootstrap over the per-second
 * values of a metric (DESIGN.md, "Reports and cost": "`compare` shows two runs side by side
 * with % change and noise"; the method is documented in docs/ci.md).
 *
 * Each measured (non-warmup) second of a run gives one value of a metric (its p99, its
 * completed operations, ...). The statistic is the median over seconds:
 * - paired (both runs ran the same schedule, so second t of one run had the same intended
 *   arrivals as second t of the other): the median over seconds t of the per-second change
 *   (y_t / x_t - 1, or y_t - x_t for an absolute metric); a resample draws seconds t with
 *   replacement, keeping each pair together;
 * - unpaired (different schedules): the change of the medians (median(y) / median(x) - 1, or
 *   median(y) - median(x)); a resample draws each run's seconds with replacement on its own.
 * The interval is the 2.5th to 97.5th percentile of {@link RESAMPLES} resampled statistics
 * (a 95 % percentile interval), drawn with a fixed seed so the same two files always give the
 * same interval. Fewer than {@link MIN_SECONDS} seconds (pairs, or on either side) give no
 * interval: the noise cannot be estimated.
 */
import { mulberry32 } from '../../engine/schedule.js';

/** Bootstrap resamples per interval. */
export const RESAMPLES = 2000;
/** Coverage of the interval. */
export const CONFIDENCE = 0.95;
/** Fewest per-second values (pairs, or per run) from which an interval is estimated. */
export const MIN_SECONDS = 5;
/** Seed of the resampling PRNG (mulberry32): intervals are reproducible from the same files. */
export const BOOTSTRAP_SEED = 20_251_121;

/** How a change is expressed: relative (y / x - 1, a fraction) or absolute (y - x, in the metric's unit). */
export type ChangeKind = 'relative' | 'absolute';

/** A 95 % bootstrap interval of the change, in the units of {@link ChangeKind}. */
export interface NoiseInterval {
  kind: 'interval';
  /** paired by second (same schedule) or unpaired (change of the medians). */
  method: 'paired' | 'unpaired';
  /** The statistic on the data as measured (not resampled). */
  estimate: number;
  low: number;
  high: number;
  /** Seconds used: pairs (paired) or [baseline, current] (unpaired). */
  seconds: number | [number, number];
}

/** Why no interval could be estimated. */
export interface NoiseUnknown {
  kind: 'not-estimable';
  /** One clause, e.g. "3 measured seconds with a p99 in the current run (5 needed)". */
  reason: string;
}

export type Noise = NoiseInterval | NoiseUnknown;

/** Median of a non-empty array (mean of the two middle values for an even length); NaN when empty. Does not mutate. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The q-quantile (0..1) of an ascending array, linear between neighbours. */
function quantileSorted(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function change(kind: ChangeKind, x: number, y: number): number {
  return kind === 'relative' ? y / x - 1 : y - x;
}

function resample(values: readonly number[], rand: () => number, into: number[]): number[] {
  into.length = values.length;
  for (let i = 0; i < values.length; i++) into[i] = values[Math.floor(rand() * values.length)]!;
  return into;
}

function interval(stats: number[], estimate: number, method: NoiseInterval['method'], seconds: NoiseInterval['seconds']): NoiseInterval {
  stats.sort((a, b) => a - b);
  const tail = (1 - CONFIDENCE) / 2;
  return { kind: 'interval', method, estimate, low: quantileSorted(stats, tail), high: quantileSorted(stats, 1 - tail), seconds };
}

/**
 * Paired bootstrap: `pairs` are [baseline, current] values of the same second.
 *
 * @param pairs per-second [x_t, y_t]; for a relative change, pairs with x_t <= 0 are dropped
 *   (no ratio).
 * @param what the metric in words, for the reason when too few seconds remain.
 * @returns the interval of the median per-second change, or why it cannot be estimated.
 */
export function pairedInterval(pairs: ReadonlyArray<readonly [number, number]>, kind: ChangeKind, what: string): Noise {
  const usable = kind === 'relative' ? pairs.filter(([x]) => x > 0) : pairs;
  if (usable.length < MIN_SECONDS) {
    return { kind: 'not-estimable', reason: `${usable.length} measured second${usable.length === 1 ? '' : 's'} with a ${what} in both runs (${MIN_SECONDS} needed)` };
  }
  const diffs = usable.map(([x, y]) => change(kind, x, y));
  const rand = mulberry32(BOOTSTRAP_SEED);
  const stats: number[] = [];
  const buf: number[] = [];
  for (let b = 0; b < RESAMPLES; b++) stats.push(median(resample(diffs, rand, buf)));
  return interval(stats, median(diffs), 'paired', usable.length);
}

/**
 * Unpaired bootstrap of the change of the medians of two independent sets of per-second values.
 *
 * @param what the metric in words, for the reason when a side has too few seconds.
 * @returns the interval, or why it cannot be estimated (too few seconds, or a baseline median
 *   of 0 for a relative change).
 */
export function unpairedInterval(base: readonly number[], current: readonly number[], kind: ChangeKind, what: string): Noise {
  for (const [values, run] of [[base, 'baseline'], [current, 'current run']] as const) {
    if (values.length < MIN_SECONDS) {
      return { kind: 'not-estimable', reason: `${values.length} measured second${values.length === 1 ? '' : 's'} with a ${what} in the ${run} (${MIN_SECONDS} needed)` };
    }
  }
  const mx = median(base);
  if (kind === 'relative' && !(mx > 0)) return { kind: 'not-estimable', reason: `the baseline's per-second median ${what} is 0` };
  const rand = mulberry32(BOOTSTRAP_SEED);
  const stats: number[] = [];
  const bx: number[] = [];
  const by: number[] = [];
  for (let b = 0; b < RESAMPLES; b++) {
    const x = median(resample(base, rand, bx));
    const y = median(resample(current, rand, by));
    // A resampled baseline median of 0 has no ratio: count it as no change (conservative: it
    // pulls the interval towards 0, never away from it).
    stats.push(kind === 'relative' && !(x > 0) ? 0 : change(kind, x, y));
  }
  return interval(stats, change(kind, mx, median(current)), 'unpaired', [base.length, current.length]);
}
