/**
 * k6 plans (k6/plans.ts) of the fan-out and search scenarios, over HTTP through the reference
 * service (service/routes/feed.ts, users.ts, search.ts).
 *
 * fan-out (seeds 001 "User Feed Table (Fan-out on Write)", 004, 003 "The Hybrid Approach"): the
 * same segments as capbench's workload (a strategy per labelled stage, segmentsOf()), the same
 * mix (postRate : readRate, reads 2:1 home : profile, picked by the golden-ratio sequence over
 * the global iteration number), ordinary authors uniform over 1..authors, home readers uniform
 * over all users, profiles of the celebrity 10% of the time; the celebrity's posts are one
 * extra k6 scenario each (shared-iterations, 1 iteration, startTime = its moment of
 * celebrityMomentsOf()), run by whichever generator owns that iteration. Delivery lag, the
 * fan-out workers and the worker kill are not in the script: they need capbench's workload
 * (`capbench run fan-out`); the script loads the service, whose fan-out workers must run elsewhere
 * (pushing strategies only queue the fan-out).
 *
 * search (seed 000 "Elasticsearch Storage Optimization Strategy"): the query mix of QUERY_MIX
 * at queryRate plus single-post indexing at indexRate, picked by the golden-ratio sequence;
 * query words zipfian over the scenario's vocabulary (SUBTLEX-US, the VOCABULARY most frequent
 * words minus the QUERY_SKIP_RANKS first ones, embedded in the script), authors zipfian; new
 * posts generated in the script from the same vocabulary. The bulk stage and the alias swap are
 * capbench's events (`capbench run search`), not in the script.
 */
import { UsageError } from '../core/errors.js';
import type { Stage } from '../core/results.js';
import { FEED_PATH_IDS } from '../reference-impl/feed/index.js';
import { routeFor } from '../service/routes/index.js';
import { CELEBRITY } from '../scenarios/fan-out/graph.js';
import { STRATEGIES, USERS_PATH, fanOutOperations, strategiesOf, type FanOutOptions } from '../scenarios/fan-out/options.js';
import { celebrityMomentsOf, segmentsOf } from '../scenarios/fan-out/workload.js';
import { QUERY_SKIP_RANKS, vocabulary } from '../scenarios/search/corpus.js';
import { LIVE_ID, QUERY_MIX, operationShares, type SearchOptions } from '../scenarios/search/options.js';
import { esSearchPath } from '../reference-impl/search/index.js';
import type { K6Plan } from './plans.js';

const js = (v: unknown) => JSON.stringify(v);

/** Post ids of k6's posts: strategy index · 1e14 + 99 · 1e10 + iteration (capbench's threads use 0..98 in the middle digits). */
const K6_THREAD = 99;

function onlyHttp(scenarioId: string, via: string): void {
  if (via !== 'http') throw new UsageError(`--via ${via} cannot drive ${scenarioId} (its paths span several stores).`, { hint: 'Use --via http (`capbench serve` in front of the stores).' });
}

/**
 * fan-out's k6 plan (see the module comment).
 * @throws UsageError for a route other than http.
 */
