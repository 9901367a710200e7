/**
 * `capbench claims` end to end as a user runs it: a real process on the real Redis and
 * PostgreSQL. --quick writes claims.json (valid, every register entry), claims.md and
 * claims.html with verdicts from real runs for every claim a built scenario measures, and the
 * page opens in headless Chromium (/usr/bin/chromium, playwright-core) without console errors
 * or network requests, its links reaching each run's report. Bad input and a store that is
 * down are one line and exit 2 before anything runs.
 *
 * Without Chromium the browser test fails with the install command; CAPBENCH_SKIP_BROWSER=1 skips it.
 */
import assert from 'node:assert/strict';
import { capbench } from '../fixtures/cli.js';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { ClaimsReportSchema, type ClaimsReport } from '../../core/claims.js';
import { loadResults } from '../../reports/index.js';
import { DEFAULT_REGISTER, loadRegister } from '../../scenarios/claims/register.js';

const CHROMIUM = '/usr/bin/chromium';
const SKIP_BROWSER = process.env.CAPBENCH_SKIP_BROWSER === '1' ? 'CAPBENCH_SKIP_BROWSER=1' : false;


function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'capbench-claims-cli-'));
});
after(() => rm(tmp, { recursive: true, force: true }));

/** The --quick run's output directory and report, for the browser test. */
let quick: { dir: string; report: ClaimsReport } | undefined;

// No time limit is asserted (speed goals belong in benchmarks): the quick run's length is printed as a diagnostic.
test('claims --quick writes claims.json/md/html: every register entry, verdicts from real runs', { timeout: 1_200_000 }, async (t) => {
  const dir = join(tmp, 'quick');
  const r = await capbench(['claims', '--quick', '-q', '--out', dir]);
  assert.equal(r.code, 0, r.stderr);
  t.diagnostic(`claims --quick took ${r.seconds.toFixed(1)} s`);
  assert.match(r.stdout, /capbench claims · quick · completed · \d+ claims: \d+ holds · \d+ refuted · \d+ not measurable here · \d+ not yet measured/);

  const report = ClaimsReportSchema.parse(JSON.parse(await readFile(join(dir, 'claims.json'), 'utf8')));
  const register = await loadRegister();
  assert.deepEqual(report.claims.map((c) => c.id), register.claims.map((c) => c.id), 'every register entry, in order');
  assert.equal(report.mode, 'quick');
  assert.ok(report.experiments.every((e) => e.status === 'completed'), JSON.stringify(report.experiments.map((e) => [e.id, e.status, e.reason])));

  for (const entry of register.claims) {
    const row = report.claims.find((c) => c.id === entry.id)!;
    const measuredRun = (entry.measure.kind === 'scenario' || entry.measure.kind === 'cost') && 'experiment' in entry.measure && entry.measure.experiment !== undefined;
    if (measuredRun) {
      // A verdict from the experiment's real run (the scenario's or the cost model's claim): the same as the ClaimResult its results.json holds.
      const exp = report.experiments.find((e) => e.id === row.measure.experiment)!;
      const run = await loadResults(join(dir, exp.results!));
      const emitted = run.claims.find((c) => c.id === row.id)!;
      // A verdict from the run; "not measurable here" only with the scenario's reason (e.g. FerretDB lacks $text).
      if (row.verdict === 'not-measurable') assert.ok(`${emitted.measured} ${emitted.note ?? ''}`.trim().length > 10, `${row.id}: not measurable, and the run says why`);
      else assert.ok(row.verdict === 'holds' || row.verdict === 'refuted', `${row.id}: ${row.verdict} (${row.why})`);
      assert.equal(row.verdict, emitted.verdict, row.id);
      assert.equal(row.measured, emitted.measured, row.id);
      assert.equal(row.report, `runs/${exp.id}/report.html`);
      assert.ok((await stat(join(dir, row.report))).size > 0, `${row.report} exists`);
    } else if (entry.measure.kind === 'scenario' || entry.measure.kind === 'cost') {
      assert.equal(row.verdict, 'not-yet-measured', row.id);
      assert.ok(row.why, `${row.id} says why`);
    } else {
      assert.equal(row.verdict, 'not-measurable', row.id);
      assert.ok(row.why, `${row.id} says why`);
    }
  }

  const md = await readFile(join(dir, 'claims.md'), 'utf8');
  for (const c of report.claims) assert.ok(md.includes(`\`${c.id}\``), `claims.md lists ${c.id}`);
  const html = await readFile(join(dir, 'claims.html'), 'utf8');
  assert.match(html, /^<!doctype html>/);
  for (const c of report.claims) assert.ok(html.includes(`id="claim-${c.id}"`), `claims.html lists ${c.id}`);
  quick = { dir, report };
});

