/**
 * The Cassandra target against the real server that `capbench services up cassandra`
 * provisions (Apache Cassandra 5.0 from Maven Central on Java 17; or the server
 * CAPBENCH_CASSANDRA_URL points at): the conformance suite (conformance.ts) with a fixture
 * keyspace of one table of partitions, plus what only Cassandra has: nodetool and CQL-only
 * footprints, the generated cassandra.yaml, Java faults, the start timeout, keyspace and
 * data-center URLs.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { ProvisionError, UsageError } from '../../core/errors.js';
import {
  cassandraFootprint,
  cassandraJava,
  cassandraTarget,
  cassandraYaml,
  cassandraDirs,
  connectCassandra,
  parseTablestats,
  type CassandraClient,
} from '../../targets/cassandra/index.js';
import { createServiceContext } from '../../targets/local/paths.js';
import type { Connection } from '../../core/target.js';
import { targetConformance, type TargetAdapter } from './conformance.js';

const N = 500;
const keyspace = (tag: string) => `cbtest_${tag}`;
/** The fixture's keyspace as the URL's keyspace: footprints measure that keyspace. */
const inKeyspace = (conn: Connection, tag: string): Connection => ({ ...conn, database: keyspace(tag) });

/**
 * A start that cannot finish in time is one line naming the log, and leaves nothing running;
 * this can only be shown while capbench's server is stopped (and installed).
 */
async function startTimeoutIsOneLine(): Promise<void> {
  const st = await cassandraTarget.local.status(createServiceContext({ log: () => undefined }));
  if (st.state !== 'stopped') return;
  const ctx = createServiceContext({ log: () => undefined, startTimeoutMs: 1500 });
  await assert.rejects(cassandraTarget.local.start(ctx), (err: unknown) => {
    assert.ok(err instanceof ProvisionError, String(err));
    assert.match(err.oneLine(), /^cassandra: did not answer on 127\.0\.0\.1:9042 within 2 s\. Log: \S+cassandra\.log/);
    return true;
  });
  assert.equal((await cassandraTarget.local.status(ctx)).state, 'stopped');
}

const cassandra: TargetAdapter<CassandraClient> = {
  store: 'cassandra',
  urlName: 'Cassandra',
  urlAt: (port) => `cassandra://127.0.0.1:${port}/ks1`,
  urlDatabase: 'ks1',
  product: () => 'Apache Cassandra',
  version: {
    pattern: /^\d+\.\d+\.\d+/,
    local: '5.0.9',
    read: async (client) => String((await client.execute('SELECT release_version FROM system.local')).first()?.get('release_version')),
  },
  connect: (conn, timeoutMs) => connectCassandra(conn, { timeoutMs }),
  close: (client) => client.shutdown(),
  fixture: {
    count: N,
    async write(client, tag) {
      const ks = keyspace(tag);
      await client.execute(`CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
      await client.execute(`CREATE TABLE ${ks}.posts (post_id int PRIMARY KEY, title text, body text)`);
      const insert = `INSERT INTO ${ks}.posts (post_id, title, body) VALUES (?, ?, ?)`;
      for (let i = 0; i < N; i += 50) {
        await Promise.all(Array.from({ length: 50 }, (_, j) => client.execute(insert, [i + j, `post ${i + j}`, 'x'.repeat(200)], { prepare: true })));
      }
    },
    async readBack(client, tag) {
      const row = (await client.execute(`SELECT title FROM ${keyspace(tag)}.posts WHERE post_id = ?`, [7], { prepare: true })).first();
      assert.equal(row?.get('title'), 'post 7');
      const count = (await client.execute(`SELECT count(*) AS n FROM ${keyspace(tag)}.posts`)).first()?.get('n');
      assert.equal(Number(count), N);
    },
    async remove(client, tag) {
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace(tag)}`);
    },
    // nodetool over JMX (local server): flushed first, so the bytes are on disk, and the partition
    // estimate is within 2 %; elsewhere (no JMX) the CQL figures may be 0 until compaction
    items: (tag, provisioner) => [
      provisioner === 'local'
        ? { name: `table ${keyspace(tag)}.posts`, kind: 'table', countUnit: 'partitions', count: N, tolerance: 0.02, note: /nodetool tablestats/ }
        : { name: `table ${keyspace(tag)}.posts`, kind: 'table', countUnit: 'partitions', bytesPositive: false },
    ],
    footprint: (conn, tag) => cassandraTarget.footprint(inKeyspace(conn, tag)),
  },
  startTimeoutS: 300,
  timeoutMs: 30 * 60_000,
  beforeUp: startTimeoutIsOneLine,
};

