/**
 * posts.mongo beyond the posts contract (seed 000 "Posts & Comments"), on the real MongoDB
 * wire-protocol server (FerretDB 1.24 locally, the stand-in): content round trip, nested
 * comments pushed idempotently with comment_count, newest-first pages, the audit, and the
 * write-amplification profile (document bytes rewritten per comment, with and without
 * pre-allocated slots).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { InvalidArgumentError } from '../../core/errors.js';
import { mongoPostsPath, type MongoPosts } from '../../reference-impl/posts/mongo.js';
import type { StoreClients } from '../../targets/clients.js';
import { TEST_TAG, testClients } from './env.js';

const DB = `${TEST_TAG}_pm`;

describe('posts.mongo: content and nested comments', () => {
  let clients: StoreClients;
  let p: MongoPosts;

  before(async () => {
    clients = await testClients(['mongodb']);
    p = mongoPostsPath.open(clients, { database: DB });
    await p.setup();
  });
  after(async () => {
    await clients.mongodb!.db(DB).dropDatabase();
    await clients.close();
  });
  beforeEach(() => p.reset());

  test('a post keeps its Markdown body and embedded media; create of an existing id is a no-op', async () => {
    const post = { postId: 1, authorId: 2, createdAt: 1_700_000_000_000, body: '# Title\n\n**bold** ![x](https://img/1.jpg)', media: [{ url: 'https://img/1.jpg', kind: 'image' as const, width: 1080, height: 1350 }] };
    assert.equal(await p.createPost(post), true);
    assert.equal(await p.createPost({ ...post, body: 'other' }), false);
    assert.deepEqual(await p.getContent(1), { ...post, commentCount: 0 });
    assert.equal(await p.getContent(2), undefined);
  });

  test('comments are pushed once per id, counted, and paged newest first', async () => {
    await p.createPost({ postId: 5, authorId: 1, createdAt: 1000, body: 'b', media: [] });
    for (let i = 0; i < 30; i++) assert.equal(await p.addComment(5, { commentId: i, authorId: i % 3, createdAt: 2000 + i, body: `c${i}`, ...(i % 10 === 9 ? { parentId: 0 } : {}) }), 'added');
    assert.equal(await p.addComment(5, { commentId: 3, authorId: 0, createdAt: 2003, body: 'c3' }), 'duplicate');
    assert.equal(await p.addComment(404, { commentId: 1, authorId: 0, createdAt: 1, body: 'x' }), 'no-post');
    assert.equal(await p.commentCount(5), 30);
    assert.equal(await p.commentCount(404), undefined);
    const first = await p.comments(5, { limit: 10 });
    assert.deepEqual(first!.map((c) => c.commentId), [29, 28, 27, 26, 25, 24, 23, 22, 21, 20]);
    assert.equal(first![0]!.parentId, 0);
    assert.equal(first![1]!.parentId, undefined);
    assert.deepEqual((await p.comments(5, { offset: 25, limit: 10 }))!.map((c) => c.commentId), [4, 3, 2, 1, 0]);
    assert.deepEqual(await p.comments(5, { offset: 40 }), []);
    assert.equal(await p.comments(404), undefined);
    assert.deepEqual(await p.audit(), { posts: 1, commentCountSum: 30, comments: 30, countMismatches: 0 });
  });

  test('concurrent retries of the same comment leave one comment and a count of one', async (t) => {
    if (!p.dedupOnServer) {
      // Not a substitute: the case is skipped, saying why (docs/errata.md, posts.mongo).
      t.skip(`${p.server} matches { "comments.id": { $ne: id } } against an array holding id and loses concurrent updates of one document, so only one writer per post is idempotent there`);
      return;
    }
    await p.createPost({ postId: 8, authorId: 1, createdAt: 1000, body: '', media: [] });
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => p.addComment(8, { commentId: 1, authorId: 1, createdAt: 5, body: 'x' })));
    assert.equal(outcomes.filter((o) => o === 'added').length, 1);
    assert.equal(await p.commentCount(8), 1);
    assert.equal((await p.comments(8))!.length, 1);
  });

  test('growthProfile: every comment rewrites the whole document, so bytes per write grow with the array; pre-allocated slots start bigger', async () => {
    const grow = await p.growthProfile({ postId: 900, comments: 30, bodyBytes: 100, preallocate: 0 });
    const pre = await p.growthProfile({ postId: 901, comments: 30, bodyBytes: 100, preallocate: 20 });
    assert.equal(grow.length, 30);
    const c = grow[0]!.commentBytes;
    assert.ok(c > 100 && c < 200, `one comment is ~100 bytes of body plus fields, got ${c}`);
    for (let i = 1; i < grow.length; i++) assert.equal(grow[i]!.documentBytes - grow[i - 1]!.documentBytes >= c, true, `document grows by at least a comment at ${i + 1}`);
    assert.ok(grow[29]!.documentBytes > 30 * c, 'the 30th write rewrites 30 comments');
    assert.ok(pre[0]!.documentBytes > grow[0]!.documentBytes, 'the pre-allocated document is bigger at the first comment');
    assert.equal(await p.get(900), undefined, 'the scratch post is removed');
    await assert.rejects(async () => p.growthProfile({ postId: 1, comments: 0, bodyBytes: 1, preallocate: 0 }), InvalidArgumentError);
  });

  test('setup() names the server and what it can do', () => {
    assert.match(p.server, /^(MongoDB|FerretDB) /);
    if (p.server.startsWith('FerretDB')) {
      assert.equal(p.pagingOnServer, false, 'FerretDB 1.24 refuses $slice projections');
      assert.equal(p.dedupOnServer, false, 'FerretDB 1.24 mis-evaluates $ne on an array path');
    }
  });

  test('bad arguments are InvalidArgumentErrors naming the path', async () => {
    const bad = (e: unknown) => e instanceof InvalidArgumentError && e.path === 'posts.mongo';
    await assert.rejects(async () => p.addComment(1, { commentId: -1, authorId: 1, createdAt: 0, body: '' }), bad);
    await assert.rejects(async () => p.comments(1, { limit: 0 }), bad);
    await assert.rejects(async () => p.comments(1, { offset: -1 }), bad);
    await assert.rejects(async () => p.createPost({ postId: 1, authorId: 1, createdAt: 0, body: '', media: [] }, { preallocate: -1 }), bad);
  });
});
