/**
 * The benches' command line (bench/flags.ts): commander splits, zod validates, run settings
 * go through parseLayer, the environment sits beneath the flags; a bad flag is one line and
 * exit 2 before any work (checked on the built benches, which need no server for that).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { z } from 'zod';
import { parseArgv, parseSearchFlags, searchCommand, storeUrlFlags, type SearchDefaults } from '../../bench/flags.js';
import { UsageError } from '../../core/errors.js';
import { countSchema } from '../../scenarios/settings.js';

const D: SearchDefaults = { stepS: [7, 3], warmupS: [2, 1], minRate: 1_000, resolutionPct: [5, 10], pauseS: [1, 0.5], maxSteps: 16, out: 'results/x.json', retryOthersPct: 25 };
const Own = z.object({ commonRate: countSchema(1).optional() }).strict();

/** Parse argv as a bench with --redis-url, --postgres-url, --workers and --common-rate would. */
function parse(argv: string[], env: Record<string, string> = {}) {
  const cmd = storeUrlFlags(searchCommand('t', 'test', D), ['redis', 'postgres']).option('--workers <n>', 'w').option('--common-rate <ops/s>', 'c');
  // Only the variables given count: the settings' environment variables are cleared around the parse.
  const saved = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('CAPBENCH_') && !k.endsWith('_URL')));
  for (const k of Object.keys(saved)) delete process.env[k];
  Object.assign(process.env, env);
  try {
    const opts = parseArgv(cmd, argv);
    assert.notEqual(opts, 'help');
    return parseSearchFlags(opts as Record<string, unknown>, D, Own, { stores: ['redis', 'postgres'] });
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

test('no flags: the bench defaults; --quick switches the quick ones', () => {
  const { search, own, flags } = parse([]);
  assert.deepEqual(search.bounds, { startRate: 10_000, maxRate: 400_000, minRate: 1_000, resolution: 0.05 });
  assert.deepEqual(search.criteria, { maxP99Ms: 5, requireUnflagged: true, maxErrorRate: 0 });
  assert.equal(search.stepS, 7);
  assert.equal(search.warmupS, 2);
  assert.equal(search.retryOthersPct, 25);
  assert.equal(search.seed, 1);
  assert.equal(search.maxInFlight, 10_000);
  assert.equal(search.opTimeoutS, 5);
  assert.equal(search.posts, 100_000);
  assert.equal(search.out, 'results/x.json');
  assert.deepEqual(search.urls, {});
  assert.equal(search.allowRemote, false);
  assert.equal(search.db, undefined);
  assert.deepEqual(own, {});
  assert.equal(flags.workers, undefined);
  const q = parse(['--quick']).search;
  assert.equal(q.quick, true);
  assert.equal(q.stepS, 3);
  assert.equal(q.warmupS, 1);
  assert.equal(q.bounds.resolution, 0.1);
  assert.equal(q.pauseS, 0.5);
});

test('every flag is read and converted: durations in s, rates, %, URLs, booleans', () => {
  const { search, own, flags } = parse([
    '--step', '1500ms', '--warmup', '0', '--start', '2000', '--max', '8000', '--min', '500', '--resolution', '12.5', '--p99-ms', '2.5',
    '--allow-flagged', '--no-retry', '--posts', '1000', '--out', '/tmp/o.json', '--db', '3', '--seed', '42', '--allow-remote',
    '--redis-url', 'redis://127.0.0.1:6390', '--postgres-url', 'postgres://u@127.0.0.1/db', '--workers', '2', '--common-rate', '1000',
  ]);
  assert.equal(search.stepS, 1.5);
  assert.equal(search.warmupS, 0);
  assert.deepEqual(search.bounds, { startRate: 2000, maxRate: 8000, minRate: 500, resolution: 0.125 });
  assert.deepEqual(search.criteria, { maxP99Ms: 2.5, requireUnflagged: false, maxErrorRate: 0 });
  assert.equal(search.retryOthersPct, null);
  assert.equal(search.posts, 1000);
  assert.equal(search.out, '/tmp/o.json');
  assert.equal(search.db, 3);
  assert.equal(search.seed, 42);
  assert.equal(search.allowRemote, true);
  assert.deepEqual(search.urls, { redis: 'redis://127.0.0.1:6390', postgres: 'postgres://u@127.0.0.1/db' });
  assert.equal(flags.workers, 2);
  assert.deepEqual(own, { commonRate: 1000 });
});

test('the environment fills what the flags leave unset, beneath them', () => {
  const env = { CAPBENCH_SEED: '7', CAPBENCH_WORKERS: '3', CAPBENCH_MAX_IN_FLIGHT: '500', CAPBENCH_OP_TIMEOUT: '2s' };
  const fromEnv = parse([], env);
  assert.equal(fromEnv.search.seed, 7);
  assert.equal(fromEnv.search.maxInFlight, 500);
  assert.equal(fromEnv.search.opTimeoutS, 2);
  assert.equal(fromEnv.env.workers, 3);
  assert.equal(parse(['--seed', '9'], env).search.seed, 9, 'a flag wins over the environment');
  assert.throws(() => parse([], { CAPBENCH_SEED: 'x' }), (e: Error) => e instanceof UsageError && /^Bad CAPBENCH_SEED "x"/.test(e.message));
});

test('a bad value is one line naming the flag and what it must be', () => {
  const bad = (argv: string[], re: RegExp) => assert.throws(() => parse(argv), (e: Error) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n'), argv.join(' '));
  bad(['--step', 'abc'], /^Bad --step "abc": .*duration/);
  bad(['--warmup', '-1s'], /^Bad --warmup "-1s"/);
  bad(['--start', '1.5'], /^Bad --start "1\.5": expected a whole number >= 1\.$/);
  bad(['--max', '0'], /^Bad --max "0"/);
  bad(['--resolution', '0'], /^Bad --resolution "0": expected a number >= 0\.1\.$/);
  bad(['--p99-ms', 'fast'], /^Bad --p99-ms "fast"/);
  bad(['--posts', 'many'], /^Bad --posts "many"/);
  bad(['--db', '-1'], /^Bad --db "-1"/);
  bad(['--seed', 'x'], /^Bad --seed "x"/);
  bad(['--workers', '0'], /^Bad --workers "0"/);
  bad(['--common-rate', 'x'], /^Bad --common-rate "x"/);
  bad(['--redis-url', ' '], /^Bad --redis-url/);
  bad(['--step', '2s'], /^--step \(2 s\) must be at least 1 s longer than --warmup \(2 s\)\.$/);
  bad(['--start', '5000', '--max', '4000'], /--min ≤ --start ≤ --max/);
  bad(['--min', '20000'], /--min ≤ --start ≤ --max/);
  bad(['--nope'], /^unknown option '--nope'/);
  bad(['--step'], /argument missing/);
  bad(['stray'], /too many arguments/);
});

const BENCHES = ['max-like-rate', 'like-paths'].map((b) => new URL(`../../bench/${b}.js`, import.meta.url).pathname);

test('the built benches: a bad flag is one line on stderr and exit 2 before any work; --help exits 0', () => {
  for (const bench of BENCHES) {
    for (const args of [['--step', 'abc'], ['--bogus'], ['--max', '10', '--start', '20']]) {
      const r = spawnSync(process.execPath, [bench, ...args], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 2, `${bench} ${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^(max-like-rate|like-paths): /);
    }
    const help = spawnSync(process.execPath, [bench, '--help'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--p99-ms <ms>/);
    assert.match(help.stdout, /--redis-url <url>/);
  }
  const lp = spawnSync(process.execPath, [BENCHES[1]!, '--paths', 'likes.redis-counter,likes.nope'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(lp.status, 2);
  assert.match(lp.stderr, /^like-paths: Bad --paths "likes\.redis-counter,likes\.nope": use some of: likes\.redis-counter, /);
  const mlr = spawnSync(process.execPath, [BENCHES[0]!, '--workers', '1,20'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(mlr.status, 2);
  assert.match(mlr.stderr, /^max-like-rate: Bad --workers "1,20"/);
});
