/** cli/interrupt.ts: the one Ctrl-C / SIGTERM handler, with a fake process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { INTERRUPTED_EXIT, onInterrupt, type InterruptHost } from '../../cli/interrupt.js';

class FakeHost extends EventEmitter {
  exits: number[] = [];
  exit(code: number): never {
    this.exits.push(code);
    return undefined as never;
  }
}

test('the first signal aborts with a reason and prints one line; a second exits 130 at once', () => {
  const host = new FakeHost();
  const lines: string[] = [];
  const ac = new AbortController();
  const dispose = onInterrupt(ac, 'bench: interrupted', { host: host as unknown as InterruptHost, write: (t) => lines.push(t), newlineFirst: false });
  assert.equal(host.listenerCount('SIGINT'), 1);
  assert.equal(host.listenerCount('SIGTERM'), 1);
  host.emit('SIGINT');
  assert.equal(ac.signal.aborted, true);
  assert.equal(ac.signal.reason, 'interrupted (Ctrl-C)');
  assert.deepEqual(lines, ['bench: interrupted\n']);
  assert.deepEqual(host.exits, []);
  host.emit('SIGTERM');
  assert.deepEqual(host.exits, [INTERRUPTED_EXIT]);
  assert.equal(INTERRUPTED_EXIT, 130);
  dispose();
  dispose();
  assert.equal(host.listenerCount('SIGINT'), 0);
  assert.equal(host.listenerCount('SIGTERM'), 0);
});

test('SIGTERM first names itself in the reason; the line may start on a fresh line', () => {
  const host = new FakeHost();
  const lines: string[] = [];
  const ac = new AbortController();
  onInterrupt(ac, 'stopping', { host: host as unknown as InterruptHost, write: (t) => lines.push(t), newlineFirst: true });
  host.emit('SIGTERM');
  assert.equal(ac.signal.reason, 'interrupted (SIGTERM)');
  assert.deepEqual(lines, ['\nstopping\n']);
});

test('capbench run: SIGTERM mid-run stops it, writes the partial results and exits 1 (aborted), as Ctrl-C does', { timeout: 90_000 }, async () => {
  const { spawn } = await import('node:child_process');
  const { mkdtemp, readFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const out = await mkdtemp(join(tmpdir(), 'capbench-run-int-'));
  const cli = new URL('../../cli/main.js', import.meta.url).pathname;
  const p = spawn(process.execPath, [cli, 'run', 'viral-like-spike', '--out', out, '-o', 'posts=1000', '--rate', '200', '--duration', '60s', '--warmup', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const closed = new Promise<number | null>((resolve) => p.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`the run did not start: ${stderr}`)), 60_000);
    p.stderr.on('data', (d) => {
      stderr += d;
      // The load phase is over once the run phase starts (the non-TTY progress says so).
      if (/run phase: /.test(stderr)) {
        clearTimeout(t);
        resolve();
      }
    });
  });
  await new Promise((r) => setTimeout(r, 2000));
  p.kill('SIGTERM');
  const code = await closed;
  assert.equal(code, 1, stderr);
  assert.match(stderr, /interrupted: stopping the run and writing partial results/);
  const result = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
  assert.equal(result.status, 'aborted');
  assert.equal(result.abortReason, 'interrupted (SIGTERM)');
});
