/**
 * The Elasticsearch target against the real server that `capbench services up elasticsearch`
 * provisions (the integ-test-zip distribution from Maven Central, run as the user
 * `elasticsearch`; or the server CAPBENCH_ELASTICSEARCH_URL points at): the conformance suite
 * (conformance.ts) with a fixture index behind an alias, plus what only Elasticsearch has here:
 * the search path's needs (best_compression, keyword ignore_above, alias swap, match + recency),
 * segments and index-prefix footprints, the modules the local distribution lacks, URL forms,
 * and the dedicated non-root user.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import type { Client } from '@elastic/elasticsearch';
import { UsageError } from '../../core/errors.js';
import type { Connection } from '../../core/target.js';
import {
  connectElasticsearch,
  elasticsearchCapabilities,
  elasticsearchFootprint,
  elasticsearchTarget,
  ELASTICSEARCH_USER,
} from '../../targets/elasticsearch/index.js';
import { createServiceContext } from '../../targets/local/paths.js';
import { lookupUser } from '../../targets/local/user.js';
import { targetConformance, type TargetAdapter } from './conformance.js';

const N = 500;
/** Every index of the fixture starts with this prefix; the alias is the prefix without its "_". */
const prefix = (tag: string) => `cbtest_${tag}_`;
const alias = (tag: string) => `cbtest_${tag}`;
const index = (tag: string, v = 1) => `${prefix(tag)}v${v}`;
/** The footprint of the fixture's indexes alone (the URL's index prefix), refreshed first. */
const prefixFootprint = (conn: Connection, tag: string) => elasticsearchFootprint({ ...conn, database: prefix(tag) }, { refresh: true });

const elasticsearch: TargetAdapter<Client> = {
  store: 'elasticsearch',
  urlName: 'Elasticsearch',
  urlAt: (port) => `http://127.0.0.1:${port}/posts`,
  urlDatabase: 'posts',
  product: () => 'Elasticsearch',
  version: {
    pattern: /^8\.\d+\.\d+/, // the client is pinned to the server major (8)
    local: '8.19.21',
    read: async (client) => (await client.cat.nodes({ format: 'json', h: 'version' }))[0]?.version ?? '',
  },
  connect: (conn, timeoutMs) => connectElasticsearch(conn, { timeoutMs }),
  close: (client) => client.close(),
  fixture: {
    count: N,
    async write(client, tag) {
      await client.indices.create({
        index: index(tag),
        settings: { number_of_shards: 1, number_of_replicas: 0, 'index.codec': 'best_compression' },
        mappings: { properties: { title: { type: 'text' }, tag: { type: 'keyword', ignore_above: 32 }, created_at: { type: 'date' } } },
        aliases: { [alias(tag)]: {} },
      });
      const ops = Array.from({ length: N }, (_, i) => [
        { index: { _index: alias(tag), _id: String(i) } },
        { title: i % 2 ? `hello world ${i}` : `goodbye moon ${i}`, tag: i === 0 ? 'x'.repeat(64) : `t${i % 5}`, created_at: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString() },
      ]).flat();
      const bulk = await client.bulk({ operations: ops, refresh: 'wait_for' });
      assert.equal(bulk.errors, false);
    },
    async readBack(client, tag) {
      assert.equal((await client.count({ index: alias(tag) })).count, N);
      const doc = await client.get<{ title: string }>({ index: alias(tag), id: '7' });
      assert.equal(doc._source?.title, 'hello world 7');
    },
    async remove(client, tag) {
      // by name: Elasticsearch 8 refuses wildcard deletes (action.destructive_requires_name)
      await client.indices.delete({ index: [index(tag), index(tag, 2)], ignore_unavailable: true });
    },
    items: (tag) => [
      { name: `index ${index(tag)}`, kind: 'search-index', countUnit: 'docs', count: N },
      { name: `segments ${index(tag)}`, kind: 'segments', countUnit: 'segments' },
    ],
    footprint: prefixFootprint,
  },
  clientTimeoutMs: 30_000,
  startTimeoutS: 300,
  timeoutMs: 30 * 60_000,
};

