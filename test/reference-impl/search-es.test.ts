/**
 * search.es on the real Elasticsearch, beyond the family's conformance suite: the mappings and
 * settings read back are the seed's (seed 000 §2.A/§2.B), a codec that does not exist and an
 * index left with other mappings are refused in one line, an alias swap while queries run gives
 * no error and no empty result, and — on a private node whose write queue holds one request
 * (thread_pool.write.queue_size: 1, a static setting the shared node cannot change) — bulk
 * indexing meets 429 rejections and still drops no document.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@elastic/elasticsearch';
import { InvalidArgumentError, UsageError } from '../../core/errors.js';
import { EsPostSearch, esSearchPath, type SearchPost } from '../../reference-impl/search/index.js';
import { startPrivateElasticsearch, type PrivateElasticsearch } from '../../targets/elasticsearch/private.js';
import { isPortOpen } from '../../targets/local/net.js';
import { resolveStateDir } from '../../targets/local/paths.js';
import type { StoreClients } from '../../targets/clients.js';
import { TEST_TAG, testClients } from './env.js';

const NS = `${TEST_TAG.replace(/_/g, '-')}-es`;
const NOW = Math.floor(Date.now() / 1000);

/** n simple posts from id `first`: author a<i%10>, the word "harbor" in every title. */
function posts(first: number, n: number): SearchPost[] {
  return Array.from({ length: n }, (_, i) => ({
    id: first + i,
    author: `a${i % 10}`,
    title: `harbor post number ${first + i}`,
    content: `some body text ${'lorem ipsum dolor '.repeat(10)} ${i}`,
    hashtags: ['t'],
    likes: i % 1000,
    created_at: NOW - i,
  }));
}

describe('search.es on the real Elasticsearch', () => {
  let clients: StoreClients;
  before(async () => {
    clients = await testClients(['elasticsearch']);
  });
  after(async () => {
    await clients?.close();
  });

  test('mappings and settings read back are the seed’s (text title + keyword ignore_above 256, short, epoch_second), 1 shard 0 replicas', async () => {
    const s = esSearchPath.open(clients, { namespace: NS, name: 'map', shape: { codec: 'best_compression' } } as never) as EsPostSearch;
    await s.reset();
    await s.setup();
    try {
      const index = (await s.current())!;
      assert.equal(index, `${NS}-map_v1`);
      const m = (await clients.elasticsearch!.indices.getMapping({ index }))[index]!.mappings;
      assert.deepEqual(m.properties!.title, { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } });
      assert.deepEqual(m.properties!.likes, { type: 'short' });
      assert.deepEqual(m.properties!.created_at, { type: 'date', format: 'epoch_second' });
      assert.equal((m.properties!.content as { type: string }).type, 'text');
      assert.equal(m.dynamic, 'strict');
      const st = (await clients.elasticsearch!.indices.getSettings({ index }))[index]!.settings as { index: Record<string, unknown> };
      assert.equal(st.index.codec, 'best_compression');
      assert.equal(st.index.number_of_shards, '1');
      assert.equal(st.index.number_of_replicas, '0');
      // Reads go through the alias.
      const aliases = await clients.elasticsearch!.indices.getAlias({ name: s.alias });
      assert.deepEqual(Object.keys(aliases), [index]);
    } finally {
      await s.reset();
    }
  });

  test('a codec that does not exist is refused before anything is created', () => {
    assert.throws(() => esSearchPath.open(clients, { namespace: NS, shape: { codec: 'zstd_nope' } } as never), (e: unknown) => e instanceof InvalidArgumentError && /codec "zstd_nope" does not exist/.test(e.message));
  });

  test('an index left with other mappings is refused in one line (exit 2)', async () => {
    const es = clients.elasticsearch!;
    const index = `${NS}-other_v1`;
    await es.indices.delete({ index }).catch(() => undefined);
    await es.indices.create({ index, mappings: { properties: { title: { type: 'keyword' } } }, aliases: { [`${NS}-other`]: {} } });
    try {
      const s = esSearchPath.open(clients, { namespace: NS, name: 'other' } as never);
      await assert.rejects(s.setup(), (e: unknown) => e instanceof UsageError && e.exitCode === 2 && /left with other mappings: title is \{"type":"keyword"\}/.test(e.message) && !e.message.includes('\n'));
    } finally {
      await es.indices.delete({ index });
    }
  });

  test('an alias swap (PIT copy into v2 with best_compression) while queries run: no error, no empty result, nothing lost', async () => {
    const s = esSearchPath.open(clients, { namespace: NS, name: 'swap' } as never) as EsPostSearch;
    await s.reset();
    await s.setup();
    try {
      await s.indexPosts(posts(0, 3000));
      await s.refresh();
      let stop = false;
      let queries = 0;
      let empties = 0;
      const errors: string[] = [];
      const writer = (async () => {
        // New posts keep arriving through the alias during the copy (they must reach v2 too).
        let id = 100_000;
        while (!stop) {
          await s.indexPosts(posts(id, 5));
          id += 5;
          await new Promise((r) => setTimeout(r, 20));
        }
        return id - 100_000;
      })();
      const reader = (async () => {
        while (!stop) {
          try {
            const r = await s.search({ kind: 'title', text: 'harbor', size: 5 });
            queries++;
            if (r.ids.length === 0) empties++;
          } catch (err) {
            errors.push(String(err));
          }
        }
      })();
      const out = await s.reindex({ codec: 'best_compression' }, { pageSize: 500 });
      await new Promise((r) => setTimeout(r, 300));
      stop = true;
      const written = await writer;
      await reader;
      assert.deepEqual(errors, []);
      assert.equal(empties, 0);
      assert.ok(queries > 10, `${queries} queries ran during the reindex`);
      assert.equal(out.from, `${NS}-swap_v1`);
      assert.equal(out.to, `${NS}-swap_v2`);
      assert.equal(await s.current(), `${NS}-swap_v2`);
      assert.ok(out.copied >= 3000);
      await new Promise((r) => setTimeout(r, 600));
      // Posts written after the swap went to v2 directly; those written during the copy were caught up.
      await s.reindex({}, { pageSize: 500 }).then(() => undefined); // v3: a second swap must work too
      await s.refresh();
      assert.equal(await s.count(), 3000 + written);
      await s.checkIndex((await s.current())!, { codec: 'default', source: true, titleKeywordIgnoreAbove: 256 });
    } finally {
      await s.reset();
    }
  });
});

