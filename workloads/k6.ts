/**
 * The k6 plan of a workload file (k6/plans.ts K6Plan, rendered by k6/export.ts): the operation
 * mix by weight, each operation's key distribution as script source, and its request over the
 * route: HTTP to the reference service (`capbench serve`; the families with routes today:
 * likes, follows) or, with --via redis, Redis commands straight from k6 for the Redis likes
 * paths. An operation without a route on the chosen way is refused in one line naming the
 * operation and its path (exit 2).
 *
 * k6 has no seeded PRNG: the script draws with Math.random(), so its keys follow the same
 * distributions as capbench's but not the same sequence (docs/workloads.md).
 */
import { UsageError } from '../core/errors.js';
import type { K6Plan, K6Via } from '../k6/plans.js';
import { hasRoute } from '../service/routes/index.js';
import { DEFAULT_BUCKET_SIZE } from '../reference-impl/likes/redis-hash.js';
import type { WorkloadOp, WorkloadOptions } from './file.js';
import { WORD_KEYS } from './file.js';
import { familyOps } from './ops/index.js';

const js = (v: unknown) => JSON.stringify(v);

/** Key choosers as script source: the definitions of workloads/keys.ts, drawn with Math.random(). */
const KEYS = `
function zipfTable(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) { sum += 1 / Math.pow(k + 1, s); cdf[k] = sum; }
  for (let k = 0; k < n; k++) cdf[k] = cdf[k] / sum;
  return cdf;
}
function zipfDraw(cdf: Float64Array): number {
  const u = Math.random();
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (cdf[mid] < u) lo = mid + 1; else hi = mid; }
  return lo;
}
function hotspot(n: number, hotShare: number, hotOps: number): number {
  const hot = Math.min(n, Math.max(1, Math.floor(n * hotShare)));
  if (hot === n || Math.random() < hotOps) return Math.floor(Math.random() * hot);
  return hot + Math.floor(Math.random() * (n - hot));
}`;

/** Source of an expression drawing op i's key (i: iteration in test, for sequential). */
function keySource(o: WorkloadOp, n: number, idx: number, prelude: string[]): string {
  const k = o.keys;
  switch (k.dist) {
    case 'uniform':
      return `Math.floor(Math.random() * ${n})`;
    case 'zipfian':
      prelude.push(`const CDF_${idx} = zipfTable(${n}, ${k.s});`);
      return `zipfDraw(CDF_${idx})`;
    case 'latest':
      prelude.push(`const CDF_${idx} = zipfTable(${n}, ${k.s});`);
      return `(${n - 1} - zipfDraw(CDF_${idx}))`;
    case 'hotspot':
      return `hotspot(${n}, ${k.hotShare}, ${k.hotOps})`;
    case 'sequential':
      return `((${k.start} + i) % ${n})`;
  }
}

/** Refuse an operation the route cannot carry. */
function noRoute(o: WorkloadOp, via: K6Via, why: string): never {
  throw new UsageError(`Operation ${o.name} (${o.op} on ${o.path}) cannot be exported to k6 --via ${via}: ${why}.`, {
    hint: via === 'http' ? 'Export the workload without it, or run it with capbench run (the service has HTTP routes for likes and follows).' : 'Use --via http for it, or run it with capbench run.',
  });
}

