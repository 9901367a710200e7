/**
 * The two Redis drivers behind capbench's RedisClient (targets/redis/driver.ts: ioredis with
 * auto-pipelining, node-redis) against the real server: the same replies for every command of
 * the interface, MULTI/pipeline errors, SCAN, scripts, pub/sub on a duplicate, reconnection
 * after CLIENT KILL (database kept), and a one-line TargetUnreachableError (no password in it)
 * for a refused port, a wrong password and a missing database.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { TargetUnreachableError } from '../../core/errors.js';
import type { RedisDriverName } from '../../core/target.js';
import { connectRedis, type NodeRedisClient } from '../../targets/redis/client.js';
import { REDIS_DRIVERS, type RedisClient } from '../../targets/redis/driver.js';
import { reconnectDelayMs } from '../../targets/redis/ioredis-driver.js';
import { openRedisClient } from '../../targets/redis/open.js';
import { parseRedisUrl } from '../../targets/redis/url.js';
import { resolveConnection } from '../../targets/registry.js';

const TAG = `cbdrv_${process.pid}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A loopback port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Every command of the interface on `c`, under `p`; the replies in order (what both drivers must agree on). */
async function script(c: RedisClient, p: string): Promise<unknown[]> {
  const out: unknown[] = [];
  const k = (s: string) => `${p}${s}`;
  out.push(await c.ping());
  out.push(await c.get(k('none')));
  out.push(await c.set(k('s'), 'v1'));
  out.push(await c.set(k('ex'), 'v2', { EX: 100 }));
  out.push(await c.ttl(k('ex')));
  out.push((await c.pTTL(k('ex'))) > 90_000);
  out.push(await c.ttl(k('s')), await c.ttl(k('none')));
  out.push(await c.mSet([[k('m1'), '1'], [k('m2'), '2']]));
  out.push(await c.mGet([k('m1'), k('none'), k('m2')]));
  out.push(await c.incr(k('n')), await c.incr(k('n')));
  out.push(await c.strLen(k('s')));
  out.push(await c.exists(k('s')), await c.exists([k('s'), k('m1'), k('none')]));
  out.push(await c.expire(k('n'), 50, 'NX'), await c.expire(k('n'), 60, 'NX'), await c.expire(k('n'), 70, 'GT'), await c.expire(k('n'), 80));
  out.push(await c.hSet(k('h'), 'a', '1'), await c.hSet(k('h'), { b: '2', c: '3' }), await c.hSet(k('h'), [['d', '4']]));
  out.push(await c.hIncrBy(k('h'), 'a', 5), await c.hGet(k('h'), 'a'), await c.hGet(k('h'), 'zz'));
  out.push(await c.hGetAll(k('h')), await c.hGetAll(k('none')));
  out.push(await c.hLen(k('h')), (await c.hVals(k('h'))).sort(), await c.hDel(k('h'), ['c', 'd', 'zz']), await c.hDel(k('h'), 'b'));
  out.push(await c.sAdd(k('set'), ['x', 'y', 'z']), await c.sAdd(k('set'), 'x'), await c.sAdd(k('set2'), ['y', 'z', 'w']));
  out.push(await c.sIsMember(k('set'), 'x'), await c.sIsMember(k('set'), 'q'));
  out.push((await c.sMembers(k('set'))).sort(), (await c.sInter([k('set'), k('set2')])).sort(), await c.sCard(k('set')));
  out.push(await c.pfAdd(k('hll'), ['a', 'b', 'c']), await c.pfAdd(k('hll'), 'a'), await c.pfCount(k('hll')));
  out.push(await c.rPush(k('list'), ['1', '2', '3']), await c.rPush(k('list'), '4'), await c.lRange(k('list'), 0, -1), await c.lRange(k('list'), 1, 2));
  out.push(await c.sendCommand(['ZADD', k('z'), '1', 'a', '2', 'b']), await c.zCard(k('z')));
  out.push(await c.sendCommand(['ZREVRANGE', k('z'), '0', '-1', 'WITHSCORES']));
  out.push(await c.objectEncoding(k('n')), await c.objectEncoding(k('none')));
  out.push(typeof (await c.info('server')), /redis_version:/.test(await c.info('server')));
  const cfg = await c.configGet('hash-max-*');
  out.push(Object.keys(cfg).sort(), typeof cfg[Object.keys(cfg)[0]!]);
  const sha = await c.scriptLoad("return {ARGV[1], redis.call('INCR', KEYS[1])}");
  out.push(sha.length, await c.evalSha(sha, { keys: [k('lua')], arguments: ['arg'] }));
  out.push(await c.publish(`${p}nobody`, 'm'));
  // MULTI and pipeline replies: raw, in order.
  out.push(await c.multi().set(k('t'), '1', { EX: 100 }).incr(k('t')).hSet(k('th'), { f: '1' }).hIncrBy(k('th'), 'f', 2).sAdd(k('ts'), ['a', 'b']).pfAdd(k('tp'), 'a').exec());
  out.push(await c.multi().lPushX(k('none'), 'x').rPush(k('tl'), ['a', 'b', 'a']).lRem(k('tl'), 0, 'a').expire(k('tl'), 100, 'NX').del([k('t'), k('none')]).hDel(k('th'), 'f').execAsPipeline());
  out.push(await c.multi().addCommand(['XADD', k('x'), '*', 'a', '1']).addCommand(['XLEN', k('x')]).exec().then((r) => [typeof r[0], r[1]]));
  out.push(await c.multi().exec());
  const seen = new Set<string>();
  for await (const keys of c.scanIterator({ MATCH: `${p}*`, COUNT: 5 })) for (const key of keys) seen.add(key.slice(p.length));
  out.push([...seen].sort());
  out.push(await c.del(k('s')), await c.unlink([k('m1'), k('m2'), k('none')]));
  return out;
}

