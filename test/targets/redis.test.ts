/**
 * The Redis target against the real server that `capbench services up redis` provisions (or
 * the one CAPBENCH_REDIS_URL points at): probe, write/read, footprint, URL errors,
 * unreachable errors, idempotent `up`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TargetUnreachableError, UsageError } from '../../core/errors.js';
import { servicesUp } from '../../cli/commands/services.js';
import { connectRedis, keyPattern, redisTarget, type RedisClient } from '../../targets/redis/index.js';
import { resolveConnection } from '../../targets/registry.js';
import { closedPort, randomTag } from './helpers.js';

const N = 500;
const tag = randomTag();
const prefix = `cbtest:${tag}`;

describe('redis target (real server)', { timeout: 300_000 }, () => {
  let client: RedisClient;

  before(async () => {
    const [st] = await servicesUp(['redis'], { log: () => undefined, timeoutS: 120 });
    assert.equal(st?.state, 'running', `redis did not start: ${st?.message}`);
    client = await connectRedis(resolveConnection('redis'));
  });

  after(async () => {
    if (!client) return;
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 1000 })) keys.push(...batch);
    if (keys.length) await client.del(keys);
    client.destroy();
  });

  test('probe reads the version from the server', async () => {
    const info = await redisTarget.probe(resolveConnection('redis'));
    assert.equal(info.store, 'redis');
    assert.match(info.version, /^\d+\.\d+\.\d+/);
    assert.equal(info.address, `${resolveConnection('redis').host}:${resolveConnection('redis').port}`);
  });

  test('write and read back', async () => {
    for (let i = 0; i < N; i++) await client.set(`${prefix}:k:${i}`, `value-${i}`);
    await client.hSet(`${prefix}:h:1`, { likes: '7', views: '11' });
    assert.equal(await client.get(`${prefix}:k:0`), 'value-0');
    assert.equal(await client.get(`${prefix}:k:${N - 1}`), `value-${N - 1}`);
    assert.deepEqual({ ...(await client.hGetAll(`${prefix}:h:1`)) }, { likes: '7', views: '11' });
  });

  test('footprint: bytes > 0 and key counts that match what was written', async () => {
    const fp = await redisTarget.footprint(resolveConnection('redis'));
    assert.equal(fp.store, 'redis');
    assert.ok(fp.totalBytes > 0, 'used_memory > 0');
    const strings = fp.items.find((i) => i.name === `keys ${prefix}:k:*`);
    assert.ok(strings, `no item for ${prefix}:k:* in ${fp.items.map((i) => i.name).join(', ')}`);
    assert.equal(strings.count, N);
    assert.equal(strings.countUnit, 'keys');
    assert.ok(strings.bytes > 0);
    const hashes = fp.items.find((i) => i.name === `keys ${prefix}:h:*`);
    assert.equal(hashes?.count, 1);
    assert.ok((hashes?.bytes ?? 0) > 0);
  });

  test('key patterns replace ids by *', () => {
    assert.equal(keyPattern('p:123:l'), 'p:*:l');
    assert.equal(keyPattern('likes:{42}'), 'likes:{*}');
    assert.equal(keyPattern('user:5f0c2b9e-8a1d-4c33-9a57-0c1d2e3f4a5b'), 'user:*');
    assert.equal(keyPattern('bucket_17:h'), 'bucket_*:h');
    assert.equal(keyPattern('feed:home'), 'feed:home');
  });

  test('a bad URL is a UsageError', () => {
    assert.throws(() => redisTarget.parseUrl('http://127.0.0.1:6379'), UsageError);
    assert.throws(() => redisTarget.parseUrl('redis://127.0.0.1:99999'), UsageError);
    assert.throws(() => redisTarget.parseUrl('redis://127.0.0.1:6379/notanumber'), UsageError);
    assert.throws(() => resolveConnection('redis', 'not a url'), (err: unknown) => err instanceof UsageError && /--redis-url/.test(err.message));
  });

  test('the URL comes from the flag, then CAPBENCH_REDIS_URL, then the default', () => {
    const env = { CAPBENCH_REDIS_URL: 'redis://127.0.0.1:7001/2' };
    assert.equal(resolveConnection('redis', undefined, env).port, 7001);
    assert.equal(resolveConnection('redis', undefined, env).database, '2');
    assert.equal(resolveConnection('redis', 'redis://127.0.0.1:7002', env).port, 7002);
    assert.equal(resolveConnection('redis', undefined, {}).url, redisTarget.defaultUrl);
  });

  test('a closed port is a TargetUnreachableError naming the store and the address', async () => {
    const port = await closedPort();
    const conn = redisTarget.parseUrl(`redis://127.0.0.1:${port}`);
    await assert.rejects(redisTarget.probe(conn, 2000), (err: unknown) => {
      assert.ok(err instanceof TargetUnreachableError);
      assert.equal(err.store, 'redis');
      assert.match(err.message, new RegExp(`^redis at 127\\.0\\.0\\.1:${port} is unreachable`));
      assert.doesNotMatch(err.oneLine(), /\n/);
      return true;
    });
    await assert.rejects(connectRedis(conn, { connectTimeoutMs: 2000 }), TargetUnreachableError);
  });

  test('services up is idempotent', async () => {
    const [first] = await servicesUp(['redis'], { log: () => undefined });
    const [second] = await servicesUp(['redis'], { log: () => undefined });
    assert.equal(first?.state, 'running');
    assert.equal(second?.state, 'running');
    if (second?.provisioner === 'local') assert.equal(second.message, 'already running');
    assert.equal(second?.address, first?.address);
  });
});