/** One operation's request, as the body of its `case`. */
function request(o: WorkloadOp, w: WorkloadOptions, via: K6Via, key: string): string {
  const rec = (r: string) => `const r = ${r}; record(${js(o.name)}, r.timings.duration, r.status === 200);`;
  const H = `{ headers: { 'x-capbench-op': ${js(o.name)}, 'content-type': 'application/json' }, tags: { op: ${js(o.name)} } }`;
  const base = `BASE + ${js(`/v1/paths/${o.path}`)}`;
  if (via === 'http') {
    if (!hasRoute(o.path)) noRoute(o, via, `${o.path} (family ${o.family}) has no HTTP route in the reference service`);
    const other = `(Math.floor(Math.random() * ${w.data.users - 1}) + 1 + k) % ${w.data.users}`;
    const pair = `const k = ${key}; const b = ${other};`;
    switch (o.op) {
      case 'like':
        return `{ const k = ${key}; ${rec(`http.post(${base} + '/posts/' + k + '/likes', null, ${H})`)} }`;
      case 'like-count':
        return `{ const k = ${key}; ${rec(`http.get(${base} + '/posts/' + k + '/likes', ${H})`)} }`;
      case 'follow':
        return `{ ${pair} ${rec(`http.post(${base} + '/follows', JSON.stringify({ follower: b, followee: k }), ${H})`)} }`;
      case 'unfollow':
        return `{ ${pair} ${rec(`http.post(${base} + '/unfollows', JSON.stringify({ follower: b, followee: k }), ${H})`)} }`;
      case 'followers':
      case 'following':
        return `{ const k = ${key}; ${rec(`http.get(${base} + '/users/' + k + '/${o.op}?limit=100', ${H})`)} }`;
      case 'mutuals':
        return `{ ${pair} ${rec(`http.get(${base} + '/users/' + k + '/mutuals/' + b + '?limit=100', ${H})`)} }`;
      case 'follow-counts':
        return `{ const k = ${key}; ${rec(`http.get(${base} + '/users/' + k + '/counts', ${H})`)} }`;
      default:
        return noRoute(o, via, `the service has no route for ${o.op}`);
    }
  }
  const prefix = `${w.namespace}:`;
  if (o.path === 'likes.redis-counter' && (o.op === 'like' || o.op === 'like-count')) {
    const cmd = o.op === 'like' ? `redisClient.incr(${js(`${prefix}p:`)} + k + ':l')` : `redisClient.get(${js(`${prefix}p:`)} + k + ':l')`;
    return `{ const k = ${key}; await timed(${js(o.name)}, () => ${cmd}); }`;
  }
  if (o.path === 'likes.redis-hash' && (o.op === 'like' || o.op === 'like-count')) {
    const B = DEFAULT_BUCKET_SIZE;
    const cmd = o.op === 'like' ? `redisClient.hincrby(${js(`${prefix}pl:`)} + Math.floor(k / ${B}), String(k % ${B}), 1)` : `redisClient.hget(${js(`${prefix}pl:`)} + Math.floor(k / ${B}), String(k % ${B})).catch(() => null)`;
    return `{ const k = ${key}; await timed(${js(o.name)}, () => ${cmd}); }`;
  }
  return noRoute(o, via, `${o.path} is not a Redis likes path (--via redis drives likes.redis-counter and likes.redis-hash)`);
}

/**
 * The k6 plan of a validated workload.
 * @throws UsageError naming the first operation the route cannot carry.
 */
export function workloadK6Plan(w: WorkloadOptions, via: K6Via): K6Plan {
  const prelude: string[] = [];
  const cases = w.operations.map((o, i) => {
    familyOps(o.family); // the op's family has a table (checked when the file was read)
    const n = o.entity === 'post' ? w.data.posts : o.entity === 'user' ? w.data.users : WORD_KEYS;
    return `    case ${i}: ${request(o, w, via, keySource(o, n, i, prelude))} return;`;
  });
  const cumulative: number[] = [];
  w.operations.reduce((acc, o, i) => (cumulative[i] = acc + o.share), 0);
  cumulative[cumulative.length - 1] = 1;
  return {
    ops: w.operations.map((o) => o.name),
    prelude: `${KEYS}
// Workload ${w.name}: ${w.operations.map((o) => `${o.name} (${o.op} on ${o.path}, ${Math.round(o.share * 1000) / 10}%)`).join(', ')}
const CUMULATIVE = ${js(cumulative)};
${prelude.join('\n')}`,
    iteration: `async function iteration(_tS: number, i: number): Promise<void> {
  const u = Math.random();
  let op = 0;
  while (op < CUMULATIVE.length - 1 && u >= CUMULATIVE[op]) op++;
  switch (op) {
${cases.join('\n')}
  }
}`,
  };
}
