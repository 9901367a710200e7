/**
 * Runs one scenario end to end: resolve and probe its targets, load phase (reset, seed),
 * footprints, the run phase through the engine, verification, thresholds — and returns a
 * complete RunResult even when the run was aborted midway (partial results are kept).
 */
import { randomUUID } from 'node:crypto';
import { CapbenchError, UsageError, describeError, redactUrl } from '../core/errors.js';
import { SCHEMA_VERSION, type FaultResult, type RunResult, type Stage, type ScenarioSection, type ThresholdResult } from '../core/results.js';
import type { Connection, Footprint, StoreName } from '../core/target.js';
import { runLoad, type LoadProgress, type LoadOutcome } from '../engine/run.js';
import { machineInfo } from '../engine/machine.js';
import { evaluateThresholds } from '../engine/thresholds.js';
import { totalDurationS } from '../engine/schedule.js';
import { getTarget } from '../targets/registry.js';
import { redisDriverLabel, redisDriverOf } from '../targets/redis/driver.js';
import { isLoopbackHost } from '../targets/local/net.js';
import type { RunSettings } from './settings.js';
import type { ScenarioContext } from './types.js';
import { analyseFaults, lossChecks, persistenceNotes, prepareFaults, recoveryChecks, startFaultTimeline, type FaultTimeline } from './faults.js';
import type { HttpVia } from '../service/client.js';

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
  /** Called once the targets answered and the faults are prepared, before any work (e.g. create the output directory). */
  onReady?: () => Promise<void>;
  /** `--via http`: the workload drives the reference service at this URL (service/client.ts). */
  via?: HttpVia;
  /**
   * Another load generator for the run phase (`--engine k6`, k6/engine.ts): called instead of
   * the engine's runLoad, after the load phase; resolves with the same measured shape.
   */
  runPhase?: () => Promise<LoadOutcome>;
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
    targets.push({ store, product: info.product, version: info.version, address: info.address, ...(info.standInFor ? { standInFor: info.standInFor } : {}), ...(store === 'redis' ? { client: redisDriverLabel(redisDriverOf(conn)) } : {}) });
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
  // Faults: how each will act, refused in one line before any work when its target cannot take it.
  const prepared = s.faults.length ? await prepareFaults(s.faults, connections) : undefined;
  // The scenario's own preparation of a store (e.g. Redis's persistence mode), undone after verify.
  let undoPreflight: (() => Promise<void>) | undefined;
  const undo = async () => {
    const u = undoPreflight;
    undoPreflight = undefined;
    if (u) await u().catch((err) => notes.push(`could not restore what ${scenario.id} changed before the run: ${describeError(err)}`));
  };
  let persistence = new Map<string, string>();
  let timeline: FaultTimeline | undefined;
  try {
    if (scenario.preflight) {
      const pre = await scenario.preflight(options, ctx);
      notes.push(...pre.notes);
      undoPreflight = pre.undo;
    }
    if (prepared) persistence = await persistenceNotes(s.faults, connections);
    await req.onReady?.();
  } catch (err) {
    await prepared?.close();
    await undo();
    throw err;
  }
  const errorsBySec = new Map<number, Record<string, number>>();

  req.log(`load phase: ${scenario.id} (${operations.map((o) => o.path).filter((p, i, a) => a.indexOf(p) === i).join(', ')})`);
  let interrupted: string | undefined;
  try {
    if ((await untilAborted(scenario.reset(options, ctx), req.signal)) === ABORTED) interrupted = 'reset';
  } catch (err) {
    await prepared?.close();
    await undo();
    throw wrapPhase('reset', err);
  }
  const baseline = interrupted ? [] : await footprints(connections, notes, 'after reset');
  try {
    if (!interrupted && (await untilAborted(scenario.seed(options, ctx), req.signal)) === ABORTED) interrupted = 'seed';
  } catch (err) {
    await prepared?.close();
    await undo();
    throw wrapPhase('seed', err);
  }
  const before = interrupted ? [] : await footprints(connections, notes, 'before the run');

  req.onRunStart?.({ totalS: s.durationS ?? totalDurationS(stages), stages, loop: s.loop });
  let outcome: LoadOutcome;
  try {
    outcome = interrupted
      ? notRun(s, String(req.signal?.reason ?? 'interrupted'), interrupted)
      : req.runPhase
        ? await req.runPhase()
        : await runLoad(
      { moduleUrl: scenario.workloadModule, args: { options, connections: prepared?.connections ?? connections, stages, seed: s.seed, ...(req.via ? { via: req.via } : {}) } },
      {
        loop: s.loop,
        stages,
        arrival: s.arrival,
        warmupS: s.warmupS,
        workers: s.workers,
        maxInFlight: s.maxInFlight,
        pacing: s.pacing,
        concurrency: s.concurrency,
        durationS: s.durationS,
        graceS: 2,
        opTimeoutS: s.opTimeoutS,
        seed: s.seed,
      },
      {
        expect: operations,
        onProgress: req.onProgress,
        signal: req.signal,
        ...(prepared
          ? {
              onStart: (epochMs: number) => {
                timeline = startFaultTimeline(prepared, epochMs, req.log);
                // Ctrl-C lifts a pause or a delay at once, so that in-flight operations end within seconds.
                req.signal?.addEventListener('abort', () => void timeline?.liftNow(), { once: true });
              },
              onErrors: (sec: number, errors: Record<string, number>) => {
                const into = errorsBySec.get(sec) ?? {};
                for (const [k, v] of Object.entries(errors)) into[k] = (into[k] ?? 0) + v;
                errorsBySec.set(sec, into);
              },
            }
          : {}),
      },
    );
  } catch (err) {
    if (timeline) await timeline.finish();
    else await prepared?.close();
    await undo();
    throw wrapPhase('run', err);
  }
  // Lift what is still on and start a store a fault left down, so that verify can count what it kept.
  const faultRecords = timeline ? await timeline.finish() : [];
  await prepared?.close();
  const after = interrupted ? [] : await footprints(connections, notes, 'after the run');

  let derived: RunResult['footprint']['derived'] = [];
  let claims: RunResult['claims'] = [];
  let checks: ThresholdResult[] = [];
  let sections: ScenarioSection[] = [];
  try {
    if (interrupted) throw new Error(`the run was interrupted during the ${interrupted} phase`);
    // After an interrupt in the run phase, verification still gets a few seconds to count what the stores kept.
    const verified = await untilAborted(scenario.verify(options, ctx, { outcome, footprint: { baseline, before, after } }), req.signal, VERIFY_GRACE_MS);
    if (verified === ABORTED) throw new Error(`interrupted while verifying (or verification took longer than ${VERIFY_GRACE_MS / 1000} s after the interrupt)`);
    const v = verified;
    derived = v.derived;
    claims = v.claims;
    checks = v.checks;
    sections = v.sections ?? [];
    notes.push(...v.notes);
  } catch (err) {
    notes.push(`verification could not run: ${describeError(err)}`);
  }
  await undo();
  if (targets.some((t) => t.standInFor)) {
    for (const t of targets.filter((x) => x.standInFor)) notes.push(`${t.store} is ${t.product}, a stand-in for ${t.standInFor}: its figures are not ${t.standInFor}'s`);
  }
  let faults: FaultResult[] | undefined;
  if (prepared) {
    faults = analyseFaults(faultRecords, outcome.series, errorsBySec, lossChecks(checks));
    for (const f of faults) {
      const p = persistence.get(f.spec);
      if (p) f.notes.push(p);
    }
    checks = [...checks, ...recoveryChecks(faults)];
  }
  // Every time chart marks the faults: the scenario's own line charts over time since the run began too.
  if (faults && faults.length) {
    const marks = faults.map((f) => ({ x: f.actions.find((a) => a.ok)?.atS ?? f.atS, label: f.spec }));
    for (const sec of sections) for (const c of sec.charts) if (c.kind === 'line' && /time|since|\(s\)/i.test(c.xLabel)) c.markers = [...(c.markers ?? []), ...marks];
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
    thresholds: [...(interrupted ? [] : evaluateThresholds(thresholds, outcome.operations)), ...checks],
    claims,
    ...(faults ? { faults } : {}),
    ...(sections.length > 0 ? { sections } : {}),
    notes,
  };
}

