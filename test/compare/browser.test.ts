/**
 * compare.html in a real browser (headless Chromium via playwright-core): opens offline with no
 * console or page errors and no request, every overlay chart is drawn with one line per run,
 * and text from the results stays inert. Built from a real run of viral-like-spike and two
 * edited copies (p99 raised by 50 %; an operation name carrying markup). Leaves a screenshot
 * at /tmp/capbench-compare.png. CAPBENCH_SKIP_BROWSER=1 skips it.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { RunResult } from '../../core/results.js';
import { assertQuietPage, canvasInfos, launchChromium, openOffline, SKIP_BROWSER } from '../fixtures/browser.js';
import { capbench } from '../fixtures/cli.js';

interface ChartGlobals {
  Chart: { instances: Record<string, { canvas: { id: string }; data: { datasets: Array<{ label: string }> } }> };
}

test('compare.html opens offline in Chromium: no console errors, every overlay chart drawn, one line per run', { skip: SKIP_BROWSER, timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'capbench-compare-browser-'));
  let browser: Browser | undefined;
  try {
    const run = await capbench(['run', 'viral-like-spike', '-q', '--out', join(dir, 'a'), '--format', 'none', '--stages', '2s:300,4s:1000,2s:300', '--warmup', '1s', '-o', 'posts=2000', '--threshold', 'like:error_rate<1%']);
    assert.equal(run.code, 0, run.stderr);
    const a = join(dir, 'a', 'results.json');
    const copy = async (name: string, edit: (r: RunResult) => void) => {
      const r = JSON.parse(await readFile(a, 'utf8')) as RunResult;
      edit(r);
      await mkdir(join(dir, name), { recursive: true });
      await writeFile(join(dir, name, 'results.json'), JSON.stringify(r));
      return join(dir, name, 'results.json');
    };
    const b = await copy('b', (r) => {
      for (const op of r.operations) {
        op.latencyMs.p99 = (op.latencyMs.p99 ?? 0) * 1.5;
        for (const p of op.series) if (p.latencyMs.p99 !== null) p.latencyMs.p99 *= 1.5;
      }
    });
    const c = await copy('c', (r) => {
      r.runId = '</script><script>alert(1)</script>';
      r.notes.push('<img src=x onerror=alert(2)>');
      r.rate.flagged = true;
      r.rate.reasons = ['<b>short</b>'];
    });
    const out = join(dir, 'out');
    const cmp = await capbench(['compare', a, b, c, '--out', out]);
    assert.equal(cmp.code, 0, cmp.stderr);
    const path = join(out, 'compare.html');

    browser = await launchChromium();
    const { page, events } = await openOffline(browser, path);
    const created = Number(await page.getAttribute('html', 'data-charts'));
    const canvases = await canvasInfos(page);
    assert.equal(canvases.length, 2, 'p99 and throughput for the one operation');
    assert.equal(created, 2, 'the client script drew both');
    for (const cv of canvases) {
      assert.ok(cv.width > 100 && cv.height > 100, `${cv.id} has a size`);
      assert.ok(cv.hasChart && cv.painted > 500, `${cv.id} is drawn (${cv.painted} pixels)`);
    }
    const legends = await page.evaluate(() => {
      const { Chart } = globalThis as unknown as ChartGlobals;
      return Object.values(Chart.instances).map((ch) => [ch.canvas.id, ch.data.datasets.map((d) => d.label)] as const);
    });
    for (const [, labels] of legends) assert.deepEqual(labels, ['A (baseline)', 'B', 'C']);
    assert.equal(await page.locator('.chart-error').count(), 0);
    assert.match(await page.locator('h1').innerText(), /^viral-like-spike\s+1 significant regression$/);
    assert.match(await page.locator('#vs-0 h2').innerText(), /^B vs A: 1 significant regression$/);
    assert.equal(await page.locator('#vs-0 .badge.bad').count(), 1, 'one regression badge');
    assert.match(await page.locator('#runs').innerText(), /<\/script><script>alert\(1\)<\/script>/, 'markup shown as text');
    await page.screenshot({ path: '/tmp/capbench-compare.png', fullPage: true });
    assertQuietPage(events);
  } finally {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  }
});
