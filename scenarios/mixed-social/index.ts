/**
 * mixed-social: the realistic day, every path at once (DESIGN.md "Scenarios": "mixed-social
 * (all at once)"): likes, follows, bookmarks, posts, comments, feed reads, stories, searches,
 * each at its seed rate (scenarios/mixed-social/options.ts DAY) times a scale, in steps of
 * rising scale, each operation with its own SLO. The report shows, per store, the first step
 * where an operation on it broke its SLO (and that operation's rate): which store saturates
 * first on this machine. Likes at the seed's 100K+/s are out of reach of one shared 2-core
 * machine: the scales say what was driven, and the report states it.
 * A path that is not registered is not driven, and the report lists its operation as "not
 * driven: path not built".
 */
import type { ClaimResult, DerivedFigure, OperationResult, ScenarioSection } from '../../core/results.js';
import type { Scenario } from '../types.js';
import { MixedSocialOptions, driven, mixedOperations, opRate, stepOpName, stepRate, storesOfPath, type DayOp } from './options.js';
import { WORDS, openMixedPaths } from './paths.js';

type O = MixedSocialOptions;
const fmt = (x: number) => (x >= 100 ? String(Math.round(x)) : String(Math.round(x * 100) / 100));

/** Whether `op` met its SLO in a step: p99 below the limit and no errors; null when too few samples for a p99. */
function sloMet(r: OperationResult | undefined, d: DayOp): boolean | null {
  if (!r) return null;
  const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
  if (errors > 0 && errors / Math.max(1, r.count) >= 0.01) return false;
  if (r.latencyMs.p99 === null) return null;
  return r.latencyMs.p99 < d.p99Ms;
}

