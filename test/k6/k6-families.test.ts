/**
 * fan-out and search exported as k6 scripts and run in the real k6 (`run --engine k6`: load
 * phase, the exported script through the reference service, results and verify()), a few
 * seconds each, with the scheduled iteration count (k6's constant-arrival-rate: rate x duration,
 * or one more when the iteration at t = duration starts in time; fan-out's celebrity post is one
 * more scenario of one iteration). Keyspace and namespace h2_<pid> / h2-<pid>, removed at the end.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RunResult } from '../../core/results.js';
import { requireK6 } from '../../k6/run.js';
import { EsPostSearch } from '../../reference-impl/search/index.js';
import { clientOf } from '../../reference-impl/path.js';
import { capbench } from '../fixtures/cli.js';
import { testClients } from '../reference-impl/env.js';
import { dropEsPrefix } from '../service/env.js';

const KS = `h2_k6_${process.pid}`;
const NS = `h2-k6-${process.pid}`;
const K6_SKIP = (() => {
  try {
    requireK6();
    return false;
  } catch {
    return 'k6 is not built (capbench services up k6)';
  }
})();

after(async () => {
  const c = await testClients(['redis', 'postgres', 'cassandra', 'elasticsearch'], 1);
  try {
    await new EsPostSearch(clientOf(c, 'elasticsearch', 'search.es'), { namespace: NS }).reset();
    await c.postgres!.query(`DROP SCHEMA IF EXISTS ${KS} CASCADE`);
    for await (const keys of c.redis!.scanIterator({ MATCH: `fo:${KS}:*`, COUNT: 1000 })) if (keys.length) await c.redis!.del(keys);
    await c.cassandra!.execute(`DROP KEYSPACE IF EXISTS ${KS}`);
  } finally {
    await c.close();
  }
  await dropEsPrefix(`${NS}-`);
});

const results = async (dir: string) => JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as RunResult;
const ran = (res: RunResult) => res.operations.reduce((a, o) => a + o.count, 0) + res.rate.notStarted;

test('search --engine k6: every query kind and the index stream, 20/s for 3 s', { skip: K6_SKIP, timeout: 300_000 }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'h2-k6se-'));
  try {
    const r = await capbench(['run', 'search', '--engine', 'k6', '-o', 'posts=500', '-o', 'bulkPosts=0', '-o', 'swapAt=0', '-o', 'variantPosts=0', '-o', 'compareQueries=0', '-o', `namespace=${NS}`, '--rate', '20', '--duration', '3s', '--warmup', '0', '--out', out, '-q']);
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
    const res = await results(out);
    assert.equal(res.generator?.name, 'k6');
    assert.deepEqual(res.operations.map((o) => o.name), ['match', 'recent', 'title', 'author', 'index']);
    assert.ok([60, 61].includes(ran(res)), `iterations ${ran(res)}, expected 60 or 61`);
    for (const o of res.operations) {
      assert.ok(o.count > 0, o.name);
      assert.deepEqual(o.errors, {}, o.name);
    }
    assert.match(await readFile(join(out, 'script.ts'), 'utf8'), /kind=recent&q=/);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('fan-out --engine k6 (feed.fanout-read): posts, the celebrity post at its moment, home and profile reads; feeds complete', { skip: K6_SKIP, timeout: 300_000 }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'h2-k6fo-'));
  try {
    const o = ['strategy=read', 'users=400', 'celebrityFollowers=300', 'authors=40', 'maxFollowers=60', 'historyPosts=1', 'postRate=20', 'readRate=40', 'celebrityPosts=1', 'lagSamplesPerS=0', 'checkUsers=20', 'finalDrainS=10', `keyspace=${KS}`, 'segmentS=3', 'drainS=0'];
    const r = await capbench(['run', 'fan-out', '--engine', 'k6', ...o.flatMap((x) => ['-o', x]), '--warmup', '0', '--out', out, '-q']);
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
    const res = await results(out);
    const by = new Map(res.operations.map((x) => [x.name, x]));
    assert.equal(by.get('read.celebrity_post')?.count, 1, 'the celebrity scenario ran its one iteration');
    // The main scenario: 60/s for 3 s (+1 at t = 3 s when in time), plus the celebrity's.
    assert.ok([181, 182].includes(ran(res)), `iterations ${ran(res)}, expected 181 or 182`);
    for (const k of ['post', 'home', 'profile']) assert.deepEqual(by.get(`read.${k}`)?.errors, {}, k);
    assert.equal(res.thresholds.find((t) => /^read: feed entries missing/.test(t.expression))?.passed, true, 'verify() found every followee post in the sampled feeds');
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
