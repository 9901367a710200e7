/**
 * Seed 000's memory table ("Redis Memory Optimization Strategy for Likes" / "Memory
 * Calculations"), measured on the real Redis: all N posts as string counters, the hot 10% only
 * (string counters with the seed's 7-day TTL, the Redis half of likes.hot-cold), and the hot 10%
 * in hashes (128 posts per listpack bucket, likes.redis-hash). Each layout is seeded through the
 * storage path's own seed() under a private key prefix, measured as the growth of INFO
 * used_memory, and removed again (UNLINK, then waiting for lazyfree).
 *
 * Seed rows: All in Redis 1,000,000 ~500MB-1GB (1KB per post); Hot Only (10%) 100,000 ~50-100MB
 * (90% reduction); With Hashes 100,000 ~20-30MB (5x more efficient).
 */
import type { RedisClient } from '../../targets/redis/driver.js';
import type { ClaimResult, ScenarioTable } from '../../core/results.js';
import { openStoragePath } from '../../reference-impl/registry.js';
import { SEED_LIKES_TTL_S } from '../../reference-impl/likes/types.js';
import type { StoreClients } from '../../targets/clients.js';
import { waitForLazyFree } from '../common/redis.js';

/**
 * The Redis logical database the table is measured in: one nobody else uses, whose key table
 * starts empty, so a layout's bytes include the growth of the key table itself (in a busy
 * database a table already sized for other keys would hide it: 31 vs 70 bytes per key here).
 */
export const MEMORY_TABLE_DB = 15;

/** Key prefix of the table's layouts (removed after each measurement). */
const PREFIX = 'cbmem:';

/** One measured layout. */
export interface MemoryRow {
  layout: string;
  /** Posts held in Redis. */
  posts: number;
  /** Growth of used_memory, bytes. */
  bytes: number;
  /** Seconds the path's seed() took for them. */
  seedS: number;
  /** The seed's figure for this row, bytes [low, high], and its text. */
  seed: { low: number; high: number; text: string };
}

/** The measured table and the claims it decides. */
export interface MemoryTable {
  totalPosts: number;
  rows: MemoryRow[];
  claims: ClaimResult[];
  table: ScenarioTable;
}

async function usedMemory(redis: RedisClient): Promise<number> {
  const m = /used_memory:(\d+)/.exec(await redis.info('memory'));
  return Number(m?.[1] ?? NaN);
}

/**
 * Measure one layout: seed `posts` through `pathId` (options `opts` + the private prefix),
 * read the growth of used_memory, remove them.
 */
async function measure(clients: StoreClients, pathId: string, posts: number, opts: Record<string, unknown>): Promise<{ bytes: number; seedS: number }> {
  const redis = clients.redis as RedisClient;
  const path = await openStoragePath('likes', pathId, clients, { ...opts, keyPrefix: PREFIX });
  await path.reset();
  await waitForLazyFree(redis, 60_000);
  const before = await settledMemory(redis);
  const t0 = performance.now();
  await path.seed({ first: 0, count: posts, initial: 1 });
  const seedS = (performance.now() - t0) / 1000;
  const bytes = (await settledMemory(redis)) - before;
  await path.reset();
  await waitForLazyFree(redis, 60_000);
  return { bytes, seedS };
}

/**
 * used_memory once it stops moving: after a bulk insert Redis is still rehashing its key table
 * incrementally (two tables at once until it ends), and after a removal it shrinks the table in
 * its cron; a read right away would count either.
 */
async function settledMemory(redis: RedisClient, timeoutMs = 15_000): Promise<number> {
  // Stable = within 0.1% across four reads 250 ms apart (serverCron resizes tables every 100 ms).
  const end = Date.now() + timeoutMs;
  const reads = [await usedMemory(redis)];
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    reads.push(await usedMemory(redis));
    const last4 = reads.slice(-4);
    if (last4.length === 4 && Math.max(...last4) - Math.min(...last4) <= last4[3]! * 0.001) return last4[3]!;
  }
  return reads[reads.length - 1]!;
}

const MB = 1e6;
const fmtMb = (b: number) => `${(b / MB).toFixed(1)} MB`;
const inRange = (v: number, lo: number, hi: number) => v >= lo && v <= hi;

/**
 * Measure the memory table for `totalPosts` posts (the seed's 1,000,000) on the Redis in
 * `clients`. Needs nothing else on Redis to change meanwhile (it reads used_memory growth).
 * @returns rows, a report table, and verdicts for likes.redis-memory-1m, likes.hot-only-memory-100k,
 *   likes.redis-hash-memory-100k, likes.hybrid-90pct and likes.hash-5x (scaled to the seed's sizes
 *   when totalPosts is not 1M: bytes per post × the seed's count).
 * @throws the driver's error when Redis fails.
 */
