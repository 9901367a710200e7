/** The capacity reports (reports/capacity/, reports/html/capacity-report.tsx) from a hand-built result: no server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPACITY_SCHEMA_VERSION, CapacityResultSchema, type CapacityResult, type CapacityStep } from '../../core/capacity.js';
import { UsageError } from '../../core/errors.js';
import { capacityCharts, chartedSteps } from '../../reports/capacity/charts.js';
import { loadCapacityIfCapacity, renderCapacityHtml, renderCapacityMarkdown, stepTableRow, writeCapacityReports } from '../../reports/capacity/index.js';
import { capacityVerdict } from '../../scenarios/capacity/search.js';

function step(index: number, rate: number, p99: number, extra: Partial<CapacityStep> = {}): CapacityStep {
  const passed = p99 < 5;
  return {
    index,
    phase: 'ramp',
    targetOpsPerSec: rate,
    achievedOpsPerSec: rate,
    startedAt: '2026-11-29T23:00:00.000Z',
    superseded: false,
    aborted: false,
    passed,
    failReasons: passed ? [] : [`like p99 ${p99} ms ≥ 5 ms`],
    flagged: false,
    flagReasons: [],
    count: rate,
    errors: 0,
    headline: { operation: 'like', p50Ms: 0.1, p99Ms: p99, serviceP99Ms: 1, lagP99Ms: 0.5 },
    operations: [
      { name: 'like', path: 'likes.redis-counter', count: rate, errors: 0, errorsByKind: {}, acknowledged: rate, achievedOpsPerSec: rate, latencyMs: { p50: 0.1, p90: 0.5, p99: p99, p999: null, max: 20 }, serviceTimeMs: { p50: 0.1, p99: 1 }, scheduleLagP99Ms: 0.5 },
    ],
    cpu: { clientPct: 90, serverPct: 10, machinePct: 60, othersPct: 20 },
    harness: { bottleneck: false, eventLoopDelayP99Ms: 1, notes: [] },
    ...extra,
  };
}

function result(): CapacityResult {
  const steps = [step(1, 1000, 1), step(2, 2000, 2), step(3, 4000, 9, { superseded: true }), step(4, 4000, 8, { phase: 'retry' }), step(5, 3000, 4, { phase: 'bisect' })];
  const r: CapacityResult = {
    kind: 'capacity',
    schemaVersion: CAPACITY_SCHEMA_VERSION,
    tool: { name: 'capbench', version: '0.1.0' },
    runId: 'r1',
    scenario: { id: 'viral-like-spike', description: '<script>alert(1)</script> likes', paths: ['likes.redis-counter'], options: { path: 'likes.redis-counter', password: 'hunter2' } },
    status: 'completed',
    startedAt: '2026-11-29T23:00:00.000Z',
    endedAt: '2026-11-29T23:01:00.000Z',
    slos: [{ expression: 'like:p99<5ms', operation: 'like', percentile: 'p99', limitMs: 5 }],
    sloSource: 'flags',
    search: { startRate: 1000, maxRate: 100_000, minRate: 100, resolutionPct: 50, stepS: 3, warmupS: 1, pauseS: 0, maxSteps: 8, retryOthersPct: 25, requireUnflagged: true, maxErrorRate: 0, workers: 1, maxInFlight: 10_000, opTimeoutS: 10, seed: 1 },
    steps,
    kneeOpsPerSec: 3000,
    firstFailOpsPerSec: 4000,
    endedBecause: 'resolution reached (50%)',
    verdict: '',
    verify: { ran: true, checks: [{ expression: 'likes lost == 0', operation: 'like', metric: 'lost', unit: 'likes', limit: 0, actual: 0, passed: true }], notes: [] },
    machine: { hostname: 'h', platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'cpu', totalMemBytes: 1, node: 'v20' },
    targets: [{ store: 'redis', product: 'Redis', version: '7.0.15', address: 'redis://u:secret@127.0.0.1:6379' }],
    notes: [],
  };
  r.verdict = capacityVerdict(r);
  return CapacityResultSchema.parse(r);
}

test('the verdict names the knee, its p99, the rule and the first failing step', () => {
  assert.equal(result().verdict, '3,000 ops/s sustained (like p99 4 ms) under like:p99<5ms, not flagged, no errors; 4,000 ops/s failed: like p99 8 ms ≥ 5 ms.');
  const none = { ...result(), kneeOpsPerSec: null, firstFailOpsPerSec: 1000, steps: [step(1, 1000, 7)] };
  assert.equal(capacityVerdict(none), 'No rate passed (like:p99<5ms, not flagged, no errors); 1,000 ops/s failed: like p99 7 ms ≥ 5 ms.');
  assert.match(capacityVerdict({ ...result(), firstFailOpsPerSec: null, endedBecause: 'the max rate (100,000 ops/s) passed' }), /a lower bound: the max rate/);
});

test('the hockey stick: one point per standing step by rate, the SLO as a flat line, the knee and first fail marked', () => {
  const r = result();
  assert.deepEqual(chartedSteps(r.steps).map((s) => [s.index, s.targetOpsPerSec]), [[1, 1000], [2, 2000], [5, 3000], [4, 4000]]);
  const [latency, throughput] = capacityCharts(r);
  assert.equal(latency!.kind, 'line');
  const p99 = latency!.series.find((s) => s.label === 'like p99 (ms)')!;
  assert.deepEqual(p99.points, [[1000, 1], [2000, 2], [3000, 4], [4000, 8]], 'the retry, not the superseded step, at 4,000');
  const slo = latency!.series.find((s) => s.label === 'SLO like:p99<5ms')!;
  assert.ok(slo.points.every((p) => p[1] === 5) && slo.points[0]![0] === 0 && slo.points[1]![0] > 4000);
  assert.deepEqual(latency!.markers, [{ x: 3000, label: 'knee 3,000/s' }, { x: 4000, label: 'fail 4,000/s' }]);
  assert.equal(throughput!.id, 'throughput');
});

test('HTML, Markdown and the text row: escaped, credentials redacted, the curve and the table there', async () => {
  const r = result();
  const html = renderCapacityHtml(r);
  assert.ok(!html.includes('<script>alert(1)'), 'the description is escaped');
  assert.ok(!html.includes('secret') && !html.includes('hunter2'), 'credentials and secret options redacted');
  assert.match(html, /id="chart-sc-capacity-latency-0"/);
  assert.match(html, /knee 3,000 ops\/s/);
  assert.match(html, /superseded by the retry/);
  const md = renderCapacityMarkdown(r);
  assert.match(md, /\*\*Knee: 3,000 ops\/s\*\*/);
  assert.ok(!md.includes('<script>'));
  assert.match(stepTableRow(r.steps[2]!), /^\s+3\s+ramp\s+4,000\s+4,000\s.*FAIL: like p99 9 ms ≥ 5 ms \(superseded by the retry\)$/);
});

test('written and read back by capbench report; a run results file is not a capacity one; another version is one line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'capbench-capacity-report-'));
  const w = await writeCapacityReports(result(), dir);
  assert.ok(w.html && w.markdown);
  const back = await loadCapacityIfCapacity(dir);
  assert.equal(back?.kneeOpsPerSec, 3000);
  assert.ok(!(await readFile(w.json, 'utf8')).includes('hunter2'));
  const other = join(dir, 'run.json');
  await writeFile(other, JSON.stringify({ schemaVersion: 2, runId: 'x' }));
  assert.equal(await loadCapacityIfCapacity(other), undefined);
  const v9 = join(dir, 'v9.json');
  await writeFile(v9, JSON.stringify({ ...result(), schemaVersion: 9 }));
  await assert.rejects(loadCapacityIfCapacity(v9), (e: unknown) => e instanceof UsageError && /schema version 9; this capbench reads version 1/.test(e.message));
  const broken = join(dir, 'broken.json');
  await writeFile(broken, JSON.stringify({ ...result(), steps: 'none' }));
  await assert.rejects(loadCapacityIfCapacity(broken), (e: unknown) => e instanceof UsageError && /steps/.test(e.message));
});
