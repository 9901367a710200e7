/**
 * What each scenario does per k6 iteration, as TypeScript source for the exported script
 * (k6/export.ts): the operation mix, the key distribution and each operation's request over
 * the chosen route (HTTP to the reference service, or Redis straight through k6's built-in
 * k6/experimental/redis). One entry per scenario; a scenario without one is refused by name.
 */
import { UsageError } from '../core/errors.js';
import type { Stage } from '../core/results.js';
import { getStoragePath } from '../reference-impl/registry.js';
import { DEFAULT_BUCKET_SIZE } from '../reference-impl/likes/redis-hash.js';
import { routeFor } from '../service/routes/index.js';
import { mixOf, type FollowQueriesOptions } from '../scenarios/follow-queries/options.js';
import { viralPostOf, type ViralLikeSpikeOptions } from '../scenarios/viral-like-spike/options.js';
import { spikeWindow } from '../scenarios/viral-like-spike/window.js';
import type { FanOutOptions } from '../scenarios/fan-out/options.js';
import type { SearchOptions } from '../scenarios/search/options.js';
import { fanOutPlan, searchPlan } from './plans-feeds.js';
import { followSqlPlan, viralSqlPlan } from './plans-sql.js';

/** How the exported script reaches the storage paths. */
export type K6Via = 'http' | 'redis' | 'sql';

/** A scenario's part of the script: module-level setup code and one `iteration(tS, i)` body. */
export interface K6Plan {
  /** Operation names, in the scenario's order (thresholds and results key on them). */
  ops: string[];
  /** Source of module-level declarations (constants, key choosers, clients). */
  prelude: string;
  /** Source of `async function iteration(tS: number, i: number): Promise<void>` (tS: s since the scenario began, i: iteration in test). */
  iteration: string;
  /** More k6 scenarios beside the main arrival-rate one, by name: executor source (e.g. fan-out's celebrity posts at their moments, exec: an exported function of `iteration`'s source). */
  extraScenarios?: Record<string, string>;
}

const js = (v: unknown) => JSON.stringify(v);

/** Zipfian chooser as script source: same inverse-CDF table as scenarios/common/zipf.ts. */
const ZIPF = `
function zipfTable(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) { sum += 1 / Math.pow(k + 1, s); cdf[k] = sum; }
  for (let k = 0; k < n; k++) cdf[k] = cdf[k] / sum;
  return cdf;
}
function zipfDraw(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (cdf[mid] < u) lo = mid + 1; else hi = mid; }
  return lo;
}`;

/** The iteration's operation from the golden-ratio sequence over the global iteration number (as follow-queries' workload picks its mix). */
const PICK = `
const INV_PHI = (Math.sqrt(5) - 1) / 2;
function pick(i: number, cumulative: number[]): number {
  const x = 0.5 + i * INV_PHI;
  const u = x - Math.floor(x);
  let k = 0;
  while (k < cumulative.length - 1 && u >= cumulative[k]) k++;
  return k;
}`;

function noRedisRoute(pathId: string): never {
  throw new UsageError(`--via redis cannot drive ${pathId} (a ${getStoragePath(pathId).stores.join('+')} path).`, { hint: 'Use --via http for it (`capbench serve` in front of the store).' });
}

function viralPlan(o: ViralLikeSpikeOptions, stages: readonly Stage[], via: K6Via): K6Plan {
  if (via === 'sql') return viralSqlPlan(o, stages, ZIPF);
  const w = spikeWindow(stages);
  const ops = o.readRatio > 0 ? ['like', 'read'] : ['like'];
  let prelude = `${ZIPF}
const POSTS = ${o.posts};
const CDF = zipfTable(POSTS, ${o.zipfS});
const VIRAL = ${viralPostOf(o)};
const SPIKE = { fromS: ${w.fromS}, toS: ${w.toS}, share: ${w.share} };
const READ_RATIO = ${o.readRatio};
function post(tS: number): number {
  return tS >= SPIKE.fromS && tS < SPIKE.toS && Math.random() < SPIKE.share ? VIRAL : zipfDraw(CDF, Math.random());
}`;
  let like: string;
  let read: string;
  if (via === 'http') {
    routeFor(o.path);
    prelude += `\nconst LIKES = BASE + ${js(`/v1/paths/${o.path}/posts/`)};`;
    like = `const res = http.post(LIKES + id + '/likes', null, { headers: { 'x-capbench-op': 'like' }, tags: { op: 'like' } });\n    record('like', res.timings.duration, res.status === 200);`;
    read = `const res = http.get(LIKES + id + '/likes', { headers: { 'x-capbench-op': 'read' }, tags: { op: 'read' } });\n    record('read', res.timings.duration, res.status === 200);`;
  } else {
    const prefix = o.keyPrefix ?? '';
    if (o.path === 'likes.redis-counter') {
      prelude += `\nconst key = (id: number) => ${js(prefix + 'p:')} + id + ':l';`;
      like = `await timed('like', () => redisClient.incr(key(id)));`;
      read = `await timed('read', () => redisClient.get(key(id)));`;
    } else if (o.path === 'likes.redis-hash') {
      prelude += `\nconst B = ${o.bucketSize ?? DEFAULT_BUCKET_SIZE};\nconst key = (id: number) => ${js(prefix + 'pl:')} + Math.floor(id / B);`;
      like = `await timed('like', () => redisClient.hincrby(key(id), String(id % B), 1));`;
      read = `await timed('read', () => redisClient.hget(key(id), String(id % B)).catch(() => null));`;
    } else noRedisRoute(o.path);
  }
  const iteration = `async function iteration(tS: number, _i: number): Promise<void> {
  const id = post(tS);
  if (READ_RATIO > 0 && Math.random() < READ_RATIO) {
    ${read}
  } else {
    ${like}
  }
}`;
  return { ops, prelude, iteration };
}

