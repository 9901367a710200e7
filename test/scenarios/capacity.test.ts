/**
 * `capbench capacity` end to end against the real stores (Redis, PostgreSQL): a small, quick
 * search finds a rate, writes results.json, report.html and summary.md, and the recorded steps
 * follow the search's rules (engine/capacity.ts nextRate, retry replaces the verdict, knee =
 * highest pass). Asserts on the steps' logic, never on timings. Keys and schemas are the
 * test's own (keyPrefix cbcaptest:, schema cbcap_follows).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capacityCommand, type CapacityFlags, type CapacityIo } from '../../cli/commands/capacity.js';
import { CapacityResultSchema, type CapacityResult } from '../../core/capacity.js';
import { initialSearchState, nextRate, recordStep } from '../../engine/capacity.js';
import { reportCommand } from '../../cli/commands/report.js';
import { capbench } from '../fixtures/cli.js';

/** The command's output: stdout lines (`lines`), stderr lines (`errLines`: the progress log), with callbacks on step rows and log lines. */
function io(onRow?: (line: string) => void, onErr?: (line: string) => void): CapacityIo & { lines: string[]; errLines: string[] } {
  const lines: string[] = [];
  const errLines: string[] = [];
  return {
    lines,
    errLines,
    tty: false,
    out: (l) => {
      lines.push(l);
      if (/^\s+\d+\s+(ramp|bisect|down|retry)\s/.test(l)) onRow?.(l);
    },
    err: (l) => {
      errLines.push(l);
      onErr?.(l);
    },
  };
}

/**
 * A Ctrl-C stand-in: after(ms) aborts `signal` ms later (the first call only); stoppedS() is how
 * long ago that was, s (Infinity when it never fired, so a bound on it fails).
 */
function interrupter(): { signal: AbortSignal; after(ms: number): void; stoppedS(): number } {
  const ac = new AbortController();
  let armed = false;
  let abortedAt = 0;
  return {
    signal: ac.signal,
    after(ms) {
      if (armed) return;
      armed = true;
      setTimeout(() => {
        abortedAt = performance.now();
        ac.abort('interrupted (Ctrl-C)');
      }, ms);
    },
    stoppedS: () => (abortedAt === 0 ? Infinity : (performance.now() - abortedAt) / 1000),
  };
}

/**
 * Replay the search from the recorded steps: each rate is what nextRate() asks for given the
 * verdicts that stand before it; a retry repeats the rate of the failing step it supersedes.
 */
function assertSearchLogic(r: CapacityResult): void {
  const q = r.search;
  const bounds = { startRate: q.startRate, maxRate: q.maxRate, minRate: q.minRate, resolution: q.resolutionPct / 100 };
  let state = initialSearchState();
  for (let i = 0; i < r.steps.length; i++) {
    const s = r.steps[i]!;
    assert.equal(s.index, i + 1);
    if (s.phase === 'retry') {
      const before = r.steps[i - 1]!;
      assert.equal(before.superseded, true, `step ${s.index} retries step ${before.index}`);
      assert.equal(before.passed, false, 'only a failing step is retried');
      assert.equal(s.targetOpsPerSec, before.targetOpsPerSec);
    } else {
      assert.equal(s.targetOpsPerSec, nextRate(bounds, state), `step ${s.index}: the rate the search asks for`);
    }
    assert.ok(s.targetOpsPerSec >= q.minRate && s.targetOpsPerSec <= q.maxRate);
    assert.equal(s.passed, s.failReasons.length === 0);
    const next = r.steps[i + 1];
    if (!(next?.phase === 'retry') && !s.aborted) state = recordStep(state, s.targetOpsPerSec, s.passed);
  }
  const standing = r.steps.filter((s) => !s.superseded && !s.aborted);
  const passes = standing.filter((s) => s.passed).map((s) => s.targetOpsPerSec);
  assert.equal(r.kneeOpsPerSec, passes.length ? Math.max(...passes) : null, 'knee = highest passing rate');
  assert.equal(r.kneeOpsPerSec, state.lastPass);
  if (r.firstFailOpsPerSec !== null) {
    assert.ok(r.kneeOpsPerSec === null || r.firstFailOpsPerSec > r.kneeOpsPerSec);
    assert.ok(standing.some((s) => !s.passed && s.targetOpsPerSec === r.firstFailOpsPerSec));
  }
  // Every step a search did not cut short measured something, per operation.
  for (const s of standing) assert.ok(s.count > 0 && s.operations.length > 0, `step ${s.index} measured operations`);
}

