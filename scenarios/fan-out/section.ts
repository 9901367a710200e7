/**
 * The fan-out section of the report (core/results.ts ScenarioSection): the strategies side by
 * side, so an architect sees which one meets the seeds' 5 s delivery target (004 "Timeline
 * delivery (acceptable delay: 5 seconds)", 001 "5-10 second lag acceptable") and at what cost
 * (write amplification, feed footprint, read latency). Pure: built from verify()'s figures.
 */
import type { Footprint } from '../../core/target.js';
import type { Percentiles, ScenarioSection } from '../../core/results.js';
import type { FanoutTotals, FeedStrategy } from '../../reference-impl/feed/index.js';
import type { FanOutOptions } from './options.js';

/** Lag statistics of one strategy and author kind, ms. */
export type LagFigures = Percentiles & { undelivered: number; samples: number };

/** What verify() measured for one strategy. */
export interface StrategyFigures {
  strategy: FeedStrategy;
  path: string;
  post: Percentiles | null;
  celebrityPost: Percentiles | null;
  home: Percentiles | null;
  profile: Percentiles | null;
  ordinary: LagFigures;
  celebrity: LagFigures;
  /** Acknowledgement to the last fan-out page of the slowest celebrity post, ms (0 for pull; null when unknown). */
  celebrityToAllMs: number | null;
  celebrityPushed: boolean;
  totals: FanoutTotals;
  /** Delivery-lag CDF points [ms, fraction]. */
  lagCdf: [number, number][];
  check: { missing: number; duplicates: number; checked: number; entries: number };
}

/** What the section is built from. */
export interface FanOutSectionInput {
  o: FanOutOptions;
  figures: StrategyFigures[];
  backlog: { atS: number; s: FeedStrategy; n: number }[];
  events: { atS: number; what: string }[];
  celeb: { s: FeedStrategy; postId: number; atS: number }[];
  footprint: Footprint[];
  seed: { edges: number; edgesS: number; posts: number; postsS: number } | null;
}

const ms = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round(x * 10) / 10);
const yes = (x: number | null, limit: number) => (x === null ? '—' : x <= limit ? 'yes' : 'no');

