/**
 * The bookmarks family's conformance suite: every path registered with family "bookmarks"
 * (reference-impl/registry.ts) runs the same cases on its real store through the
 * BookmarkStore contract: idempotent add/remove (also racing), counts equal rows, "my
 * bookmarked posts" joined and paged newest first, unknown posts refused, argument errors,
 * reset scope.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { InvalidArgumentError } from '../../core/errors.js';
import type { BookmarkPost, BookmarkStore, BookmarkStoreOptions, BookmarkedPost } from '../../reference-impl/bookmarks/types.js';
import { pathsOf } from '../../reference-impl/registry.js';
import type { StoreClients } from '../../targets/clients.js';
import { TEST_TAG, testClients } from './env.js';

const OWN: BookmarkStoreOptions = { schema: `${TEST_TAG}_bm` };
const NEIGHBOUR: BookmarkStoreOptions = { schema: `${TEST_TAG}_bmn` };
const BASE = 1_700_000_000_000;
const POSTS: BookmarkPost[] = Array.from({ length: 50 }, (_, i) => ({ postId: i + 1, authorId: 100 + (i % 5), title: `post ${i + 1}`, createdAt: BASE + i * 1000 }));

for (const path of pathsOf('bookmarks')) {
  describe(`bookmarks conformance: ${path.id}`, () => {
    let clients: StoreClients;
    let b: BookmarkStore;

    before(async () => {
      clients = await testClients(path.stores);
      b = path.open(clients, OWN);
      await Promise.all([b.setup(), b.setup()]);
    });

    after(async () => {
      if (clients.postgres) for (const o of [OWN, NEIGHBOUR]) await clients.postgres.query(`DROP SCHEMA IF EXISTS "${o.schema}" CASCADE`);
      await clients.close();
    });

    beforeEach(async () => {
      await b.reset({ posts: true });
      await b.addPosts(POSTS);
    });

    test('add and remove are idempotent and say whether they changed anything; counts follow', async () => {
      assert.equal(await b.add(1, 10), true);
      assert.equal(await b.add(1, 10), false);
      assert.equal(await b.add(2, 10), true);
      assert.equal(await b.has(1, 10), true);
      assert.equal(await b.postCount(10), 2);
      assert.equal(await b.userCount(1), 1);
      assert.equal(await b.remove(1, 10), true);
      assert.equal(await b.remove(1, 10), false);
      assert.equal(await b.has(1, 10), false);
      assert.equal(await b.postCount(10), 1);
      assert.equal(await b.userCount(1), 0);
      assert.equal(await b.postCount(9999), 0);
    });

    test('racing adds and removes of the same pairs leave counts equal to rows', async () => {
      const ops: Promise<boolean>[] = [];
      for (let k = 0; k < 8; k++) for (let p = 1; p <= 5; p++) ops.push(k % 3 === 2 ? b.remove(7, p) : b.add(7, p));
      await Promise.all(ops);
      let rows = 0;
      for (let p = 1; p <= 5; p++) {
        const has = await b.has(7, p);
        rows += has ? 1 : 0;
        assert.equal(await b.postCount(p), has ? 1 : 0, `post ${p}: counter equals rows`);
      }
      assert.equal(await b.userCount(7), rows);
    });

    test('"my bookmarked posts" is the join, most recently bookmarked first, paged without repeats', async () => {
      // User 3 bookmarks 25 posts, one per second, in an order unrelated to the post ids; two at the same ms (tie: post id desc).
      const order = Array.from({ length: 25 }, (_, i) => ((i * 7) % 50) + 1);
      for (const [i, p] of order.entries()) await b.add(3, p, BASE + 1_000_000 + (i === 24 ? 23 : i) * 1000);
      await b.add(4, 1, BASE);
      const expected: BookmarkedPost[] = order
        .map((p, i) => ({ ...POSTS[p - 1]!, bookmarkedAt: BASE + 1_000_000 + (i === 24 ? 23 : i) * 1000 }))
        .sort((x, y) => y.bookmarkedAt - x.bookmarkedAt || y.postId - x.postId);
      const first = await b.list(3, { limit: 10 });
      assert.deepEqual(first, expected.slice(0, 10));
      const all: BookmarkedPost[] = [...first];
      for (let page = first; page.length === 10; ) {
        const last = page[page.length - 1]!;
        page = await b.list(3, { limit: 10, after: { bookmarkedAt: last.bookmarkedAt, postId: last.postId } });
        all.push(...page);
      }
      assert.deepEqual(all, expected);
      assert.deepEqual(await b.list(3), expected.slice(0, 20), 'default limit 20');
      assert.deepEqual(await b.list(99), []);
    });

    test('a bookmark of an unknown post is refused by the store; bad arguments are InvalidArgumentErrors', async () => {
      await assert.rejects(async () => b.add(1, 123_456), (e: unknown) => (e as { code?: string }).code === '23503');
      const bad = (e: unknown) => e instanceof InvalidArgumentError && e.path === path.id;
      await assert.rejects(async () => b.add(1.5, 1), bad);
      await assert.rejects(async () => b.remove(1, -1), bad);
      await assert.rejects(async () => b.list(1, { limit: 0 }), bad);
      await assert.rejects(async () => b.list(1, { limit: 1001 }), bad);
      await assert.rejects(async () => b.addPosts([{ postId: -1, authorId: 1, title: 'x', createdAt: 0 }]), bad);
      assert.equal(await b.userCount(1), 0);
      assert.throws(() => path.open(clients, { schema: 'Bad-Name' }), InvalidArgumentError);
    });

    test("reset() empties this path's bookmarks only", async () => {
      const n = path.open(clients, NEIGHBOUR);
      await n.setup();
      await n.addPosts(POSTS.slice(0, 1));
      await n.add(1, 1);
      await b.add(1, 1);
      await b.reset();
      assert.equal(await b.has(1, 1), false);
      assert.equal(await b.postCount(1), 0, 'counters reset with the rows');
      assert.equal(await n.has(1, 1), true);
    });
  });
}
