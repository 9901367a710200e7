/**
 * The cost flags end to end, as a user runs them: a real process against the real Redis
 * (CAPBENCH_REDIS_URL redirects it, as in test/cli/cli.test.ts).
 */
import assert from 'node:assert/strict';
import { capbench } from '../fixtures/cli.js';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RunResultSchema, SCHEMA_VERSION } from '../../core/results.js';
import { sampleResult } from '../fixtures/sample-result.js';



const exists = (p: string) => stat(p).then(() => true, () => false);

test('run --scale writes results.json with a cost and the cost claims; exit codes are unchanged', { timeout: 120_000 }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'capbench-cost-'));
  const r = await capbench(['run', 'viral-like-spike', '--out', out, '-q', '-o', 'posts=20000', '--stages', '1s:300,1s:1000,1s:300', '--warmup', '500ms', '--threshold', 'like:error_rate<1%', '--scale', 'posts=1000000']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /cost at posts 1,000,000: /);
  const result = RunResultSchema.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')));
  assert.equal(result.schemaVersion, SCHEMA_VERSION);
  assert.ok(result.cost, 'a cost');
  assert.deepEqual(result.cost.scale, { posts: 1_000_000 });
  assert.match(result.cost.priceBook.source, /built-in/);
  const ids = result.claims.filter((c) => c.id.startsWith('cost.')).map((c) => c.id);
  assert.deepEqual(ids, ['cost.likes-elasticache-1m', 'cost.likes-redis-labs-1m', 'cost.likes-upstash-1m', 'cost.es-all-hot-1tb', 'cost.es-optimized']);
  const perPost = result.footprint.derived.find((d) => d.name === 'bytes per post counter')!.value;
  if (perPost !== null && perPost > 0) {
    // The measured footprint was usable: the redis need is 1M x that many bytes, and a line is counted.
    assert.equal(result.cost.needs[0]!.dataBytes, perPost * 1e6);
    assert.ok(result.cost.lines.some((l) => l.chosen && l.monthlyUsd! > 0));
    assert.equal(result.cost.totalMonthlyUsd, result.cost.lines.find((l) => l.chosen)!.monthlyUsd);
  } else {
    // Another client changed Redis while seeding: the model says so instead of projecting.
    assert.ok(result.cost.assumptions.some((a) => /^posts: not projected/.test(a)), result.cost.assumptions.join('\n'));
  }
  assert.match(await readFile(join(out, 'report.html'), 'utf8'), /<section id="cost"><h2>Cost at scale<\/h2>/);
  assert.match(await readFile(join(out, 'summary.md'), 'utf8'), /### Cost at scale: /);

  // capbench report recomputes the cost at another scale and writes it back.
  const again = await capbench(['report', out, '--scale', 'posts=2M,likesPerSec=500']);
  assert.equal(again.code, 0, again.stderr);
  const re = RunResultSchema.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')));
  assert.deepEqual(re.cost!.scale, { posts: 2e6, likesPerSec: 500 });

  // A failed threshold still exits 1 with a cost.
  const failed = await capbench(['run', 'viral-like-spike', '--out', out, '-q', '-o', 'posts=1000', '--rate', '200', '--duration', '1s', '--warmup', '0', '--threshold', 'like:p50<0.0001ms', '--scale', 'posts=1M']);
  assert.equal(failed.code, 1, failed.stderr);
  assert.ok(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')).cost);
});

test('bad --scale or --price-book: one line, exit 2, before anything runs', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'capbench-cost-'));
  const entry = 'id: e1, provider: P, product: Q, stores: [redis], offer: o, unit: node-hour, priceUsd: 1, region: r, source: "https://example.com", readAt: "2026-01-01"';
  const book = async (name: string, text: string) => {
    await writeFile(join(dir, name), text);
    return join(dir, name);
  };
  const negative = await book('negative.yaml', `currency: USD\nentries:\n  - { ${entry.replace('priceUsd: 1', 'priceUsd: -3')} }\n`);
  const unit = await book('unit.yaml', `currency: USD\nentries:\n  - { ${entry.replace('node-hour', 'per-hour')} }\n`);
  const nosource = await book('nosource.yaml', `currency: USD\nentries:\n  - { ${entry.replace(/source: "[^"]*", /, '')} }\n`);
  const out = join(dir, 'never');
  const cases: [string[], RegExp][] = [
    [['run', 'viral-like-spike', '--out', out, '--scale', 'posts=1M,comments=3'], /^Cannot run\. Bad --scale: unknown entity "comments"\. Known entities: posts/],
    [['run', 'viral-like-spike', '--out', out, '--scale', 'posts=-1'], /^Cannot run\. Bad --scale: posts: "-1" is not a number >= 0/],
    [['run', 'viral-like-spike', '--out', out, '--scale', 'posts=1M', '--price-book', negative], /^Cannot run\. Price book .*negative\.yaml: entry "e1" has a negative price \(-3 USD\)\./],
    [['run', 'viral-like-spike', '--out', out, '--price-book', unit], /^Cannot run\. Price book .*unit\.yaml: entry "e1" has an unknown unit "per-hour" \(units: node-hour, month, GB-month, IOPS-month, million-requests\)/],
    [['run', 'viral-like-spike', '--out', out, '--price-book', nosource], /entry "e1" has no source/],
    [['run', 'viral-like-spike', '--out', out, '--price-book', join(dir, 'none.yaml')], /none\.yaml cannot be read \(ENOENT\)/],
    [['report', join(dir, 'whatever.json'), '--scale', 'likes=5'], /^Cannot report\. Bad --scale: unknown entity "likes"/],
  ];
  for (const [args, re] of cases) {
    const r = await capbench(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, re);
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
  }
  assert.equal(await exists(out), false, 'nothing was written');
});

test('capbench report renders a v1 results file, and refuses an unknown version in one line', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'capbench-cost-'));
  const { cost: _none, ...v2 } = sampleResult();
  const v1 = join(dir, 'results.json');
  await writeFile(v1, JSON.stringify({ ...v2, schemaVersion: 1 }));
  const r = await capbench(['report', v1]);
  assert.equal(r.code, 0, r.stderr);
  const html = await readFile(join(dir, 'report.html'), 'utf8');
  assert.match(html, /No cost projection for this run/);
  assert.match(html, /<section id="footprint">/);
  // With a scale, the v1 run gets a cost too (its footprint has no per-post figure: said, not projected).
  const costed = await capbench(['report', v1, '--scale', 'posts=1M']);
  assert.equal(costed.code, 0, costed.stderr);
  assert.ok(JSON.parse(await readFile(v1, 'utf8')).cost.assumptions.some((a: string) => a.startsWith('posts: ')));

  const future = join(dir, 'future.json');
  await writeFile(future, JSON.stringify({ ...v2, schemaVersion: 99 }));
  const f = await capbench(['report', future]);
  assert.equal(f.code, 2);
  assert.equal(f.stderr.trim().split('\n').length, 1);
  assert.match(f.stderr, /^Cannot report\. .*future\.json has results schema version 99 \(written by capbench 0\.1\.0\); this capbench reads versions 1, 2\./);
});
