/**
 * The pure logic of bench/like-paths.ts: the verdict on seed 000's "Atomic increments
 * (INCR post:123:likes) are 10x faster than DB writes" (Likes System) from two searches'
 * results, and the parsing of /proc/<pid>/stat for a server's CPU time. No I/O here, so that
 * test/bench/like-paths.test.ts can check it without a server.
 *
 * Rates in likes (operations) per second, latencies in ms.
 */
import { fmtRatio } from '../core/format.js';

/** What one path's rate search established. Rates in ops/s. */
export interface SearchBracket {
  /** Highest rate that passed; null when none did. */
  best: number | null;
  /**
   * Lowest rate that failed; null when none did (the search stopped at --max, ran out of
   * steps on the ramp, or was interrupted), so `best` is only a lower bound.
   */
  firstFail: number | null;
}

/** Throughput ratio at or above which the claim counts as holding: "~10x" read as ≥ 8x. */
export const TEN_X_HOLDS_AT = 8;

/** The verdict on "INCR is ~10x faster than DB writes". */
export interface TenXVerdict {
  verdict: 'holds' | 'refuted' | 'not-measurable';
  /** redis-counter's highest sustained rate ÷ pg-direct's; null unless both passed a rate. */
  throughputRatio: number | null;
  /**
   * Range the true ratio lies in, given each search's bracket [best, firstFail):
   * low = redis best ÷ pg first fail, high = redis first fail ÷ pg best; null = unbounded
   * on that side.
   */
  ratioLow: number | null;
  ratioHigh: number | null;
  /** pg-direct's service-time p50 ÷ redis-counter's at the common rate; null when one is missing. */
  p50Ratio: number | null;
  /** The rule applied, one sentence. */
  rule: string;
  /** Why, with the figures, one sentence. */
  reason: string;
}

/**
 * Judge the claim from the two searches and the service-time p50s (ms) at the common rate.
 * Rule: throughput decides. It holds when redis-counter's highest sustained rate is at least
 * `holdsAt` (8) times pg-direct's and pg-direct's limit was found (a step failed above its
 * best), or when pg-direct passed no rate at all and redis-counter's best is ≥ holdsAt × the
 * lowest rate pg-direct failed at. It is refuted when the ratio is below holdsAt and
 * redis-counter's limit was found. Otherwise (a bound that leaves both answers open, or a
 * search that passed nothing) it is not measurable. The p50 ratio is reported, not judged.
 */
export function judgeTenX(
  redis: SearchBracket,
  pg: SearchBracket,
  p50Ms: { redis: number | null; pg: number | null },
  holdsAt = TEN_X_HOLDS_AT,
): TenXVerdict {
  const ratio = redis.best !== null && pg.best !== null && pg.best > 0 ? redis.best / pg.best : null;
  const ratioLow = redis.best !== null && pg.firstFail !== null && pg.firstFail > 0 ? redis.best / pg.firstFail : null;
  const ratioHigh = redis.firstFail !== null && pg.best !== null && pg.best > 0 ? redis.firstFail / pg.best : null;
  const p50Ratio = p50Ms.redis !== null && p50Ms.pg !== null && p50Ms.redis > 0 ? p50Ms.pg / p50Ms.redis : null;
  const rule = `holds when redis-counter's highest sustained like rate is ≥ ${holdsAt}× pg-direct's ("~10x" with 20% slack), with pg-direct's limit found; refuted below ${holdsAt}× with redis-counter's limit found; the service-time p50 ratio at the common rate is reported, not judged`;
  const base = { throughputRatio: ratio, ratioLow, ratioHigh, p50Ratio, rule };
  const r = fmtRatio(ratio);
  if (redis.best === null) {
    return { ...base, verdict: 'not-measurable', reason: `redis-counter passed no rate${redis.firstFail !== null ? ` (lowest tried ${redis.firstFail}/s failed)` : ''}, so there is no throughput to compare` };
  }
  if (pg.best === null) {
    if (pg.firstFail !== null && ratioLow !== null && ratioLow >= holdsAt) {
      return { ...base, verdict: 'holds', reason: `pg-direct passed no rate down to ${pg.firstFail}/s while redis-counter held ${redis.best}/s: ratio > ${fmtRatio(ratioLow)}` };
    }
    return { ...base, verdict: 'not-measurable', reason: `pg-direct passed no rate${pg.firstFail !== null ? ` down to ${pg.firstFail}/s` : ''}; with redis-counter at ${redis.best}/s that bounds the ratio only below ${holdsAt}×` };
  }
  const ratioValue = ratio as number;
  if (ratioValue >= holdsAt) {
    if (pg.firstFail === null) {
      return { ...base, verdict: 'not-measurable', reason: `ratio ${r} but pg-direct never failed (its ${pg.best}/s is only a lower bound); raise --max or rerun` };
    }
    return { ...base, verdict: 'holds', reason: `redis-counter held ${redis.best}/s, pg-direct ${pg.best}/s: ${r} ≥ ${holdsAt}×` };
  }
  if (redis.firstFail === null) {
    return { ...base, verdict: 'not-measurable', reason: `ratio ${r} but redis-counter never failed (its ${redis.best}/s is only a lower bound); raise --max or rerun` };
  }
  return { ...base, verdict: 'refuted', reason: `redis-counter held ${redis.best}/s, pg-direct ${pg.best}/s: ${r} < ${holdsAt}×` };
}

/**
 * Server CPU per operation, µs: `cpuPct` (% of one core) spent on `opsPerSec` operations/s.
 * Null when either is missing or the rate is not positive.
 */
export function cpuUsPerOp(cpuPct: number | null, opsPerSec: number | null): number | null {
  if (cpuPct === null || opsPerSec === null || !(opsPerSec > 0)) return null;
  return (cpuPct / 100 / opsPerSec) * 1e6;
}

/** /proc/<pid>/stat parsing lives with the servers' CPU sampling (engine/server-cpu.ts); re-exported for this bench's tests. */
export { CLOCK_TICKS_PER_S, parseProcStat } from '../engine/server-cpu.js';
