/**
 * Every invalid field of a workload file gets its own line (issue 15): a table of bad files
 * and flags, each through the CLI's entry point main() in this process, as `capbench validate`
 * and as `capbench run` (or export): exit 2, one line on stderr saying what is wrong (matching
 * `says`), no stack trace, before any work (the run's --out directory is not created and no
 * store is contacted: the files name paths whose stores need not be up).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main } from '../../cli/main.js';

/** A bad file: its YAML (or `head` lines over the valid base), extra flags, what the line must say. */
interface Row {
  name: string;
  /** The whole file, or undefined for BASE with `replace` applied. */
  yaml?: string;
  /** [from, to] replacements over BASE. */
  replace?: [string, string][];
  /** Extra args for run/validate (e.g. --path-override). */
  args?: string[];
  says: RegExp;
  /** Only through this command (default: both validate and run). */
  only?: 'validate' | 'run' | 'export';
}

const BASE = `name: bad-file
namespace: wl_bad
stages: 2s:10
data: { posts: 100, users: 50 }
operations:
  - { op: like, path: likes.redis-counter, weight: 3, keys: { dist: zipfian, s: 0.99 } }
  - { op: followers, path: follows.pg, weight: 1 }
thresholds: [ 'like:p99<50ms' ]
`;
const LIKE = '{ op: like, path: likes.redis-counter, weight: 3, keys: { dist: zipfian, s: 0.99 } }';
const like = (to: string): [string, string][] => [[LIKE, to]];

