/**
 * reference-impl/follows (follows.pg) against a real PostgreSQL (no mocks): duplicate
 * races, follow/unfollow races, counters vs rows, mutuals vs brute force, pagination,
 * audit() and explainMutuals().
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type pg from 'pg';
import { UsageError } from '../../core/errors.js';
import { PgFollows } from '../../reference-impl/follows/index.js';
import { pgPool, prng, shuffle, TEST_TAG } from './env.js';

const SCHEMA = `${TEST_TAG}_follows`;
const USERS = 500;

let pool: pg.Pool;
let f: PgFollows;

before(async () => {
  pool = pgPool(20);
  f = new PgFollows(pool, { schema: SCHEMA });
  // Concurrent setup calls must neither fail nor duplicate anything.
  await Promise.all([f.setup(), f.setup(), new PgFollows(pool, { schema: SCHEMA }).setup()]);
  await f.setup();
  await f.seedUsers({ first: 0, count: USERS });
});

after(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await pool.end();
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

/** Collect every page of a paginated query, checking order and page sizes. */
async function allPages(get: (after: number | undefined) => Promise<{ ids: number[]; next: number | undefined }>, limit: number): Promise<number[]> {
  const out: number[] = [];
  let after: number | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = await get(after);
    assert.ok(page.ids.length <= limit);
    out.push(...page.ids);
    if (page.next === undefined) return out;
    assert.equal(page.ids.length, limit, 'only the last page may be short');
    assert.equal(page.next, page.ids[page.ids.length - 1]);
    after = page.next;
  }
  throw new Error('pagination did not end');
}

