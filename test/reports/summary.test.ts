import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTerminalSummary } from '../../reports/summary.js';
import { sampleResult } from '../fixtures/sample-result.js';

test('the terminal summary lists each operation with count, rate, percentiles and errors', () => {
  const out = renderTerminalSummary(sampleResult(), { color: false });
  assert.doesNotMatch(out, /\u001b/, 'no ANSI codes without color');
  assert.match(out, /^capbench · viral-like-spike · completed · 45 s measured \(\+5 s warmup\)/);
  assert.match(out, /operation +count +ops\/s achieved \/ target +p50 +p99 +p99\.9 +max +errors/);
  assert.match(out, /like +227,552 +5,057 \/ 5,060 +0\.291 ms +1\.33 ms +21\.7 ms +27 ms +32 \(timeout 28, ECONNRESET 4\)/);
  assert.match(out, /sync-flush +45 +1 \/ 1 +44\.1 ms +— +— +86\.4 ms +1 \(timeout 1\)/);
  assert.match(out, /rate: 5,068 ops\/s of 5,071 ops\/s target \(99\.9 %\) · not flagged/);
  assert.match(out, /thresholds: 3 \/ 4 passed\n +FAIL like: p99\.9 < 10ms \(measured 21\.7 ms, limit 10 ms\)/);
  assert.match(out, /footprint: redis 10\.4 MiB \(\+9\.31 MiB\) · mongodb 6\.1 MiB \(\+6\.08 MiB\) · total 16\.5 MiB/);
});

test('flags and abort are shown; colour only when asked', () => {
  const r = sampleResult({ status: 'aborted', abortReason: 'Ctrl-C', rate: { flagged: true, reasons: ['short'] }, harness: { bottleneck: true } });
  const plain = renderTerminalSummary(r, { color: false });
  assert.match(plain, /ABORTED \(partial results\)/);
  assert.match(plain, /FLAGGED/);
  assert.match(plain, /! the run fell short of its schedule/);
  assert.match(plain, /! the harness, not the target, was the bottleneck/);
  const colored = renderTerminalSummary(r, { color: true });
  assert.match(colored, /\u001b\[31m/);
  assert.equal(colored.replace(/\u001b\[[0-9;]*m/g, ''), plain, 'same text once colours are removed');
});

test('control characters from the result never reach the terminal', () => {
  const r = sampleResult({ scenario: { id: 'evil\u001b]0;pwned\u0007\u001b[2J' } });
  r.operations[0]!.errors = { 'E\u001b[31mX': 1 };
  const out = renderTerminalSummary(r, { color: false });
  assert.doesNotMatch(out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  assert.match(out, /evil\]0;pwned\[2J/);
});
