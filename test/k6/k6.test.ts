/**
 * k6 (issue 12): exported scripts type-check with @types/k6 and run in the real k6 (the one
 * `capbench services up k6` built) with exit 0 and the scheduled iteration count; two execution
 * segments run as two k6 processes merge exactly (count = schedule, p99 = p99 of the pooled
 * samples); bad input (segments of different scripts, k6 missing) is one line, exit 2.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { exportK6 } from '../../k6/export.js';
import { FanOutOptions } from '../../scenarios/fan-out/options.js';
import { SearchOptions } from '../../scenarios/search/options.js';
import { requireK6, runK6 } from '../../k6/run.js';
import { readK6Output } from '../../k6/samples.js';
import { mergeCommand } from '../../cli/commands/k6.js';
import { startServiceThread, type ServiceThread } from '../../service/thread.js';
import { resolveConnection } from '../../targets/registry.js';
import { capbench } from '../fixtures/cli.js';
import { dropRedisPrefix } from '../service/env.js';
import { testClients } from '../reference-impl/env.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const TAG = `cbhttp_${process.pid}`;
const K6_SKIP = (() => {
  try {
    requireK6();
    return false;
  } catch {
    return 'k6 is not built (capbench services up k6)';
  }
})();

/** Type-check a script with @types/k6 (and capbench's k6/experimental/redis types). */
async function typeCheck(dir: string, source: string): Promise<void> {
  await writeFile(join(dir, 'script.ts'), source);
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'es2020', lib: ['es2020'], module: 'esnext', moduleResolution: 'bundler', types: ['k6'], typeRoots: [join(ROOT, 'node_modules/@types')] },
      files: ['script.ts', join(ROOT, 'k6/types/k6-experimental-redis.d.ts')],
    }),
  );
  await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')]).catch((e: { stdout?: string }) => {
    throw new Error(`tsc failed:\n${e.stdout}`);
  });
}

const likeOptions = { keyPrefix: '', posts: 1000, zipfS: 0.99, backgroundRate: 1000, spikeRate: 10000, beforeS: 10, spikeS: 10, afterS: 10, readRatio: 0.2, ttlS: 0, pgPoolSize: 32 };

describe('exported k6 scripts type-check with @types/k6', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'cbhttp-tsc-'))));
  after(() => rm(dir, { recursive: true, force: true }));
  const cases = [
    { name: 'viral-like-spike --via http', scenarioId: 'viral-like-spike', via: 'http' as const, options: { ...likeOptions, path: 'likes.redis-counter' } },
    { name: 'viral-like-spike --via redis (likes.redis-hash)', scenarioId: 'viral-like-spike', via: 'redis' as const, options: { ...likeOptions, path: 'likes.redis-hash' } },
    { name: 'follow-queries --via http', scenarioId: 'follow-queries', via: 'http' as const, options: { users: 100, followsPerUser: 5, zipfS: 0.99, durationS: 5, followShare: 0.4, unfollowShare: 0.1, followersShare: 0.25, followingShare: 0.1, mutualsShare: 0.15, countsShare: 0.1, racePairs: 0, raceShare: 0, raceBurst: 1, pageSize: 100, pgPoolSize: 4, schema: 'public' } },
    { name: 'fan-out --via http', scenarioId: 'fan-out', via: 'http' as const, options: FanOutOptions.parse({ strategy: 'all', users: 400, celebrityFollowers: 300, authors: 40, maxFollowers: 60, celebrityPosts: 2 }) },
    { name: 'search --via http', scenarioId: 'search', via: 'http' as const, options: SearchOptions.parse({}) },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const s = exportK6({ scenarioId: c.scenarioId, options: c.options, stages: [{ durationS: 10, rate: 100 }, { durationS: 5, fromRate: 100, rate: 500 }], thresholds: ['*:p99<10ms', '*:error_rate<0.1%'], via: c.via, serviceUrl: 'http://127.0.0.1:1', abortOnFail: true });
      assert.match(s.source, /executor: 'ramping-arrival-rate'/);
      assert.match(s.source, /"threshold": "p\(99\)<10",\s*"abortOnFail": true/);
      await typeCheck(dir, s.source);
    });
  }
  test('a path --via redis cannot drive is named', () => {
    assert.throws(() => exportK6({ scenarioId: 'viral-like-spike', options: { ...likeOptions, path: 'likes.pg-direct' }, stages: [{ durationS: 1, rate: 1 }], thresholds: [], via: 'redis', serviceUrl: 'x' }), /--via redis cannot drive likes\.pg-direct/);
  });
});

