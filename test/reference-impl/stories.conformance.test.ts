/**
 * The stories family's conformance suite: every path registered with family "stories"
 * (reference-impl/registry.ts) runs the same cases on its real stores through the StoryStore
 * contract: create/get/active round trip, newest first, idempotent re-create, views counted once
 * (set exact, HyperLogLog within its error), the table's default_time_to_live of 86400 s, expiry
 * with a short TTL in every store without a delete, a refill of active_stories from Cassandra,
 * argument errors and reset scope.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError } from '../../core/errors.js';
import type { Story, StoryStore, StoryStoreOptions } from '../../reference-impl/stories/types.js';
import { pathsOf } from '../../reference-impl/registry.js';
import type { StoreClients } from '../../targets/clients.js';
import { driversFor, driverTag, TEST_TAG, testClients } from './env.js';

const KS = `${TEST_TAG}_st`;
const OWN: StoryStoreOptions = { keyspace: KS, redisPrefix: `${TEST_TAG}:st:` };
const SHORT: StoryStoreOptions = { ...OWN, ttlSeconds: 2 };
const NEIGHBOUR: StoryStoreOptions = { keyspace: KS, redisPrefix: `${TEST_TAG}:stn:` };
const story = (storyId: number, userId: number, createdAt: number): Story => ({ storyId, userId, mediaUrl: `https://cdn.example/${storyId}.jpg`, mediaType: 'image', createdAt });

for (const path of pathsOf('stories')) for (const driver of driversFor(path.stores)) {
  describe(`stories conformance: ${path.id}${driverTag(driver)}`, () => {
    let clients: StoreClients;
    let p: StoryStore;

    before(async () => {
      clients = await testClients(path.stores, undefined, driver);
      p = path.open(clients, OWN);
      await Promise.all([p.setup(), p.setup()]);
    });

    after(async () => {
      await p.reset().catch(() => undefined);
      await path.open(clients, NEIGHBOUR).reset().catch(() => undefined);
      if (clients.cassandra) await clients.cassandra.execute(`DROP KEYSPACE IF EXISTS ${KS}`);
      await clients.close();
    });

    beforeEach(() => p.reset());

    test('create then get and active return the story; unknown ids are empty', async () => {
      const now = Date.now();
      await p.create(story(1, 10, now));
      assert.deepEqual(await p.get(1), story(1, 10, now));
      assert.deepEqual(await p.active(10), [story(1, 10, now)]);
      assert.equal(await p.get(2), undefined);
      assert.deepEqual(await p.active(11), []);
    });

    test('active() is newest first, only the user\'s, and survives a lost Redis list (refilled from the durable store)', async () => {
      const now = Date.now();
      const mine = [story(5, 1, now - 3000), story(6, 1, now - 1000), story(7, 1, now - 2000), story(8, 1, now - 1000)];
      for (const s of mine) await p.create(s);
      await p.create(story(9, 2, now));
      const expected = [story(8, 1, now - 1000), story(6, 1, now - 1000), story(7, 1, now - 2000), story(5, 1, now - 3000)];
      assert.deepEqual(await p.active(1), expected);
      // Drop every Redis key of the path: the durable rows answer and the cache is refilled.
      if (clients.redis) for await (const keys of clients.redis.scanIterator({ MATCH: `${OWN.redisPrefix}*`, COUNT: 1000 })) if (keys.length) await clients.redis.unlink(keys);
      assert.deepEqual(await p.active(1), expected);
      assert.deepEqual(await p.get(7), story(7, 1, now - 2000));
      // A story created while the list is missing is not hidden by a partial list.
      if (clients.redis) await clients.redis.del(`${OWN.redisPrefix}active_stories:1`);
      await p.create(story(10, 1, now));
      assert.deepEqual((await p.active(1)).map((s) => s.storyId), [10, 8, 6, 7, 5]);
    });

    test('re-creating the same story leaves one story', async () => {
      const s = story(42, 3, Date.now());
      await Promise.all([p.create(s), p.create(s), p.create(s)]);
      assert.deepEqual(await p.active(3), [s]);
    });

    test('a viewer counts once; the set is exact and the HyperLogLog within 3%', async () => {
      await p.create(story(77, 1, Date.now()));
      assert.equal(await p.view(77, 5), true);
      assert.equal(await p.view(77, 5), false, 'a repeat view is not a new viewer');
      for (let v = 100; v < 2100; v++) await p.view(77, v);
      await p.view(77, 100);
      const c = await p.viewCounts(77);
      assert.equal(c.exact, 2001);
      assert.ok(Math.abs(c.approx - 2001) / 2001 < 0.03, `HyperLogLog ${c.approx} within 3% of 2001`);
      assert.deepEqual(await p.viewCounts(78), { exact: 0, approx: 0 });
    });

    test('the table keeps the seed\'s default_time_to_live = 86400 and a default-TTL story carries it', async () => {
      if (!clients.cassandra) return;
      const t = await clients.cassandra.execute('SELECT default_time_to_live FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?', [KS, 'stories'], { prepare: true });
      assert.equal(t.first()?.get('default_time_to_live'), 86_400);
      await p.create(story(300, 9, Date.now()));
      const r = await clients.cassandra.execute(`SELECT TTL(media_url) AS t FROM ${KS}.stories WHERE user_id = 9`);
      const left = Number(r.first()?.get('t'));
      assert.ok(left > 86_300 && left <= 86_400, `row TTL ${left} s`);
      if (clients.redis) {
        const redisLeft = await clients.redis.ttl(`${OWN.redisPrefix}story:300`);
        assert.ok(redisLeft > 86_300 && redisLeft <= 86_400, `story: key TTL ${redisLeft} s`);
      }
    });

    test('with a 2 s TTL a story and its views are gone from every store after 3 s, with no delete', { timeout: 20_000 }, async () => {
      const short = path.open(clients, SHORT);
      await short.create(story(500, 20, Date.now()));
      await short.view(500, 1);
      assert.equal((await short.active(20)).length, 1);
      await sleep(3200);
      assert.equal(await short.get(500), undefined, 'get after expiry');
      assert.deepEqual(await short.active(20), [], 'active after expiry');
      assert.deepEqual(await short.viewCounts(500), { exact: 0, approx: 0 }, 'view keys expired');
      if (clients.cassandra) {
        const rows = await clients.cassandra.execute(`SELECT story_id FROM ${KS}.stories WHERE user_id = 20`);
        assert.equal(rows.rowLength, 0, 'the Cassandra row expired');
      }
    });

    test('bad arguments are InvalidArgumentErrors naming the path', async () => {
      const bad = (e: unknown) => e instanceof InvalidArgumentError && e.path === path.id;
      await assert.rejects(async () => p.create({ ...story(1, 1, 0), storyId: 1.5 }), bad);
      await assert.rejects(async () => p.create({ ...story(1, 1, 0), mediaType: 'gif' as never }), bad);
      await assert.rejects(async () => p.view(1, -1), bad);
      assert.throws(() => path.open(clients, { ttlSeconds: 0 }), bad);
      assert.throws(() => path.open(clients, { ttlSeconds: 86_401 }), bad);
      assert.throws(() => path.open(clients, { keyspace: 'Bad-Name' }), bad);
      assert.deepEqual(await p.active(1), []);
    });

    test("reset() empties this path's keys and leaves another prefix's", async () => {
      const n = path.open(clients, NEIGHBOUR);
      await n.create(story(1, 1, Date.now()));
      await n.view(1, 1);
      await p.view(1, 1);
      await p.reset();
      assert.deepEqual(await p.viewCounts(1), { exact: 0, approx: 0 });
      assert.equal((await n.viewCounts(1)).exact, 1, 'the neighbour prefix keeps its views');
    });
  });
}
