/**
 * The capacity search of a whole scenario (`capbench capacity`, DESIGN.md "Commands"): the
 * highest constant arrival rate its workload sustains under the SLOs. Resolves nothing itself
 * (the caller hands validated RunSettings and search settings); it probes the targets, runs the
 * scenario's load phase once (preflight, reset, seed), loads the target at the first rate for
 * search.prewarmS seconds, not judged (a cold process's warm-up), then steps: each an ordinary open-loop
 * run of the scenario's workload at one constant rate through the engine (runLoad), warmup kept
 * apart, judged by every SLO, by the engine's flag and by errors (engine/slo.ts), searched by
 * engine/capacity.ts (doubling ramp, bisection to the resolution, halving down when the start
 * fails), a failing step retried once when other processes used ≥ retryOthersPct % of a core
 * during it. Then the scenario's verify() over every step and the warm-up together (its correctness checks:
 * likes lost, unaccounted follow edges, ...), unless the search was interrupted.
 *
 * Works for any registered scenario, scenario file or workload file: nothing here knows a store
 * or a path. Rates in ops/s, latencies in ms, CPU in % of one core (machine: % of all cores).
 */
import { randomUUID } from 'node:crypto';
import { CAPACITY_SCHEMA_VERSION, type CapacityResult, type CapacitySearchSettings, type CapacityStep, type Slo } from '../../core/capacity.js';
import { CapbenchError, describeError } from '../../core/errors.js';
import { fmtInt, fmtMs, round1 } from '../../core/format.js';
import type { OperationResult, SeriesPoint } from '../../core/results.js';
import type { StoreName } from '../../core/target.js';
import { driveSearch, type SearchPhase } from '../../engine/capacity.js';
import { mergeEncoded, newHistogram, percentilesMs } from '../../engine/histogram.js';
import { CpuSampler, machineInfo } from '../../engine/machine.js';
import { runLoad, type LoadOutcome, type LoadPlan, type LoadProgress } from '../../engine/run.js';
import { serversCpuS } from '../../engine/server-cpu.js';
import { judgeSlos, opFigures, percentileLabel } from '../../engine/slo.js';
import { CAPBENCH_VERSION, connectTargets } from '../run.js';
import type { RunSettings } from '../settings.js';
import type { ScenarioContext } from '../types.js';

