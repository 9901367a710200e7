/**
 * The caches family's conformance suite: every path registered with family "caches" runs the
 * same cases on real PostgreSQL and Redis through the CacheLayer contract: a miss loads and
 * fills with the seed's TTLs, a hit does not touch the database, a write is durable and a second
 * instance (another app server) reads the new version within its bound (immediately for the
 * Redis-only paths, the pub/sub delivery for caches.pubsub-l1), feed pages expire by TTL only,
 * a missing row is not cached, argument errors, reset scope.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError } from '../../core/errors.js';
import type { CacheLayer, CacheOptions } from '../../reference-impl/caches/types.js';
import { pathsOf } from '../../reference-impl/registry.js';
import type { StoreClients } from '../../targets/clients.js';
import { driversFor, driverTag, TEST_TAG, testClients } from './env.js';

const SCHEMA = `${TEST_TAG}_cc`;
const OWN: CacheOptions = { schema: SCHEMA, redisPrefix: `${TEST_TAG}:cc:` };

for (const path of pathsOf('caches')) for (const driver of driversFor(path.stores)) {
  describe(`caches conformance: ${path.id}${driverTag(driver)}`, () => {
    let clients: StoreClients;
    let a: CacheLayer;
    let b: CacheLayer;

    before(async () => {
      clients = await testClients(path.stores, undefined, driver);
      a = path.open(clients, OWN);
      b = path.open(clients, OWN);
      await Promise.all([a.setup(), b.setup()]);
    });

    after(async () => {
      await a.reset().catch(() => undefined);
      await Promise.allSettled([a.close(), b.close()]);
      await clients.postgres?.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
      await clients.close();
    });

    beforeEach(() => a.seed({ users: 50, posts: 500, followsPerUser: 3 }));

    test('a miss loads from PostgreSQL and fills post:/user:/feed: with the seed TTLs; the next read is a hit', async () => {
      const s0 = a.stats();
      const post = await a.getPost(7);
      assert.equal(post?.postId, 7);
      assert.equal(post?.authorId, 7);
      assert.equal(post?.version, 1);
      assert.deepEqual(await a.getPost(7), post);
      const user = await a.getUser(3);
      assert.equal(user?.bio, 'bio of user 3');
      const s1 = a.stats();
      assert.equal(s1.misses - s0.misses, 2);
      assert.equal(s1.hits - s0.hits, 1);
      const redis = clients.redis!;
      const ttl = async (k: string) => redis.ttl(`${OWN.redisPrefix}${k}`);
      assert.ok((await ttl('post:7')) > 3500 && (await ttl('post:7')) <= 3600);
      assert.ok((await ttl('user:3')) > 1700 && (await ttl('user:3')) <= 1800);
      const feed = await a.feed(0, 0);
      assert.equal(feed.length, 20);
      assert.ok(feed.every((id) => [1, 2, 3].includes(id % 50)), 'user 0 follows users 1..3: the feed holds their posts only');
      assert.ok((await ttl('feed:0:0')) > 200 && (await ttl('feed:0:0')) <= 300);
      assert.deepEqual(await b.feed(0, 0), feed, 'another instance reads the cached page');
    });

    test('an update is durable, and another instance reads the new version within the path\'s bound', async () => {
      await b.getPost(11); // b has it cached (Redis, and L1 where the path has one)
      await b.getPost(11);
      const v = await a.updatePost(11, 'edited');
      assert.equal(v, 2);
      const db = await clients.postgres!.query(`SELECT body, version FROM ${SCHEMA}.posts WHERE post_id = 11`);
      assert.deepEqual(db.rows[0], { body: 'edited', version: 2 });
      const t0 = Date.now();
      let seen = await b.getPost(11);
      while (seen?.version !== 2 && Date.now() - t0 < 2000) {
        await sleep(5);
        seen = await b.getPost(11);
      }
      assert.equal(seen?.version, 2, 'b sees the new version');
      assert.equal(seen?.body, 'edited');
      assert.ok(Date.now() - t0 < 1000, `within 1 s (took ${Date.now() - t0} ms)`);
      assert.equal(await a.updateUser(4, 'new bio'), 2);
      assert.equal((await b.getUser(4))?.bio, 'new bio');
      assert.equal(await a.updatePost(99_999, 'x'), undefined, 'no such post');
    });

    test('a missing id is undefined and not cached', async () => {
      assert.equal(await a.getPost(10_000), undefined);
      assert.equal(await clients.redis!.exists(`${OWN.redisPrefix}post:10000`), 0);
    });

    test('feed pages expire by TTL only (a new post is not pushed into a cached page)', { timeout: 15_000 }, async () => {
      const short = path.open(clients, { ...OWN, feedTtlSeconds: 1 });
      await short.setup();
      try {
        const before = await short.feed(0, 0);
        await clients.postgres!.query(`INSERT INTO ${SCHEMA}.posts (post_id, author_id, body, created_at) VALUES (100000, 1, 'new', now())`);
        assert.deepEqual(await short.feed(0, 0), before, 'the cached page, until its TTL');
        await sleep(1300);
        assert.equal((await short.feed(0, 0))[0], 100_000, 'after the TTL the page is reloaded');
      } finally {
        await short.close();
      }
    });

    test('bad arguments are InvalidArgumentErrors naming the path', async () => {
      const bad = (e: unknown) => e instanceof InvalidArgumentError && e.path === path.id;
      await assert.rejects(async () => a.feed(0, -1), bad);
      await assert.rejects(async () => a.feed(0, 50), bad);
      await assert.rejects(async () => a.seed({ users: 0, posts: 1, followsPerUser: 0 }), bad);
      assert.throws(() => path.open(clients, { postTtlSeconds: 0 }), bad);
      assert.throws(() => path.open(clients, { redisPrefix: 'bad prefix' }), bad);
      assert.throws(() => path.open(clients, { schema: 'Bad-Name' }), (e: unknown) => e instanceof InvalidArgumentError);
    });

    test("reset() empties the tables and this prefix's keys only", async () => {
      await a.getPost(1);
      const other = `${TEST_TAG}:ccn:post:1`;
      await clients.redis!.set(other, 'x');
      await a.reset();
      assert.equal(await clients.redis!.exists(`${OWN.redisPrefix}post:1`), 0);
      assert.equal(await clients.redis!.get(other), 'x');
      await clients.redis!.del(other);
      assert.equal(await a.getPost(1), undefined);
    });
  });
}