export async function measureMemoryTable(clients: StoreClients, totalPosts: number): Promise<MemoryTable> {
  const hot = Math.max(1, Math.round(totalPosts / 10));
  const all = await measure(clients, 'likes.redis-counter', totalPosts, {});
  const hotOnly = await measure(clients, 'likes.redis-counter', hot, { ttlSeconds: SEED_LIKES_TTL_S });
  const hashes = await measure(clients, 'likes.redis-hash', hot, {});
  const rows: MemoryRow[] = [
    { layout: 'All in Redis (string counters p:{id}:l)', posts: totalPosts, ...all, seed: { low: 500 * MB, high: 1000 * MB, text: '~500 MB-1 GB (1 KB per post)' } },
    { layout: 'Hot only (10%, string counters, 7-day TTL)', posts: hot, ...hotOnly, seed: { low: 50 * MB, high: 100 * MB, text: '~50-100 MB (90% reduction)' } },
    { layout: 'With hashes (hot 10% in 128-post listpack buckets)', posts: hot, ...hashes, seed: { low: 20 * MB, high: 30 * MB, text: '~20-30 MB (5x more efficient)' } },
  ];
  // The seed's rows are for 1M posts (and 100K hot): scale bytes per post to those counts.
  const at = (r: MemoryRow, seedPosts: number) => (r.bytes / r.posts) * seedPosts;
  const [rAll, rHot, rHash] = rows as [MemoryRow, MemoryRow, MemoryRow];
  const scaled = totalPosts === 1_000_000 ? '' : ` (measured on ${totalPosts.toLocaleString('en-US')} posts, bytes per post scaled to the seed's count)`;
  const src = '000 · Redis Memory Optimization / Memory Calculations';
  const verdictRange = (v: number, r: MemoryRow) => (inRange(v, r.seed.low, r.seed.high) ? 'holds' : 'refuted');
  const allAt1m = at(rAll, 1e6);
  const hotAt100k = at(rHot, 1e5);
  const hashAt100k = at(rHash, 1e5);
  const reduction = 1 - rHot.bytes / rAll.bytes;
  const hashGain = rHot.bytes / rHash.bytes;
  const claims: ClaimResult[] = [
    { id: 'likes.redis-memory-1m', source: src, claim: '1M posts all in Redis take ~500 MB-1 GB (1 KB per post)', measured: `${(rAll.bytes / rAll.posts).toFixed(1)} bytes per post → ${fmtMb(allAt1m)} per 1M posts${scaled}`, verdict: verdictRange(allAt1m, rAll), note: 'a bare counter key per post, as likes.redis-counter stores it' },
    { id: 'likes.hot-only-memory-100k', source: src, claim: 'The hot 10% (100K posts) take ~50-100 MB', measured: `${(rHot.bytes / rHot.posts).toFixed(1)} bytes per hot post (with its TTL) → ${fmtMb(hotAt100k)} per 100K${scaled}`, verdict: verdictRange(hotAt100k, rHot) },
    { id: 'likes.redis-hash-memory-100k', source: src, claim: '100K posts in Redis hashes take ~20-30 MB', measured: `${(rHash.bytes / rHash.posts).toFixed(1)} bytes per post → ${fmtMb(hashAt100k)} per 100K${scaled}`, verdict: verdictRange(hashAt100k, rHash) },
    { id: 'likes.hybrid-90pct', source: '000 · Redis Memory Optimization / Recommendation', claim: 'Hot only (10%) saves 90% of the memory of all in Redis', measured: `${(reduction * 100).toFixed(1)}% less (${fmtMb(rHot.bytes)} vs ${fmtMb(rAll.bytes)})`, verdict: reduction >= 0.85 ? 'holds' : 'refuted', note: 'holds from 85%: the TTL adds an expires entry to every hot key' },
    { id: 'likes.hash-5x', source: src, claim: 'Hashes are 5x more memory-efficient than string keys', measured: `${hashGain.toFixed(1)}x (${fmtMb(rHash.bytes)} vs ${fmtMb(rHot.bytes)} for the same ${rHot.posts.toLocaleString('en-US')} hot posts)`, verdict: hashGain >= 5 ? 'holds' : 'refuted' },
  ];
  const table: ScenarioTable = {
    caption: `Seed 000's memory table, measured: ${totalPosts.toLocaleString('en-US')} posts on this Redis (INFO used_memory growth)`,
    columns: ['layout', 'posts in Redis', 'measured', 'bytes per post', "MB at the seed's count (1M / 100K)", "seed's figure", 'verdict', 'seed() time, s'],
    rows: rows.map((r, i) => [r.layout, r.posts, fmtMb(r.bytes), Math.round((r.bytes / r.posts) * 10) / 10, Math.round(at(r, i === 0 ? 1e6 : 1e5) / 1e4) / 100, r.seed.text, claims[i]!.verdict, Math.round(r.seedS * 100) / 100]),
    note: `hot only saves ${(reduction * 100).toFixed(1)}% against all in Redis (seed: 90%); hashes hold the hot posts in ${hashGain.toFixed(1)}x less memory than string keys (seed: 5x). Cost rows: the cost section prices these bytes.`,
  };
  return { totalPosts, rows, claims, table };
}
