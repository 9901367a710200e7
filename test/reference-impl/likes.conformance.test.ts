/**
 * The likes family's conformance suite (YCSB's one suite, every adapter runs it): every path
 * registered with family "likes" (reference-impl/registry.ts) runs the same cases against the
 * real store. A new likes path passes this suite or is not done.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { InvalidArgumentError } from '../../core/errors.js';
import type { LikeCounter, LikeCounterOptions } from '../../reference-impl/likes/types.js';
import { openStoragePath, pathsOf } from '../../reference-impl/registry.js';
import { PerUserLikes } from '../../reference-impl/likes/per-user.js';
import { LIKES_MONGO_DB } from '../../reference-impl/common/mongo.js';
import type { StoreClients } from '../../targets/clients.js';
import { driversFor, driverTag, prng, refusedWriteKind, shuffle, TEST_TAG, testClients } from './env.js';

const N_FAST = 2000;
/**
 * Concurrent likes per case: 2000, or 200 on paths that write MongoDB or Cassandra per like
 * (FerretDB 1.24/SQLite serialises them, and single-node Cassandra with LWT is slow on the
 * shared 2-core machine); the cases stay the same.
 */
const slowWrites = (stores: readonly string[]) => stores.some((s) => s === 'mongodb' || s === 'cassandra');
const concurrencyOf = (stores: readonly string[]) => (slowWrites(stores) ? 200 : N_FAST);
/** This suite's own keys and schema, and a neighbour's that reset() must leave alone. */
const OWN: LikeCounterOptions = { keyPrefix: `${TEST_TAG}:lc:`, schema: `${TEST_TAG}_lc` };
const NEIGHBOUR: LikeCounterOptions = { keyPrefix: `${TEST_TAG}:lcn:`, schema: `${TEST_TAG}_lcn` };

