/**
 * The set-vs-HyperLogLog experiment (seed 003 "Redis Deep Dive / Data Structures":
 * "HyperLogLog: Probabilistic unique counting. ~0.81% error rate. 12 KB per counter regardless
 * of cardinality"; 001 story_views:{story_id} "Set of viewer_user_ids"): for each viewer count n,
 * n distinct viewer ids go into a set and a HyperLogLog (pipelined SADD / PFADD of 10,000
 * members a command), then MEMORY USAGE ... SAMPLES 0 (every element counted) of each, SCARD,
 * PFCOUNT and the relative error. Keys are under the run's prefix and removed afterwards.
 */
import type { RedisClient } from '../../targets/redis/driver.js';

/** One row of the experiment. Bytes are MEMORY USAGE; error is (PFCOUNT − n) / n. */
export interface HllRow {
  viewers: number;
  setBytes: number;
  hllBytes: number;
  /** STRLEN of the HyperLogLog: its encoding alone (dense: 12,304 bytes), without key and allocator overhead. */
  hllStrlen: number;
  setCount: number;
  hllCount: number;
  /** Signed relative error of PFCOUNT, e.g. 0.0042 for +0.42%. */
  hllError: number;
  /** Wall time of loading both keys, ms. */
  loadMs: number;
}

const BATCH = 10_000;

/**
 * Run the experiment for each count in `viewers` on keys `${prefix}hll-exp:*` (deleted after
 * each count). Viewer ids are a deterministic scramble of 0..n-1 (so they are not a dense run of
 * small integers), all distinct.
 * @throws the Redis client's error.
 */
export async function setVsHll(redis: RedisClient, prefix: string, viewers: readonly number[]): Promise<HllRow[]> {
  const rows: HllRow[] = [];
  for (const n of viewers) {
    const setKey = `${prefix}hll-exp:set:${n}`;
    const hllKey = `${prefix}hll-exp:hll:${n}`;
    await redis.unlink([setKey, hllKey]);
    const t0 = performance.now();
    const pending: Promise<unknown>[] = [];
    for (let start = 0; start < n; start += BATCH) {
      const members: string[] = [];
      // 2654435761 is odd, so i -> i * 2654435761 mod 2^32 is a bijection: distinct, scattered ids.
      for (let i = start; i < Math.min(n, start + BATCH); i++) members.push(String(Math.imul(i, 2654435761) >>> 0));
      pending.push(redis.sAdd(setKey, members), redis.pfAdd(hllKey, members));
      if (pending.length >= 16) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    const loadMs = performance.now() - t0;
    const [setBytes, hllBytes, setCount, hllCount, hllStrlen] = await Promise.all([
      redis.sendCommand(['MEMORY', 'USAGE', setKey, 'SAMPLES', '0']),
      redis.sendCommand(['MEMORY', 'USAGE', hllKey, 'SAMPLES', '0']),
      redis.sCard(setKey),
      redis.pfCount(hllKey),
      redis.strLen(hllKey),
    ]);
    await redis.unlink([setKey, hllKey]);
    rows.push({ viewers: n, setBytes: Number(setBytes), hllBytes: Number(hllBytes), hllStrlen: Number(hllStrlen), setCount: Number(setCount), hllCount: Number(hllCount), hllError: (Number(hllCount) - n) / n, loadMs: Math.round(loadMs) });
  }
  return rows;
}

/** HyperLogLog dense representation in Redis: 16384 registers of 6 bits = 12288 bytes + a 16-byte header (seed 003's "12 KB"). */
export const HLL_DENSE_BYTES = 12_304;
/** Redis's documented standard error of PFCOUNT, 1.04/sqrt(16384) (seed 003's "0.81%"). */
export const HLL_STD_ERROR = 0.0081;