describe('the exported script in the real k6', { skip: K6_SKIP }, () => {
  let svc: ServiceThread;
  let dir: string;
  let script: string;
  const RATE = 40;
  const SECONDS = 3;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cbhttp-k6-'));
    svc = await startServiceThread({ paths: [{ id: 'likes.redis-counter', options: { keyPrefix: `${TAG}:` } }], connections: { redis: resolveConnection('redis') } });
    const s = exportK6({ scenarioId: 'viral-like-spike', options: { ...likeOptions, readRatio: 0, path: 'likes.redis-counter' }, stages: [{ durationS: SECONDS, rate: RATE }], thresholds: ['like:error_rate<1%'], via: 'http', serviceUrl: svc.url });
    script = join(dir, 'script.ts');
    await writeFile(script, s.source);
  });
  after(async () => {
    await svc?.close();
    await rm(dir, { recursive: true, force: true });
    const c = await testClients(['redis'], 1);
    for await (const keys of c.redis!.scanIterator({ MATCH: `${TAG}:*`, COUNT: 1000 })) if (keys.length) await c.redis!.del(keys);
    await c.close();
  });

  test('runs for a few seconds with exit 0 and the scheduled iteration count', async () => {
    const out = join(dir, 'whole.json');
    const r = await runK6({ bin: requireK6(), script, jsonOut: out });
    assert.equal(r.code, 0, r.stderrTail);
    const o = await readK6Output(out);
    // k6's constant-arrival-rate starts an iteration at t=0, and one at t=duration when it gets
    // there before the stop (k6 1.8.1, measured: usually rate x duration + 1; on a busy machine rate x duration).
    assertScheduled(o.samples.length + o.dropped, RATE * SECONDS);
    assert.equal(o.failures.length, 0);
    assert.ok(o.samples.every((s) => s.op === 'like'));
  });

  test('two execution segments as two k6 processes merge exactly; different scripts are refused', async () => {
    const seg = [join(dir, 'seg1.json'), join(dir, 'seg2.json')];
    const bin = requireK6();
    const [a, b] = await Promise.all([
      runK6({ bin, script, jsonOut: seg[0]!, segment: { segment: '0:1/2', sequence: '0,1/2,1' } }),
      runK6({ bin, script, jsonOut: seg[1]!, segment: { segment: '1/2:1', sequence: '0,1/2,1' } }),
    ]);
    assert.equal(a.code, 0, a.stderrTail);
    assert.equal(b.code, 0, b.stderrTail);
    const parts = await Promise.all(seg.map(readK6Output));
    const dropped = parts[0]!.dropped + parts[1]!.dropped;
    // k6 interleaves the iterations over the segments: each runs about half, together all of them.
    for (const p of parts) assert.ok(Math.abs(p.samples.length + p.dropped - (RATE * SECONDS) / 2) <= 2, `a segment ran ${p.samples.length + p.dropped} iterations`);
    const merged = await mergeCommand(seg);
    const like = merged.operations.find((o) => o.name === 'like')!;
    assert.equal(like.count, parts[0]!.samples.length + parts[1]!.samples.length, 'every sample of both segments is in the merge');
    assertScheduled(like.count + dropped, RATE * SECONDS, 'merged count equals the schedule');
    // The p99 of the pooled samples (nearest rank), against the merged HDR p99 (3 significant digits).
    const pooled = parts.flatMap((p) => p.samples.map((s) => s.ms)).sort((x, y) => x - y);
    const exact = pooled[Math.ceil(0.99 * pooled.length) - 1]!;
    assert.ok(like.latencyMs.p99 !== null);
    assert.ok(Math.abs(like.latencyMs.p99 - exact) <= Math.max(0.002, exact * 0.002), `merged p99 ${like.latencyMs.p99} ms vs pooled ${exact} ms`);
    assert.equal(merged.sections?.[0]?.tables[0]?.rows.length, 2, 'both segments listed');

    // A segment of another script (its hash differs): one line, exit 2.
    const other = join(dir, 'other.json');
    const text = await readFile(seg[1]!, 'utf8');
    const hash = parts[0]!.tags.capbench_script!;
    await writeFile(other, text.replaceAll(hash, 'aaaaaaaaaaaa'));
    const r = await capbench(['merge', seg[0]!, other, '--out', join(dir, 'm')]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /segments of different scripts cannot be merged/);
    const ok = await capbench(['merge', ...seg, '--out', join(dir, 'merged')]);
    assert.ok(ok.code === 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`merged 2 segments: ${like.count} operations`));
  });
});


/** `n` iterations ran for a schedule of `planned` (rate x duration): k6 adds the one at t = duration when it starts it in time. */
function assertScheduled(n: number, planned: number, message = 'iterations of the schedule'): void {
  assert.ok(n === planned || n === planned + 1, `${message}: ${n}, expected ${planned} or ${planned + 1}`);
}

test('k6 missing: --engine k6 is one line, exit 2, before any work', async () => {
  const r = await capbench(['run', 'viral-like-spike', '--engine', 'k6', '--duration', '1s'], { CAPBENCH_K6: '/nonexistent/k6' });
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /^Cannot run\. k6 is missing \(no \/nonexistent\/k6\)/);
});

test('run --engine k6: the usual results.json and report.html, marked generated by k6', { skip: K6_SKIP }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'cbhttp-engine-'));
  try {
    const r = await capbench(['run', 'viral-like-spike', '--engine', 'k6', '-o', 'posts=500', '-o', `keyPrefix=${TAG}:`, '--rate', '40', '--duration', '2s', '--warmup', '0', '--threshold', 'like:error_rate<1%', '--out', out, '-q']);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as import('../../core/results.js').RunResult;
    assert.equal(res.generator?.name, 'k6');
    assert.equal(res.generator?.via, 'http');
    const like = res.operations.find((o) => o.name === 'like')!;
    assertScheduled(like.count + res.rate.notStarted, 40 * 2, 'k6 ran the schedule (40/s x 2 s)');
    assert.equal(res.thresholds.find((t) => t.expression === 'likes lost == 0')?.passed, true, 'verify() ran on what k6 wrote');
    assert.ok(res.sections?.some((s) => s.id === 'generated-by-k6'));
    const html = await readFile(join(out, 'report.html'), 'utf8');
    assert.match(html, /generated by k6 1\.8\.1/);
    assert.match(await readFile(join(out, 'script.ts'), 'utf8'), /constant-arrival-rate/);
  } finally {
    await dropRedisPrefix(`${TAG}:`);
    await rm(out, { recursive: true, force: true });
  }
});
