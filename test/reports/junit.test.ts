import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderJunit } from '../../reports/junit.js';
import { sampleResult } from '../fixtures/sample-result.js';
import { assertWellFormedXml } from './xml-check.js';

test('the checker itself rejects broken XML', () => {
  assert.throws(() => assertWellFormedXml('<a><b></a></b>'));
  assert.throws(() => assertWellFormedXml('<a x="1 < 2"/>'));
  assert.throws(() => assertWellFormedXml('<a>AT&T</a>'));
  assert.throws(() => assertWellFormedXml('<a/><b/>'));
  assertWellFormedXml('<?xml version="1.0"?>\n<a x="&lt;&amp;"><b/>t &#65;</a>\n');
});

test('JUnit is well-formed with one testcase per threshold, one for the rate and one for completion', () => {
  const r = sampleResult();
  const xml = renderJunit(r);
  assertWellFormedXml(xml);
  assert.equal(xml.match(/<testcase /g)?.length, r.thresholds.length + 2);
  assert.match(xml, /<testcase classname="capbench\.viral-like-spike\.rate" name="rate not flagged" time="0"\/>/);
  assert.match(xml, /<testcase classname="capbench\.viral-like-spike\.run" name="run completed" time="0"\/>/);
});

test('failed thresholds are failures with the measured figure and the limit', () => {
  const r = sampleResult();
  const failed = r.thresholds.filter((t) => !t.passed).length;
  assert.ok(failed > 0);
  const xml = renderJunit(r);
  assert.equal(xml.match(/<failure /g)?.length, failed);
  assert.match(xml, new RegExp(`<testsuites name="capbench" tests="${r.thresholds.length + 2}" failures="${failed}"`));
  assert.match(xml, /<failure type="threshold" message="like: p99\.9 &lt; 10ms: measured 21\.7 ms, limit 10 ms">/);
});

test('a flagged rate and an aborted run fail their testcases', () => {
  const xml = renderJunit(sampleResult({ status: 'aborted', abortReason: 'target died', rate: { flagged: true, reasons: ['short by 20 %'] } }));
  assertWellFormedXml(xml);
  assert.match(xml, /<failure type="rate-flagged" message="The run fell short of its schedule: short by 20 %">/);
  assert.match(xml, /<failure type="aborted" message="The run was aborted: target died; results are partial\.">/);
});

test('text from the result is XML-escaped, control characters replaced', () => {
  const base = sampleResult();
  const xml = renderJunit(
    sampleResult({
      scenario: { id: 'a"b<c>&\'d' },
      thresholds: [{ ...base.thresholds[1]!, expression: '</testcase><x y="1">&\u0001\u001b[31m' }],
      notes: [']]></system-out>'],
    }),
  );
  assertWellFormedXml(xml);
  assert.match(xml, /name="capbench\.a&quot;b&lt;c&gt;&amp;&apos;d"/);
  assert.doesNotMatch(xml, /[\u0001\u001b]/);
});
