/**
 * The CLI end to end, as a user runs it: a real process against the real Redis that the
 * test script started (CAPBENCH_REDIS_URL redirects it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { RunResultSchema, SCHEMA_VERSION } from '../../core/results.js';
import { capbench } from '../fixtures/cli.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

test('run writes results.json with the documented fields and a self-contained report.html', { timeout: 120_000 }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'capbench-cli-'));
  const r = await capbench(['run', 'viral-like-spike', '--out', out, '-q', '-o', 'posts=20000', '--stages', '1s:500,1s:3000,1s:500', '--warmup', '500ms', '--threshold', 'like:error_rate<1%']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /results: .*results\.json/);
  const result = RunResultSchema.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')));
  assert.equal(result.schemaVersion, SCHEMA_VERSION);
  assert.equal(result.status, 'completed');
  const like = result.operations.find((o) => o.name === 'like')!;
  assert.equal(like.path, 'likes.redis-counter');
  assert.ok(like.count > 0);
  for (const k of ['p50', 'p90', 'p99', 'max'] as const) assert.equal(typeof like.latencyMs[k], 'number', `latency ${k}`);
  assert.equal(typeof like.serviceTimeMs.p50, 'number');
  assert.ok(like.achievedOpsPerSec > 0);
  assert.ok(result.rate.targetOpsPerSec! > 0);
  assert.equal(typeof result.rate.flagged, 'boolean');
  assert.ok(result.series.length >= 3);
  assert.ok(result.targets.some((t) => t.store === 'redis' && /^\d+\.\d+/.test(t.version)));
  const redisFp = result.footprint.after.find((f) => f.store === 'redis');
  assert.ok(redisFp && redisFp.totalBytes > 0);
  assert.ok(result.footprint.derived.some((d) => d.name === 'bytes per post counter' && (d.value ?? 0) > 0));
  assert.ok(result.thresholds.some((t) => t.expression === 'likes lost == 0' && t.passed));
  assert.ok(result.machine.cpus > 0);
  const html = await readFile(join(out, 'report.html'), 'utf8');
  assert.match(html, /<canvas/);
  assert.doesNotMatch(html, /<script[^>]+src=/);
  // re-render from the JSON
  const again = await capbench(['report', join(out, 'results.json')]);
  assert.equal(again.code, 0, again.stderr);
  assert.ok((await stat(join(out, 'report.html'))).size > 10_000);
});

test('a failed threshold exits 1 and still writes the results', { timeout: 60_000 }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'capbench-cli-'));
  const r = await capbench(['run', 'viral-like-spike', '--out', out, '-q', '-o', 'posts=1000', '--rate', '200', '--duration', '1s', '--warmup', '0', '--threshold', 'like:p50<0.0001ms']);
  assert.equal(r.code, 1, r.stderr);
  const result = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
  assert.equal(result.thresholds[0].passed, false);
});

test('a stopped Redis gives exit 2 and one line naming it, no stack trace', { timeout: 60_000 }, async () => {
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  try {
    // It answered once, then stops: the run must find it down.
    for (let i = 0; i < 50 && spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() !== 'PONG'; i++) await new Promise((r) => setTimeout(r, 100));
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.on('exit', r));
  }
  const r = await capbench(['run', 'viral-like-spike', '-q', '--rate', '10', '--duration', '1s'], { CAPBENCH_REDIS_URL: `redis://127.0.0.1:${port}` });
  assert.equal(r.code, 2);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, new RegExp(`redis at 127\\.0\\.0\\.1:${port} is unreachable`));
  assert.match(lines[0]!, /capbench services up redis/);
  assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
});

test('bad input is one line and exit 2: unknown scenario, bad option, bad stages, bad scenario file, remote target', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'capbench-cli-'));
  const badFile = join(dir, 'bad.yaml');
  await writeFile(badFile, 'scenario: viral-like-spike\nstages: [ { duration: 10s } ]\n');
  const cases: [string[], RegExp][] = [
    [['run', 'no-such-scenario'], /Unknown scenario "no-such-scenario"/],
    [['run', 'viral-like-spike', '-o', 'posts=lots'], /Bad option posts/],
    [['run', 'viral-like-spike', '-o', 'nope=1'], /has no option "nope"/],
    [['run', 'viral-like-spike', '--stages', '10s-100'], /Bad stage "10s-100"/],
    [['run', badFile], /bad\.yaml: stages/],
    [['run', join(dir, 'missing.yaml')], /no such file/],
    [['run', 'viral-like-spike', '--redis-url', 'redis://10.1.2.3:6379'], /not on this machine/],
    [['run', 'viral-like-spike', '--redis-url', 'http://x'], /redis/i],
    [['report', join(dir, 'nothing.json')], /nothing\.json/],
  ];
  for (const [args, re] of cases) {
    const r = await capbench(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0]!, /^Cannot (run|report)\. /);
    assert.match(lines[0]!, re);
  }
});

test('a scenario file runs with its own options, stages and thresholds', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'capbench-cli-'));
  const file = join(dir, 'mine.yaml');
  await writeFile(
    file,
    ['scenario: viral-like-spike', 'options:', '  path: likes.redis-hash', '  posts: 2000', 'stages:', '  - { duration: 1s, rate: 300 }', '  - { duration: 1s, rate: 900 }', 'warmup: 0', 'thresholds: [ "like:error_rate<1%" ]', ''].join('\n'),
  );
  const r = await capbench(['run', file, '--out', dir, '-q']);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
  assert.deepEqual(result.scenario.paths, ['likes.redis-hash']);
  assert.equal(result.schedule.stages.length, 2);
  assert.equal(result.thresholds[0].expression, 'like:error_rate<1%');
  assert.ok(result.operations[0].count + result.operations[0].warmupCount >= 1150);
});
