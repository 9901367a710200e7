/** bench/output.ts: the benches' declared JSON shapes, the version-1 migration, and validation before writing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BENCH_SCHEMA_VERSION,
  BenchOutputSchema,
  migrateBenchOutput,
  writeBenchOutput,
  type CapacitySearchOutput,
  type CapacityStep,
  type PathComparisonOutput,
  type SearchSettings,
} from '../../bench/output.js';
import { CapbenchError } from '../../core/errors.js';

const machine = { hostname: 'h', platform: 'linux 6', arch: 'x64', cpus: 2, cpuModel: 'cpu', totalMemBytes: 1, node: 'v20' };
const server = { store: 'redis', product: 'Redis', version: '7.0.15', address: '127.0.0.1:6379', url: 'redis://127.0.0.1:6379/9' };
const search: SearchSettings = {
  quick: true,
  bounds: { startRate: 10_000, maxRate: 60_000, minRate: 1_000, resolution: 0.1 },
  criteria: { maxP99Ms: 5, requireUnflagged: true, maxErrorRate: 0 },
  stepS: 3,
  warmupS: 1,
  pauseS: 0.5,
  maxSteps: 16,
  retryOthersPct: 25,
  posts: 100_000,
  out: 'o.json',
  urls: {},
  allowRemote: false,
  seed: 1,
  maxInFlight: 10_000,
  opTimeoutS: 5,
};
const step: CapacityStep = {
  superseded: false,
  targetOpsPerSec: 10_000,
  achievedOpsPerSec: 9_990,
  latencyMs: { p50: 0.1, p99: 1.2, p999: 3, max: 4 },
  serviceTimeMs: { p50: 0.05, p99: 0.4 },
  scheduleLagP99Ms: 0.3,
  count: 20_000,
  errors: 0,
  errorsByKind: {},
  flagged: false,
  flagReasons: [],
  passed: true,
  failReasons: [],
  workers: 1,
  phase: 'ramp',
  clientCpuPct: 99.5,
  redisCpuPct: 30,
  machineCpuPct: 70,
  othersCpuPct: 10.5,
  eventLoopDelayP99Ms: 2,
  harnessBottleneck: false,
  harnessNotes: [],
};
const envelope = { schemaVersion: BENCH_SCHEMA_VERSION, tool: { name: 'capbench' as const, version: '0.1.0' }, startedAt: 'a', endedAt: 'b', wallS: 60, interrupted: false, command: 'node x', machine };

const capacity: CapacitySearchOutput = {
  kind: 'capacity-search',
  bench: 'max-like-rate',
  ...envelope,
  target: server,
  path: 'likes.redis-counter',
  settings: { ...search, workers: [1, 2], rbRequests: 100_000 },
  result: { sustainedOpsPerSec: 10_000, workers: 1, connections: 1, step, firstFailingStep: null },
  searches: [{ workers: 1, rampStartOpsPerSec: 10_000, steps: [step], bestOpsPerSec: 10_000 }],
  likes: { acknowledged: 30_000, stored: 30_000, lost: 0 },
  redisBenchmark: { available: false, reason: 'skipped: interrupted', runs: [] },
  interpretation: 'text',
};

const { workers: _w, phase: _p, redisCpuPct: _r, eventLoopDelayP99Ms: _e, harnessBottleneck: _h, harnessNotes: _n, ...measurement } = step;
const pathStep = { ...measurement, path: 'likes.pg-direct', phase: 'common' as const, serverCpuPct: 50 };
const comparison: PathComparisonOutput = {
  kind: 'path-comparison',
  bench: 'like-paths',
  ...envelope,
  targets: { postgres: { ...server, store: 'postgres', product: 'PostgreSQL', url: 'postgres://capbench:***@127.0.0.1:5432/capbench' } },
  settings: { ...search, urls: { postgres: 'postgres://capbench:***@127.0.0.1:5432/capbench' }, paths: ['likes.pg-direct'], commonRate: 2_000, workers: 1, pgPoolSize: 32 },
  paths: [
    {
      path: 'likes.pg-direct',
      store: 'postgres',
      stores: ['postgres'],
      common: pathStep,
      steps: [{ ...pathStep, phase: 'ramp' }],
      bestOpsPerSec: 10_000,
      firstFailOpsPerSec: null,
      likes: { acknowledged: 5, stored: 4, lost: null, note: 'reset meanwhile' },
      serverCpuUsPerLikeAtBest: 50,
    },
  ],
  claim: { id: 'likes.incr-10x-db', source: '000', claim: 'INCR 10x', verdict: 'not-measurable', reason: 'not both measured' },
};

test('both shapes carry kind and schemaVersion and validate; an unknown field or a missing one does not', () => {
  assert.equal(BENCH_SCHEMA_VERSION, 2);
  assert.equal(BenchOutputSchema.parse(capacity).kind, 'capacity-search');
  assert.equal(BenchOutputSchema.parse(comparison).kind, 'path-comparison');
  assert.equal(BenchOutputSchema.safeParse({ ...capacity, extra: 1 }).success, false);
  const { likes: _l, ...noLikes } = capacity;
  assert.equal(BenchOutputSchema.safeParse(noLikes).success, false);
  assert.equal(BenchOutputSchema.safeParse({ ...capacity, schemaVersion: 1 }).success, false);
  assert.equal(BenchOutputSchema.safeParse({ ...capacity, searches: [{ ...capacity.searches[0]!, steps: [{ ...step, phase: 'sideways' }] }] }).success, false);
});

test('version-1 files (kind capbench.bench.<name>, version 1) migrate to the current shape', () => {
  const { kind: _k, schemaVersion: _s, bench: _b, settings, ...rest } = capacity;
  const { urls: _u, opTimeoutS: _o, ...v1Settings } = settings;
  const v1 = { kind: 'capbench.bench.max-like-rate', version: 1, ...rest, settings: { ...v1Settings, redisUrl: 'redis://127.0.0.1:6390' } };
  const migrated = migrateBenchOutput(JSON.parse(JSON.stringify(v1)));
  assert.equal(migrated.kind, 'capacity-search');
  assert.equal(migrated.schemaVersion, 2);
  assert.equal(migrated.bench, 'max-like-rate');
  assert.deepEqual(migrated.settings.urls, { redis: 'redis://127.0.0.1:6390' });
  assert.equal(migrated.settings.opTimeoutS, 5);

  const { kind: _k2, schemaVersion: _s2, bench: _b2, settings: s2, paths, ...rest2 } = comparison;
  const { urls: _u2, opTimeoutS: _o2, ...v1s2 } = s2;
  const v1Paths = paths.map(({ stores: _st, ...p }) => p);
  const v1Lp = { kind: 'capbench.bench.like-paths', version: 1, ...rest2, paths: v1Paths, settings: { ...v1s2, postgresUrl: 'postgres://capbench:***@127.0.0.1:5432/capbench', redisUrl: undefined } };
  const m2 = migrateBenchOutput(JSON.parse(JSON.stringify(v1Lp)));
  assert.equal(m2.kind, 'path-comparison');
  assert.deepEqual(m2.kind === 'path-comparison' && m2.paths[0]!.stores, ['postgres']);
  assert.deepEqual(m2.settings.urls, { postgres: 'postgres://capbench:***@127.0.0.1:5432/capbench' });
  assert.deepEqual(migrateBenchOutput(capacity), capacity, 'a current file passes through');
  assert.throws(() => migrateBenchOutput({ kind: 'something else' }), CapbenchError);
});

test('writeBenchOutput validates first: a valid file is written whole, an invalid one not at all', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'capbench-bench-out-'));
  const good = join(dir, 'sub', 'good.json');
  await writeBenchOutput(good, comparison);
  assert.deepEqual(JSON.parse(await readFile(good, 'utf8')), comparison);
  const bad = join(dir, 'bad.json');
  await assert.rejects(writeBenchOutput(bad, { ...capacity, wallS: 'long' } as unknown as CapacitySearchOutput), (e: Error) => e instanceof CapbenchError && /wallS/.test(e.message));
  await assert.rejects(stat(bad), { code: 'ENOENT' });
});
