/**
 * The follow-queries scenario: its options and graph model (pure), then its phases against a
 * real PostgreSQL (CAPBENCH_POSTGRES_URL, default the project's server on 5432) — reset,
 * seed, a short open-loop run through the engine, verify — in a schema of its own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import type { Footprint } from '../../core/target.js';
import type { LoadOutcome, LoadPlan } from '../../engine/run.js';
import { runLoad } from '../../engine/run.js';
import { followQueries, followsBytes } from '../../scenarios/follow-queries/index.js';
import { GraphModel } from '../../scenarios/follow-queries/graph.js';
import { FollowQueriesOptions, mixOf, totalRate } from '../../scenarios/follow-queries/options.js';
import type { ScenarioContext, VerifyOutput } from '../../scenarios/types.js';
import { connectPostgres } from '../../targets/postgres/client.js';
import { getTarget, resolveConnection } from '../../targets/registry.js';

const SCHEMA = `cbtest_${process.pid}_fq`;

describe('follow-queries options and graph model', () => {
  test('defaults: 10K users x 20 follows, a mix that makes follows 100/s at 250 ops/s', () => {
    const o = FollowQueriesOptions.parse({});
    assert.equal(o.users, 10_000);
    assert.equal(o.followsPerUser, 20);
    assert.equal(o.racePairs, 20);
    assert.equal(o.raceShare, 0.3);
    assert.equal(o.raceBurst, 2);
    assert.equal(o.pageSize, 100);
    assert.equal(totalRate(o), 250);
    assert.deepEqual(
      mixOf(o).map((m) => m.op),
      ['follow', 'unfollow', 'followers', 'mutuals', 'counts'],
      'following is off by default',
    );
    assert.deepEqual(followQueries.defaultStages(o), [{ durationS: 30, rate: 250, label: 'steady' }]);
    assert.deepEqual(followQueries.defaultThresholds(o), ['follow:p99<50ms', '*:error_rate<1%']);
    assert.ok(followQueries.operations(o).every((x) => x.path === 'follows.pg'));
    // Shares are weights; following joins the operations when it gets one; numbers coerce from -o strings.
    const o2 = FollowQueriesOptions.parse({ followShare: '1', unfollowShare: 0, followersShare: 0, mutualsShare: 0, countsShare: 0, followingShare: '1' });
    assert.deepEqual(mixOf(o2), [{ op: 'follow', share: 0.5 }, { op: 'following', share: 0.5 }]);
    assert.equal(totalRate(o2), 200);
    assert.equal(totalRate(FollowQueriesOptions.parse({ rate: 40 })), 40);
    assert.equal(FollowQueriesOptions.safeParse({ nope: 1 }).success, false, 'strict');
    assert.equal(FollowQueriesOptions.safeParse({ followShare: 0, unfollowShare: 0, followersShare: 0, mutualsShare: 0, countsShare: 0 }).success, false, 'empty mix');
    assert.equal(FollowQueriesOptions.safeParse({ schema: 'x; DROP TABLE users' }).success, false);
  });

  test('the graph is deterministic: distinct followees, no self follows, race pairs left out, zipfian popularity', () => {
    const o = { users: 300, followsPerUser: 12, zipfS: 0.99, racePairs: 15 };
    const m = new GraphModel(o);
    const m2 = new GraphModel(o);
    assert.equal(m.races.length, 15);
    assert.deepEqual(m.races, m2.races);
    const raceKeys = new Set(m.races.map((r) => `${r.follower}>${r.followee}`));
    assert.equal(raceKeys.size, 15);
    const followers = new Array<number>(o.users).fill(0);
    let edges = 0;
    for (let u = 0; u < o.users; u++) {
      const fs = m.followeesOf(u);
      assert.deepEqual(fs, m2.followeesOf(u));
      assert.equal(fs.length, m.quota(u));
      assert.equal(new Set(fs).size, fs.length, `user ${u}: distinct followees`);
      for (const e of fs) {
        assert.ok(e !== u && e >= 0 && e < o.users);
        assert.ok(!raceKeys.has(`${u}>${e}`), 'race pairs are not seeded');
        followers[e]!++;
      }
      edges += fs.length;
    }
    assert.equal(edges, m.plannedEdges());
    assert.ok(followers[0]! > 5 * followers[150]!, `user 0 is a celebrity: ${followers[0]} vs ${followers[150]} followers`);
    for (const r of m.races) assert.equal(m.raceOf(r.follower, r.followee), m.races.indexOf(r));
    // A tiny graph where everyone follows everyone else still ends (scan fallback).
    const full = new GraphModel({ users: 5, followsPerUser: 10, zipfS: 2, racePairs: 0 });
    for (let u = 0; u < 5; u++) assert.deepEqual([...full.followeesOf(u)].sort(), [0, 1, 2, 3, 4].filter((x) => x !== u));
    assert.equal(full.plannedEdges(), 20);
  });

  test('followsBytes sums the follows table, its TOAST and its indexes, in the given schema', () => {
    const fp: Footprint = {
      store: 'postgres',
      takenAt: '',
      totalBytes: 0,
      items: [
        { name: 'table s1.follows', kind: 'table', bytes: 1000 },
        { name: 'toast s1.follows', kind: 'toast', bytes: 10 },
        { name: 'index s1.follows_pkey', kind: 'index', bytes: 200, note: 'on s1.follows' },
        { name: 'index s1.users_pkey', kind: 'index', bytes: 7, note: 'on s1.users' },
        { name: 'table follows', kind: 'table', bytes: 5 },
      ],
    };
    assert.equal(followsBytes([fp], 's1'), 1210);
    assert.equal(followsBytes([fp], 'public'), 5);
    assert.equal(followsBytes([fp], 's2'), undefined);
    assert.equal(followsBytes([], 's1'), undefined);
  });
});

describe('follow-queries on PostgreSQL', () => {
  const conn = resolveConnection('postgres');
  const ctx: ScenarioContext = { connections: { postgres: conn }, log: () => undefined };
  const logs: string[] = [];
  // Few users and two hot race pairs taking half of the follows/unfollows; race-pair follows
  // are double submits (raceBurst 2, the default), so duplicates of one pair really overlap.
  const o = FollowQueriesOptions.parse({ schema: SCHEMA, users: 500, followsPerUser: 10, racePairs: 2, raceShare: 0.5, pgPoolSize: 8 });
  const ops = followQueries.operations(o);
  const plan = (stages: LoadPlan['stages'], workers: number): LoadPlan => ({
    loop: 'open',
    stages,
    arrival: 'constant',
    warmupS: 0.5,
    workers,
    maxInFlight: 500,
    graceS: 2,
    opTimeoutS: 10,
    seed: 7,
  });
  const footprint = () => getTarget('postgres').footprint(conn);
  const run = (stages: LoadPlan['stages'], workers = 1) =>
    runLoad(
      { moduleUrl: followQueries.workloadModule, args: { options: o, connections: ctx.connections, stages, seed: 7 } },
      plan(stages, workers),
      { expect: ops },
    );

  let pool: pg.Pool;
  let baseline: Footprint[];
  let seeded: Footprint[];
  let outcome: LoadOutcome;
  let v: VerifyOutput;

  before(async () => {
    pool = await connectPostgres(conn, { max: 2 });
    await followQueries.reset(o, { ...ctx, log: (l) => logs.push(l) });
    baseline = [await footprint()];
    await followQueries.seed(o, { ...ctx, log: (l) => logs.push(l) });
    seeded = [await footprint()];
  });

  after(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
    await pool.end();
  });

  test('seed writes the planned graph with counters, and logs its progress', async () => {
    const planned = new GraphModel(o).plannedEdges();
    assert.equal(planned, 5000);
    const r = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${SCHEMA}".follows`);
    assert.equal(Number(r.rows[0]!.n), planned);
    assert.ok(logs.some((l) => /seeded 500 users and 5000 follow edges/.test(l)), logs.join('\n'));
  });

  test('3 s at 200 ops/s: every operation runs, duplicate follows race, and verify passes', async () => {
    outcome = await run([{ durationS: 3, rate: 200 }]);
    v = await followQueries.verify(o, ctx, { outcome, footprint: { baseline, before: seeded, after: [await footprint()] } });

    assert.deepEqual(
      outcome.operations.map((x) => x.name),
      ['follow', 'unfollow', 'followers', 'mutuals', 'counts'],
    );
    for (const x of outcome.operations) {
      assert.equal(x.path, 'follows.pg');
      assert.ok(x.count > 0, `${x.name} ran`);
      const errs = Object.entries(x.errors).filter(([k]) => k !== 'not_found');
      assert.deepEqual(errs, [], `${x.name} had no errors`);
    }
    const follow = outcome.operations.find((x) => x.name === 'follow')!;
    const unfollow = outcome.operations.find((x) => x.name === 'unfollow')!;
    // The mix is a low-discrepancy sequence: each operation's share is exact to a couple of operations.
    const total = outcome.operations.reduce((a, x) => a + x.count + x.warmupCount, 0);
    for (const m of mixOf(o)) {
      const x = outcome.operations.find((y) => y.name === m.op)!;
      assert.ok(Math.abs(x.count + x.warmupCount - m.share * total) <= 3, `${m.op}: ${x.count + x.warmupCount} of ${total}, share ${m.share}`);
    }
    // follow resolves not_found for "already following": the hot pair makes that common.
    assert.ok((follow.notFoundCount ?? 0) > 10, `duplicate follows: ${follow.notFoundCount}`);
    assert.ok(follow.okCount > 0 && unfollow.okCount > 0, 'some follows created and some unfollows removed a row');

    for (const c of v.checks) assert.ok(c.passed, `${c.expression}: ${c.actual}`);
    assert.deepEqual(
      v.checks.map((c) => c.expression),
      ['duplicate follow rows == 0', 'self follows == 0', 'followers_count mismatches == 0', 'following_count mismatches == 0', 'unaccounted follow edges == 0', 'race pairs unaccounted == 0'],
    );
    const fig = (name: string) => v.derived.find((d) => d.name === name);
    const dups = fig('duplicate follows rejected')!.value!;
    assert.ok(dups >= (follow.notFoundCount ?? 0), 'the tally includes warmup');
    // About half of the ~240 follows go to a race pair, each as 2 simultaneous requests: the second of each burst overlaps the first.
    const concurrent = fig('concurrent duplicate follows')!;
    assert.ok(concurrent.value! >= 80, `follows of the same pair overlapped: ${JSON.stringify(concurrent)}`);
    assert.match(concurrent.note!, /(\d+) of them resolved "already following"/);
    assert.ok(Number(/(\d+) of them resolved/.exec(concurrent.note!)![1]) >= 80, concurrent.note);
    const requests = fig('follow requests per second')!.value!;
    assert.ok(requests > fig('follows per second achieved')!.value! * 1.3, `double submits add requests: ${requests}/s`);
    const perEdge = fig('bytes per follow edge')!.value!;
    assert.ok(perEdge > 40 && perEdge < 400, `bytes per follow edge ${perEdge}`);
    assert.ok(Math.abs(fig('follows per second achieved')!.value! - 80) < 15, JSON.stringify(fig('follows per second achieved')));
    assert.ok(fig('followers p99') && fig('mutuals p99'));

    const throughput = v.claims.find((c) => c.id === 'follows.throughput-100')!;
    assert.equal(throughput.verdict, 'not-measurable', 'the run asked for ~80 follows/s, not ~100');
    const dupClaim = v.claims.find((c) => c.id === 'follows.no-duplicates')!;
    assert.equal(dupClaim.verdict, 'holds', dupClaim.measured);
    assert.ok(v.notes.some((n) => /EXPLAIN ANALYZE of mutuals\(0, 1\).*(Join|Nested Loop)/.test(n)), v.notes.join('\n'));

    // The report section: the audit table agrees with the checks, one latency row per query kind, the tally's outcomes.
    const section = v.sections!.find((x) => x.id === 'follow-queries')!;
    const auditRows = section.tables[0]!.rows;
    assert.equal(auditRows[0]![1], v.derived.find((d) => d.name === 'follow edges after the run')!.value);
    assert.deepEqual(auditRows.slice(1).map((r) => r[1]), [0, 0, 0, 0, 0]);
    const kinds = section.tables[1]!.rows.map((r) => r[0]);
    for (const k of ['followers', 'mutuals', 'follow']) assert.ok(kinds.includes(k), `latency row for ${k}: ${kinds.join(', ')}`);
    assert.match(section.tables[1]!.note ?? '', /EXPLAIN ANALYZE of mutuals/);
    const outcomes = section.tables[2]!;
    assert.ok((outcomes.rows[0]![1] as number) > 0 && (outcomes.rows[1]![1] as number) > 0, 'follows created and duplicates seen');
    assert.equal(section.charts[0]!.categories!.length, section.charts[0]!.series[0]!.points.length);
  });

  test('verify catches counters and rows that drifted apart', async () => {
    // A counter bumped without a row, and an edge written behind the path's back (no counters).
    await pool.query(`UPDATE "${SCHEMA}".user_stats SET followers_count = followers_count + 1 WHERE user_id = 5`);
    const free = await pool.query<{ b: string }>(
      `SELECT g AS b FROM generate_series(8, 499) g
        WHERE NOT EXISTS (SELECT 1 FROM "${SCHEMA}".follows WHERE follower_id = 7 AND followee_id = g) LIMIT 1`,
    );
    const b = Number(free.rows[0]!.b);
    await pool.query(`INSERT INTO "${SCHEMA}".follows (follower_id, followee_id) VALUES (7, $1)`, [b]);
    const bad = await followQueries.verify(o, ctx, { outcome, footprint: { baseline, before: seeded, after: [] } });
    const actual = (e: string) => bad.checks.find((c) => c.expression === e)!.actual;
    assert.equal(actual('duplicate follow rows == 0'), 0);
    assert.equal(actual('followers_count mismatches == 0'), 2, `users 5 and ${b}`);
    assert.equal(actual('following_count mismatches == 0'), 1, 'user 7');
    assert.equal(actual('unaccounted follow edges == 0'), 1);
    assert.ok(bad.checks.filter((c) => !c.passed).length === 3);
    assert.equal(bad.claims.find((c) => c.id === 'follows.no-duplicates')!.verdict, 'refuted');
    assert.ok(bad.notes.some((n) => /counters differ from their rows: 5, 7/.test(n)), bad.notes.join('\n'));
    const badAudit = bad.sections![0]!.tables[0]!.rows;
    assert.deepEqual([badAudit[3]![1], badAudit[4]![1]], [2, 1], 'the section shows the mismatches the checks found');
  });

  test('two worker threads (after a new reset and seed): both tallies are read, and the checks pass', { timeout: 120_000 }, async () => {
    await followQueries.reset(o, ctx);
    await followQueries.seed(o, ctx);
    const out = await run([{ durationS: 1.5, rate: 200 }], 2);
    const v2 = await followQueries.verify(o, ctx, { outcome: out, footprint: { baseline, before: seeded, after: [] } });
    assert.equal(out.schedule.workers, 2);
    for (const c of v2.checks) assert.ok(c.passed, `${c.expression}: ${c.actual}`);
    assert.ok(!v2.notes.some((n) => /tally was found for/.test(n)), v2.notes.join('\n'));
    assert.ok(v2.derived.some((d) => d.name === 'duplicate follows rejected' && d.value! > 0));
    const r = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${SCHEMA}".follow_queries_tally`);
    assert.equal(Number(r.rows[0]!.n), 2, 'one tally row per thread');
  });
});