describe('search.es backpressure on a private node with a one-request write queue', { timeout: 400_000 }, () => {
  let node: PrivateElasticsearch | undefined;
  let es: Client | undefined;
  before(async () => {
    let port = 9260;
    while (port < 9290 && ((await isPortOpen('127.0.0.1', port)) || (await isPortOpen('127.0.0.1', port + 100)))) port++;
    node = await startPrivateElasticsearch({
      dir: `${resolveStateDir()}/es-private-${TEST_TAG}`,
      httpPort: port,
      transportPort: port + 100,
      heap: '256m',
      settings: { 'thread_pool.write.size': 1, 'thread_pool.write.queue_size': 1 },
    });
    es = new Client({ node: node.url, requestTimeout: 60_000, maxRetries: 0 });
  });
  after(async () => {
    await es?.close();
    await node?.stop();
  });

  test('429 rejections happen, are retried with backoff, and every document is searchable after refresh', async () => {
    const pool = await es!.cluster.getSettings({ include_defaults: true, filter_path: '**.thread_pool.write' });
    assert.match(JSON.stringify(pool), /"queue_size":"1"/);
    // Several small bulk requests in flight at once against one write thread and a one-slot queue.
    const s = new EsPostSearch(es!, { namespace: NS, name: 'bp', bulk: { concurrency: 8, flushBytes: 4096, waitMs: 20, rounds: 30, maxWaitMs: 1000 } });
    await s.setup();
    const n = 4000;
    const out = await s.indexPosts(posts(0, n));
    await s.refresh();
    assert.ok(out.rejected429 > 0, `the queue rejected some documents with 429 (got ${out.rejected429})`);
    assert.equal(out.indexed, n);
    assert.equal(await s.count(), n, 'documents indexed = documents searchable');
    const byAuthor = await s.search({ kind: 'author', author: 'a3', size: 1000 });
    assert.equal(byAuthor.total, n / 10);
  });
});
