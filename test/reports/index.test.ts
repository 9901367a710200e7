import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCHEMA_VERSION } from '../../core/results.js';
import { test } from 'node:test';
import { UsageError } from '../../core/errors.js';
import { loadResults, parseReportFormats, writeReports } from '../../reports/index.js';
import { sampleResult } from '../fixtures/sample-result.js';

test('writeReports writes results.json and the chosen formats, and loadResults reads it back', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'capbench-reports-'));
  try {
    const r = sampleResult();
    const out = join(dir, 'run-1');
    const written = await writeReports(r, out, ['html', 'markdown', 'junit', 'html']);
    assert.deepEqual(written, {
      json: join(out, 'results.json'),
      html: join(out, 'report.html'),
      markdown: join(out, 'summary.md'),
      junit: join(out, 'junit.xml'),
    });
    assert.deepEqual((await readdir(out)).sort(), ['junit.xml', 'report.html', 'results.json', 'summary.md'], 'no temporary files left');
    const json = await readFile(written.json, 'utf8');
    assert.match(json, new RegExp(`^\\{\\n  "schemaVersion": ${SCHEMA_VERSION},`), 'pretty JSON');
    assert.deepEqual(await loadResults(out), r);
    const onlyJson = await writeReports(r, join(dir, 'run-2'), []);
    assert.deepEqual(onlyJson, { json: join(dir, 'run-2', 'results.json') });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('results.json never carries a password', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'capbench-reports-'));
  try {
    const r = sampleResult({ scenario: { options: { password: 'hunter2', redisUrl: 'redis://default:hunter2@127.0.0.1:6379' } } });
    r.targets[0]!.address = 'redis://default:hunter2@127.0.0.1:6379';
    const { json } = await writeReports(r, dir, ['markdown']);
    const text = await readFile(json, 'utf8');
    assert.doesNotMatch(text, /hunter2/);
    assert.match(text, /"password": "\*\*\*"/);
    assert.match(text, /redis:\/\/default:\*\*\*@127\.0\.0\.1:6379/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('parseReportFormats accepts aliases and rejects unknown formats with one line', () => {
  assert.deepEqual(parseReportFormats('html, md,xml,markdown'), ['html', 'markdown', 'junit']);
  assert.deepEqual(parseReportFormats('none'), []);
  assert.deepEqual(parseReportFormats(''), []);
  assert.throws(() => parseReportFormats('html,pdf'), (err: unknown) => err instanceof UsageError && /Unknown report format "pdf"/.test(err.oneLine()));
});
