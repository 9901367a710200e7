import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { UsageError } from '../../core/errors.js';
import { SCHEMA_VERSION } from '../../core/results.js';
import { loadResults } from '../../reports/load.js';
import { sampleResult } from '../fixtures/sample-result.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capbench-load-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Assert that `p` rejects with a UsageError whose one line matches `re`; returns the line. */
async function usageError(p: Promise<unknown>, re: RegExp): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
    const line = err.oneLine();
    assert.doesNotMatch(line, /\n/, 'one line');
    assert.match(line, re);
    return line;
  }
  assert.fail('expected a rejection');
}

test('loadResults reads and validates a results file and a run directory', async () => {
  const r = sampleResult();
  await writeFile(join(dir, 'results.json'), JSON.stringify(r, null, 2));
  assert.deepEqual(await loadResults(join(dir, 'results.json')), r);
  assert.deepEqual(await loadResults(dir), r, 'a directory means <dir>/results.json');
});

test('a missing file is one clear line', async () => {
  const line = await usageError(loadResults(join(dir, 'nope.json')), /^No results file at .*nope\.json\./);
  assert.match(line, /capbench run/);
});

test('bad JSON is one clear line', async () => {
  const p = join(dir, 'bad.json');
  await writeFile(p, '{"schemaVersion": 1, "tool": ');
  await usageError(loadResults(p), /bad\.json is not valid JSON \(.*\)\. It may be truncated/);
  await writeFile(p, '');
  await usageError(loadResults(p), /is not valid JSON .*The file is empty/);
});

test('a schemaVersion this capbench neither reads nor migrates says which it is and which it reads', async () => {
  const p = join(dir, 'v9.json');
  await writeFile(p, JSON.stringify({ ...sampleResult(), schemaVersion: 9, tool: { name: 'capbench', version: '9.0.0' } }));
  const line = await usageError(loadResults(p), /v9\.json has results schema version 9 \(written by capbench 9\.0\.0\); this capbench reads versions 1, 2\./);
  assert.match(line, /Render it with the capbench version that wrote it/);
});

test('a v1 results file (no cost) is read by migrating it to the current version', async () => {
  const p = join(dir, 'v1.json');
  const { cost: _none, ...v2 } = sampleResult();
  await writeFile(p, JSON.stringify({ ...v2, schemaVersion: 1 }));
  const r = await loadResults(p);
  assert.equal(r.schemaVersion, SCHEMA_VERSION);
  assert.equal(r.cost, undefined);
  assert.deepEqual(r, { ...v2, schemaVersion: SCHEMA_VERSION });
  // A v1 file that does not match is named as v1.
  await writeFile(p, JSON.stringify({ ...v2, schemaVersion: 1, status: 'paused' }));
  await usageError(loadResults(p), /v1\.json does not match the results schema v1: status: /);
});

test('a schema mismatch names the first offending field', async () => {
  const p = join(dir, 'mismatch.json');
  const r = sampleResult() as any;
  r.operations[1].latencyMs.p50 = 'fast';
  r.status = 'paused';
  await writeFile(p, JSON.stringify(r));
  await usageError(loadResults(p), /mismatch\.json does not match the results schema v2: (status|operations\.1\.latencyMs\.p50): .* \(and 1 more problem\)\./);
});

test('JSON that is not an object, or has no schemaVersion, is not a results file', async () => {
  const p = join(dir, 'array.json');
  await writeFile(p, '[1,2]');
  await usageError(loadResults(p), /is not a capbench results file \(expected a JSON object, found an array\)/);
  await writeFile(p, '{"hello": "world"}');
  await usageError(loadResults(p), /is not a capbench results file \(it has no schemaVersion\)/);
});