targetConformance(cassandra, (ctx) => {
  test('footprint of a keyspace is that keyspace alone (nodetool)', async () => {
    if (ctx.provisioner !== 'local') return;
    const fp = await cassandraTarget.footprint(inKeyspace(ctx.conn, ctx.tag));
    const item = fp.items.find((i) => i.name === `table ${keyspace(ctx.tag)}.posts`);
    assert.equal(fp.totalBytes, item?.bytes);
  });

  test('footprint over CQL only still lists every table, saying where its figures come from', async () => {
    const fp = await cassandraFootprint(inKeyspace(ctx.conn, ctx.tag), { cqlOnly: true });
    const item = fp.items.find((i) => i.name === `table ${keyspace(ctx.tag)}.posts`);
    assert.ok(item);
    assert.match(item.note ?? '', /system_views\.disk_usage/);
    assert.ok(item.bytes >= 0 && (item.count ?? 0) >= 0);
  });

  test('nodetool tablestats JSON is parsed', () => {
    const json = JSON.stringify({
      k: { tables: { t: { space_used_live: '17451', space_used_total: '17451', number_of_partitions_estimate: 500, sstable_count: 1, memtable_data_size: '0', sstable_compression_ratio: 0.0855 } } },
      total_number_of_tables: 1,
    });
    assert.deepEqual(parseTablestats(json), [
      { keyspace: 'k', table: 't', spaceUsedLive: 17451, spaceUsedTotal: 17451, partitions: 500, sstables: 1, memtableDataBytes: 0, compressionRatio: 0.0855 },
    ]);
  });

  test('the generated cassandra.yaml binds loopback and keeps data under the state dir', () => {
    const dirs = cassandraDirs({ stateDir: '/s' });
    const yaml = cassandraYaml(dirs);
    assert.match(yaml, /^listen_address: 127\.0\.0\.1$/m);
    assert.match(yaml, /^rpc_address: 127\.0\.0\.1$/m);
    assert.match(yaml, /^native_transport_port: 9042$/m);
    assert.match(yaml, /^commitlog_directory: "\/s\/cassandra\/data\/commitlog"$/m);
  });

  test('a Java of the wrong version is one line naming the store and what to do', async () => {
    const java25 = '/usr/lib/jvm/temurin-25-jdk-amd64';
    if (!existsSync(java25)) return;
    const saved = process.env.CAPBENCH_JAVA_HOME;
    process.env.CAPBENCH_JAVA_HOME = java25;
    try {
      await assert.rejects(cassandraJava(), (err: unknown) => {
        assert.ok(err instanceof ProvisionError);
        assert.match(err.oneLine(), /^cassandra: needs Java 17 or 11, but CAPBENCH_JAVA_HOME points at Java 25[\d.]* \(.+\)\. Point CAPBENCH_JAVA_HOME at/);
        return true;
      });
      process.env.CAPBENCH_JAVA_HOME = '/nonexistent/java';
      await assert.rejects(cassandraJava(), /CAPBENCH_JAVA_HOME=\/nonexistent\/java is not a Java home/);
    } finally {
      if (saved === undefined) delete process.env.CAPBENCH_JAVA_HOME;
      else process.env.CAPBENCH_JAVA_HOME = saved;
    }
  });

  test('Cassandra URLs: a valid keyspace, only the dc parameter', () => {
    assert.throws(() => cassandraTarget.parseUrl('http://127.0.0.1:9042'), UsageError);
    assert.throws(() => cassandraTarget.parseUrl('cassandra://127.0.0.1:9042/bad-keyspace'), /not a valid keyspace/);
    assert.throws(() => cassandraTarget.parseUrl('cassandra://127.0.0.1:9042/ks?consistency=ONE'), /unknown parameter/);
    const c = cassandraTarget.parseUrl('cassandra://u:p@127.0.0.1/ks1?dc=dc2');
    assert.equal(c.port, 9042);
    assert.equal(c.database, 'ks1');
    assert.equal(c.username, 'u');
    assert.match(c.url, /\?dc=dc2$/);
  });
});
