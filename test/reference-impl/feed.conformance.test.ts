/**
 * The feed family's conformance suite: every path registered with family "feed"
 * (reference-impl/registry.ts) runs the same cases on the real Cassandra and Redis, through the
 * Feed contract: a post reaches every follower, newest first, each once; a redelivered task
 * (a worker killed before XACK) adds no duplicate; follow/unfollow keep followers and following
 * in step; bad arguments are refused. Path-specific cases follow: the capped Redis timeline
 * keeps the newest N, hybrid returns the same timeline as fan-out on write, an older schema is
 * refused. All paths share one keyspace of this process (created and dropped here).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { InvalidArgumentError, UsageError } from '../../core/errors.js';
import type { Feed, FeedEntry, FeedOptions } from '../../reference-impl/feed/types.js';
import { CassandraRedisFeed } from '../../reference-impl/feed/base.js';
import { getStoragePath, pathsOf } from '../../reference-impl/registry.js';
import type { StoreClients } from '../../targets/clients.js';
import { driversFor, driverTag, TEST_TAG, testClients } from './env.js';
import { unlinkMatching } from '../../reference-impl/common/redis-keys.js';

const KS = `capbench_fanout_${TEST_TAG}`.slice(0, 48);
const OPTS: FeedOptions = { keyspace: KS, fanoutPage: 10, timelineCap: 5, celebrityThreshold: 30 };
const T0 = Date.UTC(2026, 0, 1);

let clients: StoreClients;
before(async () => {
  clients = await testClients(['redis', 'cassandra']);
});
after(async () => {
  await clients.cassandra?.execute(`DROP KEYSPACE IF EXISTS ${KS}`);
  await unlinkMatching(clients.redis!, `fo:${KS}:*`);
  await clients.close();
});

/** Run the path's fan-out worker until the queue is empty. */
async function drain(f: Feed): Promise<void> {
  const w = f.worker('t1');
  if (!w) return;
  for (let guard = 0; guard < 10_000; guard++) {
    if ((await f.backlog()) === 0) return;
    await w.step({ max: 50, claimIdleMs: 0 });
  }
  throw new Error('fan-out did not drain');
}

/** Post ids of a timeline. */
const ids = (es: FeedEntry[]) => es.map((e) => e.postId);

