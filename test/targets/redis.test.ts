/**
 * The Redis target against the real server that `capbench services up redis` provisions (or
 * the one CAPBENCH_REDIS_URL points at): the conformance suite (conformance.ts) with a fixture
 * of string keys and one hash, plus what only Redis has (key patterns, database numbers).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../core/errors.js';
import { closeRedis, connectRedis, keyPattern, parseInfo, redisTarget, type NodeRedisClient } from '../../targets/redis/index.js';
import { targetConformance, type TargetAdapter } from './conformance.js';

const N = 500;
const prefix = (tag: string) => `cbtest:${tag}`;

const redis: TargetAdapter<NodeRedisClient> = {
  store: 'redis',
  urlName: 'Redis',
  urlAt: (port) => `redis://127.0.0.1:${port}/2`,
  urlDatabase: '2',
  // a fork (Valkey) names itself, standing in for Redis; capbench's local server is Redis
  product: (info, provisioner) => (provisioner === 'local' || !info.standInFor ? 'Redis' : info.product),
  version: {
    pattern: /^\d+\.\d+\.\d+/,
    read: async (client) => {
      const info = parseInfo(await client.info('server'));
      return info.get('valkey_version') ?? info.get('redis_version') ?? '';
    },
  },
  connect: (conn, timeoutMs) => connectRedis(conn, { connectTimeoutMs: timeoutMs }),
  close: async (client) => closeRedis(client),
  fixture: {
    count: N,
    async write(client, tag) {
      for (let i = 0; i < N; i++) await client.set(`${prefix(tag)}:k:${i}`, `value-${i}`);
      await client.hSet(`${prefix(tag)}:h:1`, { likes: '7', views: '11' });
    },
    async readBack(client, tag) {
      assert.equal(await client.get(`${prefix(tag)}:k:0`), 'value-0');
      assert.equal(await client.get(`${prefix(tag)}:k:${N - 1}`), `value-${N - 1}`);
      assert.deepEqual({ ...(await client.hGetAll(`${prefix(tag)}:h:1`)) }, { likes: '7', views: '11' });
    },
    async remove(client, tag) {
      const keys: string[] = [];
      for await (const batch of client.scanIterator({ MATCH: `${prefix(tag)}:*`, COUNT: 1000 })) keys.push(...batch);
      if (keys.length) await client.del(keys);
    },
    items: (tag) => [
      { name: `keys ${prefix(tag)}:k:*`, kind: 'keys', countUnit: 'keys', count: N },
      { name: `keys ${prefix(tag)}:h:*`, kind: 'keys', countUnit: 'keys', count: 1 },
    ],
  },
};

targetConformance(redis, () => {
  test('key patterns replace ids by *', () => {
    assert.equal(keyPattern('p:123:l'), 'p:*:l');
    assert.equal(keyPattern('likes:{42}'), 'likes:{*}');
    assert.equal(keyPattern('user:5f0c2b9e-8a1d-4c33-9a57-0c1d2e3f4a5b'), 'user:*');
    assert.equal(keyPattern('bucket_17:h'), 'bucket_*:h');
    assert.equal(keyPattern('feed:home'), 'feed:home');
  });

  test('the path of a Redis URL is a database number', () => {
    assert.throws(() => redisTarget.parseUrl('redis://127.0.0.1:6379/notanumber'), (err: unknown) => err instanceof UsageError && /database number/.test(err.message));
    assert.throws(() => redisTarget.parseUrl('http://127.0.0.1:6379'), UsageError);
    assert.throws(() => redisTarget.parseUrl('redis://127.0.0.1:99999'), UsageError);
  });
});
