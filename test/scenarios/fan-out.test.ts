/**
 * The fan-out scenario end to end through the CLI on the real Cassandra and Redis (a small graph,
 * seconds): every strategy runs, every check passes (feeds complete, no duplicates, backlog
 * drained, nothing lost around the fan-out worker kill), the claims and the report section are
 * there; and the bad inputs of issue 9, each one line and exit 2 before any work. Also the pure
 * parts: the power-law graph, the strategy segments of a schedule, the celebrity's moments.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { RunResult } from '../../core/results.js';
import { CELEBRITY, FanOutGraph } from '../../scenarios/fan-out/graph.js';
import { FanOutOptions, fanOutStages } from '../../scenarios/fan-out/options.js';
import { celebrityMomentsOf, segmentsOf } from '../../scenarios/fan-out/workload.js';
import { openStoreClients } from '../../targets/clients.js';
import { resolveConnection } from '../../targets/registry.js';
import { capbench } from '../fixtures/cli.js';
import { unlinkMatching } from '../../reference-impl/common/redis-keys.js';

const KS = `capbench_fanout_t${process.pid}`;
const SMALL = [
  ['users', 2000], ['celebrityFollowers', 1200], ['authors', 60], ['maxFollowers', 200], ['postRate', 30], ['readRate', 60],
  ['segmentS', 3], ['drainS', 1], ['celebrityThreshold', 500], ['fanoutPage', 100], ['checkUsers', 40], ['killWorkerAt', 0.4], ['keyspace', KS],
].flatMap(([k, v]) => ['-o', `${k}=${v}`]);

after(async () => {
  const c = await openStoreClients({ cassandra: resolveConnection('cassandra'), redis: resolveConnection('redis'), postgres: resolveConnection('postgres') }, ['cassandra', 'redis', 'postgres']);
  await c.cassandra!.execute(`DROP KEYSPACE IF EXISTS ${KS}`);
  // users.pg's schema is named like the keyspace.
  await c.postgres!.query(`DROP SCHEMA IF EXISTS "${KS}" CASCADE`);
  await unlinkMatching(c.redis!, `fo:${KS}:*`);
  await c.close();
});

describe('fan-out through the CLI (small graph)', { timeout: 300_000 }, () => {
  test('all four strategies side by side: checks pass, claims and the report section are there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cb-fanout-'));
    try {
      const r = await capbench(['run', 'fan-out', ...SMALL, '--out', dir]);
      assert.equal(r.code, 0, r.stderr.slice(-3000));
      const res = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as RunResult;
      assert.deepEqual(
        res.operations.map((o) => o.name),
        ['write', 'redis', 'read', 'hybrid'].flatMap((s) => ['post', 'celebrity_post', 'home', 'profile'].map((k) => `${s}.${k}`)),
      );
      for (const o of res.operations) assert.deepEqual(o.errors, {}, `${o.name}: no errors`);
      const checks = res.thresholds.map((t) => t.expression);
      for (const s of ['write', 'redis', 'read', 'hybrid']) assert.ok(checks.some((c) => c.startsWith(`${s}: feed entries missing (40 sampled users)`)), `completeness check of ${s}`);
      assert.ok(checks.some((c) => c.startsWith('write: celebrity post')), 'the celebrity post reached all followers (checked)');
      assert.ok(checks.includes('sampled posts lost around the fan-out worker kill (±10 s) == 0'), 'the worker was killed and checked');
      assert.deepEqual(res.thresholds.filter((t) => !t.passed).map((t) => t.expression), []);
      assert.ok(res.notes.some((n) => /killed fan-out worker fanout-0/.test(n)));
      assert.ok(res.notes.some((n) => /restarted fan-out worker/.test(n)));
      const ids = res.claims.map((c) => c.id).sort();
      assert.deepEqual(ids, ['feed.celebrity-hot-shard', 'feed.delivery-lag-001', 'feed.delivery-lag-004', 'feed.write-amplification']);
      for (const c of res.claims) assert.match(c.measured, /write|shard/);
      const wa = res.footprint.derived.find((d) => d.name === 'write: write amplification');
      assert.ok(wa && wa.value !== null && wa.value > 1, 'fan-out on write writes more than one entry per post');
      assert.equal(res.footprint.derived.find((d) => d.name === 'read: write amplification')?.value, 0);
      const sec = res.sections?.find((s) => s.id === 'fan-out');
      assert.ok(sec, 'the fan-out section');
      assert.deepEqual(sec.tables[0]!.rows.map((row) => row[0]), ['write', 'redis', 'read', 'hybrid']);
      assert.deepEqual(sec.charts.map((c) => c.id), ['lag-cdf', 'backlog', 'read-latency']);
      assert.ok(sec.charts[0]!.series.every((s) => s.points.length > 0), 'a lag CDF per strategy');
      assert.ok((sec.charts[1]!.markers ?? []).some((m) => m.label.startsWith('celebrity post')));
      const html = await readFile(join(dir, 'report.html'), 'utf8');
      assert.match(html, /Fan-out: delivery lag, write amplification and read latency per strategy/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('fan-out: bad input is one line and exit 2', { timeout: 120_000 }, () => {
  // The error is one "Cannot ..." line with no stack; a progress line ("load phase: ...") may precede it
  // when the check needs the store (the keyspace check runs at the start of the load phase, before any write).
  const oneLine = (r: { stderr: string }) => {
    const lines = r.stderr.trim().split('\n').filter((l) => l.trim() !== '');
    assert.ok(!lines.some((l) => /^\s+at /.test(l)), 'no stack trace');
    return lines.filter((l) => !l.startsWith('load phase:'));
  };
  test('a celebrity larger than the user count', async () => {
    const r = await capbench(['run', 'fan-out', '-o', 'users=1000', '-o', 'celebrityFollowers=5000', '-o', `keyspace=${KS}`]);
    assert.equal(r.code, 2);
    assert.equal(oneLine(r).length, 1, r.stderr);
    assert.match(r.stderr, /celebrity cannot have 5000 followers among 1000 users/);
  });
  test('an unknown strategy', async () => {
    const r = await capbench(['run', 'fan-out', '-o', 'strategy=pigeon']);
    assert.equal(r.code, 2);
    assert.equal(oneLine(r).length, 1, r.stderr);
    assert.match(r.stderr, /strategy/);
  });
  test('Cassandra down while Redis is up', async () => {
    const r = await capbench(['run', 'fan-out', '-o', 'users=1000', '-o', 'celebrityFollowers=500', '-o', 'authors=10', '-o', 'maxFollowers=50', '-o', `keyspace=${KS}`], { CAPBENCH_CASSANDRA_URL: 'cassandra://127.0.0.1:9' });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(oneLine(r).length, 1, r.stderr);
    assert.match(r.stderr, /cassandra.*127\.0\.0\.1:9/i);
  });
  test('a keyspace left by an older schema', async () => {
    const ks = `${KS}_old`;
    const c = await openStoreClients({ cassandra: resolveConnection('cassandra') }, ['cassandra']);
    try {
      await c.cassandra!.execute(`CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
      await c.cassandra!.execute(`CREATE TABLE IF NOT EXISTS ${ks}.followers (user_id bigint, follower_id text, PRIMARY KEY (user_id, follower_id))`);
      const r = await capbench(['run', 'fan-out', '-o', 'users=1000', '-o', 'celebrityFollowers=500', '-o', 'authors=10', '-o', 'maxFollowers=50', '-o', `keyspace=${ks}`]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(oneLine(r).length, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`keyspace ${ks} holds an older or foreign schema: table followers has follower_id as text, not bigint`));
    } finally {
      await c.cassandra!.execute(`DROP KEYSPACE IF EXISTS ${ks}`);
      await c.close();
    }
  });
});

describe('fan-out: graph and schedule (pure)', () => {
  test('the graph: celebrity 1..N, distinct followers per author, heavy-tailed degrees within the bounds', () => {
    const o = FanOutOptions.parse({ users: 50_000, celebrityFollowers: 40_000, authors: 2000, maxFollowers: 20_000 });
    const g = new FanOutGraph(o);
    assert.equal(g.followerCount(CELEBRITY), 40_000);
    assert.equal(g.follower(CELEBRITY, 0), 1);
    for (const a of [1, 2, 500, 2000]) {
      const d = g.followerCount(a);
      const fs = new Set(Array.from({ length: d }, (_, i) => g.follower(a, i)));
      assert.equal(fs.size, d, `author ${a}: distinct followers`);
      assert.ok(!fs.has(a), 'nobody follows themself');
      for (const f of fs) assert.ok(f >= 0 && f < o.users);
    }
    const ds = g.degreesDescending();
    assert.ok(ds.every((d) => d >= o.minFollowers && d <= o.maxFollowers));
    const median = ds[Math.floor(ds.length / 2)]!;
    // Power law with alpha 2.276 and x_min 5: median ≈ 5 · 2^(1/1.276) ≈ 8.6, the top 1% above 5 · 100^(1/1.276) ≈ 185.
    assert.ok(median >= 7 && median <= 11, `median ${median}`);
    assert.ok(ds[Math.floor(ds.length / 100)]! > 100, `top 1%: ${ds[Math.floor(ds.length / 100)]}`);
    assert.equal(g.edges(), 40_000 + ds.reduce((a, b) => a + b, 0));
  });

  test('segments follow the stage labels; the celebrity posts at known moments in its segment or its celebrity stage', () => {
    const o = FanOutOptions.parse({ segmentS: 10, drainS: 5, celebrityPosts: 1 });
    const stages = fanOutStages(o);
    const segs = segmentsOf(stages, ['write', 'redis', 'read', 'hybrid']);
    assert.deepEqual(segs.map((s) => [s.strategy, s.fromS, s.toS]), [['write', 0, 15], ['redis', 15, 30], ['read', 30, 45], ['hybrid', 45, 60]]);
    assert.deepEqual(celebrityMomentsOf(stages, segs[1]!, 1), [20]);
    const bench = [{ durationS: 10, rate: 50, label: 'write' }, { durationS: 20, rate: 50, label: 'write celebrity' }, { durationS: 30, rate: 0, label: 'write drain' }];
    assert.deepEqual(celebrityMomentsOf(bench, segmentsOf(bench, ['write'])[0]!, 1), [20]);
    // Unlabelled stages (--rate/--duration): split evenly.
    assert.deepEqual(segmentsOf([{ durationS: 8, rate: 10 }], ['write', 'read']).map((s) => [s.fromS, s.toS]), [[0, 4], [4, 8]]);
  });
});