function followPlan(o: FollowQueriesOptions, via: K6Via): K6Plan {
  if (via === 'sql') return followSqlPlan(o, PICK, ZIPF);
  if (via !== 'http') noRedisRoute('follows.pg');
  routeFor('follows.pg');
  const mix = mixOf(o);
  const cumulative: number[] = [];
  mix.reduce((acc, m, i) => (cumulative[i] = acc + m.share), 0);
  cumulative[cumulative.length - 1] = 1;
  const req: Record<string, string> = {
    follow: `{ const [a, b] = pair(); const r = http.post(F + '/follows', JSON.stringify({ follower: a, followee: b }), { headers: J('follow'), tags: { op: 'follow' } }); record('follow', r.timings.duration, r.status === 200); }`,
    unfollow: `{ const [a, b] = pair(); const r = http.post(F + '/unfollows', JSON.stringify({ follower: a, followee: b }), { headers: J('unfollow'), tags: { op: 'unfollow' } }); record('unfollow', r.timings.duration, r.status === 200); }`,
    followers: `{ const r = http.get(F + '/users/' + zipf() + '/followers?limit=' + PAGE, { headers: H('followers'), tags: { op: 'followers' } }); record('followers', r.timings.duration, r.status === 200); }`,
    following: `{ const r = http.get(F + '/users/' + uniform() + '/following?limit=' + PAGE, { headers: H('following'), tags: { op: 'following' } }); record('following', r.timings.duration, r.status === 200); }`,
    mutuals: `{ const a = zipf(); let b = zipf(); if (b === a) b = (a + 1) % USERS; const r = http.get(F + '/users/' + a + '/mutuals/' + b + '?limit=' + PAGE, { headers: H('mutuals'), tags: { op: 'mutuals' } }); record('mutuals', r.timings.duration, r.status === 200); }`,
    counts: `{ const r = http.get(F + '/users/' + zipf() + '/counts', { headers: H('counts'), tags: { op: 'counts' } }); record('counts', r.timings.duration, r.status === 200); }`,
  };
  const prelude = `${ZIPF}${PICK}
const USERS = ${o.users};
const PAGE = ${o.pageSize};
const CDF = zipfTable(USERS, ${o.zipfS});
const CUMULATIVE = ${js(cumulative)};
const F = BASE + '/v1/paths/follows.pg';
const H = (op: string) => ({ 'x-capbench-op': op });
const J = (op: string) => ({ 'x-capbench-op': op, 'content-type': 'application/json' });
const zipf = () => zipfDraw(CDF, Math.random());
const uniform = () => Math.floor(Math.random() * USERS);
/** A follow pair: uniform follower, zipfian followee (never the same user). */
function pair(): [number, number] {
  const a = uniform();
  let b = zipf();
  if (b === a) b = (b + 1) % USERS;
  return [a, b];
}`;
  const iteration = `async function iteration(_tS: number, i: number): Promise<void> {
  switch (pick(i, CUMULATIVE)) {
${mix.map((m, k) => `    case ${k}: ${req[m.op]} return;`).join('\n')}
  }
}`;
  return { ops: mix.map((m) => m.op), prelude, iteration };
}

/**
 * The k6 plan of a scenario with these (validated) options and stages.
 * @throws UsageError for a scenario without a k6 export, or a path the chosen route cannot drive (named).
 */
export function k6PlanOf(scenarioId: string, options: Record<string, unknown>, stages: readonly Stage[], via: K6Via): K6Plan {
  switch (scenarioId) {
    case 'viral-like-spike':
      return viralPlan(options as ViralLikeSpikeOptions, stages, via);
    case 'follow-queries':
      return followPlan(options as FollowQueriesOptions, via);
    case 'fan-out':
      return fanOutPlan(options as FanOutOptions, stages, via, ZIPF, PICK);
    case 'search':
      return searchPlan(options as SearchOptions, via, ZIPF, PICK);
    default:
      throw new UsageError(`Scenario ${scenarioId} has no k6 export yet.`, { hint: 'k6/plans.ts lists the scenarios that have one (viral-like-spike, follow-queries, fan-out, search).' });
  }
}