for (const path of pathsOf('feed')) for (const driver of driversFor(path.stores)) {
  describe(`feed conformance: ${path.id}${driverTag(driver)}`, () => {
    let f: Feed;
    // This suite's own clients, Redis through `driver` (the strategy-specific tests below use the file's).
    let clients: StoreClients;
    before(async () => {
      clients = await testClients(path.stores, undefined, driver);
      f = path.open(clients, OPTS);
      await f.setup();
      await f.setup(); // idempotent
    });
    after(() => clients.close());
    beforeEach(() => f.reset());

    test('a post reaches every follower (3 pages of fan-out), newest first, each once; the author timeline has it', async () => {
      const author = 1;
      const fans = Array.from({ length: 25 }, (_, i) => 100 + i);
      assert.equal(await f.seedFollows(fans, fans.map(() => author)), 25);
      const posts = [0, 1, 2].map((i) => ({ postId: 1000 + i, authorId: author, createdAt: T0 + i * 1000 }));
      for (const p of posts) await f.post(p, { track: i(p) === 2 });
      await drain(f);
      for (const u of fans) assert.deepEqual(ids(await f.home(u, 10)), [1002, 1001, 1000], `home of ${u}`);
      assert.deepEqual(await f.home(999, 10), [], 'a non-follower sees nothing');
      assert.deepEqual(ids(await f.userPosts(author, 10)), [1002, 1001, 1000]);
      assert.deepEqual((await f.home(fans[0]!, 1))[0], { postId: 1002, authorId: author, createdAt: T0 + 2000 });
      const t = await f.totals();
      assert.equal(t.posts, 3);
      if (f.worker('x')) {
        assert.equal(t.entries, 75, 'write amplification: one entry per follower per post');
        assert.ok(t.bytes >= 75 * 8);
        const d = await f.deliveryOf(1002);
        assert.equal(d.entries, 25);
        assert.ok(d.doneAt !== undefined && d.doneAt >= Date.now() - 60_000);
      } else assert.equal(t.entries, 0, 'fan-out on read writes no feed entries');
      assert.equal(await f.backlog(), 0);
    });

    test('a task redelivered after its worker died (never acked) adds no duplicate', async () => {
      const fans = Array.from({ length: 12 }, (_, i) => 200 + i);
      await f.seedFollows(fans, fans.map(() => 2));
      await f.post({ postId: 2000, authorId: 2, createdAt: T0 });
      const redis = clients.redis!;
      const q = `fo:${KS}:q:${(f as CassandraRedisFeed).strategy}`;
      if (f.worker('x')) {
        // A worker reads the task and dies before writing or acking: the entry stays pending.
        await redis.sendCommand(['XREADGROUP', 'GROUP', 'fanout', 'dead', 'COUNT', '1', 'STREAMS', q, '>']);
        assert.equal(await f.backlog(), 1);
        const w = f.worker('live')!;
        assert.equal(await w.step({ max: 10 }), 0, 'the pending entry is not handed out again as new');
        await drain(f);
        // And once more: process a page, then redeliver the same task by hand (a kill between write and ack).
        await f.post({ postId: 2001, authorId: 2, createdAt: T0 + 1 });
        const r = (await redis.sendCommand(['XRANGE', q, '-', '+'])) as [string, string[]][];
        await drain(f);
        await redis.sendCommand(['XADD', q, '*', ...r[0]![1]]);
        await drain(f);
      }
      for (const u of fans) {
        const h = ids(await f.home(u, 50));
        assert.equal(new Set(h).size, h.length, `no duplicates for ${u}`);
        assert.deepEqual(h, f.worker('x') ? [2001, 2000] : [2000]);
      }
    });

    test('follow/unfollow keep followers and following in step; later posts follow the graph', async () => {
      await f.follow(300, 3);
      await f.follow(301, 3);
      await f.unfollow(301, 3);
      const cql = clients.cassandra!;
      const rows = async (q: string, p: unknown[]) => (await cql.execute(q, p, { prepare: true })).rows.map((r) => Number(r.values()[0]));
      assert.deepEqual(await rows(`SELECT follower_id FROM ${KS}.followers WHERE user_id = ?`, [3]), [300]);
      assert.deepEqual(await rows(`SELECT following_id FROM ${KS}.following WHERE user_id = ?`, [300]), [3]);
      assert.deepEqual(await rows(`SELECT following_id FROM ${KS}.following WHERE user_id = ?`, [301]), []);
      await f.post({ postId: 3000, authorId: 3, createdAt: T0 });
      await drain(f);
      assert.deepEqual(ids(await f.home(300)), [3000]);
      assert.deepEqual(ids(await f.home(301)), []);
    });

    test('a timeline merges several authors by time; ties broken by post id', async () => {
      await f.seedFollows([400, 400, 400], [4, 5, 6]);
      await f.post({ postId: 4001, authorId: 4, createdAt: T0 + 10 });
      await f.post({ postId: 4002, authorId: 5, createdAt: T0 + 30 });
      await f.post({ postId: 4003, authorId: 6, createdAt: T0 + 20 });
      await f.post({ postId: 4004, authorId: 4, createdAt: T0 + 20 });
      await drain(f);
      assert.deepEqual(ids(await f.home(400, 3)), [4002, 4004, 4003]);
    });

    test('bad arguments are InvalidArgumentErrors naming the path', async () => {
      const bad = (e: unknown) => e instanceof InvalidArgumentError && e.path === path.id;
      await assert.rejects(async () => f.home(1, 0), bad);
      await assert.rejects(async () => f.home(1, 1001), bad);
      await assert.rejects(async () => f.home(-1), bad);
      await assert.rejects(async () => f.follow(7, 7), bad);
      await assert.rejects(async () => f.post({ postId: 1.5, authorId: 1, createdAt: T0 }), bad);
      assert.throws(() => path.open(clients, { keyspace: 'Bad-Name' }), bad);
      assert.throws(() => path.open(clients, { ...OPTS, fanoutPage: 1 }), bad);
    });
  });
}

