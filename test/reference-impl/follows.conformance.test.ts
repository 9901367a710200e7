/**
 * The follows family's conformance suite: every path registered with family "follows"
 * (reference-impl/registry.ts) runs the same cases against its real store, through the
 * FollowGraph contract only: duplicate races, follow/unfollow races, counters vs rows,
 * mutuals vs brute force, pagination, argument errors, reset scope, driver error codes.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { InvalidArgumentError } from '../../core/errors.js';
import type { FollowGraph, FollowGraphOptions, UserPage } from '../../reference-impl/follows/types.js';
import { pathsOf } from '../../reference-impl/registry.js';
import type { StoreClients } from '../../targets/clients.js';
import type { RedisDriverName } from '../../core/target.js';
import { escapeGlob, unlinkMatching } from '../../reference-impl/common/redis-keys.js';
import { errorKind } from '../../engine/types.js';
import { driversFor, driverTag, prng, refusedWriteKind, shuffle, TEST_TAG, testClients } from './env.js';

const USERS = 500;
const OWN: FollowGraphOptions = { schema: `${TEST_TAG}_fc` };
const NEIGHBOUR: FollowGraphOptions = { schema: `${TEST_TAG}_fcn` };
/** Cassandra only: a keyspace whose replication the one local node cannot meet. */
const REFUSING: FollowGraphOptions = { schema: `${TEST_TAG}_fcr` };

/**
 * The error kind of a follow the store refuses. PostgreSQL and Redis: read-only sessions
 * (env.ts refusedWriteKind). Cassandra has no read-only session without authentication, so the
 * server is made to refuse differently: a keyspace with replication_factor 3 on one node, where
 * the follow's Paxos round cannot reach a quorum (NoHostAvailableError wrapping each host's Unavailable).
 */
async function refusedFollowKind(path: { stores: readonly string[]; open(c: StoreClients, o?: FollowGraphOptions): FollowGraph }, clients: StoreClients, driver?: RedisDriverName): Promise<string | undefined> {
  if (!path.stores.includes('cassandra')) return refusedWriteKind(path.stores as never, (c) => path.open(c, OWN).follow(1, 2), driver);
  const g = path.open(clients, REFUSING);
  await g.setup();
  await clients.cassandra!.execute(`ALTER KEYSPACE ${REFUSING.schema} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}`);
  return g.follow(1, 2).then(
    () => undefined,
    (e: unknown) => {
      // The driver tries every host, then reports NoHostAvailableError with each host's error: here Unavailable (0x1000).
      const inner = Object.values((e as { innerErrors?: Record<string, { code?: number }> }).innerErrors ?? {});
      assert.ok(inner.length > 0 && inner.every((x) => x.code === 0x1000), `expected Unavailable from every host, got ${String(e)}`);
      return errorKind(e);
    },
  );
}

