/**
 * bookmarks: add/remove bookmarks at ~10/s with "my bookmarked posts" (the join) and counts
 * on bookmarks.pg (seed 000 "Bookmarks System": PostgreSQL, real-time, "~10/sec", "requires
 * joins", "~1% of posts get bookmarked"), then the PostgreSQL index experiments of seeds
 * 002/003 (pg-indexes.ts). Verifies nothing acknowledged was lost, no duplicates, counters
 * equal rows; claims bookmarks.throughput-10 and the pg.* index claims.
 */
import type { ClaimResult, DerivedFigure, OperationResult, ThresholdResult } from '../../core/results.js';
import { pgBookmarksPath, type PgBookmarks } from '../../reference-impl/bookmarks/index.js';
import { quoteSchema } from '../../reference-impl/common/pg.js';
import type { ExplainedPlan } from '../../reference-impl/common/pg-explain.js';
import { clientOf } from '../../reference-impl/path.js';
import { openStoreClients } from '../../targets/clients.js';
import type { Scenario, ScenarioContext } from '../types.js';
import { indexClaims, type ClaimBase } from './claims.js';
import { clearLedger, readLedger } from './ledger.js';
import { BookmarksOptions, CLAIMED_BOOKMARKS_PER_S, bookmarkOperations, bookmarkStep, bookmarkablePosts, mixOf, totalRate } from './options.js';
import { runIndexExperiments, type IndexExperiments } from './pg-indexes.js';
import { bookmarksSection } from './section.js';

export { BookmarksOptions } from './options.js';
type O = BookmarksOptions;

const HOLDS_AT = 0.95 * CLAIMED_BOOKMARKS_PER_S;

/** The PostgreSQL index claims (register ids) the index experiments give verdicts to, in indexClaims() order. */
export const INDEX_CLAIMS: readonly ClaimBase[] = [
  { id: 'pg.full-scan-1m-200ms', source: '002 · SQL Databases / Indexing — The #1 Performance Tool', claim: 'Full table scan of 1M rows ~200 ms' },
  { id: 'pg.index-lookup-1m-0.5ms', source: '002 · SQL Databases / Indexing — The #1 Performance Tool', claim: 'B-tree index lookup in 1M rows ~0.5 ms (400x faster)' },
  { id: 'pg.missing-index-1000x', source: '003 · Indexing Strategies', claim: 'A missing index can make a query 1,000x slower' },
  { id: 'pg.covering-index-2-10x', source: '003 · Indexing Strategies / Index Types', claim: 'Covering indexes eliminate the heap fetch and can be 2-10x faster' },
  { id: 'pg.partial-index-smaller-faster', source: '003 · Indexing Strategies / Partial Index; 002 · PARTIAL INDEX', claim: 'A partial index is smaller and faster for queries on its subset' },
  { id: 'pg.gin-jsonb-containment', source: '003 · Indexing Strategies / GIN; PostgreSQL JSONB', claim: 'A GIN index serves JSONB containment (@>) queries' },
];
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Run `f` with a small pool and bookmarks.pg on the options' schema; always closes the pool. */
async function withBookmarks<T>(o: O, ctx: ScenarioContext, f: (b: PgBookmarks) => Promise<T>): Promise<T> {
  const clients = await openStoreClients(ctx.connections, pgBookmarksPath.stores, { pgPoolSize: 3 });
  try {
    const b = pgBookmarksPath.open(clients, { schema: o.schema });
    await b.setup();
    return await f(b);
  } finally {
    await clients.close();
  }
}

/** Bookmarks the load phase inserts: seedPerPost distinct users for each bookmarkable post (at most users). */
export function seededBookmarks(o: O): number {
  return bookmarkablePosts(o) * Math.min(o.seedPerPost, o.users);
}

const zero = (expression: string, operation: string, metric: string, unit: string, actual: number | null): ThresholdResult => ({ expression, operation, metric, unit, limit: 0, actual, passed: actual === 0 });

