/**
 * k6 plans over `--via sql` (k6-sql: xk6-sql with its PostgreSQL driver, targets/k6/sql.ts):
 * the PostgreSQL paths driven straight from k6, no service. The statements are the paths' own
 * (read from the path objects, so the script and reference-impl never differ):
 *   likes.pg-direct (seed 000 "Likes System"): UPDATE ... RETURNING, an upsert for a post
 *     without a row, SELECT for a read (reference-impl/likes/pg-direct.ts);
 *   follows.pg (seed 000 "Follows System", 001 "User Database"): the keyset page queries,
 *     counts, and follow/unfollow — which xk6-sql cannot run as the path's transaction (it has
 *     no transactions), so each is one statement: the INSERT/DELETE and both user_stats
 *     upserts as data-modifying CTEs, the counters moved only when a row was inserted/deleted
 *     (the same effect, atomic as one statement; the two upserts are not ordered by user id,
 *     so mirrored follows racing may deadlock, which PostgreSQL breaks by failing one: a
 *     failure in capbench_failed).
 */
import { UsageError } from '../core/errors.js';
import type { Stage } from '../core/results.js';
import { getStoragePath } from '../reference-impl/registry.js';
import { PgDirectLikes } from '../reference-impl/likes/pg-direct.js';
import { PgFollows } from '../reference-impl/follows/pg.js';
import { mixOf, type FollowQueriesOptions } from '../scenarios/follow-queries/options.js';
import { viralPostOf, type ViralLikeSpikeOptions } from '../scenarios/viral-like-spike/options.js';
import { spikeWindow } from '../scenarios/viral-like-spike/window.js';
import type { K6Plan } from './plans.js';

const js = (v: unknown) => JSON.stringify(v);
/** MIN_BIGINT as text: the cursor of a first page (reference-impl/follows/pg.ts). */
const MIN_BIGINT = '-9223372036854775808';

function noSqlRoute(pathId: string): never {
  throw new UsageError(`--via sql cannot drive ${pathId} (a ${getStoragePath(pathId).stores.join('+')} path; --via sql drives the PostgreSQL paths likes.pg-direct and follows.pg).`, {
    hint: 'Use --via http for it (`capbench serve` in front of the store), or --via redis for a Redis likes path.',
  });
}

/** Private fields of a path object, read for their statement texts (the constructors touch no connection). */
const statementsOf = <T>(o: unknown) => o as T;

/**
 * viral-like-spike over sql (likes.pg-direct only), in PostgreSQL schema `schema` (default public).
 * @throws UsageError for another likes path.
 */
export function viralSqlPlan(o: ViralLikeSpikeOptions & { schema?: string }, stages: readonly Stage[], zipfSource: string): K6Plan {
  if (o.path !== 'likes.pg-direct') noSqlRoute(o.path);
  const st = statementsOf<{ updText: string; upsText: string; getText: string }>(new PgDirectLikes(null as never, { schema: o.schema ?? 'public' }));
  const w = spikeWindow(stages);
  const ops = o.readRatio > 0 ? ['like', 'read'] : ['like'];
  const prelude = `${zipfSource}
const POSTS = ${o.posts};
const CDF = zipfTable(POSTS, ${o.zipfS});
const VIRAL = ${viralPostOf(o)};
const SPIKE = { fromS: ${w.fromS}, toS: ${w.toS}, share: ${w.share} };
const READ_RATIO = ${o.readRatio};
const UPDATE = ${js(st.updText)};
const UPSERT = ${js(st.upsText)};
const SELECT = ${js(st.getText)};
function post(tS: number): number {
  return tS >= SPIKE.fromS && tS < SPIKE.toS && Math.random() < SPIKE.share ? VIRAL : zipfDraw(CDF, Math.random());
}`;
  const iteration = `async function iteration(tS: number, _i: number): Promise<void> {
  const id = post(tS);
  if (READ_RATIO > 0 && Math.random() < READ_RATIO) {
    timedSql('read', () => db.query(SELECT, id));
  } else {
    // The path's like: UPDATE ... RETURNING, and the upsert for a post without a row.
    timedSql('like', () => { if (db.query(UPDATE, id).length === 0) db.query(UPSERT, id); });
  }
}`;
  return { ops, prelude, iteration };
}

/** follow-queries over sql (follows.pg in the options' schema). */
export function followSqlPlan(o: FollowQueriesOptions, pickSource: string, zipfSource: string): K6Plan {
  const p = statementsOf<{ s: string; sql: Record<'ins' | 'del' | 'followers' | 'following' | 'mutuals' | 'counts', string> }>(new PgFollows(null as never, { schema: o.schema }));
  const s = p.s;
  const change = (dml: string, delta: 1 | -1) =>
    `WITH ch AS (${dml} RETURNING 1),
  a AS (INSERT INTO ${s}.user_stats AS t (user_id, following_count) SELECT $1::bigint, ${delta} FROM ch
    ON CONFLICT (user_id) DO UPDATE SET following_count = t.following_count + ${delta}, updated_at = NOW() RETURNING 1),
  b AS (INSERT INTO ${s}.user_stats AS t (user_id, followers_count) SELECT $2::bigint, ${delta} FROM ch
    ON CONFLICT (user_id) DO UPDATE SET followers_count = t.followers_count + ${delta}, updated_at = NOW() RETURNING 1)
SELECT (SELECT count(*) FROM ch) AS changed`;
  const sql = {
    follow: change(p.sql.ins.replace('VALUES ($1, $2)', 'VALUES ($1::bigint, $2::bigint)'), 1),
    unfollow: change(p.sql.del, -1),
    followers: p.sql.followers,
    following: p.sql.following,
    mutuals: p.sql.mutuals,
    counts: p.sql.counts,
  };
  const mix = mixOf(o);
  const cumulative: number[] = [];
  mix.reduce((acc, m, i) => (cumulative[i] = acc + m.share), 0);
  cumulative[cumulative.length - 1] = 1;
  const req: Record<string, string> = {
    follow: `{ const [a, b] = pair(); timedSql('follow', () => db.query(SQL.follow, a, b)); }`,
    unfollow: `{ const [a, b] = pair(); timedSql('unfollow', () => db.query(SQL.unfollow, a, b)); }`,
    followers: `{ const u = zipf(); timedSql('followers', () => db.query(SQL.followers, u, MIN_BIGINT, PAGE + 1)); }`,
    following: `{ const u = uniform(); timedSql('following', () => db.query(SQL.following, u, MIN_BIGINT, PAGE + 1)); }`,
    mutuals: `{ const a = zipf(); let b = zipf(); if (b === a) b = (a + 1) % USERS; timedSql('mutuals', () => db.query(SQL.mutuals, a, b, MIN_BIGINT, PAGE + 1)); }`,
    counts: `{ const u = zipf(); timedSql('counts', () => db.query(SQL.counts, u)); }`,
  };
  const prelude = `${zipfSource}${pickSource}
const USERS = ${o.users};
const PAGE = ${o.pageSize};
const CDF = zipfTable(USERS, ${o.zipfS});
const CUMULATIVE = ${js(cumulative)};
const MIN_BIGINT = ${js(MIN_BIGINT)};
/** follows.pg's statements (keyset pages fetch PAGE + 1 rows, as the path does to know whether another page exists). */
const SQL = ${JSON.stringify(sql, null, 2)};
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
