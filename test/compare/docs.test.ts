/**
 * docs/ci.md and the example workflow stay true to the code: the documented defaults and noise
 * method are the ones compare and gate use, and the workflow does what docs/ci.md says
 * (Node 20, install, two stores, a run, the gate against baseline/results.json, the uploads).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { parse } from 'yaml';
import { z } from 'zod';
import { COMPARE_DEFAULT_LIMITS, GATE_DEFAULT_LIMITS } from '../../reports/compare/metrics.js';
import { BOOTSTRAP_SEED, MIN_SECONDS, RESAMPLES } from '../../reports/compare/stats.js';

const read = (path: string) => readFile(new URL(`../../../${path}`, import.meta.url), 'utf8');

test('docs/ci.md states the defaults and the noise method the code uses', async () => {
  const doc = await read('docs/ci.md');
  assert.deepEqual(GATE_DEFAULT_LIMITS, { p50: null, p90: null, p99: 0.1, p999: null, throughput: 0.05, error_rate: null, footprint: 0.1, cost: null });
  assert.match(doc, /\| `p99` \| [^|]+ \| higher \| \*\*10 %\*\* \|/);
  assert.match(doc, /\| `throughput` \| [^|]+ \| lower \| \*\*5 %\*\* \|/);
  assert.match(doc, /\| `footprint` \| [^|]+ \| higher \| \*\*10 %\*\* \|/);
  assert.equal(COMPARE_DEFAULT_LIMITS.error_rate, 0.01);
  assert.match(doc, /p50, p90, p99, p99\.9 \*\*10 %\*\*, throughput \*\*5 %\*\*, error rate \*\*1 percentage point\*\*/);
  assert.match(doc, new RegExp(`${RESAMPLES.toLocaleString('en-US')} resamples from a seeded PRNG \\(mulberry32, seed ${BOOTSTRAP_SEED}\\)`));
  assert.match(doc, new RegExp(`fewer than \\*\\*${MIN_SECONDS}\\*\\* measured seconds`));
  for (const exit of ['**0**', '**1**', '**2**']) assert.ok(doc.includes(exit), `exit code ${exit} documented`);
});

const StepSchema = z.object({ name: z.string().optional(), uses: z.string().optional(), run: z.string().optional(), with: z.record(z.string(), z.unknown()).optional(), if: z.string().optional() });
const WorkflowSchema = z.object({
  name: z.string(),
  on: z.record(z.string(), z.unknown()),
  jobs: z.record(z.string(), z.object({ 'runs-on': z.string(), steps: z.array(StepSchema) })),
});

test('the example workflow: Node 20, install, stores, a run, the gate against the stored baseline, the reports uploaded', async () => {
  const wf = WorkflowSchema.parse(parse(await read('docs/examples/capbench-gate.yml')));
  const steps = Object.values(wf.jobs)[0]!.steps;
  const runs = steps.map((s) => s.run ?? '');
  const at = (re: RegExp) => {
    const i = runs.findIndex((r) => re.test(r));
    assert.ok(i >= 0, `a step runs ${re}`);
    return i;
  };
  assert.ok(steps.some((s) => s.uses?.startsWith('actions/checkout@')));
  const node = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
  assert.equal(String(node?.with?.['node-version']), '20');
  const install = at(/^bash scripts\/install\.sh$/);
  const up = at(/^node dist\/cli\/main\.js services up redis postgres$/);
  const run = at(/^node dist\/cli\/main\.js run viral-like-spike .*--out results\/current .*--stages \S+/);
  const gate = at(/^node dist\/cli\/main\.js gate --baseline baseline\/results\.json results\/current$/);
  assert.ok(install < up && up < run && run < gate, 'in that order');
  const upload = steps.findIndex((s) => s.uses?.startsWith('actions/upload-artifact@'));
  assert.ok(upload > gate);
  const paths = String(steps[upload]!.with?.path);
  for (const f of ['report.html', 'gate.md', 'gate-junit.xml', 'compare.html']) assert.ok(paths.includes(`results/current/${f}`), `uploads ${f}`);
  assert.match(steps[upload]!.if ?? '', /!cancelled\(\)/, 'uploads even when the gate failed');
  // The run options are ones `capbench run` accepts (its flag names).
  assert.doesNotMatch(runs[run]!, /--(?!out|stages|warmup|quiet)[a-z-]+/);
});
