/**
 * What is particular to each likes path, against real Redis and PostgreSQL (no mocks): key
 * shape, listpack encoding, TTL, rows. The cases every likes path shares are the family's
 * conformance suite (likes.conformance.test.ts); the registry's own rules are tested here too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import type { RedisClient } from '../../targets/redis/driver.js';
import { CapbenchError, InvalidArgumentError, UsageError } from '../../core/errors.js';
import { DEFAULT_BUCKET_SIZE, PgDirectLikes, RedisCounterLikes, RedisHashLikes, type LikeCounter } from '../../reference-impl/likes/index.js';
import { getStoragePath, openStoragePath, pathIdsOf, pathsOf, storesOf } from '../../reference-impl/registry.js';
import type { StoreClients } from '../../targets/clients.js';
import { TEST_TAG, testClients } from './env.js';

const KEY_PREFIX = `${TEST_TAG}:`;
const SCHEMA = `${TEST_TAG}_likes`;

let clients: StoreClients;
let redis: RedisClient;
let pool: pg.Pool;
const counters = new Map<string, LikeCounter>();

before(async () => {
  clients = await testClients(['redis', 'postgres']);
  redis = clients.redis!;
  pool = clients.postgres!;
  // The Redis and PostgreSQL paths; the MongoDB/Cassandra ones have their specifics in likes-new-paths.test.ts.
  const onRedisOrPg = pathIdsOf('likes').filter((id) => getStoragePath(id).stores.every((st) => st === 'redis' || st === 'postgres'));
  for (const id of onRedisOrPg) counters.set(id, await openStoragePath('likes', id, clients, { keyPrefix: KEY_PREFIX, schema: SCHEMA }));
});

after(async () => {
  for (const c of counters.values()) await c.reset();
  await pool.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  const left: string[] = [];
  for await (const keys of redis.scanIterator({ MATCH: `${KEY_PREFIX}*`, COUNT: 1000 })) left.push(...keys);
  await clients.close();
  assert.deepEqual(left, [], 'tests leave no keys behind');
});

describe('likes.redis-counter specifics', () => {
  test('keys are the seed\'s short form p:{id}:l (behind the test prefix) holding integers', async () => {
    const c = counters.get('likes.redis-counter') as RedisCounterLikes;
    await c.like(123);
    assert.equal(c.key(123), `${KEY_PREFIX}p:123:l`);
    assert.equal(await redis.get(`${KEY_PREFIX}p:123:l`), '1');
    assert.equal(await redis.objectEncoding(`${KEY_PREFIX}p:123:l`), 'int');
    await c.reset();
  });

  test('with a TTL, the first like and seeding set an expiry; no TTL by default', async () => {
    const plain = counters.get('likes.redis-counter') as RedisCounterLikes;
    await plain.like(5);
    assert.equal(await redis.ttl(plain.key(5)), -1);
    const c = new RedisCounterLikes(redis, { keyPrefix: KEY_PREFIX, ttlSeconds: 100 });
    await c.reset();
    await c.like(5);
    await c.like(5);
    const ttl = await redis.ttl(c.key(5));
    assert.ok(ttl > 0 && ttl <= 100, `ttl ${ttl}`);
    await c.seed({ first: 10, count: 3, initial: 4 });
    const ttl2 = await redis.ttl(c.key(11));
    assert.ok(ttl2 > 0 && ttl2 <= 100, `ttl ${ttl2}`);
    assert.equal(await c.count(11), 4);
    await c.reset();
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
    await c.reset();
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
    await c.reset();
  });

  test('setup refuses a bucket size above hash-max-listpack-entries', async () => {
    const ok = counters.get('likes.redis-hash') as RedisHashLikes;
    const entries = (ok.listpackLimits as { entries: number }).entries;
    const tooBig = new RedisHashLikes(redis, { keyPrefix: KEY_PREFIX, bucketSize: entries + 1 });
    await assert.rejects(tooBig.setup(), InvalidArgumentError);
    assert.throws(() => new RedisHashLikes(redis, { bucketSize: 0 }), InvalidArgumentError);
  });

  test('a bucket past the limit really converts to hashtable (why B must stay below it)', async () => {
    const ok = counters.get('likes.redis-hash') as RedisHashLikes;
    const entries = (ok.listpackLimits as { entries: number }).entries;
    // Bypass setup()'s guard on purpose, to show what it protects against.
    const tooBig = new RedisHashLikes(redis, { keyPrefix: `${KEY_PREFIX}big:`, bucketSize: entries + 1 });
    await tooBig.seed({ first: 0, count: entries + 1 });
    assert.equal(await tooBig.bucketEncoding(0), 'hashtable');
    await tooBig.reset();
  });

  test('with a TTL, the bucket gets an expiry', async () => {
    const c = new RedisHashLikes(redis, { keyPrefix: KEY_PREFIX, ttlSeconds: 100 });
    await c.reset();
    await c.like(300);
    const ttl = await redis.ttl(c.key(300));
    assert.ok(ttl > 0 && ttl <= 100, `ttl ${ttl}`);
    await c.reset();
  });
});

describe('likes.pg-direct specifics', () => {
  test('one row per post; an unseeded like inserts the row', async () => {
    const c = counters.get('likes.pg-direct') as PgDirectLikes;
    await c.reset();
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

describe('the path registry', () => {
  test('lists the likes paths with their stores; unknown ids and wrong families are one-line UsageErrors', () => {
    assert.deepEqual(pathIdsOf('likes'), ['likes.redis-counter', 'likes.redis-hash', 'likes.pg-direct', 'likes.mongo-direct', 'likes.batch-sync', 'likes.hot-cold', 'likes.per-user']);
    assert.deepEqual(storesOf(['likes.redis-hash', 'likes.pg-direct', 'likes.redis-counter']), ['redis', 'postgres']);
    assert.throws(() => getStoragePath('likes.nope'), (e: unknown) => e instanceof UsageError && /Unknown storage path "likes\.nope"/.test(e.message) && /likes\.redis-counter/.test(e.hint ?? ''));
    assert.throws(() => getStoragePath('follows.pg', 'likes'), /is a follows path; a likes path is needed/);
    for (const p of pathsOf('likes')) assert.equal(p.family, 'likes');
  });

  test('a path opened without the client of its store is refused, naming the path and the store', () => {
    const onlyRedis = { redis, close: async () => undefined } as StoreClients;
    assert.throws(() => getStoragePath('likes.pg-direct').open(onlyRedis), (e: unknown) => e instanceof CapbenchError && /likes\.pg-direct was opened without a postgres client/.test(e.message));
    assert.throws(() => getStoragePath('likes.redis-hash').open({ postgres: pool, close: async () => undefined } as StoreClients), /without a redis client/);
    assert.throws(() => getStoragePath('likes.pg-direct').open(clients, { schema: 'Bad-Name' }), InvalidArgumentError);
  });
});
