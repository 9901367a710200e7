/**
 * Ctrl-C during a bench (against the real Redis the test script started): the step in
 * progress is cut short, the partial JSON is written and valid, the exit code is 130.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateBenchOutput } from '../../bench/output.js';

const BENCH = new URL('../../bench/max-like-rate.js', import.meta.url).pathname;

test('SIGINT mid-step: partial JSON written (interrupted: true), exit 130 within seconds', { timeout: 60_000 }, async () => {
  const out = join(await mkdtemp(join(tmpdir(), 'capbench-bench-int-')), 'partial.json');
  const p = spawn(process.execPath, [BENCH, '--posts', '1000', '--start', '1000', '--min', '1000', '--step', '20s', '--warmup', '1s', '--workers', '1', '--out', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  p.stderr.on('data', (d) => (stderr += d));
  const closed = new Promise<number | null>((resolve) => p.on('close', (code) => resolve(code)));
  // Wait until the step table is printed, i.e. the first 20 s step is running.
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no step started: ${stdout}${stderr}`)), 40_000);
    p.stdout.on('data', (d) => {
      stdout += d;
      if (/result\n/.test(stdout)) {
        clearTimeout(t);
        resolve();
      }
    });
  });
  await new Promise((r) => setTimeout(r, 1500));
  const sentAt = Date.now();
  p.kill('SIGINT');
  const code = await closed;
  const tookMs = Date.now() - sentAt;
  assert.equal(code, 130, stderr);
  assert.ok(tookMs < 10_000, `exited ${tookMs} ms after SIGINT`);
  assert.equal(stderr.match(/interrupted; stopping the current step/g)?.length, 1, stderr);
  const written = migrateBenchOutput(JSON.parse(await readFile(out, 'utf8')));
  assert.equal(written.kind, 'capacity-search');
  assert.equal(written.interrupted, true);
  if (written.kind !== 'capacity-search') return;
  const steps = written.searches.flatMap((s) => s.steps);
  assert.equal(steps.length, 1, 'the cut-short step is kept, and no other ran');
  assert.equal(steps[0]!.passed, false);
  assert.match(steps[0]!.failReasons[0]!, /^aborted: interrupted \(Ctrl-C\)/);
  assert.equal(written.redisBenchmark.available, false);
  assert.match(stdout, /written: /);
});
