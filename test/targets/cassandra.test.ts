/**
 * The Cassandra target against the real server that `capbench services up cassandra`
 * provisions (Apache Cassandra 5.0 from Maven Central on Java 17; or the server
 * CAPBENCH_CASSANDRA_URL points at): probe, write/read with cassandra-driver, footprint (disk
 * bytes and partition counts from the server), URL errors, unreachable errors, Java faults,
 * start timeout, idempotent `up`.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ProvisionError, TargetUnreachableError, UsageError } from '../../core/errors.js';
import { servicesUp } from '../../cli/commands/services.js';
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
import { resolveConnection } from '../../targets/registry.js';
import { closedPort, randomTag } from './helpers.js';

const N = 500;
const ks = `cbtest_${randomTag()}`;
const quiet = { log: () => undefined, timeoutS: 300 };

describe('cassandra target (real server)', { timeout: 30 * 60_000 }, () => {
  let client: CassandraClient;
  let provisioner: string | undefined;

  before(async () => {
    // a start that cannot finish in time is one line naming the log, and leaves nothing running;
    // this can only be shown while capbench's server is stopped (and installed)
    const st = await cassandraTarget.local.status(createServiceContext({ log: () => undefined }));
    if (st.state === 'stopped') {
      const ctx = createServiceContext({ log: () => undefined, startTimeoutMs: 1500 });
      await assert.rejects(cassandraTarget.local.start(ctx), (err: unknown) => {
        assert.ok(err instanceof ProvisionError, String(err));
        assert.match(err.oneLine(), /^cassandra: did not answer on 127\.0\.0\.1:9042 within 2 s\. Log: \S+cassandra\.log/);
        return true;
      });
      assert.equal((await cassandraTarget.local.status(ctx)).state, 'stopped');
    }
    const [up] = await servicesUp(['cassandra'], quiet);
    assert.equal(up?.state, 'running', `cassandra did not start: ${up?.message}`);
    provisioner = up?.provisioner;
    client = await connectCassandra(resolveConnection('cassandra'), { timeoutMs: 10_000 });
  });

  after(async () => {
    if (!client) return;
    await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => undefined);
    await client.shutdown();
  });

  test('probe reads the version from the server', async () => {
    const conn = resolveConnection('cassandra');
    const info = await cassandraTarget.probe(conn);
    assert.equal(info.store, 'cassandra');
    assert.equal(info.product, 'Apache Cassandra');
    assert.match(info.version, /^\d+\.\d+\.\d+/);
    if (provisioner === 'local') assert.equal(info.version, '5.0.9');
    assert.equal(info.address, `${conn.host}:${conn.port}`);
  });

  test('write and read back with cassandra-driver', async () => {
    await client.execute(`CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await client.execute(`CREATE TABLE ${ks}.posts (post_id int PRIMARY KEY, title text, body text)`);
    const insert = `INSERT INTO ${ks}.posts (post_id, title, body) VALUES (?, ?, ?)`;
    for (let i = 0; i < N; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => client.execute(insert, [i + j, `post ${i + j}`, 'x'.repeat(200)], { prepare: true })));
    }
    const row = (await client.execute(`SELECT title FROM ${ks}.posts WHERE post_id = ?`, [7], { prepare: true })).first();
    assert.equal(row?.get('title'), 'post 7');
    const count = (await client.execute(`SELECT count(*) AS n FROM ${ks}.posts`)).first()?.get('n');
    assert.equal(Number(count), N);
  });

  test('footprint: disk bytes > 0 and partition counts that match what was written', async () => {
    const conn = { ...resolveConnection('cassandra'), database: ks };
    const fp = await cassandraTarget.footprint(conn);
    assert.equal(fp.store, 'cassandra');
    const item = fp.items.find((i) => i.name === `table ${ks}.posts`);
    assert.ok(item, `no item for ${ks}.posts in ${fp.items.map((i) => i.name).join(', ')}`);
    assert.equal(item.kind, 'table');
    assert.equal(item.countUnit, 'partitions');
    if (provisioner === 'local') {
      // nodetool over JMX: flushed first, so the bytes are on disk; the partition estimate is exact at this size
      assert.match(item.note ?? '', /nodetool tablestats/);
      assert.ok(item.bytes > 0, `bytes ${item.bytes}`);
      assert.ok(Math.abs((item.count ?? 0) - N) <= N * 0.02, `partitions ${item.count}`);
      assert.equal(fp.totalBytes, item.bytes);
    }
  });

  test('footprint over CQL only still lists every table, saying where its figures come from', async () => {
    const fp = await cassandraFootprint({ ...resolveConnection('cassandra'), database: ks }, { cqlOnly: true });
    const item = fp.items.find((i) => i.name === `table ${ks}.posts`);
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

  test('a bad URL is a UsageError', () => {
    assert.throws(() => cassandraTarget.parseUrl('http://127.0.0.1:9042'), UsageError);
    assert.throws(() => cassandraTarget.parseUrl('cassandra://127.0.0.1:9042/bad-keyspace'), /not a valid keyspace/);
    assert.throws(() => cassandraTarget.parseUrl('cassandra://127.0.0.1:9042/ks?consistency=ONE'), /unknown parameter/);
    assert.throws(() => resolveConnection('cassandra', 'nope'), (err: unknown) => err instanceof UsageError && /--cassandra-url/.test(err.message));
    const c = cassandraTarget.parseUrl('cassandra://u:p@127.0.0.1/ks1?dc=dc2');
    assert.equal(c.port, 9042);
    assert.equal(c.database, 'ks1');
    assert.equal(c.username, 'u');
    assert.match(c.url, /\?dc=dc2$/);
  });

  test('a closed port is a TargetUnreachableError naming the store and the address', async () => {
    const port = await closedPort();
    const conn = cassandraTarget.parseUrl(`cassandra://127.0.0.1:${port}/capbench`);
    await assert.rejects(cassandraTarget.probe(conn, 2000), (err: unknown) => {
      assert.ok(err instanceof TargetUnreachableError, String(err));
      assert.equal(err.store, 'cassandra');
      assert.match(err.message, new RegExp(`^cassandra at 127\\.0\\.0\\.1:${port} is unreachable: connection refused`));
      assert.doesNotMatch(err.oneLine(), /\n/);
      return true;
    });
  });

  test('services up is idempotent', async () => {
    const [again] = await servicesUp(['cassandra'], quiet);
    assert.equal(again?.state, 'running');
    if (again?.provisioner === 'local') assert.equal(again.message, 'already running');
  });
});