/** Collect every page of a paginated query, checking order and page sizes. */
async function allPages(get: (after: number | undefined) => Promise<UserPage>, limit: number): Promise<number[]> {
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

/** Edges "a>b" of the given followers, read back through following() pages. */
async function edgesOf(f: FollowGraph, users: readonly number[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const a of users) for (const b of await allPages((after) => f.following(a, { limit: 1000, after }), 1000)) out.add(`${a}>${b}`);
  return out;
}

/** Each user's counters equal the rows its pages return. */
async function assertCountsMatchRows(f: FollowGraph, users: readonly number[]): Promise<void> {
  for (const u of users) {
    const followers = await allPages((after) => f.followers(u, { limit: 1000, after }), 1000);
    const following = await allPages((after) => f.following(u, { limit: 1000, after }), 1000);
    assert.deepEqual(await f.counts(u), { followers: followers.length, following: following.length }, `counts of user ${u}`);
  }
}

for (const path of pathsOf('follows')) for (const driver of driversFor(path.stores)) {
  describe(`follows conformance: ${path.id}${driverTag(driver)}`, () => {
    let clients: StoreClients;
    let f: FollowGraph;

    before(async () => {
      clients = await testClients(path.stores, undefined, driver);
      f = path.open(clients, OWN);
      // Concurrent setup calls must neither fail nor duplicate anything.
      await Promise.all([f.setup(), f.setup(), path.open(clients, OWN).setup()]);
      await f.setup();
      await f.seedUsers({ first: 0, count: USERS });
    });

    after(async () => {
      if (clients.postgres) for (const o of [OWN, NEIGHBOUR]) await clients.postgres.query(`DROP SCHEMA IF EXISTS "${o.schema}" CASCADE`);
      // Cassandra paths read `schema` as their keyspace; the cache path keys its Redis data by it.
      if (clients.cassandra) for (const o of [OWN, NEIGHBOUR, REFUSING]) await clients.cassandra.execute(`DROP KEYSPACE IF EXISTS ${o.schema}`);
      if (clients.redis) for (const o of [OWN, NEIGHBOUR]) await unlinkMatching(clients.redis as never, `${escapeGlob(`fc:${o.schema}:`)}*`);
      await clients.close();
    });

    beforeEach(() => f.reset());

    test('200 concurrent duplicate follows of one pair: one winner, one edge, counts 1', async () => {
      const results = await Promise.all(Array.from({ length: 200 }, () => f.follow(1, 2)));
      assert.equal(results.filter(Boolean).length, 1);
      assert.deepEqual([...(await edgesOf(f, [1, 2]))], ['1>2']);
      assert.deepEqual(await f.counts(2), { followers: 1, following: 0 });
      assert.deepEqual(await f.counts(1), { followers: 0, following: 1 });
      assert.equal(await f.isFollowing(1, 2), true);
      assert.equal(await f.isFollowing(2, 1), false);
    });

    test('200 concurrent unfollows of one follow: one removes it, counts back to 0', async () => {
      assert.equal(await f.follow(3, 4), true);
      const results = await Promise.all(Array.from({ length: 200 }, () => f.unfollow(3, 4)));
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal((await edgesOf(f, [3, 4])).size, 0);
      assert.deepEqual(await f.counts(4), { followers: 0, following: 0 });
      assert.deepEqual(await f.counts(3), { followers: 0, following: 0 });
    });

    test('stored = acknowledged: racing follow/unfollow in both directions, no errors, no deadlocks, counts equal rows', async () => {
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
      // Per pair: acknowledged follows minus acknowledged unfollows is 1 exactly when the edge is stored.
      const net = new Map<string, number>();
      ops.forEach((op, i) => {
        if (!results[i]) return;
        const k = `${op.a}>${op.b}`;
        net.set(k, (net.get(k) ?? 0) + (op.kind === 'follow' ? 1 : -1));
      });
      const rows = await edgesOf(f, users);
      for (const [k, n] of net) assert.equal(n, rows.has(k) ? 1 : 0, `pair ${k}`);
      for (const k of rows) assert.equal(net.get(k), 1, `row ${k}`);
      await assertCountsMatchRows(f, users);
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
      const all = Array.from({ length: n }, (_, i) => i);
      await assertCountsMatchRows(f, all);
      const followersOf = new Map<number, Set<number>>();
      for (const e of await edgesOf(f, all)) {
        const [a, b] = e.split('>').map(Number) as [number, number];
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
    });

    test('bad arguments are InvalidArgumentErrors naming the path, and touch nothing', async () => {
      const bad = (e: unknown) => e instanceof InvalidArgumentError && e.path === path.id;
      await assert.rejects(async () => f.followers(1, { limit: 0 }), bad);
      await assert.rejects(async () => f.followers(1, { limit: 10_001 }), bad);
      await assert.rejects(async () => f.follow(9, 9), bad);
      await assert.rejects(async () => f.follow(1.5, 2), bad);
      assert.deepEqual(await f.counts(9), { followers: 0, following: 0 });
      assert.equal((await edgesOf(f, [1, 9])).size, 0);
    });

    test('reset() empties the graph and zeroes counters, and touches only the path\'s own data', async () => {
      const neighbour = path.open(clients, NEIGHBOUR);
      await neighbour.setup();
      await neighbour.seedUsers({ first: 0, count: 30 });
      await neighbour.follow(20, 21);
      await f.follow(20, 21);
      await f.follow(21, 20);
      await f.reset();
      assert.equal((await edgesOf(f, [20, 21])).size, 0);
      assert.deepEqual(await f.counts(20), { followers: 0, following: 0 });
      assert.equal(await neighbour.isFollowing(20, 21), true, "a neighbour's follows survive");
      assert.deepEqual(await neighbour.counts(21), { followers: 1, following: 0 });
      await neighbour.reset({ users: true });
    });

    test("driver errors reach the caller with the store's own code, for the engine to count by kind", async () => {
      // A write the server itself refuses (PostgreSQL 25006, Redis NOPERM, Cassandra NoHostAvailableError wrapping Unavailable): the path must not wrap or swallow it.
      const kind = await refusedFollowKind(path, clients, driver);
      assert.match(String(kind), /^(25006|NOPERM|NoHostAvailableError)$/, `a follow the store refuses rejects with the driver's code, got ${kind}`);
    });
  });
}
