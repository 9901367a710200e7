/**
 * viral-like-spike: background likes on a zipfian key set, a spike of likes on one post,
 * then back down (seed 000, "Likes System": 100K+/s, "Handles viral spikes (10K+ likes/sec)";
 * "Redis Memory Optimization Strategy for Likes": short keys, hashes, memory table).
 * Reports like latency, Redis memory, and likes lost (must be 0).
 */
import type { ClaimResult, DerivedFigure, ScenarioSection, ThresholdResult } from '../../core/results.js';
import { BatchSyncLikes } from '../../reference-impl/likes/batch-sync.js';
import type { FlushResult } from '../../reference-impl/likes/batch-sync.js';
import { backlogSeries, readAckSamples, readFlushLog, syncLag, type SyncLag } from './sync.js';
import type { LikeCounter } from '../../reference-impl/likes/types.js';
import { getStoragePath, openStoragePath } from '../../reference-impl/registry.js';
import { openStoreClients, type StoreClients } from '../../targets/clients.js';
import type { Scenario, ScenarioContext } from '../types.js';
import { waitForLazyFree } from '../common/redis.js';
import { storeBytes, window, windowStats, mb } from '../common/figures.js';
import { BATCH_SYNC_LOG, ViralLikeSpikeOptions, counterOptions, likeOperations, viralPostOf } from './options.js';
import { spikeWindow } from './window.js';
import { MEMORY_TABLE_DB, measureMemoryTable } from './memory-table.js';
import { UsageError } from '../../core/errors.js';
import { createServiceContext } from '../../targets/local/paths.js';
import { applyRedisPersistence, localPersistenceMode, persistenceLoss } from '../../targets/redis/persistence.js';
import { viralLikeSpikeSection } from './section.js';

type O = ViralLikeSpikeOptions;
/** The store whose footprint holds the counters: the path's first (and only) store. */
const storeOf = (o: O) => getStoragePath(o.path, 'likes').stores[0]!;

/** Run `f` with the path opened (setup done) on a small pool; always closes the clients. */
async function withCounter<T>(o: O, ctx: ScenarioContext, f: (c: LikeCounter, clients: StoreClients) => Promise<T>): Promise<T> {
  const clients = await openStoreClients(ctx.connections, getStoragePath(o.path, 'likes').stores, { pgPoolSize: 8 });
  try {
    const counter = await openStoragePath('likes', o.path, clients, counterOptions(o));
    return await f(counter, clients);
  } finally {
    await clients.close();
  }
}

/** Run `f` with a Redis client of its own (the memory table). */
async function withRedis<T>(ctx: ScenarioContext, f: (clients: StoreClients) => Promise<T>): Promise<T> {
  // Logical database 15 (MEMORY_TABLE_DB): an empty key table, so its own growth is counted as it would be on a Redis holding only likes.
  const conn = ctx.connections.redis!;
  const u = new URL(conn.url);
  u.pathname = `/${MEMORY_TABLE_DB}`;
  const clients = await openStoreClients({ redis: { ...conn, url: u.toString() } }, ['redis']);
  try {
    return await f(clients);
  } finally {
    await clients.close();
  }
}