/** Remove every key under `p`. */
async function clean(c: RedisClient, p: string): Promise<void> {
  for await (const keys of c.scanIterator({ MATCH: `${p}*`, COUNT: 1000 })) if (keys.length) await c.unlink(keys);
}

describe('Redis drivers: ioredis and node-redis behind capbench\'s RedisClient', () => {
  // Database 6 of the test server: SCAN walks only a few keys there (database 0 may hold a benchmark's million).
  const conn = parseRedisUrl(`${resolveConnection('redis').url.replace(/\/\d+$/, '')}/6`);
  const clients = new Map<RedisDriverName, RedisClient>();
  let admin: NodeRedisClient;
  before(async () => {
    admin = await connectRedis(conn, { name: `${TAG}-admin` });
    for (const d of REDIS_DRIVERS) clients.set(d, await openRedisClient(conn, { driver: d, name: `${TAG}-${d}` }));
  });
  after(async () => {
    for (const [d, c] of clients) {
      await clean(c, `${TAG}:${d}:`);
      await c.close();
    }
    await admin.close();
  });

  test('every command gives the same replies on both drivers', async () => {
    const replies = new Map<RedisDriverName, unknown[]>();
    for (const d of REDIS_DRIVERS) replies.set(d, await script(clients.get(d)!, `${TAG}:${d}:`));
    const [a, b] = REDIS_DRIVERS.map((d) => replies.get(d)!);
    assert.equal(a!.length, b!.length);
    a!.forEach((x, i) => assert.deepEqual(b![i], x, `reply ${i}: node-redis ${JSON.stringify(b![i])} vs ioredis ${JSON.stringify(x)}`));
    // A few replies pinned, so that "the same" is also "right".
    assert.equal(a![0], 'PONG');
    assert.equal(a![1], null);
    assert.deepEqual(a![9], ['1', null, '2']);
    assert.deepEqual(a![10], 1);
    assert.equal(clients.get('ioredis')!.driver, 'ioredis');
    assert.equal(clients.get('node-redis')!.driver, 'node-redis');
  });

  for (const d of REDIS_DRIVERS) {
    describe(`[redis driver: ${d}]`, () => {
      const p = `${TAG}:${d}:`;
      const c = () => clients.get(d)!;

      test('a failing command inside MULTI rejects with its own error; the others were applied (as Redis does)', async () => {
        await c().set(`${p}str`, 'x');
        await assert.rejects(
          () => c().multi().incr(`${p}cnt`).hIncrBy(`${p}str`, 'f', 1).incr(`${p}cnt`).exec(),
          (e: Error) => /^WRONGTYPE/.test(e.message),
        );
        assert.equal(await c().get(`${p}cnt`), '2');
        await assert.rejects(() => c().multi().incr(`${p}cnt`).addCommand(['NOSUCHCOMMAND']).exec(), (e: Error) => /^ERR unknown command/.test(e.message));
        assert.equal(await c().get(`${p}cnt`), '2', 'a transaction the server refused to queue applies nothing');
        await assert.rejects(() => c().multi().incr(`${p}cnt`).hIncrBy(`${p}str`, 'f', 1).execAsPipeline(), (e: Error) => /^WRONGTYPE/.test(e.message));
        assert.equal(await c().get(`${p}cnt`), '3');
      });

      test('an unknown script SHA rejects with NOSCRIPT (the paths reload on it)', async () => {
        await assert.rejects(() => c().evalSha('0'.repeat(40), { keys: [`${p}k`], arguments: [] }), (e: Error) => /^NOSCRIPT/.test(e.message));
      });

      test('duplicate() gives a subscriber that receives what the first client publishes', async () => {
        const sub = await c().duplicate();
        try {
          const got: string[] = [];
          await sub.subscribe(`${p}chan`, (m) => got.push(m));
          await sub.subscribe(`${p}other`, (m) => got.push(`other:${m}`));
          assert.equal(await c().publish(`${p}chan`, 'hello'), 1);
          await c().publish(`${p}other`, 'x');
          for (let i = 0; i < 100 && got.length < 2; i++) await sleep(10);
          assert.deepEqual(got.sort(), ['hello', 'other:x']);
        } finally {
          await sub.close();
        }
      });

      test('after CLIENT KILL it reconnects on its own, to the database of the URL, and later commands succeed', async () => {
        const db5 = parseRedisUrl(`${conn.url.replace(/\/\d+$/, '')}/5`);
        const r = await openRedisClient(db5, { driver: d, name: `${TAG}-kill-${d}` });
        try {
          const id1 = Number(await r.sendCommand(['CLIENT', 'ID']));
          await r.set(`${p}before`, '1');
          assert.equal(Number(await admin.sendCommand(['CLIENT', 'KILL', 'ID', String(id1)])), 1);
          let ok = false;
          for (let i = 0; i < 60 && !ok; i++) {
            ok = await r.incr(`${p}after`).then(
              () => true,
              () => false,
            );
            if (!ok) await sleep(50);
          }
          assert.ok(ok, 'a command succeeded within 3 s of the kill');
          const id2 = Number(await r.sendCommand(['CLIENT', 'ID']));
          assert.notEqual(id2, id1, 'a new connection');
          assert.equal(await r.get(`${p}before`), '1', 'still on database 5');
          const name = String(await r.sendCommand(['CLIENT', 'GETNAME']));
          assert.equal(name, `${TAG}-kill-${d}`);
          await r.del([`${p}before`, `${p}after`]);
        } finally {
          await r.close();
        }
      });

      test('unreachable, wrong password, missing database: one line naming the address, without the password', async () => {
        const port = await freePort();
        const cases = [
          { url: `redis://127.0.0.1:${port}`, re: new RegExp(`^redis at 127\\.0\\.0\\.1:${port} is unreachable: connection refused`) },
          { url: `redis://${TAG}:hunter2secret@${conn.host}:${conn.port}`, re: /is unreachable: authentication failed/ },
          { url: `${conn.url.replace(/\/\d+$/, '')}/99`, re: /is unreachable: database 99 does not exist/ },
        ];
        for (const k of cases) {
          const t0 = Date.now();
          await assert.rejects(
            () => openRedisClient(parseRedisUrl(k.url), { driver: d, connectTimeoutMs: 2000 }),
            (e: unknown) => {
              assert.ok(e instanceof TargetUnreachableError, `${k.url}: ${String(e)}`);
              assert.match(e.message, k.re);
              assert.doesNotMatch(e.message, /\n/);
              assert.doesNotMatch(e.message, /hunter2secret/);
              return true;
            },
          );
          assert.ok(Date.now() - t0 < 3000, `${k.url}: the first connection is not retried`);
        }
      });
    });
  }

  test('the reconnect backoff doubles from 50 ms and is capped at 2 s', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 20].map(reconnectDelayMs), [50, 100, 200, 400, 800, 1600, 2000, 2000, 2000]);
  });
});