const ROWS: Row[] = [
  { name: 'unknown top-level field', replace: [['name: bad-file', 'name: bad-file\ncolour: red']], says: /unknown field "colour".*Fields: name, description/ },
  { name: 'missing name', replace: [['name: bad-file\n', '']], says: /name: name is required/ },
  { name: 'name with a space', replace: [['name: bad-file', 'name: "bad file"']], says: /name: name must be letters/ },
  { name: 'bad namespace', replace: [['namespace: wl_bad', 'namespace: Bad-NS']], says: /namespace: namespace must be a lower-case identifier/ },
  { name: 'no operations', yaml: 'name: x\noperations: []\n', says: /operations: give at least one operation/ },
  { name: 'operations not a list', yaml: 'name: x\noperations: like\n', says: /operations: operations must be a list/ },
  { name: 'unknown op', replace: like('{ op: lik, path: likes.redis-counter }'), says: /operations\[0\]\.op: Unknown operation "lik".*Operations: like, like-count, follow/ },
  { name: 'unknown path', replace: like('{ op: like, path: likes.redis-countr }'), says: /operations\[0\]\.path: Unknown storage path "likes.redis-countr".*likes.redis-counter/ },
  { name: 'path of another family', replace: like('{ op: like, path: follows.pg }'), says: /operations\[0\]\.path: Storage path follows.pg is a follows path; a likes path is needed.*likes.redis-counter/ },
  { name: 'unknown operation field', replace: like('{ op: like, path: likes.redis-counter, wieght: 3 }'), says: /operations\[0\]: "wieght": unknown field.*op, path, weight, keys, name/ },
  { name: 'weight 0', replace: like('{ op: like, path: likes.redis-counter, weight: 0 }'), says: /operations\[0\]\.weight: weight must be a number > 0/ },
  { name: 'negative weight', replace: like('{ op: like, path: likes.redis-counter, weight: -2 }'), says: /operations\[0\]\.weight: weight must be a number > 0/ },
  { name: 'weight as text', replace: like('{ op: like, path: likes.redis-counter, weight: lots }'), says: /operations\[0\]\.weight: weight must be a number/ },
  { name: 'unknown distribution', replace: like('{ op: like, path: likes.redis-counter, keys: { dist: pareto } }'), says: /operations\[0\]\.keys.*dist must be one of uniform, zipfian, latest, hotspot, sequential/ },
  { name: 'zipfian s of 0', replace: like('{ op: like, path: likes.redis-counter, keys: { dist: zipfian, s: 0 } }'), says: /operations\[0\]\.keys\.s: s must be > 0/ },
  { name: 'hotspot hotShare above 1', replace: like('{ op: like, path: likes.redis-counter, keys: { dist: hotspot, hotShare: 1.5 } }'), says: /keys\.hotShare: hotShare must be in \(0, 1\)/ },
  { name: 'hotspot hotOps below 0', replace: like('{ op: like, path: likes.redis-counter, keys: { dist: hotspot, hotOps: -0.1 } }'), says: /keys\.hotOps: hotOps must be in \[0, 1\]/ },
  { name: 'a field of another distribution', replace: like('{ op: like, path: likes.redis-counter, keys: { dist: uniform, s: 1 } }'), says: /operations\[0\]\.keys: "s": unknown field.*dist, s \(zipfian, latest\)/ },
  { name: 'key entity the op does not draw from', replace: like('{ op: like, path: likes.redis-counter, keys: { dist: uniform, from: user } }'), says: /operations\[0\]\.keys\.from: like draws its key from post, not "user"/ },
  { name: 'sequential start beyond the keys', replace: like('{ op: like, path: likes.redis-counter, keys: { dist: sequential, start: 100 } }'), says: /keys\.start: start 100 is beyond the 100 post keys/ },
  { name: 'post keys with no posts', replace: [['posts: 100', 'posts: 0']], says: /operations\[0\]\.keys: like draws post keys but data.posts is 0/ },
  { name: 'operation name used twice', replace: [['- { op: followers, path: follows.pg, weight: 1 }', '- { op: like, path: likes.redis-hash }']], says: /operations\[1\]\.name: operation name "like" is used twice/ },
  { name: 'negative posts', replace: [['posts: 100', 'posts: -1']], says: /data\.posts: posts must be a whole number >= 0/ },
  { name: 'one user', replace: [['users: 50', 'users: 1']], says: /data\.users: users must be a whole number >= 2/ },
  { name: 'unknown data field', replace: [['users: 50 }', 'users: 50, comments: 9 }']], says: /data: "comments": unknown field.*posts, users, followGraph/ },
  { name: 'power-law alpha <= 2', replace: [['users: 50 }', 'users: 50, followGraph: { alpha: 1.5 } }']], says: /data\.followGraph\.alpha: alpha must be in \(2, 5\]/ },
  { name: 'two celebrities', replace: [['users: 50 }', 'users: 50, followGraph: { celebrities: [ { followers: 5 }, { followers: 6 } ] } }']], says: /celebrities: at most one celebrity/ },
  { name: 'celebrity larger than the users', replace: [['users: 50 }', 'users: 50, followGraph: { celebrities: [ { followers: 80 } ] } }']], says: /celebrities\[0\]\.followers: a celebrity cannot have 80 followers among 50 users/ },
  { name: 'minFollowers above maxFollowers', replace: [['users: 50 }', 'users: 50, followGraph: { minFollowers: 30, maxFollowers: 10 } }']], says: /minFollowers \(30\) is above maxFollowers \(10\)/ },
  { name: 'degrees other than power-law', replace: [['users: 50 }', 'users: 50, followGraph: { degrees: uniform } }']], says: /degrees must be power-law/ },
  { name: 'bad stages', replace: [['stages: 2s:10', 'stages: 2x:10']], says: /Workload file .*stages/ },
  { name: 'bad arrival', replace: [['stages: 2s:10', 'stages: 2s:10\narrival: burst']], says: /Workload file .*arrival/ },
  { name: 'threshold on an unknown operation', replace: [["'like:p99<50ms'", "'read:p99<5ms'"]], says: /Threshold "read:p99<5ms" names operation "read".*Operations: like, followers/ },
  { name: 'bad threshold metric', replace: [["'like:p99<50ms'", "'like:p98<5ms'"]], says: /p98/ },
  { name: 'fault on a store the workload does not use', replace: [['stages: 2s:10', "stages: 2s:10\nfaults: [ 'cassandra:pause@1s+100ms' ]"]], says: /Fault cassandra:pause@1s\+100ms names cassandra, which workload.bad-file does not use/ },
  { name: 'fault on an unknown store', replace: [['stages: 2s:10', "stages: 2s:10\nfaults: [ 'mysql:pause@1s' ]"]], says: /mysql/ },
  { name: 'URL of an unknown store', replace: [['stages: 2s:10', 'stages: 2s:10\nurls: { mysql: "mysql://127.0.0.1" }']], says: /urls: unknown store "mysql".*Stores: redis, postgres, mongodb, cassandra, elasticsearch/ },
  { name: 'URL of a store that is not text', replace: [['stages: 2s:10', 'stages: 2s:10\nurls: { redis: 6379 }']], says: /Workload file .*urls\.redis/ },
  { name: 'warmup as long as the run', replace: [['stages: 2s:10', 'stages: 2s:10\nwarmup: 2s']], says: /warmup \(2 s\) is not shorter than the run/ },
  { name: 'scenario and operations together', replace: [['name: bad-file', 'name: bad-file\nscenario: viral-like-spike']], says: /has both "scenario".*and "operations"/ },
  { name: 'scenario options in a workload file', replace: [['name: bad-file', 'name: bad-file\noptions: { posts: 5 }']], says: /options: a workload file has no scenario options/ },
  { name: 'YAML syntax error', yaml: 'name: x\noperations: [ { op: like\n', says: /not valid YAML/ },
  { name: '--path-override of an operation the file lacks', args: ['--path-override', 'read=likes.redis-hash'], says: /--path-override read=likes.redis-hash: .* has no operation or path "read".*operations: like, followers; its paths: likes.redis-counter, follows.pg/ },
  { name: '--path-override to a path of another family', args: ['--path-override', 'like=follows.pg'], says: /--path-override like: Storage path follows.pg is a follows path/ },
  { name: '--path-override without =', args: ['--path-override', 'like'], says: /Bad --path-override "like"/ },
  { name: '--path with a workload file', args: ['--path', 'likes.redis-hash'], says: /is a workload file: it has no --path or -o options/, only: 'run' },
  { name: '--compare-paths with one path', args: ['--compare-paths', 'like=likes.redis-hash'], says: /Bad --compare-paths "like=likes.redis-hash"/, only: 'run' },
  { name: '--compare-paths with an unknown path', args: ['--compare-paths', 'like=likes.redis-counter,likes.nope'], says: /Unknown storage path "likes.nope"/, only: 'run' },
  { name: 'run over HTTP (the service does not run workload files yet)', args: ['--via', 'http'], says: /Scenario workload.bad-file does not run over HTTP yet/, only: 'run' },
  { name: 'run on the k6 engine', args: ['--engine', 'k6'], says: /workload.bad-file does not run over HTTP yet/, only: 'run' },
  { name: 'k6 export of an op without an HTTP route', replace: [['- { op: followers, path: follows.pg, weight: 1 }', '- { op: home-feed, path: feed.fanout-write }']], says: /Operation home-feed \(home-feed on feed.fanout-write\) cannot be exported to k6 --via http/, only: 'export' },
  { name: 'k6 export --via redis of a PostgreSQL op', args: ['--via', 'redis'], says: /Operation followers \(followers on follows.pg\) cannot be exported to k6 --via redis/, only: 'export' },
];

