/**
 * Runs one scenario end to end: resolve and probe its targets, load phase (reset, seed),
 * footprints, the run phase through the engine, verification, thresholds — and returns a
 * complete RunResult even when the run was aborted midway (partial results are kept).
 */
import { randomUUID } from 'node:crypto';
import { CapbenchError, UsageError, describeError, redactUrl } from '../core/errors.js';
import { SCHEMA_VERSION, type RunResult, type Stage, type ScenarioSection, type ThresholdResult } from '../core/results.js';
import type { Connection, Footprint, StoreName } from '../core/target.js';
import { runLoad, type LoadProgress, type LoadOutcome } from '../engine/run.js';
import { machineInfo } from '../engine/machine.js';
import { evaluateThresholds } from '../engine/thresholds.js';
import { totalDurationS } from '../engine/schedule.js';
import { getTarget } from '../targets/registry.js';
import { isLoopbackHost } from '../targets/local/net.js';
import type { RunSettings } from './settings.js';
import type { ScenarioContext } from './types.js';

/** capbench's own version, for results.json. */
export const CAPBENCH_VERSION = '0.1.0';

/** A run: its validated settings (scenarios/settings.ts) and the callbacks of the caller. */
export interface RunRequest {
  settings: RunSettings;
  log(line: string): void;
  onProgress?: (p: LoadProgress) => void;
  /** Called once the run phase is about to start, with the resolved plan (for the progress bar). */
  onRunStart?: (info: { totalS: number; stages: Stage[]; loop: 'open' | 'closed' }) => void;
  signal?: AbortSignal;
}

/**
 * Check (loopback) and probe every store the run needs, before any work starts (`capbench
 * claims` calls it for every experiment before running the first).
 * @throws UsageError for a non-loopback target without allowRemote; TargetUnreachableError
 *   naming the store and address when one does not answer.
 */
export async function connectTargets(settings: RunSettings): Promise<{ connections: Partial<Record<StoreName, Connection>>; targets: RunResult['targets'] }> {
  const connections: Partial<Record<StoreName, Connection>> = {};
  const targets: RunResult['targets'] = [];
  for (const [store, conn] of Object.entries(settings.connections) as [StoreName, Connection][]) {
    if (!settings.allowRemote && !isLoopbackHost(conn.host)) {
      throw new UsageError(`${store} target ${redactUrl(conn.url)} is not on this machine (loopback).`, {
        hint: 'capbench only loads loopback targets unless you pass --allow-remote for a host you own.',
      });
    }
    const info = await getTarget(store).probe(conn);
    connections[store] = conn;
    targets.push({ store, product: info.product, version: info.version, address: info.address, ...(info.standInFor ? { standInFor: info.standInFor } : {}) });
  }
  return { connections, targets };
}

async function footprints(connections: Partial<Record<StoreName, Connection>>, notes: string[], when: string): Promise<Footprint[]> {
  const out: Footprint[] = [];
  for (const [store, conn] of Object.entries(connections) as [StoreName, Connection][]) {
    try {
      out.push(await getTarget(store).footprint(conn));
    } catch (err) {
      notes.push(`${store} footprint ${when} could not be read: ${describeError(err)}`);
    }
  }
  return out;
}

/**
 * Run a scenario. Resolves with a RunResult whose status is "aborted" when the run was
 * interrupted or broke midway (what was measured is kept). Throws only before anything was
 * measured: bad options (UsageError), unreachable target (TargetUnreachableError), a failed
 * load phase (CapbenchError).
 */
export async function runScenario(req: RunRequest): Promise<RunResult> {
  const s = req.settings;
  const { scenario, options, operations, stages, thresholds } = s;
  const notes: string[] = [];
  const { connections, targets } = await connectTargets(s);
  const ctx: ScenarioContext = { connections, log: req.log };

  req.log(`load phase: ${scenario.id} (${operations.map((o) => o.path).filter((p, i, a) => a.indexOf(p) === i).join(', ')})`);
  try {
    await scenario.reset(options, ctx);
  } catch (err) {
    throw wrapPhase('reset', err);
  }
  const baseline = await footprints(connections, notes, 'after reset');
  try {
    await scenario.seed(options, ctx);
  } catch (err) {
    throw wrapPhase('seed', err);
  }
  const before = await footprints(connections, notes, 'before the run');

  req.onRunStart?.({ totalS: s.durationS ?? totalDurationS(stages), stages, loop: s.loop });
  let outcome: LoadOutcome;
  try {
    outcome = await runLoad(
      { moduleUrl: scenario.workloadModule, args: { options, connections, stages, seed: s.seed } },
      {
        loop: s.loop,
        stages,
        arrival: s.arrival,
        warmupS: s.warmupS,
        workers: s.workers,
        maxInFlight: s.maxInFlight,
        concurrency: s.concurrency,
        durationS: s.durationS,
        graceS: 2,
        opTimeoutS: s.opTimeoutS,
        seed: s.seed,
      },
      { expect: operations, onProgress: req.onProgress, signal: req.signal },
    );
  } catch (err) {
    throw wrapPhase('run', err);
  }
  const after = await footprints(connections, notes, 'after the run');

  let derived: RunResult['footprint']['derived'] = [];
  let claims: RunResult['claims'] = [];
  let checks: ThresholdResult[] = [];
  let sections: ScenarioSection[] = [];
  try {
    const v = await scenario.verify(options, ctx, { outcome, footprint: { baseline, before, after } });
    derived = v.derived;
    claims = v.claims;
    checks = v.checks;
    sections = v.sections ?? [];
    notes.push(...v.notes);
  } catch (err) {
    notes.push(`verification could not run: ${describeError(err)}`);
  }
  if (targets.some((t) => t.standInFor)) {
    for (const t of targets.filter((x) => x.standInFor)) notes.push(`${t.store} is ${t.product}, a stand-in for ${t.standInFor}: its figures are not ${t.standInFor}'s`);
  }
  if (s.loop === 'closed') notes.push('closed loop: latency equals service time, and a slow target lowers the offered rate (coordinated omission); use open loop for latency under a given arrival rate');

  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'capbench', version: CAPBENCH_VERSION },
    runId: randomUUID(),
    scenario: { id: scenario.id, description: scenario.description, paths: [...new Set(operations.map((o) => o.path))], options },
    status: outcome.aborted ? 'aborted' : 'completed',
    ...(outcome.abortReason ? { abortReason: outcome.abortReason } : {}),
    startedAt: outcome.startedAt,
    endedAt: outcome.endedAt,
    loop: s.loop,
    schedule: outcome.schedule,
    rate: outcome.rate,
    operations: outcome.operations,
    series: outcome.series,
    harness: outcome.harness,
    machine: machineInfo(),
    targets,
    footprint: {
      before,
      after,
      derived: [
        ...derived,
        ...before.map((b) => {
          const base = baseline.find((x) => x.store === b.store);
          return { name: `${b.store}: bytes added by seeding`, value: base ? b.totalBytes - base.totalBytes : null, unit: 'bytes' };
        }),
      ],
    },
    thresholds: [...evaluateThresholds(thresholds, outcome.operations), ...checks],
    claims,
    ...(sections.length > 0 ? { sections } : {}),
    notes,
  };
}

function wrapPhase(phase: string, err: unknown): CapbenchError {
  if (err instanceof CapbenchError) return err;
  return new CapbenchError(`The ${phase} phase failed: ${describeError(err)}.`, { cause: err, hint: 'See the target\'s log; `capbench services status` shows where it is.' });
}
