/**
 * reference-impl/likes against real Redis and PostgreSQL (no mocks): every like path runs
 * the same conformance cases, then path-specific checks (key shape, listpack encoding, TTL).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type pg from 'pg';
import type { RedisClientType } from 'redis';
import { UsageError } from '../../core/errors.js';
import {
  createLikeCounter,
  DEFAULT_BUCKET_SIZE,
  LIKE_PATHS,
  PgDirectLikes,
  RedisCounterLikes,
  RedisHashLikes,
  type LikeCounter,
} from '../../reference-impl/likes/index.js';
import { connectRedis, pgPool, prng, shuffle, TEST_TAG } from './env.js';

const KEY_PREFIX = `${TEST_TAG}:`;
const SCHEMA = `${TEST_TAG}_likes`;
const N = 2000;

let redis: RedisClientType;
let pool: pg.Pool;
const counters = new Map<string, LikeCounter>();

before(async () => {
  redis = await connectRedis();
  pool = pgPool();
  for (const path of LIKE_PATHS) {
    const c = createLikeCounter(path, { redis, pg: pool }, { keyPrefix: KEY_PREFIX, schema: SCHEMA });
    await c.setup();
    counters.set(path, c);
  }
});

after(async () => {
  for (const c of counters.values()) await c.clear();
  await pool.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  const left: string[] = [];
  for await (const keys of redis.scanIterator({ MATCH: `${KEY_PREFIX}*`, COUNT: 1000 })) left.push(...keys);
  await pool.end();
  await redis.close();
  assert.deepEqual(left, [], 'tests leave no keys behind');
});

for (const path of LIKE_PATHS) {
  describe(path, () => {
    const c = (): LikeCounter => counters.get(path) as LikeCounter;
    beforeEach(() => c().clear());

    test(`${N} concurrent likes on one seeded post give exactly ${N}, each like seeing a distinct count`, async () => {
      await c().seed({ first: 42, count: 1 });
      const seen = await Promise.all(Array.from({ length: N }, () => c().like(42)));
      assert.equal(await c().count(42), N);
      assert.deepEqual(
        seen.sort((a, b) => a - b),
        Array.from({ length: N }, (_, i) => i + 1),
      );
    });

    test(`${N} concurrent first likes on an unseeded post are all counted`, async () => {
      const seen = await Promise.all(Array.from({ length: N }, () => c().like(7_000_001)));
      assert.equal(await c().count(7_000_001), N);
      assert.equal(new Set(seen).size, N);
    });

    test('likes on many posts land on the right counters', async () => {
      const rnd = prng(20240601);
      // Bucket edges for B = 128 and large ids, plus random ones.
      const ids = [0, 1, 126, 127, 128, 129, 255, 256, 1_000_000_007, 2 ** 40 + 3];
      while (ids.length < 400) ids.push(Math.floor(rnd() * 5_000_000));
      const expected = new Map<number, number>();
      for (const id of ids) expected.set(id, 1 + Math.floor(rnd() * 12));
      await c().seed({ first: 0, count: 64 }); // half seeded, half not
      const ops: number[] = [];
      for (const [id, n] of expected) for (let i = 0; i < n; i++) ops.push(id);
      await Promise.all(shuffle(ops, rnd).map((id) => c().like(id)));
      for (const [id, n] of expected) assert.equal(await c().count(id), n, `post ${id}`);
      for (const id of [2, 3, 130, 4_999_999_999]) if (!expected.has(id)) assert.equal(await c().count(id), 0, `untouched post ${id}`);
    });

    test('total() sums every counter the path owns, so lost likes can be counted', async () => {
      await c().clear();
      const ids = [5, 6, 6, 130, 130, 130, 1_000_003];
      await Promise.all(ids.map((id) => c().like(id)));
      assert.deepEqual(await c().total(), { likes: ids.length, posts: 4 });
      await c().clear();
      assert.deepEqual(await c().total(), { likes: 0, posts: 0 });
    });

    test('seed sets (not adds) counts, from a constant or a function', async () => {
      await c().seed({ first: 1000, count: 300, initial: (id) => id % 7 });
      await c().seed({ first: 1000, count: 300, initial: (id) => id % 7 });
      for (const id of [1000, 1001, 1127, 1128, 1299]) assert.equal(await c().count(id), id % 7, `post ${id}`);
      assert.equal(await c().count(1300), 0);
      assert.equal(await c().like(1006), (1006 % 7) + 1);
      await c().seed({ first: 1000, count: 10, initial: 5 });
      assert.equal(await c().count(1006), 5);
      await assert.rejects(c().seed({ first: -1, count: 3 }), UsageError);
    });

    test('clear removes every counter', async () => {
      await c().seed({ first: 0, count: 500, initial: 3 });
      await c().like(9_999_999);
      await c().clear();
      assert.equal(await c().count(10), 0);
      assert.equal(await c().count(9_999_999), 0);
    });
  });
}

describe('likes.redis-counter specifics', () => {
  test('keys are the seed\'s short form p:{id}:l (behind the test prefix) holding integers', async () => {
    const c = counters.get('likes.redis-counter') as RedisCounterLikes;
    await c.like(123);
    assert.equal(c.key(123), `${KEY_PREFIX}p:123:l`);
    assert.equal(await redis.get(`${KEY_PREFIX}p:123:l`), '1');
    assert.equal(await redis.objectEncoding(`${KEY_PREFIX}p:123:l`), 'int');
    await c.clear();
  });

  test('with a TTL, the first like and seeding set an expiry; no TTL by default', async () => {
    const plain = counters.get('likes.redis-counter') as RedisCounterLikes;
    await plain.like(5);
    assert.equal(await redis.ttl(plain.key(5)), -1);
    const c = new RedisCounterLikes(redis, { keyPrefix: KEY_PREFIX, ttlSeconds: 100 });
    await c.clear();
    await c.like(5);
    await c.like(5);
    const ttl = await redis.ttl(c.key(5));
    assert.ok(ttl > 0 && ttl <= 100, `ttl ${ttl}`);
    await c.seed({ first: 10, count: 3, initial: 4 });
    const ttl2 = await redis.ttl(c.key(11));
    assert.ok(ttl2 > 0 && ttl2 <= 100, `ttl ${ttl2}`);
    assert.equal(await c.count(11), 4);
    await c.clear();
  });
});

describe('likes.redis-hash specifics', () => {
  test('setup read the server\'s listpack limits and the default bucket fits them', () => {
    const c = counters.get('likes.redis-hash') as RedisHashLikes;
    assert.equal(c.bucketSize, DEFAULT_BUCKET_SIZE);
    const limits = c.listpackLimits;
    assert.ok(limits !== undefined, 'CONFIG GET hash-max-* answered');
    assert.ok(limits.entries >= c.bucketSize, `hash-max-listpack-entries ${limits.entries} >= B ${c.bucketSize}`);
  });

  test('a full bucket keeps the listpack encoding after likes and seeding', async () => {
    const c = counters.get('likes.redis-hash') as RedisHashLikes;
    await c.clear();
    const b = c.bucketSize;
    const first = 10 * b; // exactly one bucket: pl:10
    await c.seed({ first, count: b, initial: 1_000_000 });
    await Promise.all(Array.from({ length: b * 4 }, (_, i) => c.like(first + (i % b))));
    assert.equal(c.key(first), `${KEY_PREFIX}pl:10`);
    assert.equal(c.key(first + b - 1), `${KEY_PREFIX}pl:10`);
    assert.equal(c.key(first + b), `${KEY_PREFIX}pl:11`);
    assert.equal(await redis.hLen(c.key(first)), b);
    assert.equal(await c.bucketEncoding(first), 'listpack');
    assert.equal(await c.count(first + 5), 1_000_004);
    await c.clear();
  });

  test('setup refuses a bucket size above hash-max-listpack-entries', async () => {
    const ok = counters.get('likes.redis-hash') as RedisHashLikes;
    const entries = (ok.listpackLimits as { entries: number }).entries;
    const tooBig = new RedisHashLikes(redis, { keyPrefix: KEY_PREFIX, bucketSize: entries + 1 });
    await assert.rejects(tooBig.setup(), UsageError);
    assert.throws(() => new RedisHashLikes(redis, { bucketSize: 0 }), UsageError);
  });

  test('a bucket past the limit really converts to hashtable (why B must stay below it)', async () => {
    const ok = counters.get('likes.redis-hash') as RedisHashLikes;
    const entries = (ok.listpackLimits as { entries: number }).entries;
    // Bypass setup()'s guard on purpose, to show what it protects against.
    const tooBig = new RedisHashLikes(redis, { keyPrefix: `${KEY_PREFIX}big:`, bucketSize: entries + 1 });
    await tooBig.seed({ first: 0, count: entries + 1 });
    assert.equal(await tooBig.bucketEncoding(0), 'hashtable');
    await tooBig.clear();
  });

  test('with a TTL, the bucket gets an expiry', async () => {
    const c = new RedisHashLikes(redis, { keyPrefix: KEY_PREFIX, ttlSeconds: 100 });
    await c.clear();
    await c.like(300);
    const ttl = await redis.ttl(c.key(300));
    assert.ok(ttl > 0 && ttl <= 100, `ttl ${ttl}`);
    await c.clear();
  });
});

describe('likes.pg-direct specifics', () => {
  test('one row per post; an unseeded like inserts the row', async () => {
    const c = counters.get('likes.pg-direct') as PgDirectLikes;
    await c.clear();
    await c.seed({ first: 1, count: 10 });
    await c.like(3);
    await c.like(77);
    const r = await pool.query<{ post_id: string; likes: number }>(`SELECT post_id, likes FROM ${c.table} WHERE likes > 0 ORDER BY post_id`);
    assert.deepEqual(
      r.rows.map((x) => [Number(x.post_id), x.likes]),
      [
        [3, 1],
        [77, 1],
      ],
    );
    const n = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${c.table}`);
    assert.equal((n.rows[0] as { n: number }).n, 11);
  });

  test('setup is idempotent, also when called concurrently', async () => {
    const a = new PgDirectLikes(pool, { schema: SCHEMA });
    await Promise.all([a.setup(), a.setup(), counters.get('likes.pg-direct')!.setup()]);
  });
});

describe('createLikeCounter', () => {
  test('rejects unknown paths and missing clients with one-line UsageErrors', () => {
    assert.throws(() => createLikeCounter('likes.nope', { redis, pg: pool }), UsageError);
    assert.throws(() => createLikeCounter('likes.pg-direct', { redis }), UsageError);
    assert.throws(() => createLikeCounter('likes.redis-hash', { pg: pool }), UsageError);
    assert.throws(() => createLikeCounter('likes.pg-direct', { pg: pool }, { schema: 'Bad-Name' }), UsageError);
  });
});