describe('feed: strategy-specific behaviour', () => {
  test('feed.redis-timeline keeps the newest N (cap 5) of 12 posts', async () => {
    const f = getStoragePath('feed.redis-timeline', 'feed').open(clients, OPTS);
    await f.setup();
    await f.reset();
    await f.seedFollows([500], [50]);
    for (let i = 0; i < 12; i++) await f.post({ postId: 5000 + i, authorId: 50, createdAt: T0 + i });
    await drain(f);
    assert.deepEqual(ids(await f.home(500, 100)), [5011, 5010, 5009, 5008, 5007]);
    assert.equal(await clients.redis!.zCard(`fo:${KS}:tl:500`), 5);
  });

  test('feed.hybrid returns the same timelines as feed.fanout-write for the same data, pulling the celebrity', async () => {
    const w = getStoragePath('feed.fanout-write', 'feed').open(clients, OPTS) as CassandraRedisFeed;
    const h = getStoragePath('feed.hybrid', 'feed').open(clients, OPTS) as CassandraRedisFeed;
    await w.setup();
    await h.setup();
    await w.reset();
    // Author 60 has 40 followers (>= threshold 30: celebrity), 61 has 5, 62 has 3; user 700 follows all three.
    const fs: number[] = [];
    const es: number[] = [];
    for (let i = 0; i < 40; i++) (fs.push(700 + i), es.push(60));
    for (let i = 0; i < 5; i++) (fs.push(700 + i), es.push(61));
    for (let i = 0; i < 3; i++) (fs.push(700 + i * 2), es.push(62));
    await w.seedFollows(fs, es);
    let id = 6000;
    for (let round = 0; round < 4; round++) {
      for (const a of [60, 61, 62]) {
        const p = { postId: id++, authorId: a, createdAt: T0 + id * 7 };
        await w.post(p);
        await h.post(p);
      }
    }
    await drain(w);
    await drain(h);
    assert.deepEqual(await h.celebrities(), [60]);
    const ht = await h.totals();
    assert.equal(ht.pushedPosts, 8, 'the celebrity\'s 4 posts were not pushed');
    for (const u of [700, 701, 702, 704, 710, 739]) {
      const a = await w.home(u, 20);
      assert.ok(a.length > 0);
      assert.deepEqual(await h.home(u, 20), a, `home of ${u}`);
      assert.deepEqual(await h.home(u, 3), a.slice(0, 3), `first page of ${u}`);
    }
    assert.ok(ht.entries < (await w.totals()).entries, 'hybrid writes fewer entries than fan-out on write');
  });

  test('a keyspace left by an older schema is refused with a UsageError naming table and column', async () => {
    const ks = `${KS}_old`.slice(0, 48);
    const cql = clients.cassandra!;
    await cql.execute(`CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    try {
      await cql.execute(`CREATE TABLE IF NOT EXISTS ${ks}.user_feed (user_id bigint, post_id bigint, PRIMARY KEY (user_id, post_id))`);
      const f = getStoragePath('feed.fanout-write', 'feed').open(clients, { keyspace: ks });
      await assert.rejects(() => f.setup(), (e: unknown) => e instanceof UsageError && /older or foreign schema: table user_feed has no column created_at/.test(e.message));
    } finally {
      await cql.execute(`DROP KEYSPACE IF EXISTS ${ks}`);
    }
  });
});

function i(p: FeedEntry): number {
  return p.postId - 1000;
}

test('mergeNewest: newest first, ties by higher post id, each post once, capped', async () => {
  const { mergeNewest } = await import('../../reference-impl/feed/base.js');
  const e = (postId: number, createdAt: number) => ({ postId, authorId: 1, createdAt });
  assert.deepEqual(ids(mergeNewest([[e(1, 10), e(2, 30)], [e(3, 20), e(2, 30), e(4, 30)]], 3)), [4, 2, 3]);
  assert.deepEqual(mergeNewest([], 5), []);
});
