/**
 * `--redis-driver` (issue 7): validated in one line with exit 2 before any work, settable from a
 * scenario file and the environment, carried on the Redis connection, recorded in results.json
 * per target and shown in the HTML and Markdown reports; a real run on each driver.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../../core/errors.js';
import { RunResultSchema } from '../../core/results.js';
import { getScenario } from '../../scenarios/registry.js';
import { envLayer, parseLayer, resolveRunSettings } from '../../scenarios/settings.js';
import { unlinkMatching } from '../../reference-impl/common/redis-keys.js';
import { DEFAULT_REDIS_DRIVER } from '../../targets/redis/driver.js';
import { openRedisClient } from '../../targets/redis/open.js';
import { parseRedisUrl } from '../../targets/redis/url.js';
import { capbench } from '../fixtures/cli.js';

const spike = getScenario('viral-like-spike');
/** Its own Redis database and key prefix, so that the run resets nobody else's counters. */
const REDIS_URL = 'redis://127.0.0.1:6379/12';
const PREFIX = `cbdrvcli${process.pid}:`;

test('a bad driver is one line naming the flag, the file field or the variable', () => {
  assert.throws(() => parseLayer({ redisDriver: 'jedis' }, { kind: 'flags' }), (e: unknown) => e instanceof UsageError && e.message === 'Bad --redis-driver "jedis": use ioredis or node-redis.');
  assert.throws(() => parseLayer({ redisDriver: 'jedis' }, { kind: 'file', path: 'mine.yaml' }), (e: unknown) => e instanceof UsageError && /^Scenario file mine\.yaml: redisDriver: use ioredis or node-redis\.$/.test(e.message));
  assert.throws(() => envLayer({ CAPBENCH_REDIS_DRIVER: 'jedis' }), (e: unknown) => e instanceof UsageError && /^Bad CAPBENCH_REDIS_DRIVER "jedis"/.test(e.message));
});

test('the driver lands on the Redis connection: flags over the file over the environment, else the default', () => {
  const at = (layers: Parameters<typeof resolveRunSettings>[1]) => {
    const s = resolveRunSettings(spike, layers);
    assert.equal(s.connections.redis?.redisDriver, s.redisDriver);
    return s.redisDriver;
  };
  assert.equal(at({}), DEFAULT_REDIS_DRIVER);
  assert.equal(at({ env: envLayer({ CAPBENCH_REDIS_DRIVER: 'ioredis' }) }), 'ioredis');
  assert.equal(at({ file: parseLayer({ redisDriver: 'node-redis' }, { kind: 'file', path: 'f.yaml' }), env: envLayer({ CAPBENCH_REDIS_DRIVER: 'ioredis' }) }), 'node-redis');
  assert.equal(at({ flags: parseLayer({ redisDriver: 'ioredis' }, { kind: 'flags' }), file: parseLayer({ redisDriver: 'node-redis' }, { kind: 'file', path: 'f.yaml' }) }), 'ioredis');
});

test('capbench run --redis-driver jedis exits 2 with one line before connecting', async () => {
  const r = await capbench(['run', 'viral-like-spike', '--redis-driver', 'jedis', '-q']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Bad --redis-driver "jedis": use ioredis or node-redis\./);
  assert.equal(r.stderr.trim().split('\n').filter((l) => /redis-driver/.test(l)).length, 1);
});

for (const driver of ['ioredis', 'node-redis'] as const) {
  test(`a run with --redis-driver ${driver} records and shows the driver`, { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'capbench-drv-'));
    try {
      // A scenario file carries the other settings, so the driver flag sits beside a file layer.
      const file = join(dir, 'spike.yaml');
      await writeFile(file, `scenario: viral-like-spike\noptions: { posts: 1000, keyPrefix: "${PREFIX}" }\nrate: 300\nduration: 2s\nwarmup: 0s\n`);
      const out = join(dir, 'out');
      const r = await capbench(['run', file, '--redis-driver', driver, '--redis-url', REDIS_URL, '--out', out, '-q', '--threshold', 'like:error_rate<1%']);
      assert.equal(r.code, 0, r.stderr);
      const result = RunResultSchema.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')));
      const redis = result.targets.find((t) => t.store === 'redis');
      assert.match(redis?.client ?? '', driver === 'ioredis' ? /^ioredis \d+\.\d+\.\d+ \(auto-pipelining\)$/ : /^node-redis \d+\.\d+\.\d+$/);
      assert.ok(result.operations.find((o) => o.name === 'like')!.count > 0);
      const lost = result.thresholds.find((t) => t.metric === 'likes_lost');
      assert.ok(lost, 'the likes-lost check ran');
      assert.equal(lost.actual, 0);
      const html = await readFile(join(out, 'report.html'), 'utf8');
      assert.ok(html.includes(`client ${redis!.client}`), 'the HTML report names the driver beside the target');
      const md = await readFile(join(out, 'summary.md'), 'utf8');
      assert.ok(md.includes(`via ${redis!.client}`), 'the Markdown summary names the driver');
    } finally {
      await rm(dir, { recursive: true, force: true });
      // The run keeps its counters (as every run does): remove this test's.
      const c = await openRedisClient(parseRedisUrl(REDIS_URL));
      await unlinkMatching(c, `${PREFIX}*`);
      await c.close();
    }
  });
}
