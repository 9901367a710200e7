/**
 * shard-sim: how the seeds' sharding schemes spread the scenarios' keys (seeds 001/004
 * "Database Sharding Strategy": post_id % 2000 "Even distribution of posts ... No hot shards",
 * user_id % 200 "Celebrity users may create hot shards"; 002 "Sharding Strategies" and "The
 * Pain Points of Sharding": hash-based resharding moves most keys, consistent hashing ~1/N;
 * 003 "Consistent Hashing ... Virtual nodes improve distribution").
 *
 * No store: the three routers (reference-impl/shards, family "shards") run in process. The run
 * phase routes the zipfian likes stream through each router (what routing costs, µs); verify()
 * computes the figures over the whole streams: likes and posts per shard (max/mean) under each
 * router, keys moved when one shard is added at N = 10 .. postShards, and the fan-out graph's
 * celebrity under user_id % userShards. Why a scenario over a shards family: the figures are
 * analysis, but the routers are code an application runs, with one contract and a conformance
 * suite, and the registry then derives "no store to probe" from their paths like any other.
 */
import type { ClaimResult, DerivedFigure, ScenarioSection } from '../../core/results.js';
import { openStoragePath } from '../../reference-impl/registry.js';
import type { ShardRouter } from '../../reference-impl/shards/types.js';
import type { Scenario } from '../types.js';
import { FanOutGraph } from '../fan-out/graph.js';
import { graphPerShard, likesPerShard, movedOnAdd } from './analysis.js';
import { ROUTERS, ShardSimOptions, shardSimOperations } from './options.js';

type O = ShardSimOptions;
const NONE = { close: async () => undefined };
const r2 = (x: number) => Math.round(x * 100) / 100;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

async function routers(o: O, shards: number): Promise<ShardRouter[]> {
  const out: ShardRouter[] = [];
  for (const id of ROUTERS) out.push(await openStoragePath('shards', id, NONE, { shards, keySpace: o.posts, vnodes: o.vnodes }));
  return out;
}

/** Sorted per-shard counts thinned for a chart: every rank up to 50, then every step-th, and the last. */
function thin(sorted: readonly number[]): [number, number][] {
  const step = Math.max(1, Math.floor(sorted.length / 200));
  const out: [number, number][] = [];
  sorted.forEach((v, i) => {
    if (i < 50 || i % step === 0 || i === sorted.length - 1) out.push([i + 1, v]);
  });
  return out;
}

