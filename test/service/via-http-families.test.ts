/**
 * `capbench run --via http` for fan-out and search on the real stores (issue 12): every
 * measured operation goes through the reference service (feed, users and search routes), the
 * HTTP-overhead section has a row per operation with the service's driver-level timings, and
 * the scenarios' own checks hold. A scenario whose path has no route names that path.
 * Keyspace, schema and Elasticsearch namespace are h2_<pid> / h2-<pid> (removed at the end).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UsageError } from '../../core/errors.js';
import type { RunResult } from '../../core/results.js';
import { EsPostSearch } from '../../reference-impl/search/index.js';
import { clientOf } from '../../reference-impl/path.js';
import { getScenario } from '../../scenarios/registry.js';
import { parseLayer, resolveRunSettings } from '../../scenarios/settings.js';
import { ROUTES } from '../../service/routes/index.js';
import { checkHttpSupport } from '../../cli/commands/via-http.js';
import { capbench } from '../fixtures/cli.js';
import { testClients } from '../reference-impl/env.js';
import { dropEsPrefix } from './env.js';

const KS = `h2_fo_${process.pid}`;
const NS = `h2-se-${process.pid}`;

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

/** Each operation of the run has its HTTP-overhead row, with as many store calls as HTTP requests. */
function checkOverhead(res: RunResult): void {
  const section = res.sections?.find((s) => s.id === 'http-overhead');
  assert.ok(section, 'HTTP overhead section');
  const rows = section.tables[0]!.rows;
  assert.deepEqual(rows.map((r) => r[0]), res.operations.map((o) => o.name));
  for (const r of rows) if ((r[2] as number) > 0) assert.equal(r[5], r[2], `${r[0]}: the service timed one store call per request`);
  assert.ok(res.notes.some((n) => /driven over HTTP/.test(n)));
}

test('fan-out --via http: posts, celebrity post, home and profile reads through the service; feeds checked', { timeout: 300_000 }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'h2-fo-'));
  try {
    const o = ['users=400', 'celebrityFollowers=300', 'authors=40', 'maxFollowers=60', 'historyPosts=1', 'postRate=20', 'readRate=40', 'celebrityPosts=1', 'celebrityThreshold=100', 'fanoutWorkers=1', 'fanoutPage=50', 'killWorkerAt=0', 'lagSamplesPerS=2', 'checkUsers=20', 'finalDrainS=60', `keyspace=${KS}`, 'strategy=write', 'segmentS=3', 'drainS=1'];
    const r = await capbench(['run', 'fan-out', '--via', 'http', ...o.flatMap((x) => ['-o', x]), '--warmup', '0', '--out', out, '-q']);
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
    const res = await results(out);
    const by = new Map(res.operations.map((x) => [x.name, x]));
    assert.equal(by.get('write.celebrity_post')?.count, 1);
    for (const k of ['post', 'home', 'profile']) {
      assert.ok((by.get(`write.${k}`)?.count ?? 0) > 0, k);
      assert.deepEqual(by.get(`write.${k}`)?.errors, {}, k);
    }
    assert.equal((by.get('write.post')!.count + by.get('write.home')!.count + by.get('write.profile')!.count + 1), 180, 'every scheduled arrival (60/s for 3 s) was sent');
    checkOverhead(res);
    // The feeds written through the service are complete (verify() reads them at driver level).
    const feedCheck = res.thresholds.find((t) => /^write: feed entries missing/.test(t.expression));
    assert.ok(feedCheck, `a feed check among ${res.thresholds.map((t) => t.expression).join('; ')}`);
    assert.equal(feedCheck.passed, true, feedCheck.expression);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('search --via http: every query kind and the index stream through the service, the alias swap without errors', { timeout: 300_000 }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'h2-se-'));
  try {
    const r = await capbench(['run', 'search', '--via', 'http', '-o', 'posts=500', '-o', 'bulkPosts=200', '-o', 'variantPosts=200', '-o', 'compareQueries=10', '-o', `namespace=${NS}`, '--warmup', '0', '--duration', '10s', '--out', out, '-q']);
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
    const res = await results(out);
    assert.deepEqual(res.operations.map((o) => o.name), ['match', 'recent', 'title', 'author', 'index']);
    assert.equal(res.operations.reduce((a, o) => a + o.count, 0), 500, 'every scheduled arrival (50/s for 10 s) was sent');
    for (const op of res.operations) assert.ok(op.count > 0, op.name);
    checkOverhead(res);
    assert.equal(res.thresholds.find((t) => t.expression === 'errors during the alias swap == 0')?.passed, true);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('bad input: a scenario whose path has no HTTP route names that path (and its family)', () => {
  const saved = ROUTES.users;
  delete ROUTES.users;
  try {
    const settings = resolveRunSettings(getScenario('fan-out'), { flags: parseLayer({ rate: 10, duration: 1, options: { strategy: 'write', users: 400, celebrityFollowers: 300, authors: 40, maxFollowers: 60 } }, { kind: 'flags' }) });
    assert.throws(() => checkHttpSupport(settings), (e: unknown) => e instanceof UsageError && /^Storage path users\.pg has no HTTP route yet \(family users/.test(e.message));
  } finally {
    ROUTES.users = saved;
  }
});