export const mixedSocial: Scenario<O> = {
  id: 'mixed-social',
  description: 'Every path at once at the seeds\' rates times a scale, in rising steps, each operation with its own SLO: which store saturates first.',
  smokeOptions: { scales: '0.001', stepS: 1, users: 200, posts: 500, searchPosts: 50, mix: 'even', tag: 'cbsmoke_mix' },
  options: MixedSocialOptions,
  operations: mixedOperations,
  defaultStages: (o) => o.scales.map((s, k) => ({ durationS: o.stepS, rate: stepRate(o, k), label: `scale ${s}` })),
  defaultRate: (o) => stepRate(o, 0),
  defaultWarmupS: (o) => Math.min(2, o.stepS / 5),
  // The first step's SLOs, for the operations that step gives enough arrivals to judge (200 for a p99, 1 for an error rate).
  defaultThresholds: (o) =>
    driven().ops.flatMap((d) => {
      const n = opRate(o, d, 0) * o.stepS;
      return [...(n >= 200 ? [`${stepOpName(d.op, 0)}:p99<${d.p99Ms}ms`] : []), ...(n >= 1 ? [`${stepOpName(d.op, 0)}:error_rate<1%`] : [])];
    }),
  workloadModule: new URL('./workload.js', import.meta.url).href,

  async reset(o, ctx) {
    const m = await openMixedPaths(o, ctx.connections, 4);
    try {
      await m.likes?.reset();
      await m.follows?.reset({ users: true }).catch(() => m.follows?.reset());
      await m.bookmarks?.reset({ posts: true });
      await m.posts?.reset();
      await m.comments?.reset();
      await m.caches?.reset();
      await m.stories?.reset();
      await m.search?.reset();
    } finally {
      await m.close();
    }
  },

  async seed(o, ctx) {
    ctx.log(`seeding ${o.users} users, ${o.posts} posts (like counters, bookmarkable posts, cached feeds), ${o.users} stories, ${o.searchPosts} searchable posts`);
    const m = await openMixedPaths(o, ctx.connections, 4);
    try {
      await m.likes?.seed({ first: 0, count: o.posts, initial: 0 });
      await m.follows?.seedUsers({ first: 0, count: o.users });
      if (m.bookmarks) {
        for (let start = 0; start < o.posts; start += 5000) {
          const batch = Array.from({ length: Math.min(5000, o.posts - start) }, (_, i) => ({ postId: start + i, authorId: (start + i) % o.users, title: `post ${start + i}`, createdAt: 1_700_000_000_000 + (start + i) * 1000 }));
          await m.bookmarks.addPosts(batch);
        }
      }
      await m.caches?.seed({ users: o.users, posts: o.posts, followsPerUser: 10 });
      if (m.stories) {
        const now = Date.now();
        for (let u = 0; u < o.users; u += 200) {
          await Promise.all(Array.from({ length: Math.min(200, o.users - u) }, (_, i) => m.stories!.create({ storyId: u + i, userId: u + i, mediaUrl: `https://cdn.example/s/${u + i}.jpg`, mediaType: 'image', createdAt: now })));
        }
      }
      if (m.search) {
        const docs = Array.from({ length: o.searchPosts }, (_, i) => ({
          id: i,
          author: `u_${i % o.users}`,
          title: `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]}`,
          content: Array.from({ length: 12 }, (_, j) => WORDS[(i * 31 + j * 17) % WORDS.length]).join(' '),
          hashtags: [WORDS[(i * 3) % WORDS.length]!],
          likes: i % 1000,
          created_at: 1_700_000_000 + i,
        }));
        await m.search.indexPosts(docs);
        await m.search.refresh();
      }
    } finally {
      await m.close();
    }
  },

  async verify(o, _ctx, { outcome }) {
    const { ops, missing } = driven();
    const derived: DerivedFigure[] = [];
    const claims: ClaimResult[] = [];
    const notes: string[] = [];
    const byName = new Map(outcome.operations.map((r) => [r.name, r]));
    // Per operation, per step: p99 and SLO verdict.
    const firstBroken = new Map<string, number>();
    const rows = ops.map((d) => {
      const cells: (string | number | null)[] = [d.op, d.path, d.rateSource, `p99 < ${d.p99Ms} ms`];
      o.scales.forEach((s, k) => {
        const r = byName.get(stepOpName(d.op, k));
        const met = sloMet(r, d);
        if (met === false && !firstBroken.has(d.op)) firstBroken.set(d.op, k);
        const errors = r ? Object.values(r.errors).reduce((a, b) => a + b, 0) : 0;
        const p99 = r?.latencyMs.p99 ?? null;
        const what = p99 === null ? `— (${r?.count ?? 0} ops, too few for a p99)` : `p99 ${fmt(p99)} ms`;
        cells.push(`${fmt(opRate(o, d, k))}/s: ${what}${errors > 0 ? `, ${errors} errors` : ''}${met === false ? ' ✗' : met ? ' ✓' : ''}`);
      });
      return cells;
    });
    for (const d of missing) rows.push([d.op, d.path, d.rateSource, `p99 < ${d.p99Ms} ms`, ...o.scales.map(() => 'not driven: path not built')]);
    // Per store: the first step where an operation on it broke its SLO.
    const stores = [...new Set(ops.flatMap((d) => storesOfPath(d.path)))];
    const storeRows = stores.map((store) => {
      const on = ops.filter((d) => storesOfPath(d.path).includes(store));
      let first: { k: number; d: DayOp } | undefined;
      for (const d of on) {
        const k = firstBroken.get(d.op);
        if (k !== undefined && (first === undefined || k < first.k)) first = { k, d };
      }
      const r = first ? byName.get(stepOpName(first.d.op, first.k)) : undefined;
      return {
        store,
        first,
        row: [store === 'mongodb' ? 'mongodb (FerretDB 1.x stand-in)' : store, on.map((d) => d.op).join(', '), first ? (r?.latencyMs.p99 != null && r.latencyMs.p99 >= first.d.p99Ms ? `${first.d.op}: p99 ${fmt(r.latencyMs.p99)} ms ≥ ${first.d.p99Ms} ms` : `${first.d.op}: ${r ? Object.values(r.errors).reduce((a, b) => a + b, 0) : 0} errors of ${r?.count ?? 0}`) : 'none broken', first ? o.scales[first.k]! : null, first ? fmt(opRate(o, first.d, first.k)) : null, first ? fmt(stepRate(o, first.k)) : null],
      };
    });
    const order = [...storeRows].sort((a, b) => (a.first?.k ?? Infinity) - (b.first?.k ?? Infinity));
    const firstStore = order[0]?.first ? order[0] : undefined;
    if (firstStore) derived.push({ name: 'first store to break an SLO', value: o.scales[firstStore.first!.k]!, unit: 'scale', note: `${firstStore.store} (${firstStore.first!.d.op}) at ${fmt(stepRate(o, firstStore.first!.k))} ops/s in all` });
    for (const s of o.scales.keys()) derived.push({ name: `step ${s + 1} total arrival rate`, value: Math.round(stepRate(o, s)), unit: 'ops/s', note: `scale ${o.scales[s]}` });
    const harnessCaveat = outcome.rate.flagged
      ? `This run was flagged (${outcome.rate.reasons.join('; ')}): once the client falls behind its schedule every operation's latency grows together, so the first broken SLO may be the load generator's or the machine's, not that store's.`
      : undefined;
    if (harnessCaveat) notes.push(harnessCaveat);
    if (o.mix === 'even') notes.push('mix "even": every operation had the same share of arrivals (not the seeds\' proportions)');
    notes.push(`scales ${o.scales.join(', ')} of the seeds' rates (likes ${fmt(100_000 * o.scales[0]!)}-${fmt(100_000 * o.scales[o.scales.length - 1]!)}/s of the seed's 100K+/s): one shared 2-core machine runs every store and the load generator`);
    if (missing.length > 0) notes.push(`not driven (path not built): ${missing.map((d) => `${d.op} (${d.path})`).join(', ')}`);
    notes.push('MongoDB is FerretDB 1.x, a wire-protocol stand-in on PostgreSQL: its saturation point is FerretDB\'s, not MongoDB\'s');
    const maxScale = o.scales[o.scales.length - 1]!;
    claims.push({
      id: 'likes.throughput-100k',
      source: '000 · Likes System',
      claim: 'Likes at 100K+/s',
      measured: `mixed-social drove likes at ${fmt(100_000 * maxScale)}/s at most, beside every other path`,
      verdict: 'not-measurable',
      note: 'mixed-social scales every rate together; viral-like-spike and bench/max-like-rate.ts measure likes alone',
    });
    const section: ScenarioSection = {
      id: 'mixed-social',
      title: `Mixed social day: every path at once (${o.mix === 'even' ? 'even mix' : "the seeds' rates"})`,
      intro: `Every operation at its seed rate times the step's scale (${o.scales.join(', ')}), ${o.stepS} s a step, each with its own SLO. Which store breaks an SLO first, and at what rate?`,
      tables: [
        {
          caption: 'Which store saturates first: the first step where an operation on the store broke its SLO',
          columns: ['store', 'operations on it', 'first broken SLO', 'at scale', "that operation's rate (ops/s)", 'all operations (ops/s)'],
          rows: order.map((x) => x.row),
          note: `A broken SLO: p99 from the intended start at or above the limit, or 1% or more errors. Operations with too few samples in a step for a p99 are not judged in it.${harnessCaveat ? ` ${harnessCaveat}` : ''}`,
        },
        {
          caption: 'Every operation, step by step: target rate and p99 (✓ within its SLO, ✗ broken)',
          columns: ['operation', 'path', 'rate at scale 1 from', 'SLO', ...o.scales.map((s, k) => `step ${k + 1} (scale ${s}, ${fmt(stepRate(o, k))} ops/s)`)],
          rows,
        },
      ],
      charts: [
        {
          id: 'mixed-social-p99-vs-slo',
          title: 'p99 / SLO by step (above 1 = SLO broken)',
          kind: 'line',
          xLabel: 'all operations (ops/s)',
          yLabel: 'p99 / SLO limit',
          yLog: true,
          series: ops.map((d) => ({
            label: d.op,
            points: o.scales.map((_, k) => {
              const p = byName.get(stepOpName(d.op, k))?.latencyMs.p99 ?? null;
              return [Math.round(stepRate(o, k)), p === null ? null : Math.round((p / d.p99Ms) * 1000) / 1000] as [number, number | null];
            }),
          })),
        },
      ],
    };
    return { derived, claims, notes, checks: [], sections: [section] };
  },
};
