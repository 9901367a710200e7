/**
 * compare and gate end to end: real runs of viral-like-spike on the real Redis (and one of
 * follow-queries on the real PostgreSQL, for "another scenario"), copies of a real results file
 * with the p99 raised, and the CLI as a user runs it (exit codes, one-line errors, the files
 * written: gate.md, gate-junit.xml, compare.md, compare.html).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SCHEMA_VERSION, type RunResult } from '../../core/results.js';
import {
  COMPARE_DEFAULT_LIMITS,
  GATE_DEFAULT_LIMITS,
  compareMany,
  compareRuns,
  loadRuns,
  runCostUsdPerMonth,
  type MetricChange,
  type RunRef,
} from '../../reports/compare/index.js';
import { evaluateGate } from '../../reports/gate/index.js';
import { capbench } from '../fixtures/cli.js';
import { assertWellFormedXml } from '../reports/xml-check.js';
import { assertSaneMarkdown, tableCells } from './markdown-check.js';

/**
 * A short staged schedule: 8 measured seconds, each with enough operations (>= 300) for a
 * per-second p99; with a scale, so that the results carry a projected cost.
 */
const SCHEDULE = ['--stages', '2s:300,5s:1000,2s:300', '--warmup', '1s', '-o', 'posts=2000', '--threshold', 'like:error_rate<1%', '--scale', 'posts=1M,likesPerSec=5000'];

let dir: string;
let a: string;
let b: string;

/** One real run of viral-like-spike into `out`; returns its results.json. */
async function realRun(out: string): Promise<string> {
  const r = await capbench(['run', 'viral-like-spike', '-q', '--out', out, '--format', 'none', ...SCHEDULE]);
  // Exit 1 is a failed check of the run itself (e.g. likes lost when another process shares the
  // Redis); its results are still complete, and they are what compare and gate read.
  assert.ok(r.code === 0 || r.code === 1, `run exited ${r.code}: ${r.stderr}`);
  const path = join(out, 'results.json');
  const result = JSON.parse(await readFile(path, 'utf8')) as RunResult;
  assert.equal(result.status, 'completed', `the run completed:\n${r.stdout}`);
  return path;
}

/** A copy of a results file, changed by `edit`, written to `<dir>/<name>/results.json`. */
async function editedCopy(from: string, name: string, edit: (r: RunResult) => void): Promise<string> {
  const r = JSON.parse(await readFile(from, 'utf8')) as RunResult;
  edit(r);
  const out = join(dir, name);
  await mkdir(out, { recursive: true });
  const path = join(out, 'results.json');
  await writeFile(path, JSON.stringify(r, null, 2));
  return path;
}

/** Every p99 of a run, whole-run and per second (operations and all-operations series), times `factor`. */
function raiseP99(r: RunResult, factor: number): void {
  for (const op of r.operations) {
    if (op.latencyMs.p99 !== null) op.latencyMs.p99 *= factor;
    for (const p of op.series) if (p.latencyMs.p99 !== null) p.latencyMs.p99 *= factor;
  }
  for (const p of r.series) if (p.latencyMs.p99 !== null) p.latencyMs.p99 *= factor;
}

function metric(changes: MetricChange[] | undefined, id: string): MetricChange {
  const m = changes?.find((c) => c.spec.id === id);
  assert.ok(m, `metric ${id} compared`);
  return m;
}

