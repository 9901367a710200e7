/**
 * The percentile spectrum of one operation's latency, derived from the compressed base64
 * HDR histogram the engine stores in `OperationResult.latencyHistogram` (values in µs).
 */
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';

/** One point of a percentile spectrum. */
export interface SpectrumPoint {
  /** Percentile, 0..100 (e.g. 99.9). */
  percentile: number;
  /** 1 / (1 - percentile/100): the x position on the usual log "percentile spectrum" axis (1 = p0, 10 = p90, 1000 = p99.9). */
  x: number;
  /** Latency at that percentile, ms. */
  ms: number;
}

/** The spectrum, or why there is none. */
export type SpectrumResult =
  | { ok: true; count: number; points: SpectrumPoint[] }
  | { ok: false; reason: string };

/**
 * Decode a latency histogram and list latency at exponentially finer percentiles
 * (p0, p50, p75, p87.5, … with `ticksPerHalf` points per halving of the remaining tail), up
 * to the last percentile the sample can carry (1 - 1/count), ending with the max.
 *
 * @param base64 compressed base64 HDR histogram of latency in µs, or undefined.
 * @param ticksPerHalf points per halving of the tail (default 4).
 * @returns `{ok: false, reason}` when the histogram is absent, empty or cannot be decoded;
 *   never throws.
 */
export function percentileSpectrum(base64: string | undefined, ticksPerHalf = 4): SpectrumResult {
  if (base64 === undefined || base64.trim() === '') return { ok: false, reason: 'no latency histogram in the results' };
  let histogram: ReturnType<typeof decodeFromCompressedBase64>;
  try {
    histogram = decodeFromCompressedBase64(base64.trim(), 32, false);
  } catch {
    return { ok: false, reason: 'the latency histogram could not be decoded' };
  }
  try {
    const count = histogram.totalCount;
    if (!(count > 0)) return { ok: false, reason: 'the latency histogram is empty' };
    const points: SpectrumPoint[] = [];
    // Stop where fewer than one sample lies beyond the percentile: past that the figure is the max.
    for (let k = 0; k <= 60 * ticksPerHalf; k++) {
      const tail = Math.pow(2, -k / ticksPerHalf);
      if (tail * count < 1) break;
      const percentile = 100 * (1 - tail);
      points.push({ percentile, x: 1 / tail, ms: histogram.getValueAtPercentile(percentile) / 1000 });
    }
    const lastX = points.at(-1)?.x ?? 1;
    const maxX = Math.max(count, lastX);
    points.push({ percentile: 100 * (1 - 1 / maxX), x: maxX, ms: histogram.maxValue / 1000 });
    return { ok: true, count, points };
  } finally {
    histogram.destroy();
  }
}