/** Build the section. */
export function fanOutSection(x: FanOutSectionInput): ScenarioSection {
  const { o, figures } = x;
  const lagOf = (f: StrategyFigures) => f.ordinary.p99 ?? f.ordinary.max;
  const celOf = (f: StrategyFigures) => f.celebrityToAllMs ?? f.celebrity.max;
  const ks = o.keyspace;
  const tableBytes = (t: string) => x.footprint.find((f) => f.store === 'cassandra')?.items.find((i) => i.name === `table ${ks}.${t}`)?.bytes ?? null;
  const redisBytes = x.footprint.find((f) => f.store === 'redis')?.items.reduce((a, i) => a + (i.name.includes(`fo:${ks}:tl:`) ? i.bytes : 0), 0) ?? null;
  const feedBytes = (s: FeedStrategy) => (s === 'write' ? tableBytes('user_feed') : s === 'hybrid' ? tableBytes('user_feed_hybrid') : s === 'redis' ? redisBytes || null : 0);
  const tables: ScenarioSection['tables'] = [
    {
      caption: 'Delivery: does each strategy meet the 5 s target? (lag from the post\'s acknowledgement until a sampled follower\'s home timeline shows it)',
      columns: ['strategy', 'path', 'lag p50, ordinary (ms)', 'lag p99, ordinary (ms)', 'lag max, ordinary (ms)', 'celebrity: to all followers (ms)', 'meets 5 s (004)', 'meets 10 s (001)'],
      rows: figures.map((f) => {
        const worst = lagOf(f) === null || celOf(f) === null ? null : Math.max(lagOf(f)!, celOf(f)!);
        return [f.strategy, f.path, ms(f.ordinary.p50), ms(f.ordinary.p99), ms(f.ordinary.max), ms(celOf(f)), yes(worst, 5000), yes(worst, 10_000)];
      }),
      note: `Lag samples: up to ${o.lagSamplesPerS} posts/s per thread × ${o.lagFollowers} followers (20 per celebrity post), polled every ${o.pollMs} ms, so a lag is at most one poll interval plus one read above the true figure. p99 is blank below 100 samples; "meets" then uses the max. "To all followers" is the worker-reported end of the celebrity post's fan-out (${o.celebrityFollowers} followers); pull strategies show 0 (visible once acknowledged).`,
    },
    {
      caption: 'Cost: write amplification, feed footprint and latency',
      columns: ['strategy', 'entries / post', 'bytes / post', 'feed bytes after run', 'post p99 (ms)', 'home p50 (ms)', 'home p99 (ms)', 'profile p99 (ms)'],
      rows: figures.map((f) => [
        f.strategy,
        f.totals.posts > 0 ? Math.round((f.totals.entries / f.totals.posts) * 10) / 10 : null,
        f.totals.posts > 0 ? Math.round(f.totals.bytes / f.totals.posts) : null,
        feedBytes(f.strategy),
        ms(f.post?.p99 ?? f.post?.max),
        ms(f.home?.p50),
        ms(f.home?.p99),
        ms(f.profile?.p99),
      ]),
      note: 'Entries / post: feed rows or sorted-set entries written by fan-out per acknowledged post (celebrity posts included); bytes: their logical key and value bytes. Feed bytes: the Cassandra table size from nodetool (0 until memtables are flushed) or the Redis timelines\' MEMORY USAGE when the footprint lists them.',
    },
    {
      caption: 'Delivery lag samples and checks',
      columns: ['strategy', 'ordinary samples', 'ordinary not seen in time', 'celebrity samples', 'celebrity lag p50 (ms)', 'celebrity lag max (ms)', 'users checked', 'entries expected', 'entries missing', 'duplicates'],
      rows: figures.map((f) => [f.strategy, f.ordinary.samples, f.ordinary.undelivered, f.celebrity.samples, ms(f.celebrity.p50), ms(f.celebrity.max), f.check.checked, f.check.entries, f.check.missing, f.check.duplicates]),
    },
  ];
  if (x.seed) {
    tables.push({
      caption: 'Load phase',
      columns: ['what', 'count', 'seconds', 'per second'],
      rows: [
        ['follow edges (followers + following rows)', x.seed.edges, Math.round(x.seed.edgesS * 10) / 10, Math.round(x.seed.edges / Math.max(x.seed.edgesS, 0.001))],
        ['history posts (posts + user_posts)', x.seed.posts, Math.round(x.seed.postsS * 10) / 10, Math.round(x.seed.posts / Math.max(x.seed.postsS, 0.001))],
      ],
    });
  }
  const markers = [
    ...x.celeb.map((c) => ({ x: Math.round(c.atS * 10) / 10, label: `celebrity post (${c.s})` })),
    ...x.events.filter((e) => /killed|restarted/.test(e.what)).map((e) => ({ x: Math.round(e.atS * 10) / 10, label: e.what.startsWith('killed') ? 'worker killed' : 'worker restarted' })),
  ];
  const pushing = [...new Set(x.backlog.map((b) => b.s))];
  const charts: ScenarioSection['charts'] = [
    {
      id: 'lag-cdf',
      title: 'Delivery lag CDF per strategy (sampled followers, ordinary and celebrity posts)',
      kind: 'line',
      xLabel: 'delivery lag (ms)',
      yLabel: 'fraction of deliveries',
      xLog: true,
      series: figures.map((f) => ({ label: f.strategy, points: f.lagCdf.map(([a, b]) => [Math.max(1, a), b] as [number, number]) })),
      markers: [{ x: 5000, label: '5 s (004)' }, { x: 10_000, label: '10 s (001)' }],
    },
    {
      id: 'backlog',
      title: 'Fan-out backlog over time (stream entries not yet done: one entry = one page of followers)',
      kind: 'line',
      xLabel: 'time (s)',
      yLabel: 'tasks queued',
      series: pushing.map((s) => ({ label: s, points: x.backlog.filter((b) => b.s === s).map((b) => [Math.round(b.atS * 10) / 10, b.n] as [number, number]) })),
      markers,
    },
    {
      id: 'read-latency',
      title: 'Read latency per strategy (from the intended start)',
      kind: 'bar',
      xLabel: 'strategy',
      yLabel: 'ms',
      categories: figures.map((f) => f.strategy),
      series: [
        { label: 'home p50', points: figures.map((f, i) => [i, ms(f.home?.p50)] as [number, number | null]) },
        { label: 'home p99', points: figures.map((f, i) => [i, ms(f.home?.p99)] as [number, number | null]) },
        { label: 'profile p99', points: figures.map((f, i) => [i, ms(f.profile?.p99)] as [number, number | null]) },
        { label: 'post p99', points: figures.map((f, i) => [i, ms(f.post?.p99)] as [number, number | null]) },
      ],
    },
  ];
  return {
    id: 'fan-out',
    title: 'Fan-out: delivery lag, write amplification and read latency per strategy',
    intro: `A celebrity (user 0) with ${o.celebrityFollowers} followers posts ${o.celebrityPosts} times per strategy; ${o.authors} ordinary authors with power-law follower counts (alpha ${o.alpha}) post at ${o.postRate}/s; home and profile reads at ${o.readRate}/s. Each strategy runs in turn on the same graph and posts table.`,
    tables,
    charts,
    notes: x.events.map((e) => `${e.atS.toFixed(1)} s: ${e.what}`),
  };
}