test('claims.html opens offline in Chromium with no console errors, and its links open the run reports', { skip: SKIP_BROWSER, timeout: 120_000 }, async () => {
  assert.ok(quick, 'the --quick test ran first');
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}. Install it with: apt-get update && apt-get install -y chromium (or set CAPBENCH_SKIP_BROWSER=1).`);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('request', (req) => {
      if (!req.url().startsWith('file:')) requests.push(req.url());
    });
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));

    const claimsUrl = pathToFileURL(join(quick.dir, 'claims.html')).href;
    await page.goto(claimsUrl, { waitUntil: 'load' });
    assert.equal(await page.locator('h1').count(), 1);
    assert.match(await page.locator('h1').innerText(), /Design claims vs measurement/);
    assert.equal(await page.locator('tr[id^="claim-"]').count(), quick.report.claims.length, 'a row per claim');
    assert.equal(await page.locator('#counts .card').count(), 5, 'a card for the total and each verdict');
    await page.screenshot({ path: '/tmp/capbench-claims.png', fullPage: true });

    // Every distinct report link opens a run report on disk, which renders without errors too.
    const hrefs = [...new Set(await page.locator('a[href$="report.html"]').evaluateAll((as) => as.map((a) => (a as unknown as { getAttribute(n: string): string }).getAttribute('href'))))];
    assert.equal(hrefs.length, quick.report.experiments.length, 'one report per experiment');
    for (const href of hrefs) {
      await page.goto(claimsUrl, { waitUntil: 'load' });
      await page.locator(`#claims a[href="${href}"]`).first().click();
      await page.waitForSelector('html[data-charts]', { timeout: 30_000 });
      assert.match(page.url(), new RegExp(`${href!.replace(/[.]/g, '\\.')}$`));
      assert.match(await page.locator('h1').innerText(), new RegExp(quick.report.experiments.map((e) => e.scenario).join('|')));
    }
    assert.deepEqual(problems, [], 'no console errors or warnings');
    assert.deepEqual(requests, [], 'no network requests');
  } finally {
    await browser?.close();
  }
});

test('a bad register is one line and exit 2, before anything runs', async () => {
  const bad = join(tmp, 'bad.yaml');
  const text = (await readFile(DEFAULT_REGISTER, 'utf8')).replace('measure: { scenario: viral-like-spike, experiment: likes-counter }', 'measure: { scenario: viral-like-spike, experiment: likes-countr }');
  await writeFile(bad, text);
  const out = join(tmp, 'bad-out');
  const r = await capbench(['claims', '--quick', '--register', bad, '--out', out]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^Cannot claims\. Claims register .*bad\.yaml: entry "likes\.viral-spike-10k": measure\.experiment: no experiment "likes-countr"/);
  assert.equal(existsSync(out), false, 'nothing written');
});

test('a store that is down is one line and exit 2, before any experiment starts', { timeout: 60_000 }, async () => {
  const port = await freePort();
  const out = join(tmp, 'down');
  const r = await capbench(['claims', '--quick', '--redis-url', `redis://127.0.0.1:${port}`, '--out', out]);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`^Cannot claims\\. redis at 127\\.0\\.0\\.1:${port} is unreachable`));
  assert.equal(existsSync(out), false, 'nothing written');
});

test('an unknown --only experiment is one line and exit 2', async () => {
  const r = await capbench(['claims', '--quick', '--only', 'likes-countr', '--out', join(tmp, 'only')]);
  assert.equal(r.code, 2);
  const experiments = [...(await loadRegister()).experiments.keys()];
  assert.match(r.stderr, new RegExp(`^Cannot claims\\. No experiment "likes-countr" in the claims register\\. Experiments: ${experiments.join(', ')}\\.\\n$`));
});
