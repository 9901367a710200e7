/**
 * Store-specific behaviour of follows.cassandra and follows.redis-cache that the shared follows
 * conformance suite cannot see through the FollowGraph contract (issue 9 "Tests"): follow/unfollow
 * keeps the followers and following tables in step, a large followers partition is walked once
 * with keyset cursors and with the driver's paging state, and the cache expires and refills
 * (short TTL) and also works over follows.cassandra. Real Cassandra, Redis and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import cassandra from 'cassandra-driver';
import { CassandraFollows } from '../../reference-impl/follows/cassandra.js';
import { RedisCachedFollows, redisCacheFollowsPath } from '../../reference-impl/follows/redis-cache.js';
import { PgFollows } from '../../reference-impl/follows/pg.js';
import { escapeGlob, unlinkMatching } from '../../reference-impl/common/redis-keys.js';
import type { StoreClients } from '../../targets/clients.js';
import { prng, TEST_TAG, testClients } from './env.js';

const KS = `${TEST_TAG}_fst`;
const PG_SCHEMA = `${TEST_TAG}_fst`;
const toNum = (v: unknown) => (v instanceof cassandra.types.Long ? v.toNumber() : Number(v));

describe('follows.cassandra and follows.redis-cache on their stores', () => {
  let clients: StoreClients;
  let c: CassandraFollows;

  before(async () => {
    clients = await testClients(['cassandra', 'redis', 'postgres']);
    c = new CassandraFollows(clients.cassandra!, { keyspace: KS });
    await c.setup();
  });

  after(async () => {
    await clients.cassandra!.execute(`DROP KEYSPACE IF EXISTS ${KS}`);
    await clients.postgres!.query(`DROP SCHEMA IF EXISTS "${PG_SCHEMA}" CASCADE`);
    await unlinkMatching(clients.redis as never, `${escapeGlob(`fc:${TEST_TAG}`)}*`);
    await clients.close();
  });

  /** Every (a follows b) pair as each table holds it. */
  async function tables(): Promise<{ followers: Set<string>; following: Set<string> }> {
    const followers = new Set<string>();
    const following = new Set<string>();
    for (const r of (await clients.cassandra!.execute(`SELECT user_id, follower_id FROM ${KS}.followers`)).rows) followers.add(`${toNum(r.get('follower_id'))}>${toNum(r.get('user_id'))}`);
    for (const r of (await clients.cassandra!.execute(`SELECT user_id, following_id FROM ${KS}.following`)).rows) following.add(`${toNum(r.get('user_id'))}>${toNum(r.get('following_id'))}`);
    return { followers, following };
  }

  test('racing follow/unfollow keeps followers and following in step (same pairs in both tables, as acknowledged)', async () => {
    await c.reset();
    const rnd = prng(5);
    const users = [1, 2, 3, 4, 5, 6];
    const ops = Array.from({ length: 600 }, () => {
      const a = users[Math.floor(rnd() * users.length)]!;
      const b = users.filter((x) => x !== a)[Math.floor(rnd() * (users.length - 1))]!;
      return { follow: rnd() < 0.6, a, b };
    });
    // Two path objects: two per-pair queues, so the Paxos CAS alone has to order the racing operations.
    const other = new CassandraFollows(clients.cassandra!, { keyspace: KS });
    const results = await Promise.all(ops.map((op, i) => {
      const g = i % 2 === 0 ? c : other;
      return op.follow ? g.follow(op.a, op.b) : g.unfollow(op.a, op.b);
    }));
    const net = new Map<string, number>();
    ops.forEach((op, i) => {
      if (results[i]) net.set(`${op.a}>${op.b}`, (net.get(`${op.a}>${op.b}`) ?? 0) + (op.follow ? 1 : -1));
    });
    const { followers, following } = await tables();
    assert.deepEqual([...followers].sort(), [...following].sort(), 'both tables hold the same pairs');
    assert.deepEqual([...followers].sort(), [...net].filter(([, n]) => n === 1).map(([k]) => k).sort(), 'and exactly the acknowledged ones');
    for (const [k, n] of net) assert.ok(n === 0 || n === 1, `pair ${k} net ${n}`);
    for (const x of users) {
      const n = [...followers].filter((k) => k.endsWith(`>${x}`)).length;
      const m = [...followers].filter((k) => k.startsWith(`${x}>`)).length;
      assert.deepEqual(await c.counts(x), { followers: n, following: m }, `counts of ${x}`);
    }
  });

  test("a celebrity's 5,000 followers are walked once, in order, by keyset cursors and by paging state", async () => {
    await c.reset();
    const fans = Array.from({ length: 5000 }, (_, i) => 10_000 + i * 3);
    assert.equal(await c.seedFollows(fans, fans.map(() => 1)), 5000);
    assert.equal(await c.seedFollows(fans.slice(0, 10), fans.slice(0, 10).map(() => 1)), 0, 'a reload counts nothing twice');
    const byKeyset: number[] = [];
    let after: number | undefined;
    do {
      const p = await c.followers(1, { limit: 777, after });
      byKeyset.push(...p.ids);
      after = p.next;
    } while (after !== undefined);
    assert.deepEqual(byKeyset, fans);
    const byState: number[] = [];
    let state: string | undefined;
    let pages = 0;
    do {
      const p = await c.followersByPagingState(1, 1000, state);
      byState.push(...p.ids);
      state = p.pageState;
      pages++;
    } while (state !== undefined && pages < 100);
    assert.deepEqual(byState, fans);
    assert.ok(pages >= 5, `paged in ${pages} pages of 1000`);
    assert.deepEqual(await c.counts(1), { followers: 5000, following: 0 });
  });

  test('the cache expires after its TTL and refills from the backing path (follows.pg)', async () => {
    const pgBacking = new PgFollows(clients.postgres!, { schema: PG_SCHEMA });
    const cache = new RedisCachedFollows(clients.redis!, pgBacking, { schema: PG_SCHEMA, setTtlSeconds: 1, countTtlSeconds: 1 });
    await cache.setup();
    await cache.seedUsers({ first: 0, count: 20 });
    await cache.reset();
    await cache.follow(2, 1);
    assert.deepEqual((await cache.followers(1)).ids, [2]);
    assert.deepEqual(await cache.counts(1), { followers: 1, following: 0 });
    const misses = cache.stats.misses;
    assert.deepEqual((await cache.followers(1)).ids, [2], 'hit');
    assert.equal(cache.stats.misses, misses, 'served from Redis');
    const ttl = await clients.redis!.pTTL(cache.key('followers', 1));
    assert.ok(ttl > 0 && ttl <= 1000, `followers set has its TTL, got ${ttl} ms`);
    // A write behind the cache's back (straight to PostgreSQL) is invisible until the TTL ends.
    await pgBacking.follow(3, 1);
    assert.deepEqual((await cache.followers(1)).ids, [2], 'stale within the TTL');
    assert.deepEqual(await cache.counts(1), { followers: 1, following: 0 });
    await new Promise((r) => setTimeout(r, 1300));
    assert.equal(await clients.redis!.exists(cache.key('followers', 1)), 0, 'expired');
    assert.deepEqual((await cache.followers(1)).ids, [2, 3], 'refilled from the backing path');
    assert.deepEqual(await cache.counts(1), { followers: 2, following: 0 });
    assert.equal(await clients.redis!.exists(cache.key('followers', 1)), 1, 'cached again');
    // A write through the cache invalidates at once.
    await cache.unfollow(2, 1);
    assert.deepEqual((await cache.followers(1)).ids, [3]);
    await cache.reset();
  });

  test('the cache over follows.cassandra: SINTER mutuals and counts agree with the backing path', async () => {
    await c.reset();
    const cache = redisCacheFollowsPath.open(clients, { backing: 'cassandra', keyspace: KS, redisPrefix: `fc:${TEST_TAG}_cc:` }) as RedisCachedFollows;
    await cache.setup();
    for (const a of [10, 11, 12, 13]) await cache.follow(a, 1);
    for (const a of [11, 13, 14]) await cache.follow(a, 2);
    assert.deepEqual((await cache.mutuals(1, 2)).ids, [11, 13]);
    assert.deepEqual((await c.mutuals(1, 2)).ids, [11, 13]);
    assert.equal((await clients.redis!.sMembers(cache.key('followers', 1))).length, 4, 'followers:1 filled by SINTER prep');
    assert.deepEqual(await cache.counts(1), await c.counts(1));
    assert.equal(cache.backing.path, 'follows.cassandra');
    await cache.reset();
    assert.equal(await clients.redis!.exists(cache.key('followers', 1)), 0);
  });
});