export const shardSim: Scenario<O> = {
  id: 'shard-sim',
  description: 'No store: post_id % 2000, user_id % 200, range and consistent hashing over the likes and fan-out key streams; balance, keys moved on resharding, the celebrity hot shard (seeds 001-004).',
  smokeOptions: { posts: 20_000, likes: 20_000, postShards: 200, userShards: 20, users: 5000, celebrityFollowers: 2000, authors: 200, moveSample: 5000 },
  options: ShardSimOptions,
  operations: shardSimOperations,
  defaultStages: (o) => [{ durationS: o.durationS, rate: o.rate, label: 'steady' }],
  defaultRate: (o) => o.rate,
  defaultWarmupS: (o) => Math.min(1, o.durationS / 5),
  defaultThresholds: () => ['*:p99<5ms', '*:error_rate<0.1%'],
  workloadModule: new URL('./workload.js', import.meta.url).href,
  async reset() {},
  async seed() {},

  async verify(o, ctx) {
    const derived: DerivedFigure[] = [];
    const claims: ClaimResult[] = [];
    const notes: string[] = [];
    const tables: ScenarioSection['tables'] = [];
    const charts: ScenarioSection['charts'] = [];

    // 1. Likes and posts per shard under each router.
    ctx.log(`routing ${o.likes} zipfian likes and ${o.posts} posts through ${ROUTERS.join(', ')} (${o.postShards} shards)`);
    const postRouters = await routers(o, o.postShards);
    const likes = likesPerShard(postRouters, o);
    tables.push({
      caption: `Posts and likes over ${o.postShards.toLocaleString('en-US')} post shards: ${o.posts.toLocaleString('en-US')} posts, ${o.likes.toLocaleString('en-US')} likes zipfian (s = ${o.zipfS}) by post id`,
      columns: ['router', 'posts: max / mean', 'likes: max / mean', 'likes on the busiest shard', 'busiest shard'],
      rows: postRouters.map((r, i) => [r.path, r2(likes.data[i]!.maxOverMean), r2(likes.load[i]!.maxOverMean), pct(likes.load[i]!.hottestShare), likes.load[i]!.hottest]),
      note: `The most liked post alone takes ${pct(likes.hottestPostShare)} of the likes, so its shard is hot under any key-based router. Zipfian ranks are post ids (the hottest posts are the lowest ids, like "the latest posts are hot" with ids reversed): range sharding puts them all on one shard.`,
    });
    charts.push({
      id: 'shard-sim-likes-per-shard',
      title: 'Likes per post shard, busiest first',
      kind: 'line',
      xLabel: 'shard rank (1 = busiest)',
      yLabel: 'likes',
      xLog: true,
      yLog: true,
      series: postRouters.map((r, i) => ({ label: r.path, points: thin(likes.load[i]!.sorted) })),
    });
    const mod = postRouters.findIndex((r) => r.path === 'shards.hash-mod');
    derived.push({ name: `post_id % ${o.postShards}: posts max/mean`, value: r2(likes.data[mod]!.maxOverMean), unit: 'ratio' });
    derived.push({ name: `post_id % ${o.postShards}: likes max/mean`, value: r2(likes.load[mod]!.maxOverMean), unit: 'ratio' });
    const evenData = likes.data[mod]!.maxOverMean <= 1.05;
    const evenLoad = likes.load[mod]!.maxOverMean <= 2;
    claims.push({
      id: 'shard.post-mod-even',
      source: '001 · Database Sharding Strategy / Post Database Sharding',
      claim: 'post_id % 2000: even distribution of posts, no hot shards',
      measured: `posts max/mean ${r2(likes.data[mod]!.maxOverMean)}; zipfian likes max/mean ${r2(likes.load[mod]!.maxOverMean)} (busiest shard ${pct(likes.load[mod]!.hottestShare)} of likes) over ${o.postShards} shards`,
      verdict: evenData && evenLoad ? 'holds' : 'refuted',
      note: 'the data (posts) is even; the load is not: a viral post keeps its whole like stream on one shard, whatever the modulus',
    });

    // 2. Keys moved when adding one shard.
    const ns = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000].filter((n) => n <= o.postShards);
    if (!ns.includes(o.postShards)) ns.push(o.postShards);
    ctx.log(`keys moved when adding one shard at N = ${ns.join(', ')} (${o.moveSample} keys)`);
    const moved: { n: number; byRouter: number[] }[] = [];
    for (const n of ns) {
      const rs = await routers(o, n);
      moved.push({ n, byRouter: rs.map((r) => movedOnAdd(r, o.posts, o.moveSample)) });
    }
    tables.push({
      caption: `Keys moved when one shard is added (N → N + 1), ${o.moveSample} post ids sampled evenly`,
      columns: ['N', ...ROUTERS.map((p) => `${p}`), '1 / (N + 1)'],
      rows: moved.map((m) => [m.n, ...m.byRouter.map(pct), pct(1 / (m.n + 1))]),
      note: `Consistent hashing with ${o.vnodes} virtual nodes per shard; range re-cuts ${o.posts} ids into N + 1 equal ranges.`,
    });
    charts.push({
      id: 'shard-sim-moved',
      title: 'Share of keys moved when one shard is added',
      kind: 'line',
      xLabel: 'shards before (N)',
      yLabel: 'share of keys moved',
      xLog: true,
      yLog: true,
      series: [...ROUTERS.map((p, j) => ({ label: p, points: moved.map((m) => [m.n, m.byRouter[j]!] as [number, number]) })), { label: '1 / (N + 1)', points: moved.map((m) => [m.n, 1 / (m.n + 1)] as [number, number]) }],
    });
    const at = moved.find((m) => m.n === o.postShards)!;
    const ringJ = ROUTERS.indexOf('shards.consistent-hash');
    const modJ = ROUTERS.indexOf('shards.hash-mod');
    const ideal = 1 / (o.postShards + 1);
    claims.push({
      id: 'shard.consistent-hash-1-over-n',
      source: '002 · Sharding / Sharding Strategies',
      claim: 'Consistent hashing: adding a shard moves only ~1/N of the data',
      measured: `${pct(at.byRouter[ringJ]!)} of keys moved going from ${o.postShards} to ${o.postShards + 1} shards (1/(N+1) = ${pct(ideal)}); at N = 10: ${pct(moved[0]!.byRouter[ringJ]!)}`,
      verdict: moved.every((m) => m.byRouter[ringJ]! <= 2 / (m.n + 1) && m.byRouter[ringJ]! >= 0.5 / (m.n + 1)) ? 'holds' : 'refuted',
      note: `the verdict wants every N within 0.5-2x of 1/(N+1) (${o.vnodes} virtual nodes; fewer spread the new shard's share more)`,
    });
    claims.push({
      id: 'shard.hash-mod-most-move',
      source: '002 · Sharding / The Pain Points of Sharding',
      claim: 'Resharding under hash % N moves most keys',
      measured: `${pct(at.byRouter[modJ]!)} of keys moved from post_id % ${o.postShards} to % ${o.postShards + 1}`,
      verdict: moved.every((m) => m.byRouter[modJ]! > 0.5) ? 'holds' : 'refuted',
    });

    // 3. The fan-out graph's celebrity under user_id % userShards.
    const g = new FanOutGraph({ users: o.users, authors: o.authors, celebrityFollowers: o.celebrityFollowers, minFollowers: 5, maxFollowers: Math.min(50_000, o.users - 1), alpha: 2.276, seed: o.seed });
    const userRouters: ShardRouter[] = [
      await openStoragePath('shards', 'shards.hash-mod', NONE, { shards: o.userShards }),
      await openStoragePath('shards', 'shards.consistent-hash', NONE, { shards: o.userShards, vnodes: o.vnodes }),
    ];
    ctx.log(`routing the fan-out graph (${o.users} users, celebrity with ${o.celebrityFollowers} followers) over ${o.userShards} user shards`);
    const graphs = userRouters.map((r) => graphPerShard(r, g));
    tables.push({
      caption: `The celebrity (user 0, ${o.celebrityFollowers.toLocaleString('en-US')} followers) over ${o.userShards} user shards; ${o.authors.toLocaleString('en-US')} ordinary authors with power-law followers (${graphs[0]!.edges.toLocaleString('en-US')} edges in all)`,
      columns: ['router', 'followers rows: max / mean', "celebrity's shard: share of followers rows", 'fan-out writes (every author posts once): max / mean'],
      rows: userRouters.map((r, i) => [r.path, r2(graphs[i]!.followersRows.maxOverMean), pct(graphs[i]!.followersRows.sorted[0]! / graphs[i]!.edges), r2(graphs[i]!.fanoutWrites.maxOverMean)]),
      note: 'followers is partitioned by the followee (001 "Followers Table"), so a celebrity\'s rows and every read of them (100% of its followers reads) sit on one shard under any key-based router; fan-out writes go to each follower\'s own shard and spread evenly.',
    });
    const top = graphs[0]!.followersRows.sorted.slice(0, 20);
    charts.push({
      id: 'shard-sim-celebrity',
      title: `followers rows per user shard (user_id % ${o.userShards}), the 20 largest`,
      kind: 'bar',
      xLabel: 'shard',
      yLabel: 'followers rows',
      yLog: true,
      categories: top.map((_, i) => (i === 0 ? `#1 (celebrity's, shard ${graphs[0]!.celebrityShard})` : `#${i + 1}`)),
      series: [
        { label: 'rows', points: top.map((v, i) => [i, v] as [number, number]) },
        { label: 'mean per shard', points: top.map((_, i) => [i, Math.round(graphs[0]!.followersRows.mean)] as [number, number]) },
      ],
    });
    const hot = graphs[0]!.followersRows.maxOverMean;
    derived.push({ name: `user_id % ${o.userShards}: followers rows max/mean`, value: r2(hot), unit: 'ratio' });
    claims.push({
      id: 'shard.celebrity-hot-shard',
      source: '001 · Database Sharding Strategy / User Database Sharding',
      claim: 'Celebrity users may create hot shards (user_id % 200)',
      measured: `the celebrity's shard holds ${pct(graphs[0]!.followersRows.sorted[0]! / graphs[0]!.edges)} of all followers rows, ${r2(hot)}x the mean shard; fan-out writes stay even (max/mean ${r2(graphs[0]!.fanoutWrites.maxOverMean)})`,
      verdict: hot >= 2 ? 'holds' : 'refuted',
      note: 'the verdict wants the busiest shard at 2x the mean or more',
    });
    notes.push(`routers: ${ROUTERS.join(', ')}; ${o.vnodes} virtual nodes per shard on the ring; graph as the fan-out scenario's (alpha 2.276, 5..50000 followers per author)`);

    const section: ScenarioSection = {
      id: 'shard-sim',
      title: 'Sharding simulation (no store)',
      intro: 'The seeds\' shard keys and strategies over the scenarios\' key streams: is the data even, is the load even, what moves when a shard is added, and where the celebrity lands.',
      tables,
      charts,
    };
    return { derived, claims, notes, checks: [], sections: [section] };
  },
};