export function fanOutPlan(o: FanOutOptions, stages: readonly Stage[], via: string, zipfSource: string, pickSource: string): K6Plan {
  onlyHttp('fan-out', via);
  const strategies = strategiesOf(o);
  for (const s of strategies) routeFor(FEED_PATH_IDS[s]);
  routeFor(USERS_PATH);
  const segs = segmentsOf(stages, strategies).map((g) => ({ s: g.strategy, i: STRATEGIES.indexOf(g.strategy), path: FEED_PATH_IDS[g.strategy], fromS: g.fromS, toS: g.toS }));
  const celeb = segmentsOf(stages, strategies).flatMap((g) => celebrityMomentsOf(stages, g, o.celebrityPosts).map((atS) => ({ s: g.strategy, atS })));
  const total = o.postRate + o.readRate;
  const cumulative = total > 0 ? [o.postRate / total, (o.postRate + (o.readRate * 2) / 3) / total, 1] : [1, 1, 1];
  void zipfSource;
  const prelude = `${pickSource}
const USERS = ${o.users};
const AUTHORS = ${o.authors};
const HOME_LIMIT = ${o.homeLimit};
const CELEBRITY = ${CELEBRITY};
const CUMULATIVE = ${js(cumulative)};
/** Strategy segments, s since the scenario began (capbench's segmentsOf()). */
const SEGMENTS: { s: string; i: number; path: string; fromS: number; toS: number }[] = ${js(segs)};
const USERS_BASE = BASE + ${js(`/v1/paths/${USERS_PATH}/users/`)};
const H = (op: string) => ({ 'x-capbench-op': op });
const J = (op: string) => ({ 'x-capbench-op': op, 'content-type': 'application/json' });
function segmentAt(tS: number): { s: string; i: number; path: string } {
  for (const g of SEGMENTS) if (tS >= g.fromS && tS < g.toS) return g;
  return SEGMENTS[SEGMENTS.length - 1];
}
/** Store a post through the feed path; its id carries the strategy (as capbench's postIdOf). */
function post(g: { s: string; i: number; path: string }, op: string, authorId: number, i: number, track: boolean): void {
  const body = JSON.stringify({ postId: g.i * 1e14 + ${K6_THREAD} * 1e10 + i, authorId, createdAt: Date.now(), ...(track ? { track: true } : {}) });
  const r = http.post(BASE + '/v1/paths/' + g.path + '/posts', body, { headers: J(op), tags: { op } });
  record(op, r.timings.duration, r.status === 200);
}`;
  const iteration = `async function iteration(tS: number, i: number): Promise<void> {
  const g = segmentAt(tS);
  switch (pick(i, CUMULATIVE)) {
    case 0:
      post(g, g.s + '.post', 1 + Math.floor(Math.random() * AUTHORS), i, false);
      return;
    case 1: {
      const op = g.s + '.home';
      const r = http.get(BASE + '/v1/paths/' + g.path + '/users/' + Math.floor(Math.random() * USERS) + '/home?limit=' + HOME_LIMIT, { headers: H(op), tags: { op } });
      record(op, r.timings.duration, r.status === 200);
      return;
    }
    default: {
      // "users view profiles": the profile with its counters (users.pg), then the author's latest posts.
      const op = g.s + '.profile';
      const a = Math.random() < 0.1 ? CELEBRITY : 1 + Math.floor(Math.random() * AUTHORS);
      const p = http.get(USERS_BASE + a, { headers: H(op), tags: { op } });
      const u = http.get(BASE + '/v1/paths/' + g.path + '/users/' + a + '/posts?limit=20', { headers: H(op + '.posts'), tags: { op } });
      record(op, p.timings.duration + u.timings.duration, p.status === 200 && u.status === 200);
    }
  }
}

/** A celebrity post (its own k6 scenario, one iteration at its moment). */
export function celebrity(): void {
  const tS = Number(exec.scenario.name.split('_').pop()) / 1000;
  const g = segmentAt(tS);
  post(g, g.s + '.celebrity_post', CELEBRITY, 9_000_000_000 + Math.round(tS * 1000), true);
}`;
  const extraScenarios: Record<string, string> = {};
  for (const c of celeb) {
    const ms = Math.round(c.atS * 1000);
    extraScenarios[`celebrity_${ms}`] = `{ executor: 'shared-iterations', vus: 1, iterations: 1, startTime: '${ms}ms', maxDuration: '60s', exec: 'celebrity' }`;
  }
  return { ops: fanOutOperations(o).map((x) => x.name), prelude, iteration, extraScenarios };
}

/** Words of the embedded vocabulary: every query word and post word the scenario draws. */
function searchWords(): readonly string[] {
  return vocabulary();
}

