/**
 * The claims runner on the real Redis and PostgreSQL, restricted with `only` to stay fast:
 * verdicts come from real runs and join the register by id, experiments left out say so, every
 * register entry is in the report, and Ctrl-C (an aborted signal) keeps a partial register in
 * which an interrupted run decides nothing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ClaimsReportSchema } from '../../core/claims.js';
import { loadResults, writeReports } from '../../reports/index.js';
import { loadRegister, type Register } from '../../scenarios/claims/register.js';
import { runClaims, type ClaimsRunRequest } from '../../scenarios/claims/run.js';

let out: string;
let register: Register;
before(async () => {
  out = await mkdtemp(join(tmpdir(), 'capbench-claims-run-'));
  register = await loadRegister();
});
after(() => rm(out, { recursive: true, force: true }));

/** A request that writes each run's reports under `dir`/runs/<experiment>, as the CLI does. */
function request(dir: string, over: Partial<ClaimsRunRequest>): ClaimsRunRequest {
  return {
    register,
    mode: 'quick',
    log: () => undefined,
    writeRun: async (experiment, result) => {
      await writeReports(result, join(dir, 'runs', experiment), ['html']);
      return { report: `runs/${experiment}/report.html`, results: `runs/${experiment}/results.json` };
    },
    ...over,
  };
}

test('only likes-hash: its claim gets a verdict from the real run; the others say why not', { timeout: 120_000 }, async () => {
  const dir = join(out, 'subset');
  const report = ClaimsReportSchema.parse(await runClaims(request(dir, { only: ['likes-hash'] })));
  assert.equal(report.status, 'completed');
  assert.deepEqual(report.claims.map((c) => c.id), register.claims.map((c) => c.id), 'every register entry, in register order');

  const exp = report.experiments.find((e) => e.id === 'likes-hash')!;
  assert.equal(exp.status, 'completed');
  assert.ok(exp.runId && exp.report && exp.durationS! > 0);
  const run = await loadResults(join(dir, exp.results!));
  assert.equal(run.runId, exp.runId);
  assert.deepEqual(run.scenario.paths, ['likes.redis-hash']);
  for (const e of report.experiments.filter((x) => x.id !== 'likes-hash')) assert.equal(e.status, 'skipped', e.id);

  const hash = report.claims.find((c) => c.id === 'likes.redis-hash-memory-100k')!;
  const emitted = run.claims.find((c) => c.id === hash.id)!;
  assert.ok(hash.verdict === 'holds' || hash.verdict === 'refuted', hash.verdict);
  assert.equal(hash.verdict, emitted.verdict, 'the verdict is the run\'s');
  assert.equal(hash.measured, emitted.measured);
  assert.match(hash.measured!, /bytes per post/);
  assert.equal(hash.report, 'runs/likes-hash/report.html');
  assert.ok((await stat(join(dir, hash.report))).size > 0, 'the linked report exists');

  // likes-hash's run also emits likes.short-keys-60pct; the register takes that one from likes-counter only.
  const short = report.claims.find((c) => c.id === 'likes.short-keys-60pct')!;
  assert.equal(short.verdict, 'not-measurable');
  assert.match(short.why!, /likes-counter was not run: left out by --only likes-hash/);
  assert.equal(report.claims.find((c) => c.id === 'cost.likes-upstash-1m')!.verdict, 'not-yet-measured');
  // bookmarks is built now: its experiment was left out; a claim of a planned scenario is not yet measured.
  assert.equal(report.claims.find((c) => c.id === 'bookmarks.throughput-10')!.verdict, 'not-measurable');
  assert.match(report.claims.find((c) => c.id === 'bookmarks.throughput-10')!.why!, /experiment bookmarks was not run: left out by --only likes-hash/);
  const planned = report.claims.find((c) => c.verdict === 'not-yet-measured' && /scenario is not built yet/.test(c.why ?? ''));
  if ((await loadRegister()).planned.length > 0) assert.ok(planned, 'a claim of a planned scenario shows as not yet measured');
  assert.equal(report.claims.find((c) => c.id === 'feed.delivery-lag-004')!.verdict, 'not-measurable');
  assert.match(report.claims.find((c) => c.id === 'feed.delivery-lag-004')!.why!, /experiment fan-out was not run: left out by --only likes-hash/);
  assert.equal(report.claims.find((c) => c.id === 'likes.incr-10x-db')!.verdict, 'not-measurable');
  assert.deepEqual(report.targets.map((t) => t.store), ['redis']);
});

test('Ctrl-C during the first experiment: partial run decides nothing, later ones do not run', { timeout: 120_000 }, async () => {
  const dir = join(out, 'interrupted');
  const ac = new AbortController();
  const report = ClaimsReportSchema.parse(
    await runClaims(
      request(dir, {
        only: ['likes-counter', 'follows'],
        signal: ac.signal,
        // Stop one second into the first run phase, as a Ctrl-C would.
        onRunStart: () => setTimeout(() => ac.abort('interrupted (Ctrl-C)'), 1000).unref(),
      }),
    ),
  );
  assert.equal(report.status, 'interrupted');
  const byId = new Map(report.experiments.map((e) => [e.id, e]));
  assert.equal(byId.get('likes-counter')!.status, 'aborted');
  assert.equal(byId.get('follows')!.status, 'not-run');
  const spike = report.claims.find((c) => c.id === 'likes.viral-spike-10k')!;
  assert.equal(spike.verdict, 'not-measurable');
  assert.match(spike.why!, /interrupted/);
  assert.ok(spike.report, 'the partial run still has its report');
  const follows = report.claims.find((c) => c.id === 'follows.throughput-100')!;
  assert.equal(follows.verdict, 'not-measurable');
  assert.match(follows.why!, /did not run: interrupted before it started/);
  assert.equal((await loadResults(join(dir, byId.get('likes-counter')!.results!))).status, 'aborted');
});

test('an unknown --only experiment is refused before anything runs', async () => {
  await assert.rejects(runClaims(request(join(out, 'none'), { only: ['likes-countr'] })), /No experiment "likes-countr" in the claims register\./);
  await assert.rejects(stat(join(out, 'none')), /ENOENT/, 'nothing written');
});
