/**
 * What is particular to follows.pg, against a real PostgreSQL (no mocks): foreign keys to
 * users, counters vs rows in SQL, audit() and explainMutuals(), schema-name checks. The cases
 * every follows path shares are the family's conformance suite (follows.conformance.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type pg from 'pg';
import { InvalidArgumentError } from '../../core/errors.js';
import { PgFollows } from '../../reference-impl/follows/index.js';
import type { StoreClients } from '../../targets/clients.js';
import { prng, TEST_TAG, testClients } from './env.js';

const SCHEMA = `${TEST_TAG}_follows`;
const USERS = 500;

let clients: StoreClients;
let pool: pg.Pool;
let f: PgFollows;

before(async () => {
  clients = await testClients(['postgres']);
  pool = clients.postgres!;
  f = new PgFollows(pool, { schema: SCHEMA });
  // Concurrent setup calls must neither fail nor duplicate anything.
  await Promise.all([f.setup(), f.setup(), new PgFollows(pool, { schema: SCHEMA }).setup()]);
  await f.setup();
  await f.seedUsers({ first: 0, count: USERS });
});

after(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await clients.close();
});

beforeEach(() => f.reset());

/** Rows in follows, straight from the table. */
async function edges(): Promise<Array<[number, number]>> {
  const r = await pool.query<{ a: string; b: string }>(`SELECT follower_id AS a, followee_id AS b FROM "${SCHEMA}".follows`);
  return r.rows.map((x) => [Number(x.a), Number(x.b)]);
}

/** Assert that every user's user_stats counters equal their rows in follows. */
async function assertCountsMatchRows(): Promise<void> {
  const r = await pool.query<{ user_id: string; followers_count: number; following_count: number; fwers: number; fwing: number }>(
    `SELECT s.user_id, s.followers_count, s.following_count,
            (SELECT count(*)::int FROM "${SCHEMA}".follows x WHERE x.followee_id = s.user_id) AS fwers,
            (SELECT count(*)::int FROM "${SCHEMA}".follows x WHERE x.follower_id = s.user_id) AS fwing
     FROM "${SCHEMA}".user_stats s`,
  );
  assert.equal(r.rows.length, USERS);
  for (const row of r.rows) {
    assert.equal(row.followers_count, row.fwers, `followers_count of user ${row.user_id}`);
    assert.equal(row.following_count, row.fwing, `following_count of user ${row.user_id}`);
  }
}

describe('follows.pg', () => {
  test('follow and unfollow keep user_stats equal to the rows, checked in SQL', async () => {
    const rnd = prng(5);
    for (let i = 0; i < 300; i++) {
      const a = Math.floor(rnd() * 40);
      const b = (a + 1 + Math.floor(rnd() * 39)) % 40;
      await (rnd() < 0.7 ? f.follow(a, b) : f.unfollow(a, b));
    }
    await assertCountsMatchRows();
  });

  test('unknown users are rejected by the foreign key (23503) without touching counters', async () => {
    await assert.rejects(f.follow(9, USERS + 100), (err: unknown) => (err as { code?: string }).code === '23503');
    assert.deepEqual(await f.counts(9), { followers: 0, following: 0 });
    assert.deepEqual(await edges(), []);
    assert.throws(() => new PgFollows(pool, { schema: 'x; DROP TABLE users' }), InvalidArgumentError);
  });

  test('reset() empties the graph and zeroes counters; users stay', async () => {
    await f.follow(20, 21);
    await f.follow(21, 20);
    await f.reset();
    assert.deepEqual(await edges(), []);
    assert.deepEqual(await f.counts(20), { followers: 0, following: 0 });
    const r = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${SCHEMA}".users`);
    assert.equal((r.rows[0] as { n: number }).n, USERS);
  });

  test('audit() is all zeros on a consistent graph and finds counters that drifted from the rows', async () => {
    const rnd = prng(11);
    const fs: number[] = [];
    const es: number[] = [];
    for (let i = 0; i < 400; i++) {
      const a = Math.floor(rnd() * 60);
      const b = Math.floor(rnd() * 60);
      if (a !== b) (fs.push(a), es.push(b));
    }
    const n = await f.seedFollows(fs, es);
    await f.follow(70, 71);
    await f.unfollow(fs[0] as number, es[0] as number);
    const clean = await f.audit();
    assert.deepEqual(clean, {
      edges: n,
      distinctPairs: n,
      selfFollows: 0,
      followersMismatches: 0,
      followingMismatches: 0,
      missingStats: 0,
      mismatchExamples: [],
    });
    // Drift the way a buggy path would: a counter bumped without a row, a row added without counters.
    await pool.query(`UPDATE "${SCHEMA}".user_stats SET followers_count = followers_count + 1 WHERE user_id = 90`);
    await pool.query(`INSERT INTO "${SCHEMA}".follows (follower_id, followee_id) VALUES (91, 92)`);
    const bad = await f.audit();
    assert.equal(bad.edges, n + 1);
    assert.equal(bad.distinctPairs, n + 1);
    assert.equal(bad.followersMismatches, 2, 'user 90 (counter without rows) and user 92 (row without counter)');
    assert.equal(bad.followingMismatches, 1, 'user 91');
    assert.equal(bad.missingStats, 0);
    assert.deepEqual(bad.mismatchExamples, [90, 91, 92]);
  });

  test('explainMutuals() reports the join and the indexes the mutuals query uses', async () => {
    const fans = Array.from({ length: 300 }, (_, i) => i + 2).filter((x) => x < USERS);
    await f.seedFollows([...fans, ...fans], [...fans.map(() => 0), ...fans.map(() => 1)]);
    await pool.query(`ANALYZE "${SCHEMA}".follows`);
    const plan = await f.explainMutuals(0, 1, 50);
    assert.ok(plan.joins.length >= 1, `a join node in ${plan.summary}`);
    assert.ok(plan.indexes.includes('follows_followee_follower_idx') || plan.indexes.includes('follows_pkey'), plan.summary);
    assert.ok(plan.nodeTypes[0] === 'Limit', plan.summary);
    assert.ok(plan.executionMs !== null && plan.executionMs >= 0);
    assert.equal(plan.summary.split(' > ')[0], 'Limit');
    await assert.rejects(f.explainMutuals(0, 1, 0), InvalidArgumentError);
  });
});
