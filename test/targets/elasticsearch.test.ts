/**
 * The Elasticsearch target against the real server that `capbench services up elasticsearch`
 * provisions (the integ-test-zip distribution from Maven Central, run as the user
 * `elasticsearch`; or the server CAPBENCH_ELASTICSEARCH_URL points at): probe, the search
 * path's needs (best_compression, keyword ignore_above, aliases, bulk, match + recency),
 * footprint (store size, documents, segments), the modules the local distribution lacks,
 * URL errors, unreachable errors, idempotent `up`.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@elastic/elasticsearch';
import { TargetUnreachableError, UsageError } from '../../core/errors.js';
import { servicesUp } from '../../cli/commands/services.js';
import {
  connectElasticsearch,
  elasticsearchCapabilities,
  elasticsearchFootprint,
  elasticsearchTarget,
  ELASTICSEARCH_USER,
} from '../../targets/elasticsearch/index.js';
import { lookupUser } from '../../targets/local/user.js';
import { resolveConnection } from '../../targets/registry.js';
import { closedPort, randomTag } from './helpers.js';

const N = 500;
const tag = randomTag();
const index = `cbtest_${tag}_v1`;
const alias = `cbtest_${tag}`;
const quiet = { log: () => undefined, timeoutS: 300 };

describe('elasticsearch target (real server)', { timeout: 30 * 60_000 }, () => {
  let client: Client;
  let provisioner: string | undefined;
  let pid: number | undefined;

  before(async () => {
    const [up] = await servicesUp(['elasticsearch'], quiet);
    assert.equal(up?.state, 'running', `elasticsearch did not start: ${up?.message}`);
    provisioner = up?.provisioner;
    pid = Number(/pid (\d+)/.exec(up?.message ?? '')?.[1]) || undefined;
    client = await connectElasticsearch(resolveConnection('elasticsearch'), { timeoutMs: 30_000 });
  });

  after(async () => {
    if (!client) return;
    await client.indices.delete({ index: `cbtest_${tag}_*`, ignore_unavailable: true }).catch(() => undefined);
    await client.close();
  });

  test('probe reads the version from the server', async () => {
    const conn = resolveConnection('elasticsearch');
    const info = await elasticsearchTarget.probe(conn);
    assert.equal(info.store, 'elasticsearch');
    assert.equal(info.product, 'Elasticsearch');
    assert.match(info.version, /^8\.\d+\.\d+/, 'the client is pinned to the server major (8)');
    if (provisioner === 'local') assert.equal(info.version, '8.19.21');
    assert.equal(info.address, `${conn.host}:${conn.port}`);
  });

  test('the local server runs as the dedicated non-root user', async () => {
    if (provisioner !== 'local') return;
    const st = await elasticsearchTarget.local.status((await import('../../targets/local/paths.js')).createServiceContext({ log: () => undefined }));
    const launcher = Number(/pid (\d+)/.exec(st.message ?? '')?.[1] ?? pid);
    const status = await readFile(`/proc/${launcher}/status`, 'utf8');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    assert.notEqual(uid, 0, 'Elasticsearch must not run as root');
    const user = await lookupUser(ELASTICSEARCH_USER);
    if (process.getuid?.() === 0) assert.equal(uid, user?.uid);
  });

  test('write and read back: best_compression, keyword ignore_above, alias, bulk, match + recency', async () => {
    await client.indices.create({
      index,
      settings: { number_of_shards: 1, number_of_replicas: 0, 'index.codec': 'best_compression' },
      mappings: {
        properties: {
          title: { type: 'text' },
          tag: { type: 'keyword', ignore_above: 32 },
          created_at: { type: 'date' },
        },
      },
      aliases: { [alias]: {} },
    });
    const ops = Array.from({ length: N }, (_, i) => [
      { index: { _index: alias, _id: String(i) } },
      { title: i % 2 ? `hello world ${i}` : `goodbye moon ${i}`, tag: i === 0 ? 'x'.repeat(64) : `t${i % 5}`, created_at: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString() },
    ]).flat();
    const bulk = await client.bulk({ operations: ops, refresh: 'wait_for' });
    assert.equal(bulk.errors, false);
    const settings = await client.indices.getSettings({ index });
    assert.equal(settings[index]?.settings?.index?.codec, 'best_compression');
    const hits = await client.search({ index: alias, query: { match: { title: 'hello' } }, sort: [{ created_at: 'desc' }], size: 3 });
    assert.equal((hits.hits.total as { value: number }).value, N / 2);
    assert.equal(hits.hits.hits[0]?._id, String(N - 1), 'newest first');
    // ignore_above: the 64-char tag is stored but not indexed
    const long = await client.count({ index: alias, query: { term: { tag: 'x'.repeat(64) } } });
    assert.equal(long.count, 0);
    // alias swap for a zero-downtime reindex (the copy itself is client-side on this distribution)
    await client.indices.create({ index: `cbtest_${tag}_v2`, settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await client.indices.updateAliases({ actions: [{ remove: { index, alias } }, { add: { index: `cbtest_${tag}_v2`, alias } }] });
    assert.deepEqual(Object.keys(await client.indices.getAlias({ name: alias })), [`cbtest_${tag}_v2`]);
    await client.indices.updateAliases({ actions: [{ remove: { index: `cbtest_${tag}_v2`, alias } }, { add: { index, alias } }] });
  });

  test('footprint: store bytes > 0, document and segment counts that match', async () => {
    const conn = { ...resolveConnection('elasticsearch'), database: `cbtest_${tag}_` };
    const fp = await elasticsearchFootprint(conn, { refresh: true });
    assert.equal(fp.store, 'elasticsearch');
    const idx = fp.items.find((i) => i.name === `index ${index}`);
    assert.ok(idx, `no item for ${index} in ${fp.items.map((i) => i.name).join(', ')}`);
    assert.equal(idx.kind, 'search-index');
    assert.equal(idx.count, N);
    assert.equal(idx.countUnit, 'docs');
    assert.ok(idx.bytes > 0);
    const seg = fp.items.find((i) => i.name === `segments ${index}`);
    assert.ok(seg && (seg.count ?? 0) >= 1 && seg.countUnit === 'segments' && seg.bytes > 0, JSON.stringify(seg));
    assert.ok(fp.totalBytes >= idx.bytes);
    assert.ok(fp.items.every((i) => i.name.includes(`cbtest_${tag}_`)), 'only the prefix is measured');
    const all = await elasticsearchTarget.footprint(resolveConnection('elasticsearch'));
    assert.ok(all.items.some((i) => i.name === `index ${index}`));
  });

  test('capabilities: what the local integ-test-zip lacks', async () => {
    const caps = await elasticsearchCapabilities(client);
    assert.ok(caps.modules.length > 0);
    if (provisioner !== 'local') return;
    assert.deepEqual(caps.modules, ['apm', 'transport-netty4', 'x-pack-core', 'x-pack-security']);
    assert.equal(caps.reindexApi, false);
    assert.equal(caps.ilm, false);
    assert.equal(caps.analysisCommon, false);
    assert.equal(caps.rootEndpoint, false);
  });

  test('a bad URL is a UsageError', () => {
    assert.throws(() => elasticsearchTarget.parseUrl('redis://127.0.0.1:9200'), UsageError);
    assert.throws(() => elasticsearchTarget.parseUrl('http://127.0.0.1:9200/Bad/Prefix'), /not a valid index prefix/);
    assert.throws(() => elasticsearchTarget.parseUrl('http://127.0.0.1:9200/?pretty'), /query strings/);
    assert.throws(() => resolveConnection('elasticsearch', 'nope'), (err: unknown) => err instanceof UsageError && /--elasticsearch-url/.test(err.message));
    assert.equal(elasticsearchTarget.parseUrl('http://127.0.0.1').port, 9200);
    assert.equal(elasticsearchTarget.parseUrl('https://u:p@es.example:443/posts').port, 443);
    assert.equal(elasticsearchTarget.parseUrl('http://127.0.0.1:9200/posts').database, 'posts');
  });

  test('a closed port is a TargetUnreachableError naming the store and the address', async () => {
    const port = await closedPort();
    const conn = elasticsearchTarget.parseUrl(`http://127.0.0.1:${port}`);
    await assert.rejects(elasticsearchTarget.probe(conn, 2000), (err: unknown) => {
      assert.ok(err instanceof TargetUnreachableError, String(err));
      assert.equal(err.store, 'elasticsearch');
      assert.match(err.message, new RegExp(`^elasticsearch at 127\\.0\\.0\\.1:${port} is unreachable: connection refused`));
      assert.doesNotMatch(err.oneLine(), /\n/);
      return true;
    });
  });

  test('services up is idempotent', async () => {
    const [again] = await servicesUp(['elasticsearch'], quiet);
    assert.equal(again?.state, 'running');
    if (again?.provisioner === 'local') assert.equal(again.message, 'already running');
  });
});
