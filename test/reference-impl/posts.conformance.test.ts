/**
 * The posts family's conformance suite: every path registered with family "posts"
 * (reference-impl/registry.ts) runs the same cases against its real store through the PostStore
 * contract: create/get round trip, an author's latest N newest first, idempotent re-create,
 * argument errors, reset scope.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { InvalidArgumentError } from '../../core/errors.js';
import type { PostStore, PostStoreOptions } from '../../reference-impl/posts/types.js';
import { pathsOf } from '../../reference-impl/registry.js';
import type { StoreClients } from '../../targets/clients.js';
import { prng, shuffle, TEST_TAG, testClients } from './env.js';

const OWN: PostStoreOptions = { keyspace: `${TEST_TAG}_po`, database: `${TEST_TAG}_po` };
const NEIGHBOUR: PostStoreOptions = { keyspace: `${TEST_TAG}_pon`, database: `${TEST_TAG}_pon` };

for (const path of pathsOf('posts')) {
  describe(`posts conformance: ${path.id}`, () => {
    let clients: StoreClients;
    let p: PostStore;

    before(async () => {
      clients = await testClients(path.stores);
      p = path.open(clients, OWN);
      await Promise.all([p.setup(), p.setup()]);
    });

    after(async () => {
      if (clients.cassandra) for (const o of [OWN, NEIGHBOUR]) await clients.cassandra.execute(`DROP KEYSPACE IF EXISTS ${o.keyspace}`);
      if (clients.mongodb) for (const o of [OWN, NEIGHBOUR]) await clients.mongodb.db(o.database!).dropDatabase();
      await clients.close();
    });

    beforeEach(() => p.reset());

    test('create then get returns the post; an unknown id is undefined', async () => {
      const post = { postId: 1001, authorId: 7, createdAt: 1_700_000_000_123 };
      await p.create(post);
      assert.deepEqual(await p.get(1001), post);
      assert.equal(await p.get(999_999), undefined);
    });

    test("latest(author, N) is the author's newest N, newest first, and no one else's", async () => {
      const rnd = prng(11);
      const base = 1_700_000_000_000;
      // 150 posts by author 1 in random insertion order (two share a timestamp: tie broken by post id), 20 by author 2.
      const mine = Array.from({ length: 150 }, (_, i) => ({ postId: 5000 + i, authorId: 1, createdAt: base + (i === 149 ? 148 : i) * 1000 }));
      const theirs = Array.from({ length: 20 }, (_, i) => ({ postId: 9000 + i, authorId: 2, createdAt: base + i * 500 }));
      for (const x of shuffle([...mine, ...theirs], rnd)) await p.create(x);
      const expected = [...mine].sort((a, b) => b.createdAt - a.createdAt || b.postId - a.postId);
      assert.deepEqual(await p.latest(1, 10), expected.slice(0, 10));
      assert.deepEqual(await p.latest(1, 1000), expected);
      assert.deepEqual(await p.latest(1), expected.slice(0, 20), 'default limit 20');
      assert.equal((await p.latest(2, 1000)).length, 20);
      assert.deepEqual(await p.latest(3, 5), []);
    });

    test('re-creating the same post leaves one post', async () => {
      const post = { postId: 42, authorId: 3, createdAt: 1_700_000_000_000 };
      await Promise.all([p.create(post), p.create(post), p.create(post)]);
      assert.deepEqual(await p.latest(3, 10), [post]);
    });

    test('bad arguments are InvalidArgumentErrors naming the path, and store nothing', async () => {
      const bad = (e: unknown) => e instanceof InvalidArgumentError && e.path === path.id;
      await assert.rejects(async () => p.create({ postId: 1.5, authorId: 1, createdAt: 0 }), bad);
      await assert.rejects(async () => p.create({ postId: 1, authorId: -1, createdAt: 0 }), bad);
      await assert.rejects(async () => p.latest(1, 0), bad);
      await assert.rejects(async () => p.latest(1, 1001), bad);
      assert.deepEqual(await p.latest(1, 10), []);
      assert.throws(() => path.open(clients, { keyspace: 'Bad-Name', database: 'Bad-Name' }), bad);
    });

    test("reset() empties this path's posts only", async () => {
      const n = path.open(clients, NEIGHBOUR);
      await n.setup();
      await n.create({ postId: 1, authorId: 1, createdAt: 1000 });
      await p.create({ postId: 1, authorId: 1, createdAt: 1000 });
      await p.reset();
      assert.equal(await p.get(1), undefined);
      assert.deepEqual(await n.get(1), { postId: 1, authorId: 1, createdAt: 1000 });
    });
  });
}
