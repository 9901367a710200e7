/**
 * viral-like-spike on likes.batch-sync: sync lag (acknowledgement in Redis until MongoDB
 * shows the like) and the backlog over time, from the flush log and the ack samples the
 * workload leaves in Redis (options.ts BATCH_SYNC_LOG). Seed 000, "Likes System": "Redis →
 * MongoDB, async batch updates".
 */
import type { RedisClient } from '../../targets/redis/driver.js';
import type { FlushResult } from '../../reference-impl/likes/batch-sync.js';
import { BATCH_SYNC_LOG } from './options.js';

/** Sync lag figures, ms; null when no like was sampled. */
export interface SyncLag {
  samples: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Samples no logged flush covered (acknowledged after the last flush); should be 0 after settling. */
  uncovered: number;
}

/** The flush log a run left (oldest first). */
export async function readFlushLog(redis: RedisClient): Promise<FlushResult[]> {
  return (await redis.lRange(BATCH_SYNC_LOG.flushes, 0, -1)).map((s) => JSON.parse(s) as FlushResult).sort((a, b) => a.takenAt - b.takenAt);
}

/** The sampled acknowledgement times (Date.now(), ms). */
export async function readAckSamples(redis: RedisClient): Promise<number[]> {
  return (await redis.lRange(BATCH_SYNC_LOG.acks, 0, -1)).map(Number).sort((a, b) => a - b);
}

/** Nearest-rank percentile of sorted values. */
function pct(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/**
 * Lag of each sampled like: the doneAt of the first flush whose take ran after the ack (the take
 * is atomic in Redis, so that flush holds the like), minus the ack time. Both clocks are this
 * machine's Date.now().
 */
export function syncLag(acks: readonly number[], flushes: readonly FlushResult[]): SyncLag {
  const lags: number[] = [];
  let uncovered = 0;
  let j = 0;
  const fs = flushes.filter((f) => f.batch !== 0);
  for (const a of acks) {
    while (j < fs.length && fs[j]!.takenAt <= a) j++;
    if (j >= fs.length) {
      uncovered++;
      continue;
    }
    lags.push(fs[j]!.doneAt - a);
  }
  lags.sort((x, y) => x - y);
  return { samples: lags.length, p50Ms: pct(lags, 0.5), p99Ms: pct(lags, 0.99), maxMs: lags.length ? lags[lags.length - 1]! : null, uncovered };
}

/** Backlog series: [seconds since t0, posts taken by the flush] and [s, likes taken], one point per flush. */
export function backlogSeries(flushes: readonly FlushResult[], t0Ms: number): { posts: [number, number][]; likes: [number, number][] } {
  const posts: [number, number][] = [];
  const likes: [number, number][] = [];
  for (const f of flushes) {
    const x = Math.round((f.takenAt - t0Ms) / 10) / 100;
    posts.push([x, f.posts]);
    likes.push([x, f.likes]);
  }
  return { posts, likes };
}
