/**
 * Runs one scenario end to end: resolve and probe its targets, load phase (reset, seed),
 * footprints, the run phase through the engine, verification, thresholds — and returns a
 * complete RunResult even when the run was aborted midway (partial results are kept).
 */
import { randomUUID } from 'node:crypto';
import { CapbenchError, UsageError, describeError, redactUrl } from '../core/errors.js';
import { SCHEMA_VERSION, type RunResult, type Stage, type ThresholdResult } from '../core/results.js';
import type { Connection, Footprint, StoreName } from '../core/target.js';
import { runLoad, type LoadProgress, type LoadOutcome } from '../engine/run.js';
import { machineInfo } from '../engine/machine.js';
import { evaluateThresholds, parseThreshold } from '../engine/thresholds.js';
import { totalDurationS, type Arrival } from '../engine/schedule.js';
import { getTarget, resolveConnection } from '../targets/registry.js';
import { isLoopbackHost } from '../targets/local/net.js';
import type { AnyScenario, ScenarioContext } from './types.js';

/** capbench's own version, for results.json. */
export const CAPBENCH_VERSION = '0.1.0';

/** Everything a run needs, already parsed (see cli/commands/run.ts for the flags). */
export interface RunRequest {
  scenario: AnyScenario;
  /** Raw scenario options (validated here against the scenario's schema). */
  options: Record<string, unknown>;
  /** Explicit stages; else rate/duration; else the scenario's default stages. */
  stages?: Stage[];
  rate?: number;
  durationS?: number;
  warmupS?: number;
  arrival: Arrival;
  loop: 'open' | 'closed';
  concurrency?: number;
  workers: number;
  maxInFlight: number;
  opTimeoutS: number;
  seed: number;
  /** Threshold expressions; undefined means the scenario's defaults. */
  thresholds?: string[];
  /** --<store>-url flags. */
  urls: Partial<Record<StoreName, string>>;
  /** Allow targets that are not on loopback (DESIGN.md: "Loads go to loopback unless the user explicitly allows another host"). */
  allowRemote: boolean;
  log(line: string): void;
  onProgress?: (p: LoadProgress) => void;
  /** Called once the run phase is about to start, with the resolved plan (for the progress bar). */
  onRunStart?: (info: { totalS: number; stages: Stage[]; loop: 'open' | 'closed' }) => void;
  signal?: AbortSignal;
}

/**
 * Validate options against the scenario's schema.
 * @throws UsageError naming the option and what it must be.
 */
export function resolveOptions(scenario: AnyScenario, raw: Record<string, unknown>): Record<string, unknown> {
  const parsed = scenario.options.safeParse(raw);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const issue = parsed.error.issues[0]!;
  const name = issue.path.join('.') || Object.keys((issue as { keys?: string[] }).keys ?? {}).join(',');
  const unknownKeys = (issue as { keys?: string[] }).keys;
  if (issue.code === 'unrecognized_keys' && unknownKeys) {
    const known = Object.keys((scenario.options as unknown as { shape?: Record<string, unknown> }).shape ?? {});
    throw new UsageError(`Scenario ${scenario.id} has no option "${unknownKeys[0]}".`, { hint: `Its options: ${known.join(', ')}.` });
  }
  throw new UsageError(`Bad option ${name} for scenario ${scenario.id}: ${issue.message}.`, {
    hint: `Set it as -o ${name}=VALUE.`,
  });
}

/** The stages a request resolves to (explicit > rate/duration > scenario default). */
export function resolveStages(req: Pick<RunRequest, 'stages' | 'rate' | 'durationS'>, scenario: AnyScenario, options: Record<string, unknown>): Stage[] {
  if (req.stages) return req.stages;
  if (req.rate !== undefined || req.durationS !== undefined) {
    const defaults = scenario.defaultStages(options);
    const duration = req.durationS ?? totalDurationS(defaults);
    return [{ durationS: duration, rate: req.rate ?? scenario.defaultRate(options) }];
  }
  return scenario.defaultStages(options);
}