export const viralLikeSpike: Scenario<O> = {
  id: 'viral-like-spike',
  description: 'Zipfian background likes, then a spike of likes on one post, then back down (seed 000, Likes System).',
  pathFamily: 'likes',
  smokeOptions: { posts: 1000 },
  options: ViralLikeSpikeOptions,
  http: { pathOptions: (o) => ({ ...counterOptions(o) }) },
  operations: likeOperations,
  defaultStages: (o) => [
    { durationS: o.beforeS, rate: o.backgroundRate, label: 'background' },
    { durationS: o.spikeS, rate: o.spikeRate, label: 'spike' },
    { durationS: o.afterS, rate: o.backgroundRate, label: 'background' },
  ],
  defaultRate: (o) => o.backgroundRate,
  defaultWarmupS: (o) => Math.min(2, o.beforeS / 2),
  defaultThresholds: () => ['like:p99<10ms', 'like:error_rate<0.1%'],
  workloadModule: new URL('./workload.js', import.meta.url).href,

  // -o crashAt=15s: Redis killed -9 at 15 s and started again crashDownS later (issue 8, "Crash window").
  impliedFaults: (o) => ({
    option: `-o crashAt=${o.crashAt ?? ''}s`,
    faults: o.crashAt === undefined ? [] : [`redis:kill@${o.crashAt}s`, `redis:restart@${o.crashAt + o.crashDownS}s`],
  }),

  async preflight(o, ctx) {
    if (o.redisPersistence === undefined) return { notes: [] };
    const conn = ctx.connections.redis;
    if (!conn) throw new UsageError(`-o redisPersistence=${o.redisPersistence} needs a likes path on Redis; ${o.path} does not use Redis.`, { hint: 'Drop the option or pick a Redis path (--path likes.redis-counter, likes.batch-sync, ...).' });
    const svc = createServiceContext({ log: () => undefined });
    const before = await localPersistenceMode(svc);
    const r = await applyRedisPersistence(conn, svc, o.redisPersistence);
    ctx.log(`redis persistence: ${r.mode}, ${r.how}`);
    const local = r.how.startsWith('set');
    return {
      notes: [`Redis persistence during the run: ${r.mode}, ${r.how}; ${r.loss}.`],
      ...(local && before !== r.mode ? { undo: async () => void (await applyRedisPersistence(conn, svc, before)) } : {}),
    };
  },

  async reset(o, ctx) {
    await withCounter(o, ctx, async (c, clients) => {
      await c.reset();
      if (clients.redis) await waitForLazyFree(clients.redis);
    });
  },

  async seed(o, ctx) {
    ctx.log(`seeding ${o.posts} posts with 0 likes (${o.path})`);
    await withCounter(o, ctx, (c) => c.seed({ first: 0, count: o.posts, initial: 0 }));
  },

  async verify(o, ctx, { outcome, footprint }) {
    const derived: DerivedFigure[] = [];
    const claims: ClaimResult[] = [];
    const notes: string[] = [];
    const checks: ThresholdResult[] = [];
    const like = outcome.operations.find((op) => op.name === 'like');
    const acknowledged = (like?.okCount ?? 0) + (like?.warmupOkCount ?? 0);
    const sections: ScenarioSection[] = [];
    let pendingAtEnd: number | undefined;
    let lag: SyncLag | undefined;
    let flushes: FlushResult[] = [];
    let onFerret = false;
    // Across both stores for likes.batch-sync: MongoDB flushed + Redis pending, read before settling.
    const stored = await withCounter(o, ctx, async (c, clients) => {
      const t = await c.total();
      if (c instanceof BatchSyncLikes && clients.redis) {
        onFerret = c.ferret;
        pendingAtEnd = await c.pending();
        // Drain the backlog, logging these flushes too, then compute the sync lag.
        for (;;) {
          const r = await c.flushOnce();
          if (r.batch === 0) break;
          await clients.redis.rPush(BATCH_SYNC_LOG.flushes, JSON.stringify(r));
        }
        flushes = await readFlushLog(clients.redis);
        lag = syncLag(await readAckSamples(clients.redis), flushes);
      }
      return t;
    });
    const lost = Math.max(0, acknowledged - stored.likes);
    derived.push({ name: 'likes acknowledged', value: acknowledged, unit: 'likes' });
    derived.push({ name: 'likes stored', value: stored.likes, unit: 'likes', note: pendingAtEnd === undefined ? 'sum of every counter after the run' : `MongoDB flushed ${stored.likes - pendingAtEnd} + Redis pending ${pendingAtEnd}, read before the final flush` });
    derived.push({ name: 'likes lost', value: lost, unit: 'likes', note: 'acknowledged but not stored; must be 0' });
    if (stored.likes > acknowledged) {
      notes.push(`${stored.likes - acknowledged} likes were stored without an acknowledgement (operations that errored or timed out after the store applied them)`);
    }
    checks.push({ expression: 'likes lost == 0', operation: 'like', metric: 'likes_lost', unit: 'likes', limit: 0, actual: lost, passed: lost === 0 });

    const store = storeOf(o);
    const base = storeBytes(footprint.baseline, store);
    const seeded = storeBytes(footprint.before, store);
    const bytesPerPost = base !== undefined && seeded !== undefined ? (seeded - base) / o.posts : null;
    const what = store === 'redis' ? 'Redis used_memory' : store === 'postgres' ? 'PostgreSQL table + index size' : store === 'mongodb' ? 'MongoDB (FerretDB) collection size' : `${store} table size`;
    derived.push({ name: 'bytes per post counter', value: bytesPerPost === null ? null : Math.round(bytesPerPost * 10) / 10, unit: 'bytes', note: `(${what} after seeding ${o.posts} posts − before) / posts` });

    const w = spikeWindow(outcome.schedule.stages);
    const spike = windowStats(window(outcome.series, w.fromS, w.toS));
    if (w.share > 0) {
      derived.push({ name: 'spike: achieved', value: spike.opsPerSec, unit: 'ops/s', note: `mean over the spike's measured seconds; target ${spike.targetOpsPerSec ?? '?'} ops/s` });
      derived.push({ name: 'spike: worst per-second p99', value: spike.worstP99Ms, unit: 'ms' });
    }
    const flagged = outcome.rate.flagged;
    const peakTarget = Math.max(...outcome.schedule.stages.map((s) => s.rate));

    // 000 · Likes System: "Handles viral spikes (10K+ likes/sec)"
    if (w.share === 0 || peakTarget < 10_000) {
      claims.push({ id: 'likes.viral-spike-10k', source: '000 · Likes System', claim: 'Handles viral spikes of 10K+ likes/s', measured: `peak target ${peakTarget} ops/s`, verdict: 'not-measurable', note: 'the spike was set below 10K likes/s' });
    } else {
      const held = !flagged && spike.opsPerSec >= 0.95 * peakTarget;
      claims.push({
        id: 'likes.viral-spike-10k',
        source: '000 · Likes System',
        claim: 'Handles viral spikes of 10K+ likes/s',
        measured: `${spike.opsPerSec} likes/s during a ${peakTarget}/s spike on ${o.path}, worst per-second p99 ${spike.worstP99Ms ?? '—'} ms${flagged ? ' (run flagged)' : ''}`,
        verdict: held ? 'holds' : 'refuted',
      });
    }
    // The same spike on the seed's own architecture (Redis → MongoDB async batch updates), flusher running.
    const spikeClaim = claims.find((c) => c.id === 'likes.viral-spike-10k');
    if (o.path === 'likes.batch-sync' && spikeClaim) claims.push({ ...spikeClaim, id: 'likes.batch-sync-spike-10k', claim: 'Handles viral spikes of 10K+ likes/s on Redis → MongoDB async batch updates', note: `flusher every ${o.flushMs} ms; likes lost across both stores: ${lost}` });
    // 000 · Likes System: "Throughput: 100K+/sec"
    claims.push(
      peakTarget >= 100_000
        ? {
            id: 'likes.throughput-100k',
            source: '000 · Likes System',
            claim: 'Likes at 100K+/s',
            measured: `${spike.opsPerSec} likes/s at a ${peakTarget}/s target on ${o.path}`,
            verdict: !flagged && spike.opsPerSec >= 100_000 ? 'holds' : 'refuted',
          }
        : {
            id: 'likes.throughput-100k',
            source: '000 · Likes System',
            claim: 'Likes at 100K+/s',
            measured: `peak target ${peakTarget} ops/s`,
            verdict: 'not-measurable',
            note: 'this run did not ask for 100K/s; bench/max-like-rate.ts searches for the highest sustained rate',
          },
    );
    // Seed 000's memory table (-o memoryTablePosts=1000000): it decides the memory claims itself.
    // Not after an interrupted run: verification then has a few seconds only, for what the run itself decides.
    const table = o.memoryTablePosts > 0 && ctx.connections.redis && !outcome.aborted ? await withRedis(ctx, (clients) => measureMemoryTable(clients, o.memoryTablePosts)) : undefined;
    if (o.memoryTablePosts > 0 && outcome.aborted) notes.push('the memory table was not measured: the run was interrupted');
    if (table) {
      claims.push(...table.claims);
      sections.push({ id: 'memory-table', title: `Seed 000's memory table at ${o.memoryTablePosts.toLocaleString('en-US')} posts`, intro: 'Each layout seeded through its storage path under a private key prefix, measured as the growth of Redis used_memory, then removed.', tables: [table.table], charts: [
        { id: 'memory', title: "MB at the seed's sizes (1M posts all in Redis; 100K hot): measured vs the seed's range", kind: 'bar', xLabel: 'layout', yLabel: 'MB', yLog: true, categories: table.rows.map((r) => r.layout.split(' (')[0]!), series: [
          { label: "measured (bytes per post × the seed's count)", points: table.rows.map((r, i) => [i, Math.round(((r.bytes / r.posts) * (i === 0 ? 1e6 : 1e5)) / 1e4) / 100]) },
          { label: 'seed, low end', points: table.rows.map((r, i) => [i, r.seed.low / 1e6]) },
          { label: 'seed, high end', points: table.rows.map((r, i) => [i, r.seed.high / 1e6]) },
        ] },
      ] });
      derived.push({ name: 'memory table: seed time for all posts', value: Math.round(table.rows[0]!.seedS * 100) / 100, unit: 's', note: `${o.memoryTablePosts} string counters through likes.redis-counter's seed()` });
    }
    if (!table && bytesPerPost !== null && o.path === 'likes.redis-counter') {
      // 000 · Memory Calculations: "All in Redis | 1,000,000 | ~500MB-1GB | 1KB per post"
      const perMillion = bytesPerPost * 1e6;
      claims.push({
        id: 'likes.redis-memory-1m',
        source: '000 · Redis Memory Optimization / Memory Calculations',
        claim: '1M posts all in Redis take ~500 MB-1 GB (1 KB per post)',
        measured: `${bytesPerPost.toFixed(1)} bytes per post counter → ${mb(perMillion)} per 1M posts`,
        verdict: perMillion >= 500e6 && perMillion <= 1e9 ? 'holds' : 'refuted',
        note: 'a bare counter key, as this path stores it; a post cached with its content would weigh more',
      });
    }
    if (!table && bytesPerPost !== null && o.path === 'likes.redis-hash') {
      // 000 · Memory Calculations: "With Hashes | 100,000 | ~20-30MB | 5x more efficient"
      const per100k = bytesPerPost * 1e5;
      claims.push({
        id: 'likes.redis-hash-memory-100k',
        source: '000 · Redis Memory Optimization / Memory Calculations',
        claim: '100K posts in Redis hashes take ~20-30 MB',
        measured: `${bytesPerPost.toFixed(1)} bytes per post → ${mb(per100k)} per 100K posts`,
        verdict: per100k >= 20e6 && per100k <= 30e6 ? 'holds' : 'refuted',
      });
    }
    if (storeOf(o) === 'redis') {
      // 000 · Memory-Saving Techniques: "post:123456789:likes -> p:123:l  # 60% shorter"
      let long = 0;
      let short = 0;
      for (let id = 0; id < o.posts; id++) {
        const n = String(id).length;
        long += 11 + n; // "post:" + id + ":likes"
        short += 4 + n; // "p:" + id + ":l"
      }
      const saved = 1 - short / long;
      claims.push({
        id: 'likes.short-keys-60pct',
        source: '000 · Memory-Saving Techniques',
        claim: 'Short keys (p:{id}:l instead of post:{id}:likes) are 60% shorter',
        measured: `${(saved * 100).toFixed(1)}% shorter on average over post ids 0..${o.posts - 1} (same id in both forms)`,
        verdict: saved >= 0.55 ? 'holds' : 'refuted',
        note: "the seed's example also shortens the id itself (123456789 → 123)",
      });
    }
    claims.push({
      id: 'likes.incr-10x-db',
      source: '000 · Likes System',
      claim: 'INCR is ~10x faster than DB writes',
      measured: `this run used one path (${o.path})`,
      verdict: 'not-measurable',
      note: 'needs both paths: `npm run bench:like-paths` measures each one\'s highest sustained rate (redis-counter against pg-direct and mongo-direct) and gives the verdict',
    });
    if (lag !== undefined) {
      const l = lag;
      derived.push({ name: 'sync lag p50', value: l.p50Ms, unit: 'ms', note: `${l.samples} sampled likes, acknowledgement in Redis until MongoDB shows it` });
      derived.push({ name: 'sync lag p99', value: l.p99Ms, unit: 'ms' });
      derived.push({ name: 'sync lag max', value: l.maxMs, unit: 'ms' });
      const t0 = Date.parse(outcome.startedAt);
      const series = backlogSeries(flushes, t0);
      const flushMsTotal = flushes.reduce((a, f) => a + Math.max(0, f.doneAt - f.takenAt), 0);
      const flushRate = flushMsTotal > 0 ? Math.round((flushes.reduce((a, f) => a + f.posts, 0) / flushMsTotal) * 1000) : null;
      const stageEdges: { x: number; label: string }[] = [];
      let t = 0;
      for (const st of outcome.schedule.stages) {
        stageEdges.push({ x: t, label: `${st.label ?? 'stage'} ${st.rate}/s` });
        t += st.durationS;
      }
      stageEdges.push({ x: t, label: 'end of run' });
      sections.push({
        id: 'likes-batch-sync',
        title: `likes.batch-sync: Redis → MongoDB${onFerret ? ' (FerretDB 1.24 stand-in)' : ''}`,
        intro: `Likes are acknowledged once in Redis; a flusher moves the pending deltas to posts.likes every ${o.flushMs} ms (or at ${o.flushBatch} pending posts) with idempotent bulkWrite $inc batches. Nothing lost: acknowledged = MongoDB flushed + Redis pending.`,
        tables: [
          {
            caption: 'Nothing lost, across both stores (read at the end of the run, before the final flush)',
            columns: ['acknowledged', 'MongoDB flushed', 'Redis pending', 'lost'],
            rows: [[acknowledged, stored.likes - (pendingAtEnd ?? 0), pendingAtEnd ?? 0, lost]],
          },
          {
            caption: 'Sync lag: acknowledgement in Redis until MongoDB shows the like, ms',
            columns: ['sampled likes', 'p50', 'p99', 'max', 'flushes', 'flush rate, posts/s'],
            rows: [[l.samples, l.p50Ms, l.p99Ms, l.maxMs, flushes.length, flushRate]],
            note: `one like in ${o.lagSampleEvery} per thread is sampled; the lag ends when the flush holding it is acknowledged. Flush rate: posts written to MongoDB per second of flushing; a backlog grows whenever dirty posts arrive faster.`,
          },
        ],
        charts: [
          {
            id: 'backlog',
            title: 'Backlog: pending posts and likes taken by each flush',
            kind: 'line',
            xLabel: 's since the run began',
            yLabel: 'posts / likes',
            series: [
              { label: 'dirty posts', points: series.posts },
              { label: 'pending likes', points: series.likes },
            ],
            markers: stageEdges,
          },
        ],
        notes: onFerret
          ? ["MongoDB here is FerretDB 1.24 on SQLite, a stand-in: it takes the flush one upsert at a time (its bulk updates hang, docs/errata.md M1) and scans for each _id, so the flush rate, backlog and lag are FerretDB's, not MongoDB's."]
          : ['The flush is unordered bulkWrites of 1000 upserts.'],
      });
    }
    notes.push(`viral post: ${viralPostOf(o)}; ${o.posts} posts, zipfian s=${o.zipfS}; spike share ${(w.share * 100).toFixed(0)}% of arrivals between ${w.fromS} s and ${w.toS} s`);
    if (o.crashAt !== undefined) {
      const mode = o.redisPersistence;
      const promise = mode ? persistenceLoss(mode) : 'mode not set by this run (see the faults section for what CONFIG GET read)';
      const inRedis = o.path === 'likes.batch-sync' ? `the Redis pending deltas not yet flushed to MongoDB (flush every ${o.flushMs} ms)` : 'every counter (Redis is the only copy)';
      sections.push({
        id: 'crash-window',
        title: `Crash window: Redis killed -9 at ${o.crashAt} s, back ${o.crashDownS} s later`,
        intro: `What a kill can take on ${o.path}: ${inRedis}. The loss is the scenario's own exact count (acknowledged likes minus what the stores hold after the restart).`,
        tables: [
          {
            caption: 'Likes lost to the crash, by Redis persistence mode',
            columns: ['persistence', 'what the mode promises', 'acknowledged', 'stored after restart', 'lost', 'lost, % of acknowledged'],
            rows: [[mode ?? 'unchanged', promise, acknowledged, stored.likes, lost, acknowledged > 0 ? Math.round((lost / acknowledged) * 10000) / 100 : null]],
            note: 'one run, one mode: run again with -o redisPersistence=none, rdb, aof-everysec or aof-always for the others (docs/faults.md gives all four, measured)',
          },
        ],
        charts: [],
      });
    }
    const runS = outcome.schedule.stages.reduce((a, st) => a + st.durationS, 0);
    sections.unshift(viralLikeSpikeSection({ path: o.path, acknowledged, stored: stored.likes, series: outcome.series, spike: w, runS }));
    return { derived, claims, notes, checks, sections };
  },
};
