/**
 * Every input, refused up front (issue 13, "Every input"): a table of bad inputs across the
 * commands, each through the CLI's own entry point main() (in this process, for speed; rows
 * marked `spawn` run the built bin in a real process, as a user does). Each must exit 2
 * with one line on stderr that says what is wrong (matching `says`), no stack trace, and
 * leave nothing half written (the --out directory of a run is not created).
 *
 * Add a row for every new flag, setting or command: { name, args, says, env?, files? }.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SCHEMA_VERSION } from '../../core/results.js';
import { performance } from 'node:perf_hooks';
import { main } from '../../cli/main.js';
import { capbench } from '../fixtures/cli.js';
import { sampleResult } from '../fixtures/sample-result.js';

/** One bad input: the argv after `capbench` ($T is the per-test temp dir, $OUT a run's --out that must not appear). */
interface Row {
  name: string;
  args: string[];
  says: RegExp;
  env?: NodeJS.ProcessEnv;
  /** Run the built bin in its own process (for inputs that once hung the process). */
  spawn?: boolean;
}

/** main(argv) in this process, with stderr captured (stdout is not) and `env` set for the call. */
async function inProcess(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string; seconds: number }> {
  const t0 = performance.now();
  const saved: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    if (v === undefined || v === '') delete process.env[k];
    else process.env[k] = v;
  }
  let stderr = '';
  // stdout is left alone: the test runner reports through it (a refused command writes nothing there).
  const errWrite = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'capbench', ...args]);
    return { code, stdout: '', stderr, seconds: (performance.now() - t0) / 1000 };
  } finally {
    process.stderr.write = errWrite;
    process.exitCode = undefined;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const run = (...extra: string[]): string[] => ['run', 'viral-like-spike', '--out', '$OUT', '-q', ...extra];

const ROWS: Row[] = [
  // --- capbench run: schedule flags
  { name: 'rate zero', args: run('--rate', '0'), says: /Bad --rate "0": expected a number of ops\/s above 0/ },
  { name: 'rate negative', args: run('--rate', '-5'), says: /Bad --rate "-5"/ },
  { name: 'rate not a number', args: run('--rate', 'fast'), says: /Bad --rate "fast"/ },
  { name: 'duration zero', args: run('--duration', '0'), says: /Bad --duration "0"/ },
  { name: 'duration without unit', args: run('--duration', '10'), says: /Bad --duration "10".*unit/ },
  { name: 'duration bad unit', args: run('--duration', '5x'), says: /Bad --duration "5x"/ },
  { name: 'warmup longer than the run', spawn: true, args: run('--warmup', '100s', '--duration', '10s'), says: /warmup \(100 s\) is not shorter than the run \(10 s\)/ },
  { name: 'warmup equal to the run', args: run('--warmup', '10s', '--duration', '10s'), says: /warmup \(10 s\) is not shorter than the run/ },
  { name: 'warmup negative', args: run('--warmup', '-1s'), says: /Bad --warmup "-1s"/ },
  { name: 'warmup longer than stages', args: run('--stages', '2s:100,2s:200', '--warmup', '5s'), says: /warmup \(5 s\) is not shorter than the run \(4 s\)/ },
  { name: 'stages without rate', args: run('--stages', '10s'), says: /stage|Stage/ },
  { name: 'stages rate not a number', args: run('--stages', '10s:abc'), says: /stage|Stage/ },
  { name: 'stages bad duration', args: run('--stages', 'ten:100'), says: /stage|Stage|duration/ },
  { name: 'workers zero', args: run('--workers', '0'), says: /Bad --workers "0": expected a whole number >= 1/ },
  { name: 'workers too many', args: run('--workers', '65'), says: /Bad --workers "65": at most 64/ },
  { name: 'workers fraction', args: run('--workers', '1.5'), says: /Bad --workers "1.5"/ },
  { name: 'max in flight zero', args: run('--max-in-flight', '0'), says: /Bad --max-in-flight "0"/ },
  { name: 'rate too high for the in-flight cap', args: run('--rate', '2000000', '--max-in-flight', '10'), says: /cannot be carried with at most 10 operations in flight/ },
  { name: 'op timeout zero', args: run('--op-timeout', '0'), says: /Bad --op-timeout "0"/ },
  { name: 'op timeout words', args: run('--op-timeout', 'forever'), says: /Bad --op-timeout "forever"/ },
  { name: 'seed not a number', args: run('--seed', 'x'), says: /Bad --seed "x": expected a whole number/ },
  { name: 'closed loop without concurrency', args: run('--loop', 'closed'), says: /Closed loop needs --concurrency/ },
  { name: 'closed loop concurrency zero', args: run('--loop', 'closed', '--concurrency', '0'), says: /Bad --concurrency "0"/ },
  { name: 'unknown arrival', args: run('--arrival', 'uniform'), says: /uniform.*(invalid|Allowed choices)/i },
  { name: 'unknown loop', args: run('--loop', 'half'), says: /half.*(invalid|Allowed choices)/i },
  // --- capbench run: thresholds, options, paths, formats
  { name: 'threshold without limit', args: run('--threshold', 'like:p99<'), says: /threshold|Threshold/ },
  { name: 'threshold of an unknown operation', args: run('--threshold', 'nosuchop:p99<5ms'), says: /names operation "nosuchop"/ },
  { name: 'threshold unknown metric', args: run('--threshold', 'like:p42<5ms'), says: /threshold|Threshold|metric/ },
  { name: 'option without value', args: run('-o', 'nope'), says: /Bad -o "nope"/ },
  { name: 'option of the wrong type', args: run('-o', 'spikeRate=abc'), says: /Bad option spikeRate/ },
  { name: 'unknown option', args: run('-o', 'unknownOpt=1'), says: /has no option "unknownOpt"/ },
  { name: 'unknown path', args: run('--path', 'likes.nope'), says: /likes\.nope/ },
  { name: 'path of another family', args: run('--path', 'follows.pg'), says: /follows\.pg/ },
  { name: 'likes path with MongoDB unreachable while Redis is up', args: run('--path', 'likes.batch-sync', '--mongodb-url', 'mongodb://127.0.0.1:1'), says: /mongodb|MongoDB|FerretDB/ },
  { name: 'crashAt past the run end', args: run('-o', 'crashAt=30s', '--duration', '5s'), says: /Option -o crashAt=30s puts redis:kill@30s past the run's end/ },
  { name: 'crashAt not a duration', args: run('-o', 'crashAt=soon'), says: /crashAt must be a duration such as 15s/ },
  { name: 'unknown Redis persistence mode', args: run('-o', 'redisPersistence=sometimes'), says: /Bad option redisPersistence/ },
  { name: 'persistence mode on a path without Redis', args: run('--path', 'likes.pg-direct', '-o', 'redisPersistence=aof-always'), says: /needs a likes path on Redis; likes\.pg-direct does not use Redis/ },
  { name: 'unknown report format', args: run('--format', 'pdf'), says: /pdf/ },
  { name: 'unknown scenario', args: ['run', 'no-such-scenario', '-q'], says: /no-such-scenario/ },
  { name: 'unknown flag', args: run('--frobnicate'), says: /unknown option '--frobnicate'/ },
  // --- capbench run: URLs and credentials
  { name: 'redis URL of another scheme', args: run('--redis-url', 'http://127.0.0.1:6379'), says: /redis/i },
  { name: 'redis URL port out of range', args: run('--redis-url', 'redis://127.0.0.1:99999'), says: /redis/i },
  { name: 'redis URL not on loopback', args: run('--redis-url', 'redis://:hunter2@10.1.2.3:6379'), says: /not on this machine.*--allow-remote/ },
  { name: 'postgres URL garbage', args: run('--path', 'likes.pg-direct', '--postgres-url', 'not a url'), says: /postgres/i },
  { name: 'environment URL garbage', args: run(), env: { CAPBENCH_REDIS_URL: 'mysql://x' }, says: /CAPBENCH_REDIS_URL/ },
  { name: 'environment workers zero', args: run(), env: { CAPBENCH_WORKERS: '0' }, says: /CAPBENCH_WORKERS/ },
  { name: 'environment port offset not a number', args: run(), env: { CAPBENCH_PORT_OFFSET: 'abc' }, says: /CAPBENCH_PORT_OFFSET "abc"/ },
  // --- capbench run: faults
  { name: 'fault of an unknown kind', args: run('--fault', 'redis:explode@1s'), says: /Bad --fault: .*unknown fault "explode"/ },
  { name: 'fault on an unknown store', args: run('--fault', 'mysql:kill@1s'), says: /unknown store "mysql"/ },
  { name: 'fault without a time', args: run('--fault', 'redis:kill'), says: /is not a fault: write <store>:<kind>@<at>/ },
  { name: 'pause without a length', args: run('--fault', 'redis:pause@1s'), says: /a pause needs a length/ },
  { name: 'kill with a length', args: run('--fault', 'redis:kill@1s+2s'), says: /a kill has no length/ },
  { name: 'delay without a latency', args: run('--fault', 'redis:delay@1s+2s'), says: /a delay needs the added latency/ },
  { name: 'latency on a pause', args: run('--fault', 'redis:pause@1s+2s=5ms'), says: /only a delay takes =<latency>/ },
  { name: 'delay too long', args: run('--fault', 'redis:delay@1s+1s=2m'), says: /more than 60 s/ },
  { name: 'fault time without unit', args: run('--fault', 'redis:kill@10'), says: /start "10" is not a duration/ },
  { name: 'fault after the run', args: run('--duration', '5s', '--fault', 'redis:kill@100s'), says: /starts at 100 s, after the run \(5 s\) ended/ },
  { name: 'fault longer than the run', args: run('--duration', '6s', '--fault', 'redis:pause@4s+5s'), says: /lasts until 9 s, after the run \(6 s\) ended/ },
  { name: 'fault on a store the scenario does not use', args: run('--duration', '6s', '--fault', 'postgres:kill@1s'), says: /names postgres, which viral-like-spike does not use/ },
  { name: 'overlapping faults', args: run('--duration', '9s', '--fault', 'redis:pause@1s+3s', '--fault', 'redis:kill@2s'), says: /overlap on redis/ },
  // --- capbench run: output directory
  { name: 'out under /proc (Node mkdir would spin forever)', spawn: true, args: ['run', 'viral-like-spike', '-q', '--out', '/proc/capbench-nope/x'], says: /Cannot create --out \/proc\/capbench-nope\/x/ },
  { name: 'out under a file', args: ['run', 'viral-like-spike', '-q', '--out', '$T/a-file/sub'], says: /a-file is a file, not a directory|not a directory/ },
  { name: 'out is a file', args: ['run', 'viral-like-spike', '-q', '--out', '$T/a-file'], says: /is a file, not a directory/ },
  { name: 'out empty', args: ['run', 'viral-like-spike', '-q', '--out', ''], says: /Bad --out ""/ },
  // --- capbench run: scenario files
  { name: 'scenario file missing', args: ['run', '$T/missing.yaml', '-q'], says: /Cannot read scenario file .*no such file/ },
  { name: 'scenario file not YAML', args: ['run', '$T/broken.yaml', '-q'], says: /is not valid YAML/ },
  { name: 'scenario file not a mapping', args: ['run', '$T/list.yaml', '-q'], says: /must be a mapping/ },
  { name: 'scenario file without scenario', args: ['run', '$T/noscenario.yaml', '-q'], says: /scenario/ },
  { name: 'scenario file unknown field', args: ['run', '$T/unknown-field.yaml', '-q'], says: /unknown setting "colour"/ },
  { name: 'scenario file bad rate', args: ['run', '$T/bad-rate.yaml', '-q'], says: /bad-rate\.yaml: rate/ },
  { name: 'scenario file bad fault', args: ['run', '$T/bad-fault.yaml', '-q'], says: /bad-fault\.yaml: faults\.0: .*unknown fault "smash"/ },
  { name: 'scenario file warmup >= duration', args: ['run', '$T/warmup.yaml', '-q'], says: /warmup \(30 s\) is not shorter than the run \(10 s\)/ },
  { name: 'scenario file faults not a list', args: ['run', '$T/faults-string.yaml', '-q'], says: /faults/ },
  { name: 'scenario file bad JSON', args: ['run', '$T/broken.json', '-q'], says: /is not valid JSON/ },
  // --- capbench run: cost inputs
  { name: 'scale not a list', args: run('--scale', 'lots'), says: /scale/i },
  { name: 'price book missing', args: run('--price-book', '$T/missing-prices.yaml'), says: /missing-prices\.yaml/ },
  // --- capbench report
  { name: 'report of a missing file', args: ['report', '$T/missing.json'], says: /missing\.json/ },
  { name: 'report of a truncated file', args: ['report', '$T/truncated.json'], says: /truncated\.json/ },
  { name: 'report of another schema version', args: ['report', '$T/v99.json'], says: /schema|version/i },
  { name: 'report of something else', args: ['report', '$T/not-results.json'], says: /not-results\.json/ },
  { name: 'report with an unknown format', args: ['report', '$T/good.json', '--format', 'pdf'], says: /pdf/ },
  { name: 'report out under /proc', args: ['report', '$T/good.json', '--out', '/proc/capbench-nope'], says: /Cannot create --out \/proc\/capbench-nope/ },
  // --- capbench compare / gate
  { name: 'compare with one file', args: ['compare', '$T/good.json'], says: /missing required argument/ },
  { name: 'compare a missing file', args: ['compare', '$T/good.json', '$T/missing.json'], says: /missing\.json/ },
  { name: 'compare bad limits', args: ['compare', '$T/good.json', '$T/good.json', '--max-regression', 'p99=lots'], says: /p99=lots|max-regression/ },
  { name: 'gate without a baseline', args: ['gate', '$T/good.json'], says: /--baseline/ },
  { name: 'gate bad limits', args: ['gate', '--baseline', '$T/good.json', '$T/good.json', '--max-regression', 'nonsense'], says: /nonsense|max-regression/ },
  { name: 'gate out under /proc', args: ['gate', '--baseline', '$T/good.json', '$T/good.json', '--out', '/proc/capbench-nope'], says: /Cannot create --out/ },
  // --- capbench services / scenarios / claims
  { name: 'services of an unknown store', args: ['services', 'status', 'mysql'], says: /Unknown service "mysql"/ },
  { name: 'services unknown action', args: ['services', 'explode'], says: /explode|unknown command/i },
  { name: 'services up with a zero timeout', args: ['services', 'status', 'redis', '--timeout', '0'], says: /timeout/i },
  { name: 'claims with an empty --only', args: ['claims', '--only', ','], says: /--only names no experiment/ },
  { name: 'claims out under /proc', args: ['claims', '--out', '/proc/capbench-nope'], says: /Cannot create --out/ },
  { name: 'unknown command', args: ['frobnicate'], says: /unknown command 'frobnicate'/ },
  // --- capbench run: --via / --engine (issue 12)
  { name: 'run via an unknown route', args: run('--via', 'pigeon'), says: /argument 'pigeon' is invalid. Allowed choices are driver, http, redis/ },
  { name: 'run on an unknown engine', args: run('--engine', 'jmeter'), says: /argument 'jmeter' is invalid. Allowed choices are capbench, k6/ },
  { name: 'run via redis without k6', args: run('--via', 'redis'), says: /--via redis needs --engine k6/ },
  { name: 'run with a service URL but not via http', args: run('--service-url', 'http://127.0.0.1:1'), says: /--service-url needs --via http/ },
  { name: 'run faults on the k6 engine', args: run('--engine', 'k6', '--duration', '5s', '--fault', 'redis:pause@2s+1s'), says: /--fault needs capbench's own engine/ },
  { name: 'run a delay fault via http', args: run('--via', 'http', '--duration', '5s', '--fault', 'redis:delay@2s+1s=5ms'), says: /A delay fault acts on capbench's own store connections/ },
  // --- capbench serve / export / merge / http-bench (issue 12)
  { name: 'serve on a port out of range', args: ['serve', '--port', '99999'], says: /Bad --port "99999": expected a TCP port 0..65535/ },
  { name: 'serve on a port that is not a number', args: ['serve', '--port', 'abc'], says: /Bad --port "abc"/ },
  { name: 'serve an unknown path', args: ['serve', '--paths', 'likes.nope'], says: /Unknown storage path "likes.nope"/ },
  { name: 'serve on a non-loopback address', args: ['serve', '--host', '0.0.0.0'], says: /binds to loopback only/ },
  { name: 'export k6 of an unknown scenario', args: ['export', 'k6', 'nope'], says: /Unknown scenario "nope"/ },
  { name: 'export k6 via sql of a scenario over several stores', args: ['export', 'k6', 'search', '--via', 'sql'], says: /--via sql cannot drive search/ },
  { name: 'export k6 via sql of a Redis path', args: ['export', 'k6', 'viral-like-spike', '--via', 'sql', '--path', 'likes.redis-hash'], says: /--via sql cannot drive likes\.redis-hash/ },
  { name: 'export k6 via an unknown route', args: ['export', 'k6', 'viral-like-spike', '--via', 'carrier'], says: /argument 'carrier' is invalid/ },
  { name: 'export k6 via redis of a PostgreSQL path', args: ['export', 'k6', 'viral-like-spike', '--via', 'redis', '-o', 'path=likes.pg-direct'], says: /--via redis cannot drive likes.pg-direct/ },
  { name: 'export k6 with a bad option', args: ['export', 'k6', 'viral-like-spike', '-o', 'posts=-3'], says: /Bad option posts for scenario viral-like-spike/ },
  { name: 'merge a file that does not exist', args: ['merge', '$T/no-such-segment.json'], says: /no-such-segment.json: ENOENT/ },
  { name: 'merge nothing', args: ['merge'], says: /missing required argument 'outputs'/ },
  { name: 'http-bench of an unknown scenario', args: ['http-bench', 'nope'], says: /Unknown scenario "nope"/ },
  { name: 'http-bench for zero seconds', args: ['http-bench', 'viral-like-spike', '--duration', '0'], says: /Bad --duration "0"/ },
  // --- workload files (issue 15; test/workloads/bad-files.test.ts has a row per field)
  { name: 'validate a file that does not exist', args: ['validate', '$T/no-such-workload.yaml'], says: /no-such-workload.yaml: no such file/ },
  { name: 'validate something that is not a file name', args: ['validate', 'viral-like-spike'], says: /viral-like-spike is not a .yaml, .yml or .json file/ },
  { name: 'run a built-in scenario with --path-override', args: run('--path-override', 'like=likes.redis-hash'), says: /--path-override applies to workload files/ },
  { name: 'run a built-in scenario with --compare-paths', args: run('--compare-paths', 'like=likes.redis-counter,likes.redis-hash'), says: /--compare-paths applies to workload files/ },
];

let T = '';

describe('bad inputs: exit 2, one line, no stack trace, nothing written', () => {
  before(async () => {
    T = await mkdtemp(join(tmpdir(), 'capbench-bad-inputs-'));
    const files: Record<string, string> = {
      'a-file': 'not a directory\n',
      'broken.yaml': 'scenario: viral-like-spike\nrate: [1, 2\n',
      'list.yaml': '- viral-like-spike\n',
      'noscenario.yaml': 'rate: 100\n',
      'unknown-field.yaml': 'scenario: viral-like-spike\ncolour: red\n',
      'bad-rate.yaml': 'scenario: viral-like-spike\nrate: -3\n',
      'bad-fault.yaml': 'scenario: viral-like-spike\nfaults: ["redis:smash@1s"]\n',
      'warmup.yaml': 'scenario: viral-like-spike\nduration: 10s\nwarmup: 30s\n',
      'faults-string.yaml': 'scenario: viral-like-spike\nfaults: 12\n',
      'broken.json': '{"scenario": "viral-like-spike",',
      'truncated.json': JSON.stringify(sampleResult()).slice(0, 500),
      'v99.json': JSON.stringify({ ...sampleResult(), schemaVersion: 99 }),
      'not-results.json': JSON.stringify({ hello: 'world' }),
      'good.json': JSON.stringify(sampleResult()),
    };
    for (const [name, text] of Object.entries(files)) await writeFile(join(T, name), text);
  });
  after(() => undefined);

  test('the table has at least 60 rows', () => assert.ok(ROWS.length >= 60, `${ROWS.length} rows`));
  test(`schema version under test is ${SCHEMA_VERSION}`, () => assert.ok(SCHEMA_VERSION >= 2));

  for (const row of ROWS) {
    test(row.name, { timeout: 30_000 }, async () => {
      const out = join(T, `out-${row.name.replace(/\W+/g, '-')}`);
      const args = row.args.map((a) => a.replace('$OUT', out).replace('$T', T));
      const env = { CAPBENCH_REDIS_URL: '', ...row.env };
      const r = row.spawn ? await capbench(args, env) : await inProcess(args, env);
      assert.equal(r.code, 2, `exit ${r.code} for ${args.join(' ')}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line, got:\n${r.stderr}`);
      assert.match(lines[0]!, /^Cannot /);
      assert.match(lines[0]!, row.says);
      assert.doesNotMatch(r.stderr, /\n\s+at .+\(.+:\d+:\d+\)/, 'no stack trace');
      assert.doesNotMatch(r.stderr, /hunter2/, 'no password');
      assert.ok(r.seconds < 20, `took ${r.seconds} s`);
      assert.equal(existsSync(out), false, `${out} must not be created`);
    });
  }
});
