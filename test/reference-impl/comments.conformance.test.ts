/**
 * The comments family's conformance suite: every path registered with family "comments"
 * (reference-impl/registry.ts) runs the same cases on its real store through the CommentStore
 * contract: newest-first pages that neither repeat nor skip, replies, counts, idempotent add,
 * argument errors, reset scope.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { InvalidArgumentError } from '../../core/errors.js';
import type { Comment, CommentStore, CommentStoreOptions } from '../../reference-impl/comments/types.js';
import { pathsOf } from '../../reference-impl/registry.js';
import type { StoreClients } from '../../targets/clients.js';
import { prng, shuffle, TEST_TAG, testClients } from './env.js';

const OWN: CommentStoreOptions = { keyspace: `${TEST_TAG}_cm` };
const NEIGHBOUR: CommentStoreOptions = { keyspace: `${TEST_TAG}_cmn` };
const BASE = 1_700_000_000_000;

for (const path of pathsOf('comments')) {
  describe(`comments conformance: ${path.id}`, () => {
    let clients: StoreClients;
    let c: CommentStore;

    before(async () => {
      clients = await testClients(path.stores);
      c = path.open(clients, OWN);
      await Promise.all([c.setup(), c.setup()]);
    });

    after(async () => {
      if (clients.cassandra) for (const o of [OWN, NEIGHBOUR]) await clients.cassandra.execute(`DROP KEYSPACE IF EXISTS ${o.keyspace}`);
      await clients.close();
    });

    beforeEach(() => c.reset());

    test('pages are newest first and, walked with their cursors, return every comment once', async () => {
      // 95 comments on post 1 in random order (two pairs share a timestamp: tie broken by comment id), 10 on post 2.
      const mine: Comment[] = Array.from({ length: 95 }, (_, i) => ({ postId: 1, commentId: 100 + i, authorId: i % 7, createdAt: BASE + (i % 40 === 0 ? 5 : i) * 1000, text: `c${i}` }));
      const theirs: Comment[] = Array.from({ length: 10 }, (_, i) => ({ postId: 2, commentId: 900 + i, authorId: 1, createdAt: BASE + i, text: 'x' }));
      for (const x of shuffle([...mine, ...theirs], prng(5))) await c.add(x);
      const expected = [...mine].sort((a, b) => b.createdAt - a.createdAt || b.commentId - a.commentId);
      const seen: Comment[] = [];
      let page = await c.page(1, { limit: 20 });
      let pages = 1;
      seen.push(...page.comments);
      while (page.next) {
        page = await c.page(1, { limit: 20, after: page.next });
        seen.push(...page.comments);
        pages++;
      }
      assert.deepEqual(seen, expected);
      assert.equal(pages, 5);
      assert.deepEqual((await c.page(1)).comments, expected.slice(0, 20), 'default limit 20');
      assert.deepEqual(await c.page(3), { comments: [] });
      assert.equal(await c.count(1), 95);
      assert.equal(await c.count(2), 10);
      assert.equal(await c.count(3), 0);
    });

    test('a comment added between pages neither shifts nor repeats the next page', async () => {
      for (let i = 0; i < 10; i++) await c.add({ postId: 5, commentId: i, authorId: 1, createdAt: BASE + i, text: 't' });
      const first = await c.page(5, { limit: 5 });
      await c.add({ postId: 5, commentId: 99, authorId: 1, createdAt: BASE + 100, text: 'newer' });
      const second = await c.page(5, { limit: 5, after: first.next! });
      assert.deepEqual(second.comments.map((x) => x.commentId), [4, 3, 2, 1, 0]);
    });

    test('replies are the newest replies to that comment only; the reply is also in the post page', async () => {
      await c.add({ postId: 7, commentId: 1, authorId: 1, createdAt: BASE, text: 'root' });
      for (let i = 0; i < 5; i++) await c.add({ postId: 7, commentId: 10 + i, authorId: 2, createdAt: BASE + 10 + i, text: `r${i}`, parentId: 1 });
      await c.add({ postId: 7, commentId: 20, authorId: 3, createdAt: BASE + 50, text: 'other', parentId: 2 });
      const r = await c.replies(7, 1, 3);
      assert.deepEqual(r.map((x) => x.commentId), [14, 13, 12]);
      assert.ok(r.every((x) => x.parentId === 1 && x.postId === 7));
      assert.deepEqual(await c.replies(7, 99), []);
      const all = (await c.page(7, { limit: 100 })).comments;
      assert.equal(all.length, 7);
      assert.equal(all.find((x) => x.commentId === 12)?.parentId, 1);
      assert.equal(all.find((x) => x.commentId === 1)?.parentId, undefined);
    });

    test('adding the same comment again (a retry) leaves one comment', async () => {
      const x: Comment = { postId: 9, commentId: 1, authorId: 1, createdAt: BASE, text: 'once', parentId: 0 };
      await Promise.all([c.add(x), c.add(x), c.add(x)]);
      assert.equal(await c.count(9), 1);
      assert.equal((await c.replies(9, 0)).length, 1);
    });

    test('bad arguments are InvalidArgumentErrors naming the path, and store nothing', async () => {
      const bad = (e: unknown) => e instanceof InvalidArgumentError && e.path === path.id;
      await assert.rejects(async () => c.add({ postId: 1.5, commentId: 1, authorId: 1, createdAt: 0, text: '' }), bad);
      await assert.rejects(async () => c.add({ postId: 1, commentId: -1, authorId: 1, createdAt: 0, text: '' }), bad);
      await assert.rejects(async () => c.add({ postId: 1, commentId: 1, authorId: 1, createdAt: 0, text: '', parentId: -2 }), bad);
      await assert.rejects(async () => c.page(1, { limit: 0 }), bad);
      await assert.rejects(async () => c.replies(1, 1, 1001), bad);
      assert.equal(await c.count(1), 0);
      assert.throws(() => path.open(clients, { keyspace: 'Bad-Name' }), bad);
    });

    test("reset() empties this path's comments only", async () => {
      const n = path.open(clients, NEIGHBOUR);
      await n.setup();
      const x: Comment = { postId: 1, commentId: 1, authorId: 1, createdAt: BASE, text: 'keep' };
      await n.add(x);
      await c.add(x);
      await c.reset();
      assert.equal(await c.count(1), 0);
      assert.equal(await n.count(1), 1);
    });
  });
}
