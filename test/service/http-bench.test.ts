/**
 * `capbench http-bench` (issue 12): autocannon's closed-loop figures and capbench's open loop
 * at 80% of them end up in one report that says the first is closed loop (coordinated omission).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunResult } from '../../core/results.js';
import { capbench } from '../fixtures/cli.js';
import { dropRedisPrefix } from './env.js';

test('http-bench: autocannon closed loop, then open loop at 80% of it, in the report', async () => {
  const out = await mkdtemp(join(tmpdir(), 'cbhttp-bench-'));
  try {
    const r = await capbench(['http-bench', 'viral-like-spike', '-o', 'posts=500', '-o', `keyPrefix=cbhttp_${process.pid}:`, '--duration', '2s', '--connections', '4', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^autocannon\s+closed \(coordinated omission\)\s+\d+ ops\/s/m);
    const res = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResult;
    const s = res.sections!.find((x) => x.id === 'http-bench')!;
    const [ac, cb] = s.tables[0]!.rows;
    assert.equal(ac![0], 'autocannon');
    const closed = ac![2] as number;
    assert.ok(closed > 0, 'autocannon measured a rate');
    assert.equal(ac![7], 0, 'no non-2xx answers or errors');
    assert.equal(cb![0], 'capbench');
    assert.equal(res.schedule.stages[0]!.rate, Math.max(1, Math.round(closed * 0.8)), 'the open loop ran at 80% of the closed-loop figure');
    const like = res.operations.find((o) => o.name === 'like')!;
    assert.equal(cb![2], like.achievedOpsPerSec);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    assert.match(html, /CLOSED LOOP/);
    assert.match(html, /coordinated omission/);
  } finally {
    await dropRedisPrefix(`cbhttp_${process.pid}:`);
    await rm(out, { recursive: true, force: true });
  }
});
