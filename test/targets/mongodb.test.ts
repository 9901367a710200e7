/**
 * The MongoDB target against the real server that `capbench services up mongodb` provisions
 * (FerretDB built from its Go module, SQLite backend; or the server CAPBENCH_MONGODB_URL
 * points at): probe names FerretDB as what it is, write/read with the official driver,
 * footprint from collStats, URL errors, unreachable errors, idempotent `up`, port taken.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { MongoClient } from 'mongodb';
import { ProvisionError, TargetUnreachableError, UsageError } from '../../core/errors.js';
import { servicesUp } from '../../cli/commands/services.js';
import { createServiceContext } from '../../targets/local/paths.js';
import { connectMongo, ferretdbArgs, mongodbTarget, serverInfoFromBuildInfo } from '../../targets/mongodb/index.js';
import { resolveConnection } from '../../targets/registry.js';
import { closedPort, randomTag } from './helpers.js';

const N = 500;
const coll = `cbtest_${randomTag()}`;
const quiet = { log: () => undefined, timeoutS: 180 };

describe('mongodb target (real server)', { timeout: 30 * 60_000 }, () => {
  let client: MongoClient;
  let provisioner: string | undefined;

  before(async () => {
    // the port-taken case can only be shown while capbench's server is not running
    const st = await mongodbTarget.local.status(createServiceContext({ log: () => undefined }));
    if (st.state === 'stopped') {
      const sockets = new Set<net.Socket>();
      const blocker = net.createServer((s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.end('not mongodb\n');
      });
      await new Promise<void>((resolve) => blocker.listen(27017, '127.0.0.1', resolve));
      try {
        await assert.rejects(mongodbTarget.local.start(createServiceContext({ log: () => undefined, startTimeoutMs: 10_000 })), (err: unknown) => {
          assert.ok(err instanceof ProvisionError, String(err));
          assert.match(err.oneLine(), /^mongodb: port 27017 on 127\.0\.0\.1 is already taken by pid \d+/);
          assert.doesNotMatch(err.oneLine(), /\n/);
          return true;
        });
      } finally {
        for (const s of sockets) s.destroy();
        await new Promise<void>((resolve) => blocker.close(() => resolve()));
      }
    }
    const [up] = await servicesUp(['mongodb'], quiet);
    assert.equal(up?.state, 'running', `mongodb did not start: ${up?.message}`);
    provisioner = up?.provisioner;
    client = await connectMongo(resolveConnection('mongodb'));
  });

  after(async () => {
    if (!client) return;
    await client.db().collection(coll).drop().catch(() => undefined);
    await client.close();
  });

  test('probe reads the version from the server and names FerretDB as what it is', async () => {
    const conn = resolveConnection('mongodb');
    const info = await mongodbTarget.probe(conn);
    assert.equal(info.store, 'mongodb');
    assert.match(info.version, /^\d+\.\d+\.\d+/);
    assert.equal(info.address, `${conn.host}:${conn.port}`);
    if (provisioner === 'local' || info.standInFor) {
      assert.equal(info.product, `FerretDB ${info.version} (MongoDB wire protocol)`);
      assert.equal(info.standInFor, 'MongoDB');
    } else {
      assert.equal(info.product, 'MongoDB');
    }
  });

  test('services status names FerretDB once, with its version', async () => {
    if (provisioner !== 'local') return;
    const st = await mongodbTarget.local.status(createServiceContext({ log: () => undefined }));
    assert.equal(st.state, 'running');
    assert.equal(st.product, `FerretDB ${st.version} (MongoDB wire protocol)`);
  });

  test('write and read back with the official driver', async () => {
    const c = client.db().collection<{ _id: number; title: string; body: string; likes: number }>(coll);
    await c.insertMany(Array.from({ length: N }, (_, i) => ({ _id: i, title: `post ${i}`, body: 'x'.repeat(200), likes: 0 })));
    await c.createIndex({ title: 1 });
    await c.updateOne({ _id: 7 }, { $inc: { likes: 3 } });
    assert.equal(await c.countDocuments(), N);
    const doc = await c.findOne({ _id: 7 });
    assert.equal(doc?.title, 'post 7');
    assert.equal(doc?.likes, 3);
    assert.equal((await c.find({ title: 'post 499' }).toArray()).length, 1);
  });

  test('footprint: bytes > 0 and a document count that matches what was written', async () => {
    const fp = await mongodbTarget.footprint(resolveConnection('mongodb'));
    assert.equal(fp.store, 'mongodb');
    assert.ok(fp.totalBytes > 0);
    const item = fp.items.find((i) => i.name === `collection ${coll}`);
    assert.ok(item, `no item for ${coll} in ${fp.items.map((i) => i.name).join(', ')}`);
    assert.equal(item.kind, 'collection');
    assert.equal(item.count, N);
    assert.equal(item.countUnit, 'docs');
    assert.ok(item.bytes > 0);
    const idx = fp.items.filter((i) => i.kind === 'index' && i.name.startsWith(`index ${coll}.`));
    assert.deepEqual(idx.map((i) => i.name).sort(), [`index ${coll}._id_`, `index ${coll}.title_1`]);
    assert.ok(idx.every((i) => i.bytes > 0));
  });

  test('buildInfo of FerretDB and of MongoDB', () => {
    const at = { host: '127.0.0.1', port: 27017 };
    assert.deepEqual(serverInfoFromBuildInfo({ version: '7.0.42', ferretdbVersion: 'v1.24.0' }, at), {
      store: 'mongodb',
      product: 'FerretDB 1.24.0 (MongoDB wire protocol)',
      version: '1.24.0',
      address: '127.0.0.1:27017',
      standInFor: 'MongoDB',
    });
    assert.equal(serverInfoFromBuildInfo({ version: '7.0.14' }, at).product, 'MongoDB');
    assert.ok(ferretdbArgs('/d', '/s').includes('--telemetry=disable'));
  });

  test('a bad URL is a UsageError', () => {
    assert.throws(() => mongodbTarget.parseUrl('http://127.0.0.1:27017'), UsageError);
    assert.throws(() => mongodbTarget.parseUrl('mongodb://a:1,b:2/capbench'), /several hosts/);
    assert.throws(() => mongodbTarget.parseUrl('mongodb://127.0.0.1:70000'), UsageError);
    assert.throws(() => resolveConnection('mongodb', 'nope'), (err: unknown) => err instanceof UsageError && /--mongodb-url/.test(err.message));
    const c = mongodbTarget.parseUrl('mongodb://u:p%40ss@127.0.0.1/db1?authSource=admin');
    assert.equal(c.port, 27017);
    assert.equal(c.database, 'db1');
    assert.equal(c.password, 'p@ss');
    assert.equal(mongodbTarget.parseUrl(mongodbTarget.defaultUrl).database, 'capbench');
  });

  test('a closed port is a TargetUnreachableError naming the store and the address', async () => {
    const port = await closedPort();
    const conn = mongodbTarget.parseUrl(`mongodb://127.0.0.1:${port}/capbench`);
    await assert.rejects(mongodbTarget.probe(conn, 2000), (err: unknown) => {
      assert.ok(err instanceof TargetUnreachableError, String(err));
      assert.equal(err.store, 'mongodb');
      assert.match(err.message, new RegExp(`^mongodb at 127\\.0\\.0\\.1:${port} is unreachable: connection refused`));
      assert.doesNotMatch(err.oneLine(), /\n/);
      return true;
    });
    await assert.rejects(connectMongo(conn, { timeoutMs: 2000 }), TargetUnreachableError);
  });

  test('services up is idempotent', async () => {
    const [again] = await servicesUp(['mongodb'], quiet);
    assert.equal(again?.state, 'running');
    if (again?.provisioner === 'local') assert.equal(again.message, 'already running');
  });
});
