/**
 * `capbench run <scenario> --engine k6` (issue 12): the run phase by k6 instead of capbench's
 * engine. The load phase and verify() stay capbench's; the run phase exports the scenario
 * (k6/export.ts), runs it with the k6 `capbench services up k6` built, and reads k6's raw
 * output back into the usual measurements (k6/samples.ts), so one report format covers both
 * generators.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CapbenchError } from '../core/errors.js';
import type { LoadOutcome } from '../engine/run.js';
import type { RunSettings } from '../scenarios/settings.js';
import { exportK6, type K6Script } from './export.js';
import type { K6Via } from './plans.js';
import { runK6, requireK6 } from './run.js';
import { outcomeFromK6, readK6Output } from './samples.js';

/** A prepared k6 run phase: the script (already checked) and the function runScenario calls. */
export interface K6Engine {
  script: K6Script;
  bin: string;
  /** Set once the phase ran: k6's exit code and CPU. */
  ran?: { code: number; cpuPct: { mean: number; max: number } };
  runPhase(): Promise<LoadOutcome>;
}

/**
 * Check k6 and export the script before any work starts; the returned runPhase() writes it to
 * outDir/script.ts, runs k6 (raw output outDir/k6-raw.json) and pools the samples.
 * @throws UsageError when k6 is missing or the scenario/path has no k6 export over `via`.
 */
export function prepareK6Engine(settings: RunSettings, via: K6Via, urls: { serviceUrl: () => string; redisUrl?: string }, outDir: string): K6Engine {
  const bin = requireK6();
  const input = {
    scenarioId: settings.scenario.id,
    options: settings.options,
    stages: settings.stages,
    thresholds: settings.thresholds.map((t) => t.expression),
    via,
    serviceUrl: 'http://127.0.0.1:8080',
    redisUrl: urls.redisUrl,
  };
  const script = exportK6(input);
  const engine: K6Engine = {
    script,
    bin,
    async runPhase() {
      await mkdir(outDir, { recursive: true });
      const file = join(outDir, 'script.ts');
      await writeFile(file, exportK6({ ...input, serviceUrl: via === 'http' ? urls.serviceUrl() : input.serviceUrl }).source);
      const jsonOut = join(outDir, 'k6-raw.json');
      const r = await runK6({ bin, script: file, jsonOut, summaryOut: join(outDir, 'k6-summary.json') });
      engine.ran = { code: r.code, cpuPct: r.cpuPct };
      if (r.code !== 0 && r.code !== 99 && r.code !== 108) throw new CapbenchError(`k6 failed (exit ${r.code}): ${r.stderrTail || 'no message'}.`, { hint: `The script is ${file}; run it with \`${bin} run ${file}\` to see why.` });
      const out = await readK6Output(jsonOut);
      return outcomeFromK6([out], {
        stages: settings.stages,
        warmupS: settings.warmupS,
        ops: settings.operations.map((o) => ({ name: o.name, path: o.path })),
        cpuPct: r.cpuPct,
        aborted: r.code === 108,
        ...(r.code === 108 ? { abortReason: 'a k6 threshold with abortOnFail failed' } : {}),
      });
    },
  };
  return engine;
}
