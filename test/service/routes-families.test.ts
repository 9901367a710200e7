/**
 * The reference service's routes of the feed, posts, users and search families against the
 * real stores (Cassandra + Redis, PostgreSQL, Elasticsearch): every route answers, bad requests
 * are 400, unknown ids 404, a taken username 409, oversized bodies 413, injection payloads are
 * refused by the schema or stored/searched as plain text; capbench's HTTP clients of these
 * families (service/client.ts) read what the routes answer. Everything this suite creates is
 * named h2_<pid> (keyspace, PostgreSQL schema, Elasticsearch namespace) and removed at the end.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { StoreName } from '../../core/target.js';
import { CassandraRedisFeed } from '../../reference-impl/feed/index.js';
import { EsPostSearch } from '../../reference-impl/search/index.js';
import type { SearchPost } from '../../reference-impl/search/types.js';
import { ServiceClient, feedOverHttp, searchOverHttp, usersOverHttp } from '../../service/client.js';
import { startService, type StartedService } from '../../service/server.js';
import { resolveConnection } from '../../targets/registry.js';
import { clientOf } from '../../reference-impl/path.js';
import { testClients } from '../reference-impl/env.js';
import { dropEsPrefix } from './env.js';

const TAG = `h2_${process.pid}`;
const NS = `h2-${process.pid}`;
const PATHS = ['feed.fanout-read', 'posts.cassandra', 'users.pg', 'search.es'];
const connections = Object.fromEntries((['redis', 'postgres', 'cassandra', 'elasticsearch'] as StoreName[]).map((s) => [s, resolveConnection(s)]));

async function req(svc: StartedService, method: string, path: string, body?: unknown, raw?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(svc.url + path, {
    method,
    headers: body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {},
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

describe('feed, posts, users and search routes on the real stores', { timeout: 600_000 }, () => {
  let svc: StartedService;
  before(async () => {
    svc = await startService({ paths: PATHS.map((id) => ({ id, options: { keyspace: TAG, schema: TAG, namespace: NS } })), connections, port: 0 });
  });
  after(async () => {
    await svc?.close();
    const c = await testClients(['redis', 'postgres', 'cassandra', 'elasticsearch'], 1);
    try {
      await new EsPostSearch(clientOf(c, 'elasticsearch', 'search.es'), { namespace: NS }).reset();
      await c.postgres!.query(`DROP SCHEMA IF EXISTS ${TAG} CASCADE`);
      for await (const keys of c.redis!.scanIterator({ MATCH: `fo:${TAG}:*`, COUNT: 1000 })) if (keys.length) await c.redis!.del(keys);
      await c.cassandra!.execute(`DROP KEYSPACE IF EXISTS ${TAG}`);
    } finally {
      await c.close();
    }
    await dropEsPrefix(`${NS}-`);
  });

  test('/healthz lists the four families\' paths', async () => {
    const r = await req(svc, 'GET', '/healthz');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.paths, PATHS);
  });

  test('users.pg: create, profile, bump; 404 unknown, 409 taken, 400 bad, 413 oversized', async () => {
    const b = '/v1/paths/users.pg';
    assert.deepEqual((await req(svc, 'POST', `${b}/users`, { userId: 1, username: 'ann', email: 'ann@example.invalid', fullName: 'Ann' })).json, { created: true });
    assert.deepEqual((await req(svc, 'POST', `${b}/users`, { userId: 1, username: 'ann', email: 'ann@example.invalid', fullName: 'Ann' })).json, { created: false });
    const taken = await req(svc, 'POST', `${b}/users`, { userId: 2, username: 'ann', email: 'other@example.invalid', fullName: 'Other' });
    assert.equal(taken.status, 409);
    const p = await req(svc, 'GET', `${b}/users/1`);
    assert.equal(p.status, 200);
    assert.equal(p.json.username, 'ann');
    assert.equal(p.json.followersCount, 0);
    const s = await req(svc, 'POST', `${b}/users/1/stats`, { followersCount: 3, postsCount: 1 });
    assert.deepEqual(s.json, { followersCount: 3, followingCount: 0, postsCount: 1 });
    assert.equal((await req(svc, 'GET', `${b}/users/999`)).status, 404);
    assert.equal((await req(svc, 'POST', `${b}/users/999/stats`, { postsCount: 1 })).status, 404);
    // Injection: a SQL payload is a plain string (stored and read back as is, the table still there); an operator object where an id goes is 400.
    const evil = "x'); DROP TABLE users;--";
    const inj = await req(svc, 'POST', `${b}/users`, { userId: 3, username: 'eve', email: 'eve@example.invalid', fullName: evil });
    assert.equal(inj.status, 200);
    assert.equal((await req(svc, 'GET', `${b}/users/3`)).json.fullName, evil);
    assert.equal((await req(svc, 'GET', `${b}/users/1`)).status, 200, 'users table intact');
    for (const bad of [{ userId: { $gt: 0 }, username: 'a', email: 'a@b', fullName: 'A' }, { userId: 4, username: 'x'.repeat(31), email: 'a@b', fullName: 'A' }, { userId: 4, username: 'a', email: 'a@b', fullName: 'A', admin: true }]) {
      const r = await req(svc, 'POST', `${b}/users`, bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(r.json.error, 'bad request');
    }
    assert.equal((await req(svc, 'GET', `${b}/users/abc`)).status, 400);
    assert.equal((await req(svc, 'POST', `${b}/users/1/stats`, { postsCount: 1.5 })).status, 400);
    const big = await req(svc, 'POST', `${b}/users`, { userId: 5, username: 'big', email: 'big@example.invalid', fullName: 'Big', bio: 'x'.repeat(5000) });
    assert.equal(big.status, 413);
    // capbench's client: a 404 is undefined, as at driver level.
    const client = new ServiceClient({ kind: 'http', url: svc.url });
    try {
      const u = usersOverHttp(client, 'users.pg');
      assert.equal((await u.profile(1))?.postsCount, 1);
      assert.equal(await u.profile(999), undefined);
      assert.equal((await u.bump(1, { postsCount: 1 }))?.postsCount, 2);
    } finally {
      await client.close();
    }
  });

  test('posts.cassandra: create, get, latest; 404 unknown, 400 bad', async () => {
    const b = '/v1/paths/posts.cassandra';
    const t = Date.now() - 10_000;
    for (let i = 0; i < 3; i++) assert.deepEqual((await req(svc, 'POST', `${b}/posts`, { postId: 100 + i, authorId: 7, createdAt: t + i })).json, { stored: true });
    assert.deepEqual((await req(svc, 'GET', `${b}/posts/101`)).json, { postId: 101, authorId: 7, createdAt: t + 1 });
    const latest = await req(svc, 'GET', `${b}/users/7/posts?limit=2`);
    assert.deepEqual((latest.json.posts as { postId: number }[]).map((p) => p.postId), [102, 101]);
    assert.equal((await req(svc, 'GET', `${b}/posts/4242`)).status, 404);
    assert.equal((await req(svc, 'GET', `${b}/users/7/posts?limit=0`)).status, 400);
    assert.equal((await req(svc, 'GET', `${b}/users/7/posts?limit=2;DROP`)).status, 400);
    assert.equal((await req(svc, 'POST', `${b}/posts`, { postId: -1, authorId: 7 })).status, 400);
    assert.equal((await req(svc, 'POST', `${b}/posts`, undefined, '{"postId": 1, ')).status, 400, 'malformed JSON');
  });

  test('feed.fanout-read: follow, post, home and user timeline; 400 bad ids; the HTTP client reads the same', async () => {
    const b = '/v1/paths/feed.fanout-read';
    assert.deepEqual((await req(svc, 'POST', `${b}/follows`, { follower: 20, followee: 21 })).json, { ok: true });
    const at = Date.now() - 5000;
    assert.deepEqual((await req(svc, 'POST', `${b}/posts`, { postId: 500, authorId: 21, createdAt: at })).json, { stored: true });
    const home = await req(svc, 'GET', `${b}/users/20/home?limit=10`);
    assert.equal(home.status, 200);
    assert.deepEqual(home.json.entries, [{ postId: 500, authorId: 21, createdAt: at }]);
    assert.deepEqual((await req(svc, 'GET', `${b}/users/21/posts`)).json.entries, [{ postId: 500, authorId: 21, createdAt: at }]);
    assert.deepEqual((await req(svc, 'GET', `${b}/backlog`)).json, { backlog: 0 }, 'a pull strategy queues nothing');
    assert.equal((await req(svc, 'GET', `${b}/users/20/home?limit=5000`)).status, 400);
    assert.equal((await req(svc, 'POST', `${b}/posts`, { postId: '1 OR 1=1', authorId: 21 })).status, 400);
    assert.equal((await req(svc, 'POST', `${b}/posts`, { postId: 501, authorId: 21, extra: 1 })).status, 400);
    const client = new ServiceClient({ kind: 'http', url: svc.url });
    try {
      const f = feedOverHttp(client, 'feed.fanout-read');
      await f.post({ postId: 502, authorId: 21, createdAt: at + 1 });
      assert.deepEqual((await f.home(20, 10)).map((e) => e.postId), [502, 500]);
      assert.deepEqual((await f.userPosts(21, 1)).map((e) => e.postId), [502]);
    } finally {
      await client.close();
    }
    // What the service stored is what the driver-level path reads.
    const c = await testClients(['redis', 'cassandra'], 1);
    try {
      const d = new CassandraRedisFeed('read', c.cassandra!, c.redis!, { keyspace: TAG });
      assert.deepEqual((await d.home(20, 10)).map((e) => e.postId), [502, 500]);
    } finally {
      await c.close();
    }
  });

  test('search.es: index, refresh, every query kind; 400 for a bad query or post; query text is never query syntax', async () => {
    const b = '/v1/paths/search.es';
    const now = Math.floor(Date.now() / 1000);
    const posts: SearchPost[] = [
      { id: 1, author: 'u_1', title: 'alpine hiking trails', content: 'long walk in the mountains', hashtags: ['travel'], likes: 3, created_at: now - 100 },
      { id: 2, author: 'u_2', title: 'city food guide', content: 'street food and hiking boots', hashtags: ['food'], likes: 5, created_at: now - 30 * 86_400 },
      { id: 3, author: 'u_1', title: 'quiet lakes', content: 'a boat on the water', hashtags: [], likes: 0, created_at: now - 50 },
    ];
    for (const p of posts) assert.deepEqual((await req(svc, 'POST', `${b}/posts`, p)).json, { indexed: 1, rejected429: 0 });
    assert.deepEqual((await req(svc, 'POST', `${b}/refresh`)).json, { ok: true });
    assert.deepEqual((await req(svc, 'GET', `${b}/count`)).json, { count: 3 });
    const ids = async (qs: string) => {
      const r = await req(svc, 'GET', `${b}/search?${qs}`);
      assert.equal(r.status, 200, `${qs}: ${JSON.stringify(r.json)}`);
      return (r.json.ids as number[]).slice().sort();
    };
    assert.deepEqual(await ids('kind=match&q=hiking'), [1, 2]);
    assert.deepEqual(await ids(`kind=recent&q=hiking&since=${now - 7 * 86_400}`), [1]);
    assert.deepEqual(await ids('kind=title&q=hiking'), [1]);
    assert.deepEqual(await ids('kind=author&author=u_1'), [1, 3]);
    // Query DSL, Lucene syntax or a script as text: matched as words, never run (no match_all).
    for (const q of ['{"match_all":{}}', '* OR 1:1', 'title:* OR _exists_:id']) assert.deepEqual(await ids(`kind=match&q=${encodeURIComponent(q)}`), [], q);
    for (const bad of ['kind=author', 'kind=recent&q=x', 'kind=match', 'kind=script&q=x', 'kind=match&q=x&size=1000', 'kind=author&author[$gt]=', 'kind=author&author=u_1%22%7D', 'kind=match&q=x&extra=1']) {
      const r = await req(svc, 'GET', `${b}/search?${bad}`);
      assert.equal(r.status, 400, bad);
    }
    assert.equal((await req(svc, 'POST', `${b}/posts`, { ...posts[0], likes: 40_000 })).status, 400, 'likes is a short');
    assert.equal((await req(svc, 'POST', `${b}/posts`, { ...posts[0], hashtags: ['a b'] })).status, 400);
    assert.equal((await req(svc, 'POST', `${b}/posts`, { ...posts[0], content: 'x'.repeat(5000) })).status, 413);
    const client = new ServiceClient({ kind: 'http', url: svc.url });
    try {
      const s = searchOverHttp(client, 'search.es');
      assert.deepEqual((await s.search({ kind: 'author', author: 'u_2' })).ids, [2]);
      assert.equal((await s.indexPosts([{ ...posts[2]!, id: 4 }])).indexed, 1);
    } finally {
      await client.close();
    }
  });
});