async function inProcess(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const errWrite = process.stderr.write.bind(process.stderr);
  const outWrite = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const code = await main(['node', 'capbench', ...args]);
    return { code, stderr };
  } finally {
    process.stderr.write = errWrite;
    process.stdout.write = outWrite;
    process.exitCode = undefined;
  }
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wl-bad-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('the table has at least 25 bad files', () => {
  assert.ok(ROWS.length >= 25, `${ROWS.length} rows`);
  assert.equal(new Set(ROWS.map((r) => r.name)).size, ROWS.length, 'row names are unique');
});

test('the base file of the table is valid (so each row fails for its own reason)', async () => {
  const f = join(dir, 'base.yaml');
  await writeFile(f, BASE);
  const r = await inProcess(['validate', f]);
  assert.equal(r.code, 0, r.stderr);
});

describe('bad workload files: exit 2, one line, before any work', () => {
  ROWS.forEach((row, i) => {
    test(row.name, async () => {
      let text = row.yaml ?? BASE;
      for (const [from, to] of row.replace ?? []) {
        assert.ok(text.includes(from), `row ${row.name}: "${from}" not in the base`);
        text = text.replace(from, to);
      }
      const f = join(dir, `bad-${i}.yaml`);
      await writeFile(f, text);
      const commands: string[][] = [];
      if (!row.only || row.only === 'validate') if (!row.args?.some((a) => a === '--path' || a === '--compare-paths' || a === '--via' || a === '--engine')) commands.push(['validate', f, ...(row.args ?? [])]);
      const out = join(dir, `out-${i}`);
      if (!row.only || row.only === 'run') commands.push(['run', f, '--out', out, '-q', ...(row.args ?? [])]);
      if (row.only === 'export') commands.push(['export', 'k6', f, ...(row.args ?? [])]);
      for (const args of commands) {
        const r = await inProcess(args);
        assert.equal(r.code, 2, `${args[0]}: exit ${r.code}; stderr: ${r.stderr}`);
        const line = r.stderr.trim();
        assert.ok(!line.includes('\n'), `${args[0]}: more than one line: ${line}`);
        assert.match(line, /^Cannot /, `${args[0]}: ${line}`);
        assert.doesNotMatch(line, /\n\s+at /, 'no stack trace');
        assert.match(line, row.says, `${args[0]}: ${line}`);
      }
      assert.equal(existsSync(out), false, 'the run wrote nothing');
    });
  });
});