describe('follows.pg', () => {
  test('200 concurrent duplicate follows of one pair: one row, one winner, counts 1', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, () => f.follow(1, 2)));
    assert.equal(results.filter(Boolean).length, 1);
    assert.deepEqual(await edges(), [[1, 2]]);
    assert.deepEqual(await f.counts(2), { followers: 1, following: 0 });
    assert.deepEqual(await f.counts(1), { followers: 0, following: 1 });
    assert.equal(await f.isFollowing(1, 2), true);
    assert.equal(await f.isFollowing(2, 1), false);
    await assertCountsMatchRows();
  });

  test('200 concurrent unfollows of one follow: one removes it, counts back to 0', async () => {
    assert.equal(await f.follow(3, 4), true);
    const results = await Promise.all(Array.from({ length: 200 }, () => f.unfollow(3, 4)));
    assert.equal(results.filter(Boolean).length, 1);
    assert.deepEqual(await edges(), []);
    assert.deepEqual(await f.counts(4), { followers: 0, following: 0 });
    assert.deepEqual(await f.counts(3), { followers: 0, following: 0 });
  });

  test('racing follow/unfollow in both directions: no errors, no deadlocks, counts equal rows', async () => {
    const rnd = prng(7);
    const users = [10, 11, 12, 13, 14, 15, 16, 17];
    const ops: Array<{ kind: 'follow' | 'unfollow'; a: number; b: number }> = [];
    for (let i = 0; i < 3000; i++) {
      const a = users[Math.floor(rnd() * users.length)] as number;
      let b = users[Math.floor(rnd() * users.length)] as number;
      if (b === a) b = a === 17 ? 10 : a + 1;
      ops.push({ kind: rnd() < 0.55 ? 'follow' : 'unfollow', a, b });
    }
    // allSettled: a failure (e.g. a deadlock) must not leave operations running into the next test.
    const settled = await Promise.allSettled(ops.map((op) => (op.kind === 'follow' ? f.follow(op.a, op.b) : f.unfollow(op.a, op.b))));
    const failed = settled.filter((x) => x.status === 'rejected');
    assert.equal(failed.length, 0, `first failure: ${String((failed[0] as PromiseRejectedResult | undefined)?.reason)}`);
    const results = settled.map((x) => x.status === 'fulfilled' && x.value);
    // Per pair: successful follows minus successful unfollows is 1 exactly when the row exists.
    const net = new Map<string, number>();
    ops.forEach((op, i) => {
      if (!results[i]) return;
      const k = `${op.a}>${op.b}`;
      net.set(k, (net.get(k) ?? 0) + (op.kind === 'follow' ? 1 : -1));
    });
    const rows = new Set((await edges()).map(([a, b]) => `${a}>${b}`));
    for (const [k, n] of net) assert.equal(n, rows.has(k) ? 1 : 0, `pair ${k}`);
    for (const k of rows) assert.equal(net.get(k), 1, `row ${k}`);
    await assertCountsMatchRows();
  });

  test('mutuals(a, b) equals the brute-force set of users following both', async () => {
    const rnd = prng(42);
    const n = 80;
    const fs: number[] = [];
    const es: number[] = [];
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b && rnd() < 0.3) (fs.push(a), es.push(b));
    // Duplicates and a self-follow in the load must be skipped, not fail the batch.
    fs.push(fs[0] as number, 5);
    es.push(es[0] as number, 5);
    assert.equal(await f.seedFollows(fs, es), fs.length - 2);
    await assertCountsMatchRows();
    const followersOf = new Map<number, Set<number>>();
    for (const [a, b] of await edges()) {
      let s = followersOf.get(b);
      if (s === undefined) followersOf.set(b, (s = new Set()));
      s.add(a);
    }
    for (let i = 0; i < 40; i++) {
      const a = Math.floor(rnd() * n);
      const b = i === 0 ? a : Math.floor(rnd() * n);
      const fa = followersOf.get(a) ?? new Set<number>();
      const fb = followersOf.get(b) ?? new Set<number>();
      const expected = [...fa].filter((x) => fb.has(x)).sort((x, y) => x - y);
      const got = await allPages((after) => f.mutuals(a, b, { limit: 7, after }), 7);
      assert.deepEqual(got, expected, `mutuals(${a}, ${b})`);
      assert.deepEqual((await f.mutuals(b, a, { limit: 10_000 })).ids, expected, 'symmetric');
    }
    assert.deepEqual((await f.mutuals(USERS + 1, 0)).ids, [], 'unknown user has no mutuals');
  });

  test('followers/following pagination returns each row once, ascending', async () => {
    const rnd = prng(3);
    const celeb = 250;
    const fans = shuffle(Array.from({ length: USERS }, (_, i) => i).filter((x) => x !== celeb), rnd).slice(0, 257);
    await f.seedFollows(fans, fans.map(() => celeb));
    await f.seedFollows(fans.map(() => celeb), fans); // celeb follows them back
    for (const limit of [1, 10, 256, 257, 1000]) {
      const followers = await allPages((after) => f.followers(celeb, { limit, after }), limit);
      assert.deepEqual(followers, [...fans].sort((x, y) => x - y), `followers, limit ${limit}`);
      const following = await allPages((after) => f.following(celeb, { limit, after }), limit);
      assert.deepEqual(following, [...fans].sort((x, y) => x - y), `following, limit ${limit}`);
    }
    assert.deepEqual(await f.counts(celeb), { followers: 257, following: 257 });
    assert.deepEqual(await f.followers(USERS + 7), { ids: [], next: undefined });
    await assert.rejects(f.followers(celeb, { limit: 0 }), RangeError);
    await assert.rejects(f.followers(celeb, { limit: 10_001 }), RangeError);
  });

  test('self-follows and unknown users are rejected without touching counters', async () => {
    assert.throws(() => f.follow(9, 9), RangeError);
    assert.throws(() => f.follow(1.5, 2), RangeError);
    await assert.rejects(f.follow(9, USERS + 100), (err: unknown) => (err as { code?: string }).code === '23503');
    assert.deepEqual(await f.counts(9), { followers: 0, following: 0 });
    assert.deepEqual(await edges(), []);
    assert.throws(() => new PgFollows(pool, { schema: 'x; DROP TABLE users' }), UsageError);
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
    await assert.rejects(f.explainMutuals(0, 1, 0), RangeError);
  });
});
