/**
 * caches: a cache layer in front of PostgreSQL under a read-heavy zipfian mix (seeds 001/004
 * "Caching Strategy": post:{id} 1 h, user:{id} 30 min, feed:{user}:{page} 5 min; cache-aside,
 * write-through, event-based invalidation over pub/sub with an L1 in application memory).
 * Load phase: users, posts, follows in PostgreSQL, an empty cache. Run phase: reads and
 * updates, one cache instance per thread. Verify: hit ratio and database reads saved (from the
 * instances' counters), the staleness window (a write on one instance, reads on another until
 * the new version shows), and a cache hit vs a PostgreSQL read of the same hot item
 * (002 "Add caching (Redis) → 10-100x for hot data").
 */
import type { ClaimResult, DerivedFigure, ScenarioSection, ThresholdResult } from '../../core/results.js';
import { getStoragePath, openStoragePath } from '../../reference-impl/registry.js';
import type { PgRedisCache } from '../../reference-impl/caches/base.js';
import type { CacheLayer } from '../../reference-impl/caches/types.js';
import { openStoreClients, type StoreClients } from '../../targets/clients.js';
import type { Scenario, ScenarioContext } from '../types.js';
import { CachesOptions, cacheOptions, cachesOperations, statsKey } from './options.js';

type O = CachesOptions;

async function withClients<T>(o: O, ctx: ScenarioContext, f: (clients: StoreClients) => Promise<T>): Promise<T> {
  const clients = await openStoreClients(ctx.connections, getStoragePath(o.path, 'caches').stores, { pgPoolSize: 4 });
  try {
    return await f(clients);
  } finally {
    await clients.close();
  }
}

const open = (o: O, clients: StoreClients) => openStoragePath('caches', o.path, clients, cacheOptions(o));
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const r2 = (x: number) => Math.round(x * 100) / 100;

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

/** Mean µs of `n` sequential calls of f(i) and of g(i), interleaved (f, g, f, g, ...) so a busy machine weighs on both alike. */
async function meanMicrosPair(n: number, f: (i: number) => Promise<unknown>, g: (i: number) => Promise<unknown>): Promise<[number, number]> {
  let tf = 0n;
  let tg = 0n;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await f(i);
    const t1 = process.hrtime.bigint();
    await g(i);
    tf += t1 - t0;
    tg += process.hrtime.bigint() - t1;
  }
  return [Number(tf) / 1000 / n, Number(tg) / 1000 / n];
}

/** Let pending I/O callbacks run (a pub/sub message, for one) before the next read, as a server does between requests. */
const yieldToIo = () => new Promise<void>((r) => setImmediate(r));

