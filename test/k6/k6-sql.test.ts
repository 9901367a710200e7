/**
 * `capbench export k6 <scenario> --via sql` (issue 12): the scripts type-check with @types/k6 and
 * capbench's xk6-sql types, and run in the real k6-sql (k6 + xk6-sql + its PostgreSQL driver,
 * built by `capbench services up k6-sql`) against PostgreSQL for a few seconds with exit 0, the
 * scheduled iteration count and no failure; what they wrote is read back at driver level (every
 * like counted; follows rows and the user_stats counters agree). Schemas h2_<pid>_*, dropped at
 * the end. Bad input: a path --via sql cannot drive is named.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { exportK6 } from '../../k6/export.js';
import { runK6 } from '../../k6/run.js';
import { readK6Output } from '../../k6/samples.js';
import { PgDirectLikes } from '../../reference-impl/likes/pg-direct.js';
import { PgFollows } from '../../reference-impl/follows/pg.js';
import { FollowQueriesOptions } from '../../scenarios/follow-queries/options.js';
import { ViralLikeSpikeOptions } from '../../scenarios/viral-like-spike/options.js';
import { k6SqlBinary } from '../../targets/k6/sql.js';
import { resolveCacheDir } from '../../targets/local/paths.js';
import { capbench } from '../fixtures/cli.js';
import { testClients } from '../reference-impl/env.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const LIKES = `h2_${process.pid}_likes`;
const FOLLOWS = `h2_${process.pid}_fq`;
const BIN = process.env.CAPBENCH_K6_SQL || k6SqlBinary({ cacheDir: resolveCacheDir() });
const SKIP = existsSync(BIN) ? false : 'k6-sql is not built (capbench services up k6-sql)';

/** Type-check a script with @types/k6 and the xk6-sql module types. */
async function typeCheck(dir: string, source: string): Promise<void> {
  await writeFile(join(dir, 'script.ts'), source);
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'es2020', lib: ['es2020'], module: 'esnext', moduleResolution: 'bundler', types: ['k6'], typeRoots: [join(ROOT, 'node_modules/@types')] },
      files: ['script.ts', join(ROOT, 'k6/types/k6-x-sql.d.ts')],
    }),
  );
  await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')]).catch((e: { stdout?: string }) => {
    throw new Error(`tsc failed:\n${e.stdout}`);
  });
}

const RATE = 50;
const SECONDS = 3;

describe('--via sql in the real k6-sql against PostgreSQL', { skip: SKIP, timeout: 300_000 }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'h2-k6sql-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    const c = await testClients(['postgres'], 1);
    try {
      for (const s of [LIKES, FOLLOWS]) await c.postgres!.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    } finally {
      await c.close();
    }
  });

  test('viral-like-spike on likes.pg-direct: every like an UPDATE of the path, counted at driver level', async () => {
    const c = await testClients(['postgres'], 2);
    try {
      const likes = new PgDirectLikes(c.postgres!, { schema: LIKES });
      await likes.setup();
      await likes.seed({ first: 0, count: 200 });
      const options = { ...ViralLikeSpikeOptions.parse({ path: 'likes.pg-direct', posts: 300, readRatio: 0 }), schema: LIKES };
      const s = exportK6({ scenarioId: 'viral-like-spike', options, stages: [{ durationS: SECONDS, rate: RATE }], thresholds: ['like:error_rate<1%'], via: 'sql', serviceUrl: 'x' });
      assert.match(s.source, new RegExp(`UPDATE \\\\"?${LIKES}`));
      await typeCheck(dir, s.source);
      const script = join(dir, 'likes.ts');
      await writeFile(script, s.source);
      const r = await runK6({ bin: BIN, script, jsonOut: join(dir, 'likes.json') });
      assert.equal(r.code, 0, r.stderrTail);
      const o = await readK6Output(join(dir, 'likes.json'));
      const n = o.samples.length + o.dropped;
      assert.ok(n === RATE * SECONDS || n === RATE * SECONDS + 1, `iterations ${n}`);
      assert.equal(o.failures.length, 0);
      // Posts 200..299 had no row: the upsert made one. Every like is in the table.
      const sum = await c.postgres!.query<{ n: string }>(`SELECT coalesce(sum(likes), 0) AS n FROM ${LIKES}.post_like_counts`);
      assert.equal(Number(sum.rows[0]!.n), o.samples.length, 'every like k6 sent is counted');
    } finally {
      await c.close();
    }
  });

  test('follow-queries on follows.pg: every operation kind, follows rows and counters agree', async () => {
    const c = await testClients(['postgres'], 2);
    try {
      const g = new PgFollows(c.postgres!, { schema: FOLLOWS });
      await g.setup();
      await g.seedUsers({ first: 0, count: 100 });
      const options = FollowQueriesOptions.parse({ users: 100, schema: FOLLOWS, followShare: 0.4, unfollowShare: 0.1, followersShare: 0.2, followingShare: 0.1, mutualsShare: 0.1, countsShare: 0.1, racePairs: 0 });
      const s = exportK6({ scenarioId: 'follow-queries', options, stages: [{ durationS: SECONDS, rate: RATE }], thresholds: ['*:error_rate<1%'], via: 'sql', serviceUrl: 'x' });
      await typeCheck(dir, s.source);
      const script = join(dir, 'follows.ts');
      await writeFile(script, s.source);
      const r = await runK6({ bin: BIN, script, jsonOut: join(dir, 'follows.json') });
      assert.equal(r.code, 0, r.stderrTail);
      const o = await readK6Output(join(dir, 'follows.json'));
      const n = o.samples.length + o.dropped;
      assert.ok(n === RATE * SECONDS || n === RATE * SECONDS + 1, `iterations ${n}`);
      assert.deepEqual(o.failures, []);
      assert.deepEqual([...new Set(o.samples.map((x) => x.op))].sort(), ['counts', 'follow', 'followers', 'following', 'mutuals', 'unfollow']);
      const rows = Number((await c.postgres!.query<{ n: string }>(`SELECT count(*) AS n FROM ${FOLLOWS}.follows`)).rows[0]!.n);
      const st = (await c.postgres!.query<{ a: string; b: string }>(`SELECT coalesce(sum(following_count), 0) AS a, coalesce(sum(followers_count), 0) AS b FROM ${FOLLOWS}.user_stats`)).rows[0]!;
      assert.ok(rows > 0, 'follows were written');
      assert.equal(Number(st.a), rows, 'following counters = follows rows');
      assert.equal(Number(st.b), rows, 'followers counters = follows rows');
    } finally {
      await c.close();
    }
  });
});

test('bad input: --via sql of a path it cannot drive, or a scenario over several stores, is one line naming it', async () => {
  const a = await capbench(['export', 'k6', 'viral-like-spike', '--via', 'sql', '--path', 'likes.redis-hash']);
  assert.equal(a.code, 2);
  assert.equal(a.stderr.trim().split('\n').length, 1);
  assert.match(a.stderr, /--via sql cannot drive likes\.redis-hash \(a redis path/);
  const b = await capbench(['export', 'k6', 'search', '--via', 'sql']);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /--via sql cannot drive search/);
});
