/**
 * stories: create, view and expire stories (seed 001 "3. Stories Database (Cassandra + Redis)":
 * stories with default_time_to_live = 86400, active_stories:/story:/story_views: in Redis with
 * 24 h TTLs), and views counted in a set and in a HyperLogLog side by side (seed 003 "HyperLogLog:
 * ~0.81% error rate. 12 KB per counter regardless of cardinality").
 * Load phase: users x storiesPerUser stories. Run phase: create / view / active / view counts.
 * Verify: the rows carry the TTL; an expiry probe with a short TTL (expiryProbeS) shows every
 * store dropped its stories without a delete; the set-vs-HyperLogLog experiment at hllViewers
 * distinct viewers (MEMORY USAGE, error); the run's most viewed stories, exact vs approximate.
 */
import type { ClaimResult, DerivedFigure, ScenarioSection, ThresholdResult } from '../../core/results.js';
import type { StoryStore } from '../../reference-impl/stories/types.js';
import { getStoragePath, openStoragePath } from '../../reference-impl/registry.js';
import { openStoreClients, type StoreClients } from '../../targets/clients.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Scenario, ScenarioContext } from '../types.js';
import { zipfian } from '../common/zipf.js';
import { HLL_DENSE_BYTES, HLL_STD_ERROR, setVsHll, type HllRow } from './hll.js';
import { StoriesOptions, seededStoryId, storiesOperations, storyStoreOptions } from './options.js';

type O = StoriesOptions;

/** Run `f` with the path opened on its own clients; always closes them. */
async function withStories<T>(o: O, ctx: ScenarioContext, f: (s: StoryStore, clients: StoreClients) => Promise<T>, opts = storyStoreOptions(o)): Promise<T> {
  const clients = await openStoreClients(ctx.connections, getStoragePath(o.path, 'stories').stores);
  try {
    return await f(await openStoragePath('stories', o.path, clients, opts), clients);
  } finally {
    await clients.close();
  }
}