/** The one line a bad-input exit prints: "Cannot <command>. …", no stack trace. */
function assertOneLine(stderr: string, command: string, what: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${stderr}`);
  assert.match(lines[0]!, new RegExp(`^Cannot ${command}\\. `));
  assert.match(lines[0]!, what);
  assert.doesNotMatch(stderr, /\n\s+at /);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capbench-compare-'));
  a = await realRun(join(dir, 'a'));
  b = await realRun(join(dir, 'b'));
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('two real runs of the same scenario compare as no significant change for p99 (default limits)', { timeout: 240_000 }, async (t) => {
  // Both runs measure the same code on the same stores. Runs still differ as a whole (the VM's
  // CPUs, the store's state after its reset), which no within-run noise estimate can see: on
  // this machine about 2 pairs in 10 came out significant (docs/ci.md). Such a pair is logged
  // and a fresh pair is run, at most four pairs; the test fails only if all four are.
  const seen: string[] = [];
  for (let attempt = 1; attempt <= 4; attempt++) {
    const [x, y] = attempt === 1 ? [a, b] : [await realRun(join(dir, `a${attempt}`)), await realRun(join(dir, `b${attempt}`))];
    const out = join(dir, `compare-${attempt}`);
    const cli = await capbench(['compare', x, y, '--out', out]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /^B vs A \(seconds paired\): /m);

    const mc = compareMany(await loadRuns([x, y]), { limits: COMPARE_DEFAULT_LIMITS });
    const c = mc.comparisons[0]!;
    assert.equal(c.paired, true, 'same schedule: seconds paired');
    const like = c.operations.find((o) => o.name === 'like');
    const p99 = metric(like?.metrics, 'p99');
    assert.equal(p99.limit, 0.1);
    assert.notEqual(p99.change, null);
    assert.equal(p99.noise.kind, 'interval', 'noise estimated from the per-second p99s');
    if (p99.noise.kind === 'interval') assert.ok((p99.noise.seconds as number) >= 5, `${String(p99.noise.seconds)} paired seconds`);
    const line = `pair ${attempt}: p99 ${p99.baseline} -> ${p99.current} ms, change ${(p99.change! * 100).toFixed(1)} %, interval ${p99.noise.kind === 'interval' ? `[${(p99.noise.low * 100).toFixed(1)} %, ${(p99.noise.high * 100).toFixed(1)} %]` : '-'}: ${p99.verdict} (${p99.direction}); load average ${loadavg()[0]!.toFixed(1)}`;
    t.diagnostic(line);
    seen.push(line);
    if (p99.verdict === 'significant') continue;

    assert.ok(p99.verdict === 'within' || p99.verdict === 'in-noise', p99.verdict);
    const md = await readFile(join(out, 'compare.md'), 'utf8');
    assertSaneMarkdown(md);
    const row = md.split('\n').find((l) => l.startsWith('| like | p99 |'));
    assert.ok(row, 'a p99 row for like');
    const verdictCell = tableCells(row).at(-1)!;
    assert.match(verdictCell, p99.verdict === 'within' ? /no significant change/ : /inside the noise/);
    assert.doesNotMatch(verdictCell, /significant regression|significant improvement/);
    assert.match(await readFile(join(out, 'compare.html'), 'utf8'), /^<!doctype html>/);
    return;
  }
  assert.fail(`every pair of same-code runs showed a significant p99 change (is the machine busy?):\n${seen.join('\n')}`);
});

test('a copy with every p99 raised by 50 % fails the gate: exit 1, gate.md and a JUnit failure', { timeout: 60_000 }, async () => {
  const worse = await editedCopy(a, 'p99-up-50', (r) => raiseP99(r, 1.5));
  const out = join(dir, 'gate-fail');
  const r = await capbench(['gate', '--baseline', a, worse, '--out', out]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^gate: FAIL: 1 significant regression$/m);
  assert.match(r.stdout, /p99 .*\+50\.0 %.*\[\+50\.0 %, \+50\.0 %\].*\+10 %\s+significant regression/);

  const md = await readFile(join(out, 'gate.md'), 'utf8');
  assertSaneMarkdown(md);
  assert.match(md, /^## ❌ capbench gate · viral-like-spike — FAIL: 1 significant regression/);
  const p99Row = md.split('\n').find((l) => l.startsWith('| like | p99 |'))!;
  assert.match(tableCells(p99Row).at(-1)!, /❌ \*\*significant regression\*\*/);
  const thrRow = md.split('\n').find((l) => l.startsWith('| like | throughput |'))!;
  assert.match(tableCells(thrRow).at(-1)!, /no significant change/);
  assert.match(md, /<details><summary>How changes are judged<\/summary>/);

  const xml = await readFile(join(out, 'gate-junit.xml'), 'utf8');
  assertWellFormedXml(xml);
  const base = JSON.parse(await readFile(a, 'utf8')) as RunResult;
  // Default limits: p99 and throughput per operation, footprint per store.
  const cases = base.operations.length * 2 + base.footprint.after.length;
  assert.equal(xml.match(/<testcase /g)?.length, cases);
  assert.match(xml, new RegExp(`<testsuites name="capbench" tests="${cases}" failures="1" errors="0"`));
  assert.match(xml, /<testcase classname="capbench\.gate\.viral-like-spike\.like" name="p99" time="0">\n\s+<failure type="regression" message="like p99: [^"]+ \(\+50\.0 %, limit \+10 %\); 95 % noise interval \[\+50\.0 %, \+50\.0 %\] lies beyond the limit: significant regression\.">/);
  assert.match(xml, /<testcase classname="capbench\.gate\.viral-like-spike\.like" name="throughput" time="0"\/>/);
  assert.match(xml, /<testcase classname="capbench\.gate\.viral-like-spike\.footprint" name="redis" time="0"\/>/);
});

test('a p99 up by 50 % from one slow second is a regression inside the noise: reported, exit 0', { timeout: 60_000 }, async () => {
  const stall = await editedCopy(a, 'one-slow-second', (r) => {
    const like = r.operations.find((o) => o.name === 'like')!;
    like.latencyMs.p99! *= 1.5;
    const second = like.series.find((p) => !p.warmup && p.latencyMs.p99 !== null)!;
    second.latencyMs.p99! *= 3;
  });
  const out = join(dir, 'gate-noise');
  const r = await capbench(['gate', '--baseline', a, stall, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^gate: PASS: within limits; 1 regression inside the noise$/m);
  const md = await readFile(join(out, 'gate.md'), 'utf8');
  assertSaneMarkdown(md);
  assert.match(md, /^## ✅ capbench gate · viral-like-spike — PASS: within limits; 1 regression inside the noise/);
  assert.match(tableCells(md.split('\n').find((l) => l.startsWith('| like | p99 |'))!).at(-1)!, /⚠️ regression inside the noise/);
  const xml = await readFile(join(out, 'gate-junit.xml'), 'utf8');
  assertWellFormedXml(xml);
  assert.match(xml, /failures="0"/);
  assert.match(xml, /<system-out>like p99: [^<]*reaches inside the limit: regression inside the noise, not a failure\./);
});

test('with fewer than 5 measured seconds the noise is not estimable: flagged and skipped, exit 0', { timeout: 60_000 }, async () => {
  const short = await editedCopy(a, 'three-seconds', (r) => {
    raiseP99(r, 1.5);
    for (const op of r.operations) {
      let measured = 0;
      for (const p of op.series) if (!p.warmup && ++measured > 3) p.warmup = true;
    }
  });
  const out = join(dir, 'gate-short');
  const r = await capbench(['gate', '--baseline', a, short, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /regression beyond the limit, noise not estimable/);
  assert.match(r.stdout, /^gate: PASS: within limits; 1 flagged \(noise not estimable\)$/m);
  const xml = await readFile(join(out, 'gate-junit.xml'), 'utf8');
  assertWellFormedXml(xml);
  assert.match(xml, /failures="0" errors="0" skipped="1"/);
  assert.match(xml, /<skipped message="like p99: [^"]*noise not estimable: 3 measured seconds with a p99 in both runs \(5 needed\): not significant, flagged\."\/>/);
  assertSaneMarkdown(await readFile(join(out, 'gate.md'), 'utf8'));
});

test('results of different scenarios: gate and compare exit 2 with one line', { timeout: 60_000 }, async () => {
  const fqOut = join(dir, 'follow-queries');
  const run = await capbench(['run', 'follow-queries', '-q', '--out', fqOut, '--format', 'none', '-o', 'users=500', '-o', 'followsPerUser=5', '--duration', '3s']);
  assert.ok(run.code === 0 || run.code === 1, run.stderr);
  const fq = join(fqOut, 'results.json');
  const gate = await capbench(['gate', '--baseline', a, fq, '--out', join(dir, 'nothing')]);
  assert.equal(gate.code, 2);
  assertOneLine(gate.stderr, 'gate', /is a run of follow-queries but the baseline \(.*\) is a run of viral-like-spike\. Gate against a baseline of the same scenario\.$/);
  const cmp = await capbench(['compare', a, fq]);
  assert.equal(cmp.code, 2);
  assertOneLine(cmp.stderr, 'compare', /is a run of follow-queries but the first run .* is a run of viral-like-spike\./);
  await assert.rejects(readFile(join(dir, 'nothing', 'gate.md')), 'nothing written');
});

test('a missing file, another schema version or bad limits: exit 2 with one line, before anything is written', { timeout: 60_000 }, async () => {
  const missing = join(dir, 'no-such-run', 'results.json');
  const g = await capbench(['gate', '--baseline', missing, a]);
  assert.equal(g.code, 2);
  assertOneLine(g.stderr, 'gate', /No results file at .*no-such-run\/results\.json\./);
  const c = await capbench(['compare', a, missing]);
  assert.equal(c.code, 2);
  assertOneLine(c.stderr, 'compare', /No results file at/);

  const v2 = await editedCopy(a, 'other-schema', (r) => {
    (r as { schemaVersion: number }).schemaVersion = SCHEMA_VERSION + 1;
  });
  const s = await capbench(['gate', '--baseline', v2, a, '--out', join(dir, 'nothing2')]);
  assert.equal(s.code, 2);
  assertOneLine(s.stderr, 'gate', new RegExp(`has results schema version ${SCHEMA_VERSION + 1} .*; this capbench reads versions? [\\d, ]*${SCHEMA_VERSION}\\.`));

  const l = await capbench(['gate', '--baseline', a, a, '--max-regression', 'p99=ten', '--out', join(dir, 'nothing2')]);
  assert.equal(l.code, 2);
  assertOneLine(l.stderr, 'gate', /Bad --max-regression limit "p99=ten"/);
  const noBase = await capbench(['gate', a]);
  assert.equal(noBase.code, 2);
  assertOneLine(noBase.stderr, 'gate', /--baseline/);
  await assert.rejects(readFile(join(dir, 'nothing2', 'gate.md')), 'nothing written');
});

test('a v1 baseline (before the cost field) is read and gated against a v2 run', { timeout: 60_000 }, async () => {
  const v1 = await editedCopy(a, 'v1-baseline', (r) => {
    (r as { schemaVersion: number }).schemaVersion = 1;
    delete r.cost;
  });
  const r = await capbench(['gate', '--baseline', v1, b, '--max-regression', 'p99=off,footprint=off,cost=10%', '--out', join(dir, 'gate-v1')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^gate: PASS: within limits; 1 skipped$/m, 'the cost check is skipped: the v1 baseline has none');
});

test('gate limits: p99=off passes the raised copy; p50=10% adds a check; identical runs pass', { timeout: 60_000 }, async () => {
  const worse = join(dir, 'p99-up-50', 'results.json');
  const off = await capbench(['gate', '--baseline', a, worse, '--max-regression', 'p99=off', '--out', join(dir, 'gate-off')]);
  assert.equal(off.code, 0, off.stderr);
  const xml = await readFile(join(dir, 'gate-off', 'gate-junit.xml'), 'utf8');
  assert.doesNotMatch(xml, /name="p99"/);

  const same = await capbench(['gate', '--baseline', a, a, '--max-regression', 'p50=10%,error_rate=1%', '--out', join(dir, 'gate-same')]);
  assert.equal(same.code, 0, same.stderr);
  const sameXml = await readFile(join(dir, 'gate-same', 'gate-junit.xml'), 'utf8');
  assertWellFormedXml(sameXml);
  for (const name of ['p50', 'p99', 'throughput', 'error rate']) assert.match(sameXml, new RegExp(`classname="capbench\\.gate\\.viral-like-spike\\.like" name="${name}" time="0"/>`));
});

test('cost: a projected cost 20 % higher fails a cost=10% gate; a run without cost skips the check', { timeout: 60_000 }, async () => {
  const [base] = await loadRuns([a]);
  const cost = runCostUsdPerMonth(base!.result);
  assert.ok(cost !== null && cost > 0, `the run projected a cost (${cost})`);
  assert.equal(cost, base!.result.cost?.totalMonthlyUsd);

  const dearer = await editedCopy(a, 'cost-up-20', (r) => {
    r.cost!.totalMonthlyUsd *= 1.2;
  });
  const out = join(dir, 'gate-cost');
  const r = await capbench(['gate', '--baseline', a, dearer, '--max-regression', 'cost=10%', '--out', out]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /cost .*\+20\.0 %\s+snapshot\s+\+10 %\s+significant regression/);
  const xml = await readFile(join(out, 'gate-junit.xml'), 'utf8');
  assertWellFormedXml(xml);
  assert.match(xml, /<testcase classname="capbench\.gate\.viral-like-spike\.cost" name="cost" time="0">\n\s+<failure type="regression" message="total cost: \$[\d,.]+\/month → \$[\d,.]+\/month \(\+20\.0 %, limit \+10 %\); one snapshot per run, taken as measured: significant regression\.">/);

  const noCost = await editedCopy(a, 'no-cost', (r) => {
    delete r.cost;
  });
  const g = evaluateGate(base!, (await loadRuns([noCost]))[0]!, { ...GATE_DEFAULT_LIMITS, cost: 0.1 });
  assert.equal(g.exitCode, 0);
  assert.deepEqual(g.checks.filter((x) => x.metric === 'cost').map((x) => [x.outcome, x.reason]), [['skipped', 'a run carries no projected cost']]);
  // compare leaves the cost row out when a run has none, and takes cost through the accessor it is given.
  assert.equal(compareRuns(base!, { ...base!, label: 'B' }, { limits: COMPARE_DEFAULT_LIMITS, cost: () => null }).cost, null);
});

test('compare of three runs: each against the first, one table each; a run of another schedule is compared unpaired', { timeout: 60_000 }, async () => {
  const worse = join(dir, 'p99-up-50', 'results.json');
  const other = await editedCopy(a, 'other-schedule', (r) => {
    r.schedule.stages = [{ durationS: 9, rate: 700 }];
  });
  const runs: RunRef[] = await loadRuns([a, worse, other]);
  const mc = compareMany(runs, { limits: COMPARE_DEFAULT_LIMITS });
  assert.deepEqual(mc.comparisons.map((c) => [c.current.label, c.paired]), [['B', true], ['C', false]]);
  const p99B = metric(mc.comparisons[0]!.operations[0]!.metrics, 'p99');
  assert.equal(p99B.verdict, 'significant');
  const p99C = metric(mc.comparisons[1]!.operations[0]!.metrics, 'p99');
  assert.ok(p99C.noise.kind === 'interval' && p99C.noise.method === 'unpaired');
  assert.equal(p99C.change, 0);
  assert.match(mc.comparisons[1]!.notes[0]!, /^C ran a different schedule than A/);

  const out = join(dir, 'compare-three');
  const r = await capbench(['compare', a, worse, other, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const md = await readFile(join(out, 'compare.md'), 'utf8');
  assert.equal(assertSaneMarkdown(md), 3, 'the runs table and one table per comparison');
  assert.match(md, /^### B vs A: 1 significant regression$/m);
  assert.match(md, /^### C vs A: /m);
});
