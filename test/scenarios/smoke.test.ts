/**
 * The smoke matrix: every built-in scenario with every storage path it allows (its path
 * family's registered paths, or the paths its operations name), for one second at a low rate
 * on the real stores. Checks that the run completes with the operations the scenario declares,
 * by name and path, each of them run, no errors, and every check passed (e.g. likes lost == 0).
 * A new path or scenario joins the matrix by registering; nothing here names one.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pathIdsOf } from '../../reference-impl/registry.js';
import { SCENARIOS } from '../../scenarios/registry.js';
import { runScenario } from '../../scenarios/run.js';
import { envLayer, parseLayer, resolveRunSettings } from '../../scenarios/settings.js';
import type { AnyScenario } from '../../scenarios/types.js';

/** The paths a scenario can run: any path of its family, else the ones its default operations use. */
function allowedPaths(s: AnyScenario): (string | undefined)[] {
  if (s.pathFamily) return pathIdsOf(s.pathFamily);
  return [undefined];
}

describe('smoke matrix: every (scenario, allowed path) for a second', { timeout: 600_000 }, () => {
  for (const scenario of Object.values(SCENARIOS)) {
    for (const path of allowedPaths(scenario)) {
      test(`${scenario.id}${path ? ` on ${path}` : ''}`, { timeout: 120_000 }, async () => {
        const options = { ...scenario.smokeOptions, ...(path ? { path } : {}) };
        const settings = resolveRunSettings(scenario, {
          flags: parseLayer({ options, rate: 60, duration: 1, warmup: 0, thresholds: ['*:error_rate<0.1%'] }, { kind: 'flags' }),
          // CAPBENCH_REDIS_DRIVER=ioredis runs the matrix's Redis paths on the other driver (issue 7).
          env: envLayer(),
        });
        const declared = scenario.operations(settings.options);
        if (path) assert.ok(declared.every((o) => o.path === path), `every operation runs on ${path}`);
        const result = await runScenario({ settings, log: () => undefined });
        assert.equal(result.status, 'completed', result.abortReason);
        assert.deepEqual(
          result.operations.map((o) => [o.name, o.path]),
          declared.map((o) => [o.name, o.path]),
        );
        for (const op of result.operations) {
          assert.ok(op.count > 0, `${op.name} ran`);
          assert.deepEqual(op.errors, {}, `${op.name}: no errors`);
        }
        const failed = result.thresholds.filter((t) => !t.passed);
        assert.deepEqual(failed.map((t) => t.expression), [], 'every threshold and check passed');
        // Every scenario gets its own section in the report, with at least one table.
        assert.ok((result.sections ?? []).length > 0 && result.sections!.every((sec) => sec.tables.length > 0), `${scenario.id} returns its report section`);
      });
    }
  }
});