/** What runCapacity() needs: validated settings and the caller's callbacks. */
export interface CapacityRequest {
  /** The run settings as `capbench run` resolves them (scenarios/settings.ts); stages are replaced by each step's. */
  settings: RunSettings;
  /** At least one; each names an operation of the scenario or "*" (checked by the caller: engine/slo.ts checkSloOperations). */
  slos: Slo[];
  sloSource: CapacityResult['sloSource'];
  search: CapacitySearchSettings;
  /** Where the ramp starts when not search.startRate (e.g. engine/capacity.ts rampStartAfter()), ops/s. */
  rampStart?: number;
  /** The command line, for the report. */
  command?: string;
  /** Progress lines (stderr). */
  log(line: string): void;
  /** Once the targets answered and before any work (e.g. create the output directory). */
  onReady?: () => Promise<void>;
  /** A step is about to run. */
  onStepStart?: (info: { index: number; rate: number; phase: CapacityStep['phase']; stepS: number }) => void;
  /** The engine's progress while a step runs, once a second. */
  onProgress?: (p: LoadProgress) => void;
  /** A step finished (passed or failed), before the next one. */
  onStep?: (step: CapacityStep) => void;
  /** Ctrl-C / SIGTERM: the step in progress stops within seconds, the search ends, what was measured is returned (status aborted). */
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** `p`, or 'aborted' as soon as `signal` aborts (the abandoned work is left to end on its own). */
async function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T | 'aborted'> {
  if (!signal) return p;
  p.catch(() => undefined);
  if (signal.aborted) return 'aborted';
  let onAbort!: () => void;
  const aborted = new Promise<'aborted'>((resolve) => (onAbort = () => resolve('aborted')));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.race([p, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** The port of a connection URL, for matching a Redis server process to it. */
function portOf(url: string | undefined): number | undefined {
  if (!url) return undefined;
  try {
    const p = Number(new URL(url).port);
    return Number.isInteger(p) && p > 0 ? p : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Run the search.
 * @returns the capacity results (valid against core/capacity.ts CapacityResultSchema), status
 *   "aborted" when interrupted; kneeOpsPerSec null when no rate passed.
 * @throws UsageError / TargetUnreachableError before any work (a target refused or down);
 *   CapbenchError when the load phase fails; whatever a step's runLoad throws (a thread could
 *   not create its workload).
 */
export async function runCapacity(req: CapacityRequest): Promise<CapacityResult> {
  const s = req.settings;
  const q = req.search;
  const { scenario, options, operations } = s;
  const startedAt = new Date().toISOString();
  const notes: string[] = [];
  const { connections, targets } = await connectTargets(s);
  const ctx: ScenarioContext = { connections, log: req.log };
  const stores = Object.keys(connections) as StoreName[];
  const ports: Partial<Record<StoreName, number>> = { redis: portOf(connections.redis?.url) };

  let undo: (() => Promise<void>) | undefined;
  if (scenario.preflight) {
    const pre = await scenario.preflight(options, ctx);
    notes.push(...pre.notes);
    undo = pre.undo;
  }
  const runUndo = async () => {
    const u = undo;
    undo = undefined;
    if (u) await u().catch((err) => notes.push(`could not restore what ${scenario.id} changed before the search: ${describeError(err)}`));
  };

  const steps: CapacityStep[] = [];
  const outcomes: LoadOutcome[] = [];
  let interruptedIn: string | undefined;
  try {
    await req.onReady?.();
    req.log(`load phase: ${scenario.id} (${[...new Set(operations.map((o) => o.path))].join(', ')})`);
    for (const [phase, f] of [
      ['reset', () => scenario.reset(options, ctx)],
      ['seed', () => scenario.seed(options, ctx)],
    ] as const) {
      let r: unknown;
      try {
        r = await untilAborted(f(), req.signal);
      } catch (err) {
        if (err instanceof CapbenchError) throw err;
        throw new CapbenchError(`The ${phase} phase failed: ${describeError(err)}.`, { cause: err, hint: 'See the target\'s log; `capbench services status` shows where it is.' });
      }
      if (r === 'aborted') {
        interruptedIn = phase;
        break;
      }
    }

    const firstRate = req.rampStart ?? q.startRate;
    if (!interruptedIn && (q.prewarmS ?? 0) > 0) {
      const warm = await runPrewarm(req, firstRate, connections);
      outcomes.push(warm.outcome);
      notes.push(warm.note);
    }

    if (!interruptedIn && req.signal?.aborted !== true) {
      const bounds = { startRate: q.startRate, maxRate: q.maxRate, minRate: q.minRate, resolution: q.resolutionPct / 100 };
      await driveSearch<CapacityStep>(bounds, firstRate, q.maxSteps, {
        run: async (rate, phase) => {
          const step = await runStep(req, rate, phase, steps.length + 1, stores, ports, connections);
          outcomes.push(step.outcome);
          steps.push(step.step);
          req.onStep?.(step.step);
          return step.step;
        },
        passed: (step) => step.passed,
        retry: (step) => q.retryOthersPct !== null && step.cpu.othersPct !== null && step.cpu.othersPct >= q.retryOthersPct,
        supersede: (step) => {
          step.superseded = true;
        },
        stopped: () => req.signal?.aborted === true,
        pause: () => sleep(q.pauseS * 1000, req.signal),
      });
    }
  } catch (err) {
    await runUndo();
    throw err;
  }
  const aborted = req.signal?.aborted === true || interruptedIn !== undefined;

  // Verification over every step together: the load phase ran once, so the scenario's checks
  // (nothing lost, nothing unaccounted) hold across all steps or not at all.
  let verify: CapacityResult['verify'];
  if (aborted) verify = { ran: false, why: 'the search was interrupted, so what the stores hold was not checked', checks: [], notes: [] };
  else if (outcomes.length === 0) verify = { ran: false, why: 'no step ran', checks: [], notes: [] };
  else {
    try {
      const v = await scenario.verify(options, ctx, { outcome: mergeOutcomes(outcomes), footprint: { baseline: [], before: [], after: [] } });
      verify = {
        ran: true,
        checks: v.checks,
        notes: [
          `${scenario.id}'s verify ran over all ${steps.length} steps${outcomes.length > steps.length ? ' and the warm-up' : ''} together; only its checks are kept here (its figures, notes, claims and sections describe one run at one schedule: see \`capbench run\` for them)`,
        ],
      };
    } catch (err) {
      verify = { ran: false, why: `verification failed: ${describeError(err)}`, checks: [], notes: [] };
    }
  }
  await runUndo();

  for (const t of targets.filter((x) => x.standInFor)) notes.push(`${t.store} is ${t.product}, a stand-in for ${t.standInFor}: its figures are not ${t.standInFor}'s`);
  const live = steps.filter((x) => !x.superseded && !x.aborted);
  const passes = live.filter((x) => x.passed).map((x) => x.targetOpsPerSec);
  const fails = live.filter((x) => !x.passed).map((x) => x.targetOpsPerSec);
  const knee = passes.length ? Math.max(...passes) : null;
  const firstFail = fails.filter((f) => knee === null || f > knee).reduce<number | null>((a, f) => (a === null || f < a ? f : a), null);
  const endedBecause = aborted
    ? `interrupted${interruptedIn ? ` during the ${interruptedIn} phase` : ''}`
    : knee !== null && knee >= q.maxRate
      ? `the max rate (${fmtInt(q.maxRate)} ops/s) passed`
      : knee === null && fails.length > 0 && fails.every((f) => f / 2 < q.minRate || f <= q.minRate)
        ? `nothing passed down to the min rate (${fmtInt(q.minRate)} ops/s)`
        : steps.filter((x) => x.phase !== 'retry').length >= q.maxSteps && knee !== null && firstFail !== null && firstFail - knee > (q.resolutionPct / 100) * knee
          ? `max steps (${q.maxSteps}) reached before the resolution`
          : firstFail === null && knee !== null
            ? `max steps (${q.maxSteps}) reached on the ramp`
            : knee === null
              ? 'nothing passed'
              : `resolution reached (${q.resolutionPct}%)`;
  const result: CapacityResult = {
    kind: 'capacity',
    schemaVersion: CAPACITY_SCHEMA_VERSION,
    tool: { name: 'capbench', version: CAPBENCH_VERSION },
    runId: randomUUID(),
    ...(req.command ? { command: req.command } : {}),
    scenario: { id: scenario.id, description: scenario.description, paths: [...new Set(operations.map((o) => o.path))], options },
    status: aborted ? 'aborted' : 'completed',
    ...(aborted ? { abortReason: String(req.signal?.reason ?? 'interrupted') } : {}),
    startedAt,
    endedAt: new Date().toISOString(),
    slos: req.slos,
    sloSource: req.sloSource,
    search: q,
    steps,
    kneeOpsPerSec: knee,
    firstFailOpsPerSec: firstFail,
    endedBecause,
    verdict: '',
    verify,
    machine: machineInfo(),
    targets,
    notes,
  };
  result.verdict = capacityVerdict(result);
  return result;
}

/**
 * The scenario's workload at one constant rate, `rate` ops/s for `durationS` s (the first
 * `warmupS` kept apart), open loop, through the engine: what a step and the warm-up run.
 * @throws whatever runLoad throws (a thread could not create its workload).
 */
function runAtRate(req: CapacityRequest, rate: number, durationS: number, warmupS: number, connections: RunSettings['connections']): Promise<LoadOutcome> {
  const s = req.settings;
  const stages = [{ durationS, rate }];
  const plan: LoadPlan = { loop: 'open', stages, arrival: 'constant', warmupS, workers: s.workers, maxInFlight: s.maxInFlight, pacing: s.pacing, graceS: 1, opTimeoutS: s.opTimeoutS, seed: s.seed };
  return runLoad(
    { moduleUrl: s.scenario.workloadModule, args: { options: s.options, connections, stages, seed: s.seed } },
    plan,
    { expect: s.operations, signal: req.signal, ...(req.onProgress ? { onProgress: req.onProgress } : {}) },
  );
}

/**
 * The warm-up before the first step: the scenario's workload at `rate` ops/s for
 * search.prewarmS seconds, open loop, not judged (its operations still count for verify()).
 * @returns the outcome and a note for the results, e.g. "warm-up before the first step:
 *   5 s at 25,000 ops/s, not judged (achieved 24,990 ops/s, p99 12.4 ms)".
 * @throws whatever runLoad throws (a thread could not create its workload).
 */
async function runPrewarm(req: CapacityRequest, rate: number, connections: RunSettings['connections']): Promise<{ outcome: LoadOutcome; note: string }> {
  const durationS = req.search.prewarmS ?? 0;
  req.log(`warm-up: ${durationS} s at ${fmtInt(rate)} ops/s before the first step, not judged (a cold process's first seconds: JIT, connections, caches)`);
  const outcome = await runAtRate(req, rate, durationS, 0, connections);
  const p99s = outcome.operations.map((o) => o.latencyMs.p99).filter((x): x is number => x !== null);
  const worst = p99s.length ? Math.max(...p99s) : null;
  const note = `warm-up before the first step: ${durationS} s at ${fmtInt(rate)} ops/s, ${outcome.aborted ? 'interrupted' : 'not judged'} (achieved ${fmtInt(outcome.rate.achievedOpsPerSec)} ops/s${worst !== null ? `, p99 ${fmtMs(worst)}` : ''})`;
  req.log(note);
  return { outcome, note };
}

/** Run and judge one step at `rate` ops/s. */
async function runStep(
  req: CapacityRequest,
  rate: number,
  phase: SearchPhase | 'retry',
  index: number,
  stores: StoreName[],
  ports: Partial<Record<StoreName, number>>,
  connections: RunSettings['connections'],
): Promise<{ step: CapacityStep; outcome: LoadOutcome }> {
  const q = req.search;
  req.onStepStart?.({ index, rate, phase, stepS: q.stepS });
  const startedAt = new Date().toISOString();
  // CPU over the whole step, sampled outside it: with one worker the load runs on this thread.
  const server0 = await serversCpuS(stores, ports);
  const wall0 = performance.now();
  const sampler = new CpuSampler();
  const outcome = await runAtRate(req, rate, q.stepS, q.warmupS, connections);
  const cpu = sampler.sample();
  const server1 = await serversCpuS(stores, ports);
  const wallS = (performance.now() - wall0) / 1000;
  const serverPct = server0 !== null && server1 !== null && wallS > 0.2 ? round1(((server1 - server0) / wallS) * 100) : null;
  const clientPct = round1(cpu.processPct);
  const machinePct = round1(cpu.machinePct);
  const cpus = machineInfo().cpus;
  const othersPct = serverPct !== null && clientPct !== null && machinePct !== null ? round1(Math.max(0, machinePct * cpus - clientPct - serverPct)) : null;

  const judged = judgeSlos(outcome, req.slos, { requireUnflagged: q.requireUnflagged, maxErrorRate: q.maxErrorRate });
  const ops = outcome.operations.map(opFigures);
  const headOp = headline(ops, req.slos);
  const step: CapacityStep = {
    index,
    phase,
    targetOpsPerSec: rate,
    achievedOpsPerSec: outcome.rate.achievedOpsPerSec,
    startedAt,
    superseded: false,
    aborted: outcome.aborted,
    passed: judged.passed,
    failReasons: judged.why,
    flagged: outcome.rate.flagged,
    flagReasons: outcome.rate.reasons,
    count: ops.reduce((a, o) => a + o.count, 0),
    errors: ops.reduce((a, o) => a + o.errors, 0),
    headline: {
      operation: headOp?.name ?? req.slos[0]!.operation,
      p50Ms: headOp?.latencyMs.p50 ?? null,
      p99Ms: headOp?.latencyMs.p99 ?? null,
      serviceP99Ms: headOp?.serviceTimeMs.p99 ?? null,
      lagP99Ms: headOp?.scheduleLagP99Ms ?? null,
    },
    operations: ops,
    cpu: { clientPct, serverPct, machinePct, othersPct },
    harness: { bottleneck: outcome.harness.bottleneck, eventLoopDelayP99Ms: outcome.harness.eventLoopLagMs.p99, notes: outcome.harness.notes },
  };
  return { step, outcome };
}

/**
 * The operation a step table shows: the first SLO's; for "*", the operation furthest over (or
 * closest to) its limit in this step.
 */
function headline(ops: ReturnType<typeof opFigures>[], slos: readonly Slo[]): ReturnType<typeof opFigures> | undefined {
  const first = slos[0]!;
  if (first.operation !== '*') return ops.find((o) => o.name === first.operation);
  let best: ReturnType<typeof opFigures> | undefined;
  let worst = -Infinity;
  for (const o of ops) {
    const v = o.latencyMs[first.percentile];
    const ratio = v === null ? Infinity : v / first.limitMs;
    if (ratio > worst) (worst = ratio), (best = o);
  }
  return best;
}

/**
 * The steps' outcomes as one (for verify over the whole search): counts and errors summed per
 * operation, latency percentiles from the merged HDR histograms, the series laid end to end,
 * the stages in order, flagged when any step was.
 */
export function mergeOutcomes(outcomes: readonly LoadOutcome[]): LoadOutcome {
  const first = outcomes[0]!;
  const shift = (pts: readonly SeriesPoint[], by: number) => pts.map((p) => ({ ...p, t: p.t + by }));
  // Each step's series starts where the one before ended (s since the first step began).
  const byName = new Map<string, { op: OperationResult; offset: number }[]>();
  const series: SeriesPoint[] = [];
  let offset = 0;
  for (const o of outcomes) {
    for (const op of o.operations) byName.set(op.name, [...(byName.get(op.name) ?? []), { op, offset }]);
    series.push(...shift(o.series, offset));
    offset += o.schedule.stages.reduce((a, st) => a + st.durationS, 0);
  }
  const operations: OperationResult[] = [...byName.entries()].map(([name, entries]) => {
    const list = entries.map((e) => e.op);
    const h = newHistogram();
    for (const op of list) if (op.latencyHistogram) mergeEncoded(h, op.latencyHistogram);
    const latency = percentilesMs(h);
    h.destroy();
    const errors: Record<string, number> = {};
    for (const op of list) for (const [k, v] of Object.entries(op.errors)) errors[k] = (errors[k] ?? 0) + v;
    const sum = (f: (op: OperationResult) => number | undefined) => list.reduce((a, op) => a + (f(op) ?? 0), 0);
    const count = sum((op) => op.count);
    const measuredS = sum((op) => (op.achievedOpsPerSec > 0 ? op.count / op.achievedOpsPerSec : 0));
    const none = { count: 0, min: null, mean: null, p50: null, p90: null, p99: null, p999: null, max: null };
    return {
      name,
      path: list[0]!.path,
      count,
      okCount: sum((op) => op.okCount),
      errors,
      notFoundCount: sum((op) => op.notFoundCount),
      warmupCount: sum((op) => op.warmupCount),
      warmupOkCount: sum((op) => op.warmupOkCount),
      achievedOpsPerSec: measuredS > 0 ? round1(count / measuredS) ?? 0 : 0,
      latencyMs: latency,
      serviceTimeMs: none,
      scheduleLagMs: none,
      series: entries.flatMap((e) => shift(e.op.series, e.offset)),
    };
  });
  const measured = operations.reduce((a, o) => a + o.count, 0);
  const measuredS = outcomes.reduce((a, o) => a + Math.max(0, o.schedule.stages.reduce((x, st) => x + st.durationS, 0) - o.schedule.warmupS), 0);
  const targets = outcomes.map((o) => o.rate.targetOpsPerSec).filter((t): t is number => t !== null);
  return {
    operations,
    series,
    rate: {
      targetOpsPerSec: targets.length ? round1(targets.reduce((a, b) => a + b, 0) / targets.length) : null,
      achievedOpsPerSec: measuredS > 0 ? (round1(measured / measuredS) ?? 0) : 0,
      notStarted: outcomes.reduce((a, o) => a + o.rate.notStarted, 0),
      flagged: outcomes.some((o) => o.rate.flagged),
      reasons: [...new Set(outcomes.flatMap((o) => o.rate.reasons))],
    },
    harness: { ...first.harness, bottleneck: outcomes.some((o) => o.harness.bottleneck), notes: [] },
    schedule: { ...first.schedule, stages: outcomes.flatMap((o) => o.schedule.stages) },
    startedAt: first.startedAt,
    endedAt: outcomes.at(-1)!.endedAt,
    aborted: outcomes.some((o) => o.aborted),
  };
}

/**
 * One sentence: the knee and what bounds it, under which SLOs ("like:p99<5ms"), e.g. "12,500
 * ops/s sustained (like:p99<5ms, not flagged, no errors); 25,000 ops/s failed: like p99 9.1 ms ≥ 5 ms".
 */
export function capacityVerdict(r: Pick<CapacityResult, 'kneeOpsPerSec' | 'firstFailOpsPerSec' | 'steps' | 'slos' | 'search' | 'status' | 'endedBecause'>): string {
  const rule = `${r.slos.map((x) => x.expression).join(', ')}${r.search.requireUnflagged ? ', not flagged' : ''}${r.search.maxErrorRate === 0 ? ', no errors' : `, errors ≤ ${r.search.maxErrorRate * 100}%`}`;
  const fail = r.steps.find((x) => !x.superseded && !x.aborted && !x.passed && x.targetOpsPerSec === r.firstFailOpsPerSec);
  const failText = fail ? `; ${fmtInt(fail.targetOpsPerSec)} ops/s failed: ${fail.failReasons.join('; ')}` : '';
  if (r.kneeOpsPerSec === null) {
    return `No rate passed (${rule})${failText}${r.status === 'aborted' ? '; the search was interrupted' : ''}.`;
  }
  const knee = r.steps.find((x) => !x.superseded && x.passed && x.targetOpsPerSec === r.kneeOpsPerSec);
  const at = knee ? ` (${knee.headline.operation} ${percentileLabel('p99')} ${fmtMs(knee.headline.p99Ms)})` : '';
  const bound = r.firstFailOpsPerSec === null ? ` — a lower bound: ${r.endedBecause}` : '';
  return `${fmtInt(r.kneeOpsPerSec)} ops/s sustained${at} under ${rule}${bound}${failText}${r.status === 'aborted' ? ' (interrupted: a lower bound)' : ''}.`;
}