/** Run `tasks` with at most `n` in flight. */
async function pool(count: number, n: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, count) }, async () => {
    while (next < count) await task(next++);
  }));
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const kb = (b: number) => (b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`);

export const stories: Scenario<O> = {
  id: 'stories',
  description: 'Create, view and expire stories: Cassandra rows with a 24 h TTL, Redis keys with the same TTL, views in a set and a HyperLogLog (seeds 001, 003).',
  pathFamily: 'stories',
  smokeOptions: { users: 100, storiesPerUser: 1, hllViewers: '1000', expiryProbeS: 2, keyspace: 'cbsmoke_stories', redisPrefix: 'cbsmoke:st:' },
  options: StoriesOptions,
  operations: storiesOperations,
  defaultStages: (o) => [{ durationS: o.durationS, rate: o.rate, label: 'steady' }],
  defaultRate: (o) => o.rate,
  defaultWarmupS: (o) => Math.min(2, o.durationS / 5),
  defaultThresholds: () => ['view_story:p99<10ms', 'active_stories:p99<20ms', 'create_story:p99<50ms', '*:error_rate<1%'],
  workloadModule: new URL('./workload.js', import.meta.url).href,

  async reset(o, ctx) {
    await withStories(o, ctx, async (s) => {
      await s.setup();
      await s.reset();
    });
  },

  async seed(o, ctx) {
    const n = o.users * o.storiesPerUser;
    ctx.log(`seeding ${n} stories (${o.users} users x ${o.storiesPerUser}) on ${o.path}, TTL ${o.ttlS} s`);
    const now = Date.now();
    await withStories(o, ctx, (s) =>
      pool(n, 64, async (i) => {
        const u = Math.floor(i / o.storiesPerUser);
        const j = i % o.storiesPerUser;
        const id = seededStoryId(o, u, j);
        await s.create({ storyId: id, userId: u, mediaUrl: `https://cdn.example/s/${id}.jpg`, mediaType: j % 3 === 0 ? 'video' : 'image', createdAt: now - (o.storiesPerUser - j) * 1000 });
      }),
    );
  },

  async verify(o, ctx, { outcome }) {
    const derived: DerivedFigure[] = [];
    const claims: ClaimResult[] = [];
    const notes: string[] = [];
    const checks: ThresholdResult[] = [];
    const tables: ScenarioSection['tables'] = [];

    // 1. The seeded rows and keys carry the story TTL; the seeded stories are still active.
    const ttl = await withStories(o, ctx, async (s, clients) => {
      const ks = o.keyspace;
      const row = clients.cassandra ? (await clients.cassandra.execute(`SELECT TTL(media_url) AS t FROM ${ks}.stories WHERE user_id = 0 LIMIT 1`)).first() : null;
      const tableTtl = clients.cassandra
        ? Number((await clients.cassandra.execute('SELECT default_time_to_live FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?', [ks, 'stories'], { prepare: true })).first()?.get('default_time_to_live'))
        : NaN;
      const keyTtl = clients.redis ? await clients.redis.ttl(`${o.redisPrefix}story:${seededStoryId(o, 0, 0)}`) : NaN;
      let missing = 0;
      const sample = Math.min(o.users, 50);
      for (let k = 0; k < sample; k++) {
        const u = Math.floor((k * o.users) / sample);
        const ids = new Set((await s.active(u)).map((x) => x.storyId));
        for (let j = 0; j < o.storiesPerUser; j++) if (!ids.has(seededStoryId(o, u, j))) missing++;
      }
      return { rowTtl: row ? Number(row.get('t')) : NaN, tableTtl, keyTtl, missing, sample };
    });
    derived.push({ name: 'stories table default_time_to_live', value: ttl.tableTtl, unit: 's' });
    derived.push({ name: 'seeded story: row TTL left after the run', value: ttl.rowTtl, unit: 's', note: 'TTL(media_url) of user 0\'s newest story' });
    const runOver = ttl.keyTtl > 0 && ttl.rowTtl > 0;
    checks.push({ expression: 'seeded stories missing from active() == 0', operation: 'active_stories', metric: 'stories_missing', unit: 'stories', limit: 0, actual: ttl.missing, passed: ttl.missing === 0 || !runOver });
    if (!runOver) notes.push(`the run outlasted the ${o.ttlS} s story TTL: the seeded stories expired, as they should`);

    // 2. Expiry probe: stories with a short TTL vanish from Cassandra and Redis without a delete.
    const probeUser = 2_000_000_000;
    const probeOpts = { ...storyStoreOptions(o), ttlSeconds: o.expiryProbeS };
    const probe = await withStories(
      o,
      ctx,
      async (s, clients) => {
        const ids = [1, 2, 3].map((k) => 3_000_000_000 + k);
        await Promise.all(ids.map((id) => s.create({ storyId: id, userId: probeUser, mediaUrl: `https://cdn.example/probe/${id}.jpg`, mediaType: 'image', createdAt: Date.now() })));
        // Read back at once: on a busy machine a 1-2 s TTL leaves little time, so the read is the next thing done.
        const visibleBefore = (await s.active(probeUser)).length;
        await Promise.all(ids.map((id) => s.view(id, 1)));
        await sleep(o.expiryProbeS * 1000 + 1000);
        const rows = clients.cassandra ? (await clients.cassandra.execute(`SELECT story_id FROM ${o.keyspace}.stories WHERE user_id = ?`, [probeUser], { prepare: true })).rowLength : 0;
        let keys = 0;
        if (clients.redis) for (const id of ids) keys += await clients.redis.exists([`${o.redisPrefix}story:${id}`, `${o.redisPrefix}story_views:${id}`, `${o.redisPrefix}story_views_hll:${id}`]);
        const visibleAfter = (await s.active(probeUser)).length + (await Promise.all(ids.map((id) => s.get(id)))).filter(Boolean).length;
        return { created: ids.length, visibleBefore, rows, keys, visibleAfter };
      },
      probeOpts,
    );
    const left = probe.rows + probe.keys + probe.visibleAfter;
    checks.push({ expression: 'expired stories still visible == 0', operation: 'create_story', metric: 'expired_left', unit: 'rows+keys', limit: 0, actual: left, passed: left === 0 && probe.visibleBefore === probe.created });
    tables.push({
      caption: `Expiry: ${probe.created} stories created with a ${o.expiryProbeS} s TTL, read back ${o.expiryProbeS + 1} s later (no delete was issued)`,
      columns: ['visible right after create', 'Cassandra rows left', 'Redis keys left (story:, story_views:, story_views_hll:)', 'visible through the path after expiry'],
      rows: [[probe.visibleBefore, probe.rows, probe.keys, probe.visibleAfter]],
      note: `The run's own stories use TTL ${o.ttlS} s: the stories table's default_time_to_live is ${ttl.tableTtl} s, a seeded row had ${ttl.rowTtl} s left after the run, its story: key ${ttl.keyTtl} s.`,
    });
    claims.push({
      id: 'stories.ttl-24h',
      source: '001 · Stories Database (Cassandra + Redis) / Stories Table',
      claim: 'Stories are deleted automatically after 24 h (default_time_to_live = 86400)',
      measured: `table default_time_to_live ${ttl.tableTtl} s; a seeded row had ${ttl.rowTtl} s left; ${probe.created} stories with a ${o.expiryProbeS} s TTL: ${probe.rows} rows and ${probe.keys} Redis keys left ${o.expiryProbeS + 1} s later`,
      verdict: ttl.tableTtl === 86_400 && left === 0 && probe.visibleBefore === probe.created ? 'holds' : 'refuted',
      note: 'expiry is observed with a short TTL (USING TTL on the same table, EX on the same keys) rather than by waiting a day',
    });

    // 3. Set vs HyperLogLog at hllViewers distinct viewers.
    let hll: HllRow[] = [];
    if (o.hllViewers.length > 0) {
      ctx.log(`set vs HyperLogLog at ${o.hllViewers.join(', ')} viewers`);
      const clients = await openStoreClients(ctx.connections, ['redis']);
      try {
        hll = await setVsHll(clients.redis!, o.redisPrefix, o.hllViewers);
      } finally {
        await clients.close();
      }
      tables.push({
        caption: 'Story views of one story: a set (story_views:) vs a HyperLogLog, by distinct viewers',
        columns: ['distinct viewers', 'set (MEMORY USAGE)', 'HyperLogLog (MEMORY USAGE)', 'HyperLogLog encoding (STRLEN, bytes)', 'set / HLL', 'SCARD', 'PFCOUNT', 'HLL error', 'load both (ms)'],
        rows: hll.map((r) => [r.viewers, kb(r.setBytes), kb(r.hllBytes), r.hllStrlen, Math.round((r.setBytes / r.hllBytes) * 10) / 10, r.setCount, r.hllCount, pct(r.hllError), r.loadMs]),
        note: 'MEMORY USAGE ... SAMPLES 0 (every element counted). Viewer ids are distinct 32-bit integers; the HyperLogLog is sparse (smaller) at low counts and dense (12,304 bytes) above ~3,000 distinct values (hll-sparse-max-bytes).',
      });
      for (const r of hll) {
        derived.push({ name: `HyperLogLog at ${r.viewers} viewers`, value: r.hllBytes, unit: 'bytes', note: `error ${pct(r.hllError)}; the set takes ${r.setBytes} bytes` });
      }
      const maxEncoding = Math.max(...hll.map((r) => r.hllStrlen));
      const maxBytes = Math.max(...hll.map((r) => r.hllBytes));
      const worst = Math.max(...hll.map((r) => Math.abs(r.hllError)));
      const held = maxEncoding <= HLL_DENSE_BYTES && maxBytes <= 12 * 1024 * 1.25 && worst <= 3 * HLL_STD_ERROR;
      claims.push({
        id: 'redis.hll-12kb',
        source: '003 · Redis Deep Dive / Data Structures',
        claim: 'HyperLogLog: ~0.81% error, 12 KB per counter regardless of cardinality',
        measured: hll.map((r) => `${r.viewers} viewers: HLL encoding ${r.hllStrlen} B, MEMORY USAGE ${r.hllBytes} B (set ${r.setBytes} B), error ${pct(r.hllError)}`).join('; '),
        verdict: held ? 'holds' : 'refuted',
        note: '0.81% is the standard error (1.04/√16384): the verdict allows 3 standard errors on each count, an encoding of at most 12,304 bytes (16384 6-bit registers + header) and MEMORY USAGE within 12 KB + 25% (key, object header and the allocator size class add ~2 KB). Below ~3,000 distinct values Redis keeps the sparse encoding, smaller than 12 KB.',
      });
    } else {
      claims.push({ id: 'redis.hll-12kb', source: '003 · Redis Deep Dive / Data Structures', claim: 'HyperLogLog: ~0.81% error, 12 KB per counter regardless of cardinality', measured: 'hllViewers was empty', verdict: 'not-measurable', note: 'give -o hllViewers=1000,100000,1000000' });
    }

    // 4. The run's most viewed stories: exact vs HyperLogLog.
    const top = await withStories(o, ctx, async (s) => {
      const seen = new Map<number, number>();
      const z = zipfian(o.users * o.storiesPerUser, o.zipfS, 12345);
      for (let i = 0; i < 2000; i++) {
        const id = z.next();
        seen.set(id, (seen.get(id) ?? 0) + 1);
      }
      const ids = [...seen.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([id]) => id);
      return Promise.all(ids.map(async (id) => ({ id, ...(await s.viewCounts(id)) })));
    });
    const views = outcome.operations.find((x) => x.name === 'view_story');
    tables.push({
      caption: "The run's most viewed stories (zipfian): distinct viewers, exact vs HyperLogLog",
      columns: ['story', 'SCARD (exact)', 'PFCOUNT', 'error'],
      rows: top.map((t) => [t.id, t.exact, t.approx, t.exact > 0 ? pct((t.approx - t.exact) / t.exact) : null]),
      note: views ? `${views.okCount} views by a new viewer and ${views.notFoundCount ?? 0} repeat views in the measured run.` : undefined,
    });

    const section: ScenarioSection = {
      id: 'stories',
      title: `Stories on ${o.path}`,
      intro: 'Stories live 24 h in Cassandra (default_time_to_live) and in Redis (EX); views are counted in a set and in a HyperLogLog side by side. Expiry is shown with a short TTL.',
      tables,
      charts:
        hll.length > 0
          ? [
              {
                id: 'stories-views-memory',
                title: 'Memory of one story\'s views: set vs HyperLogLog',
                kind: 'line',
                xLabel: 'distinct viewers',
                yLabel: 'bytes (MEMORY USAGE)',
                xLog: true,
                yLog: true,
                series: [
                  { label: 'set (story_views:)', points: hll.map((r) => [r.viewers, r.setBytes] as [number, number]) },
                  { label: 'HyperLogLog', points: hll.map((r) => [r.viewers, r.hllBytes] as [number, number]) },
                  { label: "seed 003's 12 KB", points: hll.map((r) => [r.viewers, 12 * 1024] as [number, number]) },
                ],
              },
            ]
          : [],
    };
    return { derived, claims, notes, checks, sections: [section] };
  },
};