targetConformance(elasticsearch, (ctx) => {
  test('the search path: best_compression, match + recency, keyword ignore_above, alias swap', async () => {
    const client = ctx.client;
    const [v1, v2, a] = [index(ctx.tag), index(ctx.tag, 2), alias(ctx.tag)];
    const settings = await client.indices.getSettings({ index: v1 });
    assert.equal(settings[v1]?.settings?.index?.codec, 'best_compression');
    const hits = await client.search({ index: a, query: { match: { title: 'hello' } }, sort: [{ created_at: 'desc' }], size: 3 });
    assert.equal((hits.hits.total as { value: number }).value, N / 2);
    assert.equal(hits.hits.hits[0]?._id, String(N - 1), 'newest first');
    // ignore_above: the 64-char tag is stored but not indexed
    const long = await client.count({ index: a, query: { term: { tag: 'x'.repeat(64) } } });
    assert.equal(long.count, 0);
    // alias swap for a zero-downtime reindex (the copy itself is client-side on this distribution)
    await client.indices.create({ index: v2, settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await client.indices.updateAliases({ actions: [{ remove: { index: v1, alias: a } }, { add: { index: v2, alias: a } }] });
    assert.deepEqual(Object.keys(await client.indices.getAlias({ name: a })), [v2]);
    await client.indices.updateAliases({ actions: [{ remove: { index: v2, alias: a } }, { add: { index: v1, alias: a } }] });
  });

  test('footprint: segments, the index prefix alone, and every index without one', async () => {
    const fp = await prefixFootprint(ctx.conn, ctx.tag);
    const seg = fp.items.find((i) => i.name === `segments ${index(ctx.tag)}`);
    assert.ok(seg && (seg.count ?? 0) >= 1, JSON.stringify(seg));
    assert.ok(fp.items.every((i) => i.name.includes(prefix(ctx.tag))), 'only the prefix is measured');
    const all = await elasticsearchTarget.footprint(ctx.conn);
    assert.ok(all.items.some((i) => i.name === `index ${index(ctx.tag)}`));
  });

  test('capabilities: what the local integ-test-zip lacks', async () => {
    const caps = await elasticsearchCapabilities(ctx.client);
    assert.ok(caps.modules.length > 0);
    if (ctx.provisioner !== 'local') return;
    assert.deepEqual(caps.modules, ['apm', 'transport-netty4', 'x-pack-core', 'x-pack-security']);
    assert.equal(caps.reindexApi, false);
    assert.equal(caps.ilm, false);
    assert.equal(caps.analysisCommon, false);
    assert.equal(caps.rootEndpoint, false);
  });

  test('the local server runs as the dedicated non-root user', async () => {
    if (ctx.provisioner !== 'local') return;
    const st = await elasticsearchTarget.local.status(createServiceContext({ log: () => undefined }));
    const launcher = Number(/pid (\d+)/.exec(st.message ?? '')?.[1] ?? /pid (\d+)/.exec(ctx.up.message ?? '')?.[1]);
    const status = await readFile(`/proc/${launcher}/status`, 'utf8');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    assert.notEqual(uid, 0, 'Elasticsearch must not run as root');
    const user = await lookupUser(ELASTICSEARCH_USER);
    if (process.getuid?.() === 0) assert.equal(uid, user?.uid);
  });

  test('Elasticsearch URLs: an index prefix, no query string, port 9200 by default', () => {
    assert.throws(() => elasticsearchTarget.parseUrl('redis://127.0.0.1:9200'), UsageError);
    assert.throws(() => elasticsearchTarget.parseUrl('http://127.0.0.1:9200/Bad/Prefix'), /not a valid index prefix/);
    assert.throws(() => elasticsearchTarget.parseUrl('http://127.0.0.1:9200/?pretty'), /query strings/);
    assert.equal(elasticsearchTarget.parseUrl('http://127.0.0.1').port, 9200);
    assert.equal(elasticsearchTarget.parseUrl('https://u:p@es.example:443/posts').port, 443);
    assert.equal(elasticsearchTarget.parseUrl('http://127.0.0.1:9200/posts').database, 'posts');
  });
});
