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
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Browser } from 'playwright-core';
import { renderJunit } from '../../reports/junit.js';
import { writeHtmlReport } from '../../reports/html.js';
import { assertQuietPage, canvasInfos, launchChromium, openOffline, SKIP_BROWSER, type PageGlobals } from '../fixtures/browser.js';
import { sampleResult, sampleSections } from '../fixtures/sample-result.js';

test('the HTML report renders in headless Chromium: no errors, no requests, all charts drawn', { skip: SKIP_BROWSER, timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'capbench-browser-'));
  let browser: Browser | undefined;
  try {
    // Flagged and carrying hostile strings, so the banner renders and injection would show up.
    const result = sampleResult({
      rate: { flagged: true, reasons: ['achieved 8,012 of 10,000 ops/s during the spike'] },
      notes: ['<script>alert(1)</script>', '</script><img src=x onerror=alert(2)>'],
    });
    result.operations[0]!.name = '</script><script>alert(3)</script>';
    result.sections = sampleSections('</script><script>alert(4)</script>');
    const path = await writeHtmlReport(result, dir);

    browser = await launchChromium();
    const { page, events } = await openOffline(browser, path);
    const created = Number(await page.getAttribute('html', 'data-charts'));
    const canvases = await canvasInfos(page);

    // Every operation has a histogram in the fixture: 1 overall + 4 per operation, + the scenario section's 2.
    const expected = 1 + 4 * result.operations.length + 2;
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
    assertQuietPage(events);
  } finally {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  }
});