/** Resolve, check (loopback) and probe every store the scenario needs. */
async function connectTargets(req: RunRequest, stores: StoreName[]): Promise<{ connections: Partial<Record<StoreName, Connection>>; targets: RunResult['targets'] }> {
  const connections: Partial<Record<StoreName, Connection>> = {};
  const targets: RunResult['targets'] = [];
  for (const store of stores) {
    const conn = resolveConnection(store, req.urls[store]);
    if (!req.allowRemote && !isLoopbackHost(conn.host)) {
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
  const scenario = req.scenario;
  const options = resolveOptions(scenario, req.options);
  const stages = resolveStages(req, scenario, options);
  const thresholds = (req.thresholds ?? scenario.defaultThresholds(options)).map(parseThreshold);
  const operations = scenario.operations(options);
  for (const t of thresholds) {
    if (t.operation !== '*' && !operations.some((o) => o.name === t.operation)) {
      throw new UsageError(`Threshold "${t.expression}" names operation "${t.operation}", which ${scenario.id} does not have.`, {
        hint: `Operations: ${operations.map((o) => o.name).join(', ')} (or * for all).`,
      });
    }
  }
  const stores = scenario.stores(options);
  const notes: string[] = [];
  const { connections, targets } = await connectTargets(req, stores);
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

  const warmupS = req.warmupS ?? scenario.defaultWarmupS(options);
  const durationS = req.loop === 'closed' ? (req.durationS ?? totalDurationS(stages)) : undefined;
  req.onRunStart?.({ totalS: durationS ?? totalDurationS(stages), stages, loop: req.loop });
  let outcome: LoadOutcome;
  try {
    outcome = await runLoad(
      { moduleUrl: scenario.workloadModule, args: { options, connections, stages, seed: req.seed } },
      {
        loop: req.loop,
        stages,
        arrival: req.arrival,
        warmupS,
        workers: req.workers,
        maxInFlight: req.maxInFlight,
        concurrency: req.concurrency,
        durationS,
        graceS: 2,
        opTimeoutS: req.opTimeoutS,
        seed: req.seed,
      },
      { operations: operations.map((o) => o.name), paths: operations.map((o) => o.path), onProgress: req.onProgress, signal: req.signal },
    );
  } catch (err) {
    throw wrapPhase('run', err);
  }
  const after = await footprints(connections, notes, 'after the run');

  let derived: RunResult['footprint']['derived'] = [];
  let claims: RunResult['claims'] = [];
  let checks: ThresholdResult[] = [];
  try {
    const v = await scenario.verify(options, ctx, { outcome, footprint: { baseline, before, after } });
    derived = v.derived;
    claims = v.claims;
    checks = v.checks;
    notes.push(...v.notes);
  } catch (err) {
    notes.push(`verification could not run: ${describeError(err)}`);
  }
  if (targets.some((t) => t.standInFor)) {
    for (const t of targets.filter((x) => x.standInFor)) notes.push(`${t.store} is ${t.product}, a stand-in for ${t.standInFor}: its figures are not ${t.standInFor}'s`);
  }
  if (req.loop === 'closed') notes.push('closed loop: latency equals service time, and a slow target lowers the offered rate (coordinated omission); use open loop for latency under a given arrival rate');

  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'capbench', version: CAPBENCH_VERSION },
    runId: randomUUID(),
    scenario: { id: scenario.id, description: scenario.description, paths: [...new Set(operations.map((o) => o.path))], options },
    status: outcome.aborted ? 'aborted' : 'completed',
    ...(outcome.abortReason ? { abortReason: outcome.abortReason } : {}),
    startedAt: outcome.startedAt,
    endedAt: outcome.endedAt,
    loop: req.loop,
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
    notes,
  };
}

function wrapPhase(phase: string, err: unknown): CapbenchError {
  if (err instanceof CapbenchError) return err;
  return new CapbenchError(`The ${phase} phase failed: ${describeError(err)}.`, { cause: err, hint: 'See the target\'s log; `capbench services status` shows where it is.' });
}
