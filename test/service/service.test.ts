/**
 * The reference HTTP service against the real stores (issue 12): every route of likes and
 * follows, 400/404/413/503 answers, injection payloads refused, /healthz and /metrics, a port
 * in use and a path without a route as one-line usage errors. Keys under a prefix of this
 * process, PostgreSQL tables in a schema of this process (both removed at the end).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { UsageError } from '../../core/errors.js';
import type { StoreName } from '../../core/target.js';
import { PgFollows } from '../../reference-impl/follows/pg.js';
import { ROUTES, routeFor } from '../../service/routes/index.js';
import { startService, type StartedService } from '../../service/server.js';
import { waitForPort } from '../../targets/local/net.js';
import { resolveConnection } from '../../targets/registry.js';
import { testClients } from '../reference-impl/env.js';

const TAG = `cbhttp_${process.pid}`;
const PATHS = ['likes.redis-counter', 'likes.redis-hash', 'likes.pg-direct', 'follows.pg'];
const connections = Object.fromEntries((['redis', 'postgres'] as StoreName[]).map((s) => [s, resolveConnection(s)]));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function req(svc: StartedService, method: string, path: string, body?: unknown, raw?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(svc.url + path, {
    method,
    headers: body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {},
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

describe('reference service on the real stores', () => {
  let svc: StartedService;
  before(async () => {
    svc = await startService({ paths: PATHS.map((id) => ({ id, options: { keyPrefix: `${TAG}:`, schema: TAG } })), connections, port: await freePort() });
    // follows.pg needs users: seeded at driver level (the load phase never goes over HTTP).
    const clients = await testClients(['postgres'], 2);
    try {
      const g = new PgFollows(clients.postgres!, { schema: TAG });
      await g.setup();
      await g.seedUsers({ first: 0, count: 10 });
    } finally {
      await clients.close();
    }
  });
  after(async () => {
    await svc?.close();
    const clients = await testClients(['redis', 'postgres'], 1);
    try {
      for await (const keys of clients.redis!.scanIterator({ MATCH: `${TAG}:*`, COUNT: 1000 })) if (keys.length) await clients.redis!.del(keys);
      await clients.postgres!.query(`DROP SCHEMA IF EXISTS ${TAG} CASCADE`);
    } finally {
      await clients.close();
    }
  });

  test('/healthz lists the served paths', async () => {
    const r = await req(svc, 'GET', '/healthz');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.paths, PATHS);
  });

  for (const path of PATHS.filter((p) => p.startsWith('likes.'))) {
    test(`${path}: like twice then read the count`, async () => {
      const base = `/v1/paths/${path}/posts/77/likes`;
      assert.deepEqual((await req(svc, 'POST', base)).json, { postId: 77, count: 1 });
      assert.deepEqual((await req(svc, 'POST', base)).json, { postId: 77, count: 2 });
      assert.deepEqual(await req(svc, 'GET', base), { status: 200, json: { postId: 77, count: 2 } });
      assert.deepEqual((await req(svc, 'GET', `/v1/paths/${path}/posts/78/likes`)).json, { postId: 78, count: 0 });
    });
  }

  test('follows.pg: follow, duplicate, isFollowing, pages, mutuals, counts, unfollow', async () => {
    const b = '/v1/paths/follows.pg';
    assert.deepEqual(await req(svc, 'POST', `${b}/follows`, { follower: 1, followee: 2 }), { status: 200, json: { created: true } });
    assert.deepEqual((await req(svc, 'POST', `${b}/follows`, { follower: 1, followee: 2 })).json, { created: false });
    assert.deepEqual((await req(svc, 'POST', `${b}/follows`, { follower: 3, followee: 2 })).json, { created: true });
    assert.deepEqual((await req(svc, 'POST', `${b}/follows`, { follower: 1, followee: 4 })).json, { created: true });
    assert.deepEqual((await req(svc, 'POST', `${b}/follows`, { follower: 3, followee: 4 })).json, { created: true });
    assert.deepEqual((await req(svc, 'GET', `${b}/users/1/following/2`)).json, { following: true });
    assert.deepEqual((await req(svc, 'GET', `${b}/users/2/following/1`)).json, { following: false });
    assert.deepEqual((await req(svc, 'GET', `${b}/users/2/followers`)).json, { ids: [1, 3] });
    const page1 = await req(svc, 'GET', `${b}/users/2/followers?limit=1`);
    assert.deepEqual(page1.json, { ids: [1], next: 1 });
    assert.deepEqual((await req(svc, 'GET', `${b}/users/2/followers?limit=1&after=1`)).json.ids, [3]);
    assert.deepEqual((await req(svc, 'GET', `${b}/users/1/following`)).json, { ids: [2, 4] });
    assert.deepEqual((await req(svc, 'GET', `${b}/users/2/mutuals/4`)).json, { ids: [1, 3] });
    assert.deepEqual((await req(svc, 'GET', `${b}/users/2/counts`)).json, { followers: 2, following: 0 });
    assert.deepEqual((await req(svc, 'POST', `${b}/unfollows`, { follower: 1, followee: 2 })).json, { removed: true });
    assert.deepEqual((await req(svc, 'POST', `${b}/unfollows`, { follower: 1, followee: 2 })).json, { removed: false });
    assert.deepEqual((await req(svc, 'GET', `${b}/users/2/counts`)).json, { followers: 1, following: 0 });
  });

  test('bad requests are 400 with a JSON error; unknown ids and routes 404', async () => {
    const b = '/v1/paths/follows.pg';
    const self = await req(svc, 'POST', `${b}/follows`, { follower: 5, followee: 5 });
    assert.equal(self.status, 400);
    assert.match(String(self.json.message), /cannot follow themself/);
    const unknown = await req(svc, 'POST', `${b}/follows`, { follower: 5, followee: 999_999 });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error, 'not found');
    for (const [method, url] of [['GET', `${b}/users/-1/counts`], ['GET', `${b}/users/1.5/counts`], ['GET', `${b}/users/2/followers?limit=0`], ['GET', `${b}/users/2/followers?limit=10001`], ['GET', `${b}/users/2/followers?extra=1`], ['POST', '/v1/paths/likes.redis-counter/posts/abc/likes']]) {
      const r = await req(svc, method!, url!);
      assert.equal(r.status, 400, `${method} ${url}`);
      assert.equal(r.json.error, 'bad request');
      assert.equal(typeof r.json.message, 'string');
    }
    const missing = await req(svc, 'GET', '/v1/paths/likes.nope/posts/1/likes');
    assert.equal(missing.status, 404);
    assert.match(String(missing.json.message), /serves likes\.redis-counter/);
  });

  test('SQL and NoSQL injection payloads are refused and change nothing', async () => {
    const sqlIds = ["1;DROP TABLE likes", "1' OR '1'='1", '1 OR 1=1', '1)--', '1 UNION SELECT 1'];
    for (const id of sqlIds) {
      const r = await req(svc, 'POST', `/v1/paths/likes.pg-direct/posts/${encodeURIComponent(id)}/likes`);
      assert.equal(r.status, 400, id);
    }
    const b = '/v1/paths/follows.pg';
    const bodies = [
      { follower: { $gt: 0 }, followee: 1 },
      { follower: 1, followee: { $ne: null } },
      { follower: '1; DELETE FROM follows', followee: 2 },
      { follower: 1, followee: 2, $where: 'sleep(1000)' },
      [1, 2],
    ];
    for (const body of bodies) assert.equal((await req(svc, 'POST', `${b}/follows`, body)).status, 400, JSON.stringify(body));
    assert.equal((await req(svc, 'POST', `${b}/follows`, undefined, '{"follower":1,')).status, 400);
    // The table and the counts are intact.
    assert.deepEqual((await req(svc, 'GET', `${b}/users/2/counts`)).json, { followers: 1, following: 0 });
    assert.equal((await req(svc, 'GET', '/v1/paths/likes.pg-direct/posts/77/likes')).json.count, 2);
  });

  test('an oversized body is 413', async () => {
    const big = JSON.stringify({ follower: 1, followee: 2, pad: 'x'.repeat(10_000) });
    const r = await req(svc, 'POST', '/v1/paths/follows.pg/follows', undefined, big);
    assert.equal(r.status, 413);
    assert.equal(r.json.error, 'payload too large');
  });

  test('/metrics: Prometheus text with request counts and latency histograms per route', async () => {
    const res = await fetch(`${svc.url}/metrics`);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.match(text, /capbench_http_requests_total\{route="\/v1\/paths\/likes\.redis-counter\/posts\/:postId\/likes",method="POST",status="200"\} 2/);
    assert.match(text, /capbench_http_request_duration_seconds_bucket\{le="0\.005",route="\/v1\/paths\/follows\.pg\/follows",method="POST"\} \d+/);
    assert.match(text, /capbench_http_requests_total\{route="\/v1\/paths\/follows\.pg\/follows",method="POST",status="400"\} \d+/);
    assert.match(text, /capbench_store_call_duration_seconds_count\{route="\/v1\/paths\/likes\.pg-direct\/posts\/:postId\/likes"\} \d+/);
  });

  test('a port in use is one UsageError line', async () => {
    await assert.rejects(
      startService({ paths: [{ id: 'likes.redis-counter', options: { keyPrefix: `${TAG}:` } }], connections, port: svc.port }),
      (e: unknown) => e instanceof UsageError && new RegExp(`Port ${svc.port} on 127.0.0.1 is in use`).test(e.message),
    );
  });

  test('a non-loopback bind is refused unless allowed', async () => {
    await assert.rejects(startService({ paths: [{ id: 'likes.redis-counter' }], connections, host: '0.0.0.0' }), (e: unknown) => e instanceof UsageError && /loopback only/.test(e.message));
  });
});

test('a path whose family has no route yet is named', () => {
  const saved = ROUTES.follows;
  delete ROUTES.follows;
  try {
    assert.throws(() => routeFor('follows.pg'), (e: unknown) => e instanceof UsageError && /^Storage path follows\.pg has no HTTP route yet \(family follows/.test(e.message));
  } finally {
    ROUTES.follows = saved;
  }
});

test('an unreachable store is 503 naming the store (a private redis-server, stopped midway)', async () => {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'cbhttp-redis-'));
  const redis: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  try {
    await waitForPort('127.0.0.1', port, { store: 'redis', timeoutMs: 10_000, intervalMs: 100 });
    const svc = await startService({ paths: [{ id: 'likes.redis-counter' }], connections: { redis: resolveConnection('redis', `redis://127.0.0.1:${port}`) }, storeTimeoutMs: 1000 });
    try {
      assert.equal((await req(svc, 'POST', '/v1/paths/likes.redis-counter/posts/1/likes')).status, 200);
      redis.kill('SIGKILL');
      await new Promise((r) => redis.once('exit', r));
      const r = await req(svc, 'POST', '/v1/paths/likes.redis-counter/posts/1/likes');
      assert.equal(r.status, 503);
      assert.equal(r.json.store, 'redis');
      assert.match(String(r.json.message), /^redis is unreachable/);
    } finally {
      await svc.close();
    }
  } finally {
    if (redis.exitCode === null) redis.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});