/**
 * search's k6 plan (see the module comment).
 * @throws UsageError for a route other than http.
 */
export function searchPlan(o: SearchOptions, via: string, zipfSource: string, pickSource: string): K6Plan {
  onlyHttp('search', via);
  routeFor(esSearchPath.id);
  const shares = operationShares(o);
  const cumulative = shares.map((_, i) => shares.slice(0, i + 1).reduce((a, x) => a + x.share, 0));
  cumulative[cumulative.length - 1] = 1;
  const words = searchWords();
  const kinds = [...QUERY_MIX.map((m) => m.op), ...(o.indexRate > 0 ? ['index'] : [])];
  const prelude = `${zipfSource}${pickSource}
/** The scenario's vocabulary (SUBTLEX-US, most frequent first). */
const WORDS: string[] = ${js(words)};
const QUERY_SKIP = ${QUERY_SKIP_RANKS};
const WORD_CDF = zipfTable(WORDS.length, ${o.zipfS});
const QUERY_CDF = zipfTable(WORDS.length - QUERY_SKIP, ${o.zipfS});
const AUTHOR_CDF = zipfTable(${o.authors}, ${o.zipfS});
const CONTENT_WORDS = ${o.contentWords};
const KINDS: string[] = ${js(kinds)};
const CUMULATIVE = ${js(cumulative)};
const S = BASE + ${js(`/v1/paths/${esSearchPath.id}`)};
const word = () => WORDS[zipfDraw(WORD_CDF, Math.random())];
const queryWord = () => WORDS[QUERY_SKIP + zipfDraw(QUERY_CDF, Math.random())];
const author = () => 'u_' + zipfDraw(AUTHOR_CDF, Math.random());
function phrase(n: number): string {
  const out: string[] = [];
  for (let k = 0; k < n; k++) out.push(word());
  return out.join(' ');
}
function queryText(): string {
  return Math.random() < 0.5 ? queryWord() : queryWord() + ' ' + queryWord();
}
function search(op: string, qs: string): void {
  const r = http.get(S + '/search?' + qs, { headers: { 'x-capbench-op': op }, tags: { op } });
  record(op, r.timings.duration, r.status === 200);
}`;
  const iteration = `async function iteration(_tS: number, i: number): Promise<void> {
  switch (KINDS[pick(i, CUMULATIVE)]) {
    case 'match':
      return search('match', 'kind=match&q=' + encodeURIComponent(queryText()));
    case 'recent':
      return search('recent', 'kind=recent&q=' + encodeURIComponent(queryText()) + '&since=' + (Math.floor(Date.now() / 1000) - 7 * 86400));
    case 'title':
      return search('title', 'kind=title&q=' + encodeURIComponent(queryText()));
    case 'author':
      return search('author', 'kind=author&author=' + author());
    default: {
      const hashtags: string[] = [];
      const tags = Math.floor(Math.random() * 4);
      for (let k = 0; k < tags; k++) hashtags.push(WORDS[Math.min(WORDS.length - 1, zipfDraw(WORD_CDF, Math.random()) + 50)]);
      const content = phrase(Math.max(1, Math.round(CONTENT_WORDS * (0.5 + Math.random())))) + (hashtags.length ? ' ' + hashtags.map((h) => '#' + h).join(' ') : '');
      const likes = Math.min(32767, Math.floor(1 / Math.pow(1 - Math.random() * 0.999, 1.2)) - 1);
      const body = JSON.stringify({ id: ${LIVE_ID} + 90e9 + i, author: author(), title: phrase(3 + Math.floor(Math.random() * 8)), content, hashtags, likes, created_at: Math.floor(Date.now() / 1000) });
      const r = http.post(S + '/posts', body, { headers: { 'x-capbench-op': 'index', 'content-type': 'application/json' }, tags: { op: 'index' } });
      record('index', r.timings.duration, r.status === 200);
    }
  }
}`;
  return { ops: kinds, prelude, iteration };
}