const ABORTED = Symbol('aborted');
/** How long verification may run once the run was interrupted, ms. */
const VERIFY_GRACE_MS = 5000;

/**
 * `p`, or ABORTED as soon as `signal` aborts (when it already has: at once, or after `graceMs` when given): Ctrl-C or SIGTERM
 * in the load phase or in verification ends the command within seconds (issue 13); the
 * abandoned work is left to finish or fail on its own while the partial results are written.
 */
async function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined, graceMs?: number): Promise<T | typeof ABORTED> {
  if (!signal) return p;
  if (signal.aborted) {
    p.catch(() => undefined);
    if (graceMs === undefined) return ABORTED;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof ABORTED>((resolve) => (timer = setTimeout(() => resolve(ABORTED), graceMs)));
    try {
      return await Promise.race([p, late]);
    } finally {
      clearTimeout(timer);
    }
  }
  let onAbort!: () => void;
  const aborted = new Promise<typeof ABORTED>((resolve) => (onAbort = () => resolve(ABORTED)));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.race([p, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
    p.catch(() => undefined);
  }
}

/** The outcome of a run phase that never started (interrupted in the load phase): nothing measured, status aborted. */
function notRun(s: RunSettings, reason: string, phase: string): LoadOutcome {
  const now = new Date().toISOString();
  const none = { count: 0, min: null, mean: null, p50: null, p90: null, p99: null, p999: null, max: null };
  return {
    operations: [],
    series: [],
    rate: { targetOpsPerSec: null, achievedOpsPerSec: 0, notStarted: 0, flagged: true, reasons: [`the run was aborted during the ${phase} phase, before any operation: ${reason}`] },
    harness: { eventLoopLagMs: none, cpuPct: { mean: 0, max: 0 }, bottleneck: false, notes: [] },
    schedule: { arrival: s.arrival, stages: s.stages, warmupS: s.warmupS, ...(s.concurrency !== undefined ? { concurrency: s.concurrency } : {}), workers: s.workers, maxInFlight: s.maxInFlight },
    startedAt: now,
    endedAt: now,
    aborted: true,
    abortReason: `${reason} during the ${phase} phase`,
  };
}

function wrapPhase(phase: string, err: unknown): CapbenchError {
  if (err instanceof CapbenchError) return err;
  return new CapbenchError(`The ${phase} phase failed: ${describeError(err)}.`, { cause: err, hint: 'See the target\'s log; `capbench services status` shows where it is.' });
}