export const caches: Scenario<O> = {
  id: 'caches',
  description: 'A Redis cache in front of PostgreSQL (post:, user:, feed:{user}:{page}) under zipfian reads and updates: hit ratio, database load saved, staleness window (seeds 001/004 Caching Strategy).',
  pathFamily: 'caches',
  smokeOptions: { users: 200, posts: 2000, followsPerUser: 5, probes: 5, latencySamples: 20, schema: 'cbsmoke_caches', redisPrefix: 'cbsmoke:cc:' },
  options: CachesOptions,
  operations: cachesOperations,
  defaultStages: (o) => [{ durationS: o.durationS, rate: o.rate, label: 'steady' }],
  defaultRate: (o) => o.rate,
  defaultWarmupS: (o) => Math.min(2, o.durationS / 5),
  defaultThresholds: () => ['get_post:p99<10ms', 'get_user:p99<10ms', 'feed:p99<20ms', 'update_post:p99<50ms', '*:error_rate<1%'],
  workloadModule: new URL('./workload.js', import.meta.url).href,

  async reset(o, ctx) {
    await withClients(o, ctx, async (clients) => {
      const c = await open(o, clients);
      await c.reset();
      await clients.redis?.del(statsKey(o));
      await c.close();
    });
  },

  async seed(o, ctx) {
    ctx.log(`seeding ${o.users} users, ${o.posts} posts, ${o.users * o.followsPerUser} follows in PostgreSQL schema ${o.schema}; the cache starts empty`);
    await withClients(o, ctx, async (clients) => {
      const c = await open(o, clients);
      await c.seed({ users: o.users, posts: o.posts, followsPerUser: Math.min(o.followsPerUser, o.users - 1) });
      await clients.redis?.del(statsKey(o));
      await c.close();
    });
  },

  async verify(o, ctx, { outcome }) {
    const derived: DerivedFigure[] = [];
    const claims: ClaimResult[] = [];
    const notes: string[] = [];
    const checks: ThresholdResult[] = [];
    const tables: ScenarioSection['tables'] = [];

    return withClients(o, ctx, async (clients) => {
      // 1. Hit ratio and database reads saved, from every thread's counters.
      const h = clients.redis ? await clients.redis.hGetAll(statsKey(o)) : {};
      const hits = Number(h.hits ?? 0);
      const l1Hits = Number(h.l1Hits ?? 0);
      const misses = Number(h.misses ?? 0);
      const dbWrites = Number(h.dbWrites ?? 0);
      const reads = hits + misses;
      const hitRatio = reads > 0 ? hits / reads : 0;
      derived.push({ name: 'cache hit ratio', value: r2(hitRatio * 100), unit: '%', note: `${hits} hits (${l1Hits} from L1) of ${reads} reads, warmup included` });
      derived.push({ name: 'database reads saved', value: r2(hitRatio * 100), unit: '%', note: `${misses} PostgreSQL reads instead of ${reads} without a cache` });
      tables.push({
        caption: `Hit ratio and database load on ${o.path} (every thread's counters, warmup included)`,
        columns: ['reads', 'hits', 'of which L1 (in process)', 'misses (PostgreSQL reads)', 'hit ratio', 'PostgreSQL reads saved', 'PostgreSQL writes'],
        rows: [[reads, hits, l1Hits, misses, pct(hitRatio), reads - misses, dbWrites]],
        note: `Zipfian reads (s = ${o.zipfS}) over ${o.posts} posts and ${o.users} users; TTLs post ${o.postTtlS} s, user ${o.userTtlS} s, feed ${o.feedTtlS} s. The cache started empty after the load phase.`,
      });

      // 2. Staleness window: write on A, read on B (another app server) until the new version shows.
      const a = await open(o, clients);
      const b = await open(o, clients);
      const windows: number[] = [];
      let staleReads = 0;
      try {
        for (let i = 0; i < o.probes; i++) {
          const id = i % o.posts;
          await b.getPost(id);
          await b.getPost(id);
          const v = await a.updatePost(id, `probe ${i}`);
          const t0 = performance.now();
          for (;;) {
            await yieldToIo();
            const got = await b.getPost(id);
            if (got === undefined || v === undefined || got.version >= v) break;
            staleReads++;
            if (performance.now() - t0 > 5000) break;
          }
          windows.push(performance.now() - t0);
        }
      } finally {
        await Promise.allSettled([a.close(), b.close()]);
      }
      const p50 = quantile(windows, 0.5);
      const max = Math.max(...windows);
      derived.push({ name: 'staleness window p50', value: r2(p50), unit: 'ms', note: 'write acknowledged on one instance → another instance reads the new version (includes that read)' });
      derived.push({ name: 'staleness window max', value: r2(max), unit: 'ms' });
      tables.push({
        caption: `Staleness window: ${o.probes} writes on one instance, each followed by reads on another instance (both had the post cached) until the new version shows`,
        columns: ['probes', 'stale reads served after the write was acknowledged', 'window p50 (ms)', 'window p99 (ms)', 'window max (ms)'],
        rows: [[o.probes, staleReads, r2(p50), r2(quantile(windows, 0.99)), r2(max)]],
        note: 'The window runs from the write\'s acknowledgement to the first read that returns the new version, that read included; the reader lets pending I/O run between reads (setImmediate), as a server does between requests. Without invalidation (time-based expiry alone) a cached post would stay stale for up to its TTL, ' + o.postTtlS + ' s.',
      });
      claims.push(
        o.path === 'caches.write-through'
          ? {
              id: 'caches.write-through-consistent',
              source: '001 · Caching Strategy / Cache Invalidation Strategy',
              claim: 'Write-through (update the database, then the cache) ensures consistency',
              measured: `${staleReads} stale reads on a second instance after ${o.probes} acknowledged writes; window p50 ${r2(p50)} ms, max ${r2(max)} ms`,
              verdict: staleReads === 0 ? 'holds' : 'refuted',
              note: 'one writer at a time: two writers racing can still SET their rows out of order (the later database write losing in the cache until the TTL); the probes do not race writers',
            }
          : {
              id: 'caches.write-through-consistent',
              source: '001 · Caching Strategy / Cache Invalidation Strategy',
              claim: 'Write-through (update the database, then the cache) ensures consistency',
              measured: `this run used ${o.path}: ${staleReads} stale reads after ${o.probes} writes`,
              verdict: 'not-measurable',
              note: 'run with -o path=caches.write-through',
            },
      );
      checks.push({ expression: 'staleness window max < 1000 ms', operation: 'update_post', metric: 'staleness_ms', unit: 'ms', limit: 1000, actual: r2(max), passed: max < 1000 });

      // 3. A cache hit vs a PostgreSQL read of the same hot item.
      const c = (await open(o, clients)) as CacheLayer & PgRedisCache;
      const n = o.latencySamples;
      const hot = Math.min(20, o.posts, o.users);
      for (let i = 0; i < hot; i++) {
        await c.getPost(i);
        await c.feed(i, 0);
      }
      const rows: [string, number, number][] = [
        ['post by id (post:{id} vs SELECT by primary key)', ...(await meanMicrosPair(n, (i) => c.getPost(i % hot), (i) => c.loadPost(i % hot)))],
        ['feed page (feed:{user}:0 vs the follows ⋈ posts query)', ...(await meanMicrosPair(n, (i) => c.feed(i % hot, 0), (i) => c.loadFeed(i % hot, 0)))],
      ];
      await c.close();
      tables.push({
        caption: `A cache hit vs a PostgreSQL read of the same hot item (${n} sequential reads each, interleaved, mean service time)`,
        columns: ['read', 'cache hit (µs)', 'PostgreSQL (µs)', 'PostgreSQL / cache'],
        rows: rows.map(([what, hit, db]) => [what, Math.round(hit), Math.round(db), r2(db / hit)]),
        note: o.path === 'caches.pubsub-l1' ? 'caches.pubsub-l1 answers hot items from its in-process L1, without a network round trip.' : 'Both over loopback on the same machine: the gap is the query\'s work, not the network.',
      });
      const ratios = rows.map(([, hit, db]) => db / hit);
      claims.push({
        id: 'caches.redis-10-100x',
        source: '002 · Database Best Practices / Scaling',
        claim: 'Adding caching (Redis) gives 10-100x for hot data',
        measured: rows.map(([what, hit, db]) => `${what.split(' (')[0]}: ${Math.round(hit)} µs from ${o.path} vs ${Math.round(db)} µs from PostgreSQL (${r2(db / hit)}x)`).join('; '),
        verdict: ratios.every((x) => x >= 10) ? 'holds' : 'refuted',
        note: 'mean service time of sequential reads of the same hot items; the verdict wants 10x or more on both reads',
      });
      const ops = outcome.operations.map((x) => x.name).join(', ');
      notes.push(`operations: ${ops}; one cache instance (and, for caches.pubsub-l1, one L1 and one subscriber) per worker thread`);
      const section: ScenarioSection = {
        id: 'caches',
        title: `Cache layer: ${o.path}`,
        intro: 'A Redis cache in front of PostgreSQL: how many reads it answers, how many database reads it saves, how long a reader can see an old value after a write, and how much faster a hit is than the query it replaces.',
        tables,
        charts: [
          {
            id: 'caches-hit-vs-db',
            title: 'Cache hit vs PostgreSQL read (mean µs)',
            kind: 'bar',
            xLabel: 'read',
            yLabel: 'µs',
            categories: ['post by id', 'feed page'],
            series: [
              { label: 'cache hit', points: rows.map((r, i) => [i, Math.round(r[1])] as [number, number]) },
              { label: 'PostgreSQL', points: rows.map((r, i) => [i, Math.round(r[2])] as [number, number]) },
            ],
          },
        ],
      };
      return { derived, claims, notes, checks, sections: [section] };
    });
  },
};