async function files(dir: string): Promise<{ json: CapacityResult; html: string; md: string }> {
  const json = CapacityResultSchema.parse(JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')));
  return { json, html: await readFile(join(dir, 'report.html'), 'utf8'), md: await readFile(join(dir, 'summary.md'), 'utf8') };
}

const QUICK: CapacityFlags = { step: '2s', warmup: '0.5s', pause: '0.2s', prewarm: '1s' };

// The SLO is far looser than the 5 ms of the example: on this shared 2-core machine
// (load average 7-10 while helpers and benchmarks run) a 1.5 s step's like p99 ranged from 4 to
// 150 ms at 500-1,000 ops/s, so a tight SLO passes or not by luck; the search logic, the files
// and the nothing-lost check are what is asserted.
test('capbench capacity viral-like-spike --path likes.redis-counter --slo like:p99<250ms finds a rate on the real Redis', { timeout: 180_000 }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'capbench-capacity-'));
  const lines = io();
  const flags: CapacityFlags = {
    ...QUICK,
    path: 'likes.redis-counter',
    slo: ['like:p99<250ms'],
    option: ['posts=500', 'keyPrefix=cbcaptest:'],
    startRate: '1000',
    minRate: '125',
    maxRate: '4000',
    maxSteps: '5',
    resolution: '25',
    out,
  };
  const { result: r, exitCode, written } = await capacityCommand('viral-like-spike', flags, undefined, lines);
  assert.equal(r.status, 'completed');
  assert.ok(r.kneeOpsPerSec !== null, `a rate passed: ${r.verdict}`);
  assert.equal(exitCode, 0, r.verdict);
  assert.deepEqual(r.scenario.paths, ['likes.redis-counter']);
  assert.deepEqual(r.slos.map((s) => s.expression), ['like:p99<250ms']);
  assert.equal(r.targets[0]?.store, 'redis');
  assertSearchLogic(r);
  assert.ok(r.steps.filter((s) => s.phase !== 'retry').length <= 5, 'at most --max-steps rates');
  // The warm-up ran before step 1 at its rate, unjudged; its likes count for verify (they are stored).
  assert.equal(r.search.prewarmS, 1);
  assert.ok(r.notes.some((n) => /^warm-up before the first step: 1 s at 1,000 ops\/s, not judged \(achieved [\d,]+ ops\/s/.test(n)), r.notes.join('\n'));
  assert.ok(lines.errLines.some((l) => /^warm-up: 1 s at 1,000 ops\/s before the first step, not judged/.test(l)), lines.errLines.join('\n'));
  // Nothing lost across every step and the warm-up: the scenario's own check, run once over the whole search.
  assert.equal(r.verify.ran, true, r.verify.why);
  assert.match(r.verify.notes[0]!, new RegExp(`verify ran over all ${r.steps.length} steps and the warm-up together`));
  const lost = r.verify.checks.find((c) => c.expression === 'likes lost == 0');
  assert.ok(lost && lost.passed && lost.actual === 0, JSON.stringify(r.verify.checks));

  // The live table: a header, then one row per step in order, then the verdict.
  const header = lines.lines.findIndex((l) => /target\/s\s+achieved\/s/.test(l));
  assert.ok(header >= 0, lines.lines.join('\n'));
  const rows = lines.lines.slice(header + 1, header + 1 + r.steps.length);
  rows.forEach((row, i) => assert.match(row, new RegExp(`^\\s+${i + 1}\\s+${r.steps[i]!.phase}\\s.*(PASS|FAIL)`)));
  assert.ok(lines.lines.includes(r.verdict));

  const f = await files(out);
  assert.equal(written.json, join(out, 'results.json'));
  assert.deepEqual(f.json.steps.map((s) => s.targetOpsPerSec), r.steps.map((s) => s.targetOpsPerSec));
  assert.match(f.html, /id="chart-sc-capacity-latency-0"/, 'the hockey-stick canvas');
  assert.match(f.html, /"label":"knee /, 'the knee marker in the chart data');
  assert.match(f.html, /like:p99&lt;250ms/);
  assert.match(f.md, /## Steps/);

  // capbench report re-renders a capacity result (not a run result) from the JSON.
  const again = await reportCommand(join(out, 'results.json'), { out: join(out, 'again'), format: 'html,markdown' });
  assert.ok(again.html && (await readFile(again.html, 'utf8')).includes('capbench capacity'));
  assert.equal(again.summary, r.verdict);
});

test('capbench capacity follow-queries (follows.pg) finds a rate on the real PostgreSQL; the edges are all accounted for', { timeout: 180_000 }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'capbench-capacity-fq-'));
  const flags: CapacityFlags = {
    ...QUICK,
    option: ['users=200', 'followsPerUser=5', 'racePairs=2', 'schema=cbcap_follows'],
    // Loose for the same reason as above (the scenario's own follow:p99<50ms is checked in test/cli/capacity.test.ts).
    slo: ['follow:p99<500ms'],
    // follow is 40% of arrivals: 400 ops/s for 1.5 s measured gives 240 follows, enough for a p99.
    startRate: '400',
    minRate: '200',
    maxRate: '1600',
    maxSteps: '3',
    allowFlagged: false,
    out,
  };
  const { result: r } = await capacityCommand('follow-queries', flags, undefined, io());
  assert.deepEqual(r.scenario.paths, ['follows.pg']);
  assert.deepEqual(r.slos.map((s) => s.expression), ['follow:p99<500ms']);
  for (const s of r.steps.filter((x) => !x.aborted)) assert.deepEqual(s.operations.map((o) => o.name).sort(), ['counts', 'follow', 'followers', 'mutuals', 'unfollow']);
  assert.ok(r.kneeOpsPerSec !== null, `a rate passed: ${r.verdict}`);
  assertSearchLogic(r);
  assert.equal(r.verify.ran, true, r.verify.why);
  for (const name of ['duplicate follow rows == 0', 'unaccounted follow edges == 0']) {
    const c = r.verify.checks.find((x) => x.expression === name);
    assert.ok(c && c.passed, `${name}: ${JSON.stringify(c)}`);
  }
  const f = await files(out);
  assert.equal(f.json.kneeOpsPerSec, r.kneeOpsPerSec);
});