/** The bookmarks scenario (docs/scenarios.md). Registered in scenarios/registry.ts. */
export const bookmarks: Scenario<O> = {
  id: 'bookmarks',
  description: 'Bookmarks at ~10/s on PostgreSQL: idempotent add/remove, "my bookmarked posts" (join), counts; then the 002/003 index experiments on 1M rows (seed 000, Bookmarks System).',
  options: BookmarksOptions,
  smokeOptions: { posts: 2000, users: 200, indexRows: 0, schema: 'cbsmoke_bookmarks' },
  operations: bookmarkOperations,
  defaultStages: (o) => [{ durationS: o.durationS, rate: totalRate(o), label: 'steady' }],
  defaultRate: (o) => totalRate(o),
  defaultWarmupS: (o) => Math.min(2, o.durationS / 5),
  defaultThresholds: (o) => [...(o.addShare > 0 ? ['add:p99<50ms'] : []), '*:error_rate<1%'],
  workloadModule: new URL('./workload.js', import.meta.url).href,

  async reset(o, ctx) {
    await withBookmarks(o, ctx, async (b) => {
      await b.reset({ posts: true });
      await clearLedger(b.pool, quoteSchema(o.schema));
    });
  },

  async seed(o, ctx) {
    await withBookmarks(o, ctx, async (b) => {
      const t0 = Date.now();
      const step = bookmarkStep(o);
      const per = Math.min(o.seedPerPost, o.users);
      ctx.log(`seeding ${o.posts} posts and ${seededBookmarks(o)} bookmarks (${per} on each of ${bookmarkablePosts(o)} posts: every ${step}th) in schema ${o.schema}`);
      await b.seedPosts(0, o.posts);
      // Distinct users per post: (p/step * 7919 + j) % users for j < per.
      await b.pool.query(
        `INSERT INTO ${b.s}.bookmarks (user_id, post_id, created_at)
         SELECT ((p / $2) * 7919 + j) % $3, p, TIMESTAMPTZ '2025-06-01' + (p + j) * INTERVAL '1 second'
         FROM generate_series(0, $1::bigint - 1, $2::bigint) p, generate_series(0, $4::int - 1) j ON CONFLICT DO NOTHING`,
        [o.posts, step, o.users, per],
      );
      await b.pool.query(`UPDATE ${b.s}.posts p SET bookmark_count = n.n FROM (SELECT post_id, count(*) AS n FROM ${b.s}.bookmarks GROUP BY post_id) n WHERE n.post_id = p.post_id`);
      await b.pool.query(`VACUUM (ANALYZE) ${b.s}.posts, ${b.s}.bookmarks`);
      ctx.log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });
  },

  async verify(o, ctx, { outcome }) {
    const derived: DerivedFigure[] = [];
    const claims: ClaimResult[] = [];
    const notes: string[] = [];
    const checks: ThresholdResult[] = [];
    const workers = outcome.schedule.workers;
    const op = (name: string): OperationResult | undefined => outcome.operations.find((x) => x.name === name);

    const got = await withBookmarks(o, ctx, async (b) => {
      const audit = await b.audit();
      const ledger = await readLedger(b.pool, quoteSchema(o.schema), workers);
      const plan: ExplainedPlan | null = await b.explainList(0, o.pageSize).catch(() => null);
      let indexes: IndexExperiments | null = null;
      let indexWhy: string | undefined;
      if (o.indexRows > 0) {
        try {
          indexes = await runIndexExperiments(b.pool, { rows: o.indexRows, schema: o.indexSchema, repeats: o.indexRepeats, log: ctx.log });
        } catch (err) {
          indexWhy = `the index experiments failed: ${(err as Error).message}`;
        }
      } else indexWhy = 'indexRows is 0 (the index experiments were skipped)';
      return { audit, ledger, plan, indexes, indexWhy };
    });
    const { audit, ledger, plan, indexes, indexWhy } = got;
    const complete = ledger.threads >= workers;
    const seeded = seededBookmarks(o);
    const t = ledger.tally;
    const expected = seeded + t.created - t.removed;
    const low = expected - (t.failed + t.unsettled);
    const high = expected + t.failed + t.unsettled;
    const off = audit.rows < low ? low - audit.rows : audit.rows > high ? audit.rows - high : 0;
    checks.push(zero('unaccounted bookmark rows == 0', 'add', 'unaccounted_rows', 'rows', complete ? off : null));
    checks.push(zero('acknowledged bookmarks lost == 0', 'add', 'bookmarks_lost', 'bookmarks', complete ? ledger.lost : null));
    checks.push(zero('acknowledged removals undone == 0', 'remove', 'removals_undone', 'bookmarks', complete ? ledger.resurrected : null));
    checks.push(zero('duplicate bookmark rows == 0', 'add', 'duplicate_rows', 'rows', audit.rows - audit.distinctPairs));
    checks.push(zero('bookmark_count mismatches == 0', 'counts', 'count_mismatches', 'posts', audit.countMismatches));
    if (!complete) notes.push(`the ledger was found for ${ledger.threads} of ${workers} threads; the lost/unaccounted checks have no figure`);
    if (ledger.lostExamples.length > 0) notes.push(`acknowledged but missing (user:post): ${ledger.lostExamples.join(', ')}`);

    const add = op('add');
    const addRate = add?.achievedOpsPerSec ?? 0;
    derived.push({ name: 'bookmark adds per second achieved', value: round1(addRate), unit: 'adds/s', note: `${add?.okCount ?? 0} created, ${add?.notFoundCount ?? 0} already bookmarked (measured phase)` });
    derived.push({ name: 'bookmark rows after the run', value: audit.rows, unit: 'rows', note: `${seeded} seeded + ${t.created} created − ${t.removed} removed` });
    derived.push({ name: 'share of posts bookmarked', value: audit.posts > 0 ? round1((audit.bookmarkedPosts / audit.posts) * 1000) / 10 : null, unit: '%', note: 'seed 000: "~1% of posts get bookmarked"' });
    for (const name of ['add', 'remove', 'list', 'counts']) {
      const x = op(name);
      if (x) derived.push({ name: `${name} p99`, value: x.latencyMs.p99, unit: 'ms', note: `from the intended start; ${x.latencyMs.count} measured` });
    }
    if (indexes) for (const m of indexes.measurements) derived.push({ name: `pg index experiment ${m.id}`, value: m.medianMs, unit: 'ms', note: `${m.plan}; ${m.query}` });

    // Claims.
    const target = outcome.rate.targetOpsPerSec === null ? null : outcome.rate.targetOpsPerSec * (mixOf(o).find((m) => m.op === 'add')?.share ?? 0);
    const errs = add ? Object.values(add.errors).reduce((a, v) => a + v, 0) : 0;
    const errRate = add && add.count > 0 ? errs / add.count : null;
    const measured = `${round1(addRate)} adds/s${target !== null ? ` at a ${round1(target)}/s target` : ''} on bookmarks.pg, p99 ${add?.latencyMs.p99 ?? '—'} ms, error rate ${errRate === null ? '—' : `${(errRate * 100).toFixed(2)}%`}`;
    const cb = { id: 'bookmarks.throughput-10', source: '000 · Bookmarks System', claim: 'Bookmarks at ~10/s on PostgreSQL, real-time' };
    if (!add) claims.push({ ...cb, measured: 'this run had no adds (addShare 0)', verdict: 'not-measurable' });
    else if (target !== null && target < HOLDS_AT) claims.push({ ...cb, measured, verdict: 'not-measurable', note: `the run asked for ${round1(target)} adds/s; the default rate gives 10` });
    else if (addRate < HOLDS_AT) claims.push(outcome.harness.bottleneck ? { ...cb, measured, verdict: 'not-measurable', note: 'the client, not PostgreSQL, limited the run' } : { ...cb, measured, verdict: 'refuted' });
    else if (errRate !== null && errRate >= 0.01) claims.push({ ...cb, measured, verdict: 'refuted', note: '1% or more of the adds failed' });
    else claims.push({ ...cb, measured, verdict: 'holds' });
    claims.push(...indexClaims(INDEX_CLAIMS, indexes, indexWhy));

    if (plan) notes.push(`"Show my bookmarked posts" is a join (000 · Bookmarks System, "requires joins"): ${plan.summary}; ${plan.executionMs ?? '—'} ms on the server`);
    if (indexWhy) notes.push(indexWhy);
    notes.push(`${o.posts} posts, ${bookmarkablePosts(o)} bookmarkable (every ${bookmarkStep(o)}th), ${o.users} users; a thread adds/removes only for its own users, so the ledger is exact`);
    const sections = [
      bookmarksSection({
        audit,
        expectedRows: { low, high },
        tally: complete ? t : null,
        ledger: complete ? ledger : null,
        operations: outcome.operations,
        plan,
        indexes,
        ...(indexWhy ? { indexNote: indexWhy } : {}),
      }),
    ];
    return { derived, claims, notes, checks, sections };
  },
};
