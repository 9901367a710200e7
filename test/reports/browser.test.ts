/**
 * The HTML report in a real browser: headless Chromium (Debian package `chromium`, at
 * /usr/bin/chromium) driven by playwright-core. Checks that the report opens offline with no
 * console or page errors, makes no network request, runs no injected script, and that every
 * chart canvas rendered with a non-zero size and non-blank pixels. Leaves a screenshot at
 * /tmp/capbench-report.png.
 *
 * Without Chromium the test fails with the install command; CAPBENCH_SKIP_BROWSER=1 skips it.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { renderJunit } from '../../reports/junit.js';
import { writeHtmlReport } from '../../reports/html.js';
import { sampleResult } from '../fixtures/sample-result.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SKIP = process.env.CAPBENCH_SKIP_BROWSER === '1' ? 'CAPBENCH_SKIP_BROWSER=1' : false;

/**
 * The few browser globals the in-page callbacks use. The project compiles without the DOM lib
 * (it is a Node program), so they are described here instead.
 */
interface PageCanvas {
  id: string;
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
  getBoundingClientRect(): { width: number; height: number };
}
interface PageGlobals {
  Chart: { getChart(c: PageCanvas): unknown };
  document: { querySelectorAll(sel: 'canvas'): Iterable<PageCanvas> };
  DOMParser: new () => { parseFromString(text: string, type: string): { getElementsByTagName(n: string): ArrayLike<{ textContent: string | null }> } };
}

interface CanvasInfo {
  id: string;
  width: number;
  height: number;
  hasChart: boolean;
  painted: number;
}

test('the HTML report renders in headless Chromium: no errors, no requests, all charts drawn', { skip: SKIP, timeout: 120_000 }, async () => {
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}. Install it with: apt-get update && apt-get install -y chromium (or set CAPBENCH_SKIP_BROWSER=1).`);
  const dir = await mkdtemp(join(tmpdir(), 'capbench-browser-'));
  let browser: Browser | undefined;
  try {
    // Flagged and carrying hostile strings, so the banner renders and injection would show up.
    const result = sampleResult({
      rate: { flagged: true, reasons: ['achieved 8,012 of 10,000 ops/s during the spike'] },
      notes: ['<script>alert(1)</script>', '</script><img src=x onerror=alert(2)>'],
    });
    result.operations[0]!.name = '</script><script>alert(3)</script>';
    const path = await writeHtmlReport(result, dir);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') consoleErrors.push(`${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (req) => {
      if (!req.url().startsWith('file:')) requests.push(req.url());
    });
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));

    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
    await page.waitForSelector('html[data-charts]', { timeout: 30_000 });
    const created = Number(await page.getAttribute('html', 'data-charts'));

    const canvases: CanvasInfo[] = await page.evaluate(() => {
      const { Chart, document } = globalThis as unknown as PageGlobals;
      return [...document.querySelectorAll('canvas')].map((c) => {
        let painted = 0;
        const ctx = c.getContext('2d');
        if (ctx && c.width > 0 && c.height > 0) {
          const px = ctx.getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < px.length; i += 4 * 7) if (px[i]! > 0) painted++;
        }
        const r = c.getBoundingClientRect();
        return { id: c.id, width: r.width, height: r.height, hasChart: Chart.getChart(c) !== undefined, painted };
      });
    });

    // Every operation has a histogram in the fixture: 1 overall + 4 per operation.
    const expected = 1 + 4 * result.operations.length;
    assert.equal(canvases.length, expected, 'one canvas per chart');
    assert.equal(created, expected, 'the client script created every chart');
    for (const c of canvases) {
      assert.ok(c.width > 100 && c.height > 100, `${c.id} has a size (${c.width}x${c.height})`);
      assert.ok(c.hasChart, `${c.id} is a Chart.js chart`);
      assert.ok(c.painted > 500, `${c.id} has pixels drawn (${c.painted})`);
    }
    assert.equal(await page.locator('.banner.flag').count(), 1, 'flag banner shown');
    assert.equal(await page.locator('.chart-error').count(), 0, 'no chart failed');
    assert.match((await page.locator('h1').innerText()).trim(), /^viral-like-spike/);

    // The JUnit is well-formed XML for a real XML parser too.
    const xmlError = await page.evaluate((xml) => {
      const { DOMParser } = globalThis as unknown as PageGlobals;
      const doc = new DOMParser().parseFromString(xml, 'application/xml');
      return doc.getElementsByTagName('parsererror')[0]?.textContent ?? null;
    }, renderJunit(result));
    assert.equal(xmlError, null, 'JUnit parses');

    await page.screenshot({ path: '/tmp/capbench-report.png', fullPage: true });

    assert.deepEqual(consoleErrors, [], 'no console errors or warnings');
    assert.deepEqual(pageErrors, [], 'no page errors');
    assert.deepEqual(requests, [], 'no network requests');
    assert.deepEqual(dialogs, [], 'no injected script ran');
  } finally {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  }
});