test('Ctrl-C during a step: the search stops within seconds, the steps so far are written, the one in progress marked aborted; the CLI exits 130', { timeout: 180_000 }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'capbench-capacity-int-'));
  const interrupt = interrupter();
  // Half a second into the second step (no pause between steps).
  const lines = io(() => interrupt.after(700));
  const flags: CapacityFlags = { step: '8s', warmup: '1s', pause: '0', prewarm: '0', path: 'likes.redis-counter', slo: ['like:p99<1s'], option: ['posts=500', 'keyPrefix=cbcaptest:'], startRate: '100', minRate: '100', maxRate: '800', out };
  const { result: r, exitCode } = await capacityCommand('viral-like-spike', flags, interrupt.signal, lines);
  assert.ok(interrupt.stoppedS() < 8, `stopped ${interrupt.stoppedS().toFixed(1)} s after the interrupt`);
  assert.equal(exitCode, 130);
  assert.equal(r.status, 'aborted');
  assert.equal(r.steps.length, 2);
  assert.equal(r.steps[1]!.aborted, true);
  assert.equal(r.steps[1]!.passed, false);
  assert.match(r.steps[1]!.failReasons[0]!, /^aborted: /);
  assert.equal(r.verify.ran, false);
  const f = await files(out);
  assert.equal(f.json.status, 'aborted');
  assert.equal(f.json.steps.length, 2);
  assert.match(f.html, /INTERRUPTED/);

  // The real process: SIGINT mid-search exits 130 and leaves results.json.
  const { spawn } = await import('node:child_process');
  const out2 = await mkdtemp(join(tmpdir(), 'capbench-capacity-sig-'));
  const cli = new URL('../../cli/main.js', import.meta.url).pathname;
  const p = spawn(process.execPath, [cli, 'capacity', 'viral-like-spike', '--path', 'likes.redis-counter', '-o', 'posts=500', '-o', 'keyPrefix=cbcaptest:', '--step', '30s', '--prewarm', '1s', '--start-rate', '100', '--min-rate', '100', '--out', out2], { stdio: ['ignore', 'pipe', 'pipe'] });
  const closed = new Promise<number | null>((resolve) => p.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no step started')), 60_000);
    let stdout = '';
    p.stdout.on('data', (d) => {
      stdout += d;
      if (/target\/s/.test(stdout)) {
        clearTimeout(t);
        setTimeout(resolve, 2000);
      }
    });
  });
  const t0 = performance.now();
  p.kill('SIGINT');
  assert.equal(await closed, 130);
  assert.ok((performance.now() - t0) / 1000 < 10);
  const j = CapacityResultSchema.parse(JSON.parse(await readFile(join(out2, 'results.json'), 'utf8')));
  assert.equal(j.status, 'aborted');
  assert.equal(j.steps[0]?.aborted, true);
});

