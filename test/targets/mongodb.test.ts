/**
 * The MongoDB target against the real server that `capbench services up mongodb` provisions
 * (FerretDB built from its Go module, SQLite backend; or the server CAPBENCH_MONGODB_URL points
 * at): the conformance suite (conformance.ts) with a fixture collection and a secondary index,
 * plus what only MongoDB has here: FerretDB named as what it is, buildInfo parsing, URL forms,
 * and the port-taken fault of the local server.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import type { MongoClient } from 'mongodb';
import { ProvisionError, UsageError } from '../../core/errors.js';
import { createServiceContext } from '../../targets/local/paths.js';
import { connectMongo, ferretdbArgs, ferretdbProduct, mongodbTarget, serverInfoFromBuildInfo, type BuildInfo } from '../../targets/mongodb/index.js';
import { targetConformance, type TargetAdapter } from './conformance.js';

const N = 500;
const coll = (tag: string) => `cbtest_${tag}`;
type Post = { _id: number; title: string; body: string; likes: number };

/** The port-taken fault can only be shown while capbench's server is not running. */
async function portTakenIsOneLine(): Promise<void> {
  const st = await mongodbTarget.local.status(createServiceContext({ log: () => undefined }));
  if (st.state !== 'stopped') return;
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

const mongodb: TargetAdapter<MongoClient> = {
  store: 'mongodb',
  urlName: 'MongoDB',
  urlAt: (port) => `mongodb://127.0.0.1:${port}/db1`,
  urlDatabase: 'db1',
  // FerretDB (the local stand-in) is named as what it is; a real MongoDB as MongoDB
  product: (info, provisioner) => (provisioner === 'local' || info.standInFor ? ferretdbProduct(info.version) : 'MongoDB'),
  version: {
    pattern: /^\d+\.\d+\.\d+/,
    read: async (client) => {
      const info = (await client.db('admin').command({ buildInfo: 1 })) as BuildInfo;
      return info.ferretdbVersion?.replace(/^v/, '') ?? info.version ?? '';
    },
  },
  connect: (conn, timeoutMs) => connectMongo(conn, { timeoutMs }),
  close: (client) => client.close(),
  fixture: {
    count: N,
    async write(client, tag) {
      const c = client.db().collection<Post>(coll(tag));
      await c.insertMany(Array.from({ length: N }, (_, i) => ({ _id: i, title: `post ${i}`, body: 'x'.repeat(200), likes: 0 })));
      await c.createIndex({ title: 1 });
      await c.updateOne({ _id: 7 }, { $inc: { likes: 3 } });
    },
    async readBack(client, tag) {
      const c = client.db().collection<Post>(coll(tag));
      assert.equal(await c.countDocuments(), N);
      const doc = await c.findOne({ _id: 7 });
      assert.equal(doc?.title, 'post 7');
      assert.equal(doc?.likes, 3);
      assert.equal((await c.find({ title: 'post 499' }).toArray()).length, 1);
    },
    async remove(client, tag) {
      const exists = await client.db().listCollections({ name: coll(tag) }).hasNext();
      if (exists) await client.db().collection(coll(tag)).drop();
    },
    items: (tag) => [
      { name: `collection ${coll(tag)}`, kind: 'collection', countUnit: 'docs', count: N },
      { name: `index ${coll(tag)}._id_`, kind: 'index' },
      { name: `index ${coll(tag)}.title_1`, kind: 'index' },
    ],
  },
  startTimeoutS: 180,
  timeoutMs: 30 * 60_000,
  beforeUp: portTakenIsOneLine,
};

targetConformance(mongodb, (ctx) => {
  test('probe names FerretDB as a stand-in for MongoDB', async () => {
    const info = await mongodbTarget.probe(ctx.conn);
    if (ctx.provisioner === 'local' || info.standInFor) {
      assert.equal(info.product, `FerretDB ${info.version} (MongoDB wire protocol)`);
      assert.equal(info.standInFor, 'MongoDB');
    } else {
      assert.equal(info.standInFor, undefined);
    }
  });

  test('services status names FerretDB once, with its version', async () => {
    if (ctx.provisioner !== 'local') return;
    const st = await mongodbTarget.local.status(createServiceContext({ log: () => undefined }));
    assert.equal(st.state, 'running');
    assert.equal(st.product, `FerretDB ${st.version} (MongoDB wire protocol)`);
  });

  test('footprint: the collection has exactly its two indexes', async () => {
    const fp = await mongodbTarget.footprint(ctx.conn);
    const idx = fp.items.filter((i) => i.kind === 'index' && i.name.startsWith(`index ${coll(ctx.tag)}.`));
    assert.deepEqual(idx.map((i) => i.name).sort(), [`index ${coll(ctx.tag)}._id_`, `index ${coll(ctx.tag)}.title_1`]);
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
    assert.ok(ferretdbArgs('/d', '/s').includes('--sqlite-url=file:/d/?_pragma=synchronous(normal)'), 'commits are not fsynced one by one (MongoDB w:1 does not wait for the journal)');
  });

  test('MongoDB URLs: one host, credentials percent-decoded, database capbench by default', () => {
    assert.throws(() => mongodbTarget.parseUrl('http://127.0.0.1:27017'), UsageError);
    assert.throws(() => mongodbTarget.parseUrl('mongodb://a:1,b:2/capbench'), /several hosts/);
    const c = mongodbTarget.parseUrl('mongodb://u:p%40ss@127.0.0.1/db1?authSource=admin');
    assert.equal(c.port, 27017);
    assert.equal(c.database, 'db1');
    assert.equal(c.password, 'p@ss');
    assert.equal(mongodbTarget.parseUrl(mongodbTarget.defaultUrl).database, 'capbench');
  });
});