for (const path of pathsOf('likes')) for (const driver of driversFor(path.stores)) {
  const N = concurrencyOf(path.stores);
  describe(`likes conformance: ${path.id}${driverTag(driver)}`, () => {
    let clients: StoreClients;
    let c: LikeCounter;
    let neighbour: LikeCounter;

    before(async () => {
      clients = await testClients(path.stores, undefined, driver);
      c = await openStoragePath('likes', path.id, clients, OWN);
      neighbour = await openStoragePath('likes', path.id, clients, NEIGHBOUR);
    });

    after(async () => {
      await c.reset();
      await neighbour.reset();
      await c.close?.();
      await neighbour.close?.();
      if (clients.postgres) for (const o of [OWN, NEIGHBOUR]) await clients.postgres.query(`DROP SCHEMA IF EXISTS "${o.schema}" CASCADE`);
      if (clients.mongodb) for (const o of [OWN, NEIGHBOUR]) await clients.mongodb.db(LIKES_MONGO_DB).collection(`${o.schema}_posts`).drop().catch(() => undefined);
      for (const x of [c, neighbour]) if (x instanceof PerUserLikes) await x.drop();
      if (clients.redis) {
        const left: string[] = [];
        for await (const keys of clients.redis.scanIterator({ MATCH: `${TEST_TAG}:lc*`, COUNT: 1000 })) left.push(...keys);
        assert.deepEqual(left, [], 'the suite leaves no keys behind');
      }
      await clients.close();
    });

    beforeEach(() => c.reset());

    test('the registration names its stores and seed source, and open() gives a path with its id', () => {
      assert.ok(path.stores.length > 0);
      assert.ok(path.seed.length > 0 && path.seed.every((s) => /^\d{3}$/.test(s.doc) && s.section.length > 0));
      assert.equal(c.path, path.id);
    });

    test('setup is idempotent, also when called concurrently, and keeps the data', async () => {
      await c.seed({ first: 1, count: 1, initial: 9 });
      await Promise.all([c.setup(), c.setup(), c.setup()]);
      const again = await openStoragePath('likes', path.id, clients, OWN);
      assert.equal(await again.count(1), 9);
    });

    test(`${N} concurrent likes on one seeded post give exactly ${N}, each like seeing a distinct count (when likeResult is exact)`, async () => {
      await c.seed({ first: 42, count: 1 });
      const seen = await Promise.all(Array.from({ length: N }, () => c.like(42)));
      assert.equal(await c.count(42), N);
      if (c.likeResult === 'read') {
        // A read after the write: at least this like, at most all of them.
        assert.ok(seen.every((n) => n >= 1 && n <= N));
        return;
      }
      assert.deepEqual(
        seen.sort((a, b) => a - b),
        Array.from({ length: N }, (_, i) => i + 1),
      );
    });

    test(`${N} concurrent first likes on an unseeded post are all counted`, async () => {
      const seen = await Promise.all(Array.from({ length: N }, () => c.like(7_000_001)));
      assert.equal(await c.count(7_000_001), N);
      if (c.likeResult !== 'read') assert.equal(new Set(seen).size, N);
    });

    test('likes on many posts land on the right counters', async () => {
      const rnd = prng(20240601);
      // Bucket edges for B = 128 and large ids, plus random ones.
      const ids = [0, 1, 126, 127, 128, 129, 255, 256, 1_000_000_007, 2 ** 40 + 3];
      // 400 posts x 1-12 likes; 60 posts x 1-4 where every like is a MongoDB/Cassandra write (FerretDB applies them one at a time).
      const [posts, most] = slowWrites(path.stores) ? [60, 4] : [400, 12];
      while (ids.length < posts) ids.push(Math.floor(rnd() * 5_000_000));
      const expected = new Map<number, number>();
      for (const id of ids) expected.set(id, 1 + Math.floor(rnd() * most));
      await c.seed({ first: 0, count: 64 }); // half seeded, half not
      const ops: number[] = [];
      for (const [id, n] of expected) for (let i = 0; i < n; i++) ops.push(id);
      await Promise.all(shuffle(ops, rnd).map((id) => c.like(id)));
      for (const [id, n] of expected) assert.equal(await c.count(id), n, `post ${id}`);
      for (const id of [2, 3, 130, 4_999_999_999]) if (!expected.has(id)) assert.equal(await c.count(id), 0, `untouched post ${id}`);
    });

    test('stored = acknowledged: total() sums every counter the path owns, so lost likes can be counted', async () => {
      const ids = [5, 6, 6, 130, 130, 130, 1_000_003];
      const acks = await Promise.allSettled(ids.map((id) => c.like(id)));
      const acknowledged = acks.filter((a) => a.status === 'fulfilled').length;
      assert.equal(acknowledged, ids.length);
      assert.deepEqual(await c.total(), { likes: acknowledged, posts: 4 });
      await c.reset();
      assert.deepEqual(await c.total(), { likes: 0, posts: 0 });
    });

    test('seed sets (not adds) counts, from a constant or a function', async () => {
      await c.seed({ first: 1000, count: 300, initial: (id) => id % 7 });
      await c.seed({ first: 1000, count: 300, initial: (id) => id % 7 });
      for (const id of [1000, 1001, 1127, 1128, 1299]) assert.equal(await c.count(id), id % 7, `post ${id}`);
      assert.equal(await c.count(1300), 0);
      assert.equal(await c.like(1006), (1006 % 7) + 1);
      await c.seed({ first: 1000, count: 10, initial: 5 });
      assert.equal(await c.count(1006), 5);
    });

    test('reset removes every counter of the path, and only its own', async () => {
      await neighbour.seed({ first: 0, count: 20, initial: 2 });
      await c.seed({ first: 0, count: 500, initial: 3 });
      await c.like(9_999_999);
      await c.reset();
      assert.equal(await c.count(10), 0);
      assert.equal(await c.count(9_999_999), 0);
      assert.deepEqual(await neighbour.total(), { likes: 40, posts: 20 }, "a neighbour's counters survive");
      await neighbour.reset();
    });

    test('bad arguments are InvalidArgumentErrors naming the path', async () => {
      await assert.rejects(c.seed({ first: -1, count: 3 }), (e: unknown) => e instanceof InvalidArgumentError && e.path === path.id);
      assert.throws(() => path.open(clients, { ...OWN, schema: 'Bad-Name', bucketSize: 0, ttlSeconds: -1 }), InvalidArgumentError);
    });

    test("driver errors reach the caller with the store's own code, for the engine to count by kind", async (t) => {
      if (path.stores.every((s) => s === 'mongodb')) {
        t.skip('FerretDB 1.24 has no roles and ignores write concerns: no way to make it refuse a write here');
        return;
      }
      // A write the server itself refuses (PostgreSQL 25006, Redis NOPERM): the path must not wrap or swallow it.
      const kind = await refusedWriteKind(path.stores, (c) => path.open(c, OWN).like(1), driver);
      assert.match(String(kind), /^(25006|NOPERM|NoHostAvailableError)$/, `a like on a read-only store rejects with the driver's code, got ${kind}`);
    });
  });
}