test('Ctrl-C during the warm-up before the first step: the search ends within seconds with no step, status aborted, nothing verified', { timeout: 120_000 }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'capbench-capacity-warm-'));
  const interrupt = interrupter();
  const lines = io(undefined, (l) => {
    if (/^warm-up: /.test(l)) interrupt.after(1000);
  });
  const flags: CapacityFlags = { step: '4s', warmup: '1s', pause: '0', prewarm: '30s', path: 'likes.redis-counter', slo: ['like:p99<1s'], option: ['posts=500', 'keyPrefix=cbcaptest:'], startRate: '100', minRate: '100', maxRate: '800', out };
  const { result: r, exitCode } = await capacityCommand('viral-like-spike', flags, interrupt.signal, lines);
  assert.ok(interrupt.stoppedS() < 8, `stopped ${interrupt.stoppedS().toFixed(1)} s after the interrupt (the warm-up line was printed)`);
  assert.equal(exitCode, 130);
  assert.equal(r.status, 'aborted');
  assert.equal(r.steps.length, 0);
  assert.equal(r.kneeOpsPerSec, null);
  assert.equal(r.verify.ran, false);
  assert.ok(r.notes.some((n) => /^warm-up before the first step: 30 s at 100 ops\/s, interrupted/.test(n)), r.notes.join('\n'));
  const f = await files(out);
  assert.equal(f.json.status, 'aborted');
});

test('the CLI prints the step table and the result lines', { timeout: 120_000 }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'capbench-capacity-cli-'));
  const r = await capbench(['capacity', 'viral-like-spike', '--path', 'likes.redis-counter', '-o', 'posts=500', '-o', 'keyPrefix=cbcaptest:', '--slo', 'like:p99<1s', '--step', '2s', '--warmup', '0.5s', '--prewarm', '1s', '--start-rate', '100', '--max-rate', '200', '--min-rate', '100', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /#\s+phase\s+target\/s\s+achieved\/s/);
  assert.match(r.stdout, /\n\s+1\s+ramp\s+100\s/);
  assert.match(r.stdout, /results: .*results\.json\nreport: {2}.*report\.html/);
});
