/**
 * Capacity search: the highest constant arrival rate a target sustains under a pass rule
 * (an operation's p99 under a limit, the run not flagged, no errors). A doubling ramp until
 * a step fails, then bisection between the last pass and the first fail (or halving down
 * when the first step fails), with one retry of a failing step that something else
 * disturbed.
 *
 * Generic: it knows nothing about a store, a path or a scenario. How a step runs is
 * injected (StepDriver), so the benches in bench/ and the future `capbench capacity`
 * command share the loop, and test/engine/capacity.test.ts checks it without a server.
 *
 * Every rate is in operations per second; every latency in ms.
 */
import { fmtMs } from '../core/format.js';
import type { LoadOutcome } from './run.js';

/** Bounds of one search. Rates in ops/s. */
export interface SearchBounds {
  /** First rate of the ramp, ops/s (e.g. 10_000). */
  startRate: number;
  /** Highest rate ever tried, ops/s (e.g. 400_000): the ramp stops there even if it passes. */
  maxRate: number;
  /** When even the start fails, the search halves downwards but never below this, ops/s. */
  minRate: number;
  /** Bisection stops when (firstFail − lastPass) ≤ resolution × lastPass (0.05 = 5%). */
  resolution: number;
}

/** What the search knows so far. Rates in ops/s; null = no such step yet. */
export interface SearchState {
  /** Highest rate that passed. */
  lastPass: number | null;
  /** Lowest rate that failed. */
  firstFail: number | null;
}

/** The state before any step. */
export function initialSearchState(): SearchState {
  return { lastPass: null, firstFail: null };
}

/**
 * Round a rate to three significant digits (123_456 → 123_000, 47_500 → 47_500), so steps
 * print as readable numbers; at least 1 ops/s.
 */
export function roundRate(rate: number): number {
  if (!(rate > 1)) return 1;
  return Number(rate.toPrecision(3));
}

/**
 * The state after a step at `rate` ops/s passed or failed. A pass raises lastPass, a fail
 * lowers firstFail; a result that contradicts an earlier one (a pass above the first fail,
 * which bisection never asks for) is still recorded as measured.
 */
export function recordStep(state: SearchState, rate: number, passed: boolean): SearchState {
  if (passed) return { ...state, lastPass: state.lastPass === null ? rate : Math.max(state.lastPass, rate) };
  return { ...state, firstFail: state.firstFail === null ? rate : Math.min(state.firstFail, rate) };
}

/** Which part of the search a step belongs to (for tables and records). */
export type SearchPhase = 'ramp' | 'bisect' | 'down';

/** The phase the next step of `state` is in. */
export function phaseOf(state: SearchState): SearchPhase {
  if (state.firstFail === null) return 'ramp';
  return state.lastPass === null ? 'down' : 'bisect';
}

/**
 * The next rate to try, ops/s, or null when the search is over:
 * - nothing tried yet: `start` (default bounds.startRate);
 * - only passes: double the last pass, capped at maxRate (over once maxRate passed);
 * - only fails: halve the first fail (over below minRate: nothing passes);
 * - both: the midpoint, until the gap is within `resolution` of the last pass.
 * @param start the ramp's first rate when it is not bounds.startRate (see rampStartAfter()).
 */
export function nextRate(bounds: SearchBounds, state: SearchState, start = bounds.startRate): number | null {
  const { lastPass, firstFail } = state;
  if (lastPass === null && firstFail === null) return Math.min(bounds.maxRate, roundRate(start));
  if (firstFail === null) {
    const pass = lastPass as number;
    if (pass >= bounds.maxRate) return null;
    return Math.min(bounds.maxRate, roundRate(pass * 2));
  }
  if (lastPass === null) {
    const down = roundRate(firstFail / 2);
    return down < bounds.minRate ? null : down;
  }
  if (firstFail <= lastPass) return null; // contradictory results: nothing left to bisect
  if (firstFail - lastPass <= bounds.resolution * lastPass) return null;
  const mid = roundRate((lastPass + firstFail) / 2);
  return mid <= lastPass || mid >= firstFail ? null : mid;
}

/**
 * Where a later configuration (e.g. more worker threads) starts its ramp, ops/s: the highest
 * ramp rate (startRate × 2^k) at or below half of the best rate found so far, so that it
 * skips the steps that surely pass but still starts one doubling below the earlier result.
 * Never below startRate; startRate when nothing passed yet (bestSoFar null).
 */
export function rampStartAfter(bounds: SearchBounds, bestSoFar: number | null): number {
  if (bestSoFar === null) return bounds.startRate;
  let r = bounds.startRate;
  while (r * 2 <= bestSoFar / 2 && r * 2 <= bounds.maxRate) r *= 2;
  return r;
}

/** Pass criteria of one step. */
export interface StepCriteria {
  /** Highest acceptable p99 of the judged operation's latency (from intended start), ms. */
  maxP99Ms: number;
  /** Require the engine not to have flagged the run (achieved ≥ 95% of target, every op started, no timeouts, …). */
  requireUnflagged: boolean;
  /** Highest acceptable share of operations that errored, 0..1 (0 = none may fail). */
  maxErrorRate: number;
}

/** The measured figures judgeStep() reads. */
export interface StepMeasure {
  /** p99 latency from intended start, ms; null when the sample was too small to carry it. */
  p99Ms: number | null;
  flagged: boolean;
  /** The engine's reasons for flagging, as given. */
  flagReasons: readonly string[];
  /** Measured operations and how many of them errored (any kind, timeouts included). */
  count: number;
  errors: number;
}

/**
 * Whether a step passed, and why not (each failed criterion as a short phrase, e.g.
 * "p99 7.2 ms ≥ 5 ms"). The p99 must be strictly below the limit.
 */
export function judgeStep(m: StepMeasure, c: StepCriteria): { passed: boolean; why: string[] } {
  const why: string[] = [];
  if (m.count === 0) why.push('no operation completed');
  if (m.p99Ms === null) why.push('too few samples for a p99');
  else if (!(m.p99Ms < c.maxP99Ms)) why.push(`p99 ${fmtMs(m.p99Ms)} ≥ ${fmtMs(c.maxP99Ms)}`);
  const errorRate = m.count > 0 ? m.errors / m.count : 0;
  if (m.errors > 0 && errorRate > c.maxErrorRate) why.push(`${m.errors} errors (${(errorRate * 100).toPrecision(2)}%)`);
  if (c.requireUnflagged && m.flagged) why.push(`flagged: ${m.flagReasons.join('; ') || 'by the engine'}`);
  return { passed: why.length === 0, why };
}

/** What one constant-rate step measured of the judged operation. Rates ops/s, latencies ms. */
export interface StepMeasurement {
  /** True when a retry of the same rate replaced this step's verdict. */
  superseded: boolean;
  /** Requested constant arrival rate, ops/s. */
  targetOpsPerSec: number;
  achievedOpsPerSec: number;
  /** Latency from intended start (coordinated-omission corrected), ms. */
  latencyMs: { p50: number | null; p99: number | null; p999: number | null; max: number | null };
  /** Send to response, ms: the store's (and driver's) own time per operation. */
  serviceTimeMs: { p50: number | null; p99: number | null };
  /** How late operations were sent against their intended start, p99, ms. */
  scheduleLagP99Ms: number | null;
  count: number;
  errors: number;
  errorsByKind: Record<string, number>;
  flagged: boolean;
  flagReasons: string[];
  passed: boolean;
  /** Failed criteria, e.g. "p99 7.2 ms ≥ 5 ms"; an aborted step fails with the reason. */
  failReasons: string[];
}

/**
 * Measure one step from the engine's outcome: operation `operation`'s figures and the
 * verdict of the pass rule (judgeStep). An aborted step fails, whatever it measured.
 * @param rate the step's target arrival rate, ops/s.
 * @returns the measurement, and how many `operation`s the target acknowledged (warmup
 *   included), for a nothing-lost check.
 */
export function measureStep(outcome: LoadOutcome, operation: string, rate: number, criteria: StepCriteria): { step: StepMeasurement; acknowledged: number } {
  const op = outcome.operations.find((o) => o.name === operation);
  const errors = op ? Object.values(op.errors).reduce((a, b) => a + b, 0) : 0;
  const judged = judgeStep({ p99Ms: op?.latencyMs.p99 ?? null, flagged: outcome.rate.flagged, flagReasons: outcome.rate.reasons, count: op?.count ?? 0, errors }, criteria);
  return {
    acknowledged: (op?.okCount ?? 0) + (op?.warmupOkCount ?? 0),
    step: {
      superseded: false,
      targetOpsPerSec: rate,
      achievedOpsPerSec: outcome.rate.achievedOpsPerSec,
      latencyMs: { p50: op?.latencyMs.p50 ?? null, p99: op?.latencyMs.p99 ?? null, p999: op?.latencyMs.p999 ?? null, max: op?.latencyMs.max ?? null },
      serviceTimeMs: { p50: op?.serviceTimeMs.p50 ?? null, p99: op?.serviceTimeMs.p99 ?? null },
      scheduleLagP99Ms: op?.scheduleLagMs.p99 ?? null,
      count: op?.count ?? 0,
      errors,
      errorsByKind: op?.errors ?? {},
      flagged: outcome.rate.flagged,
      flagReasons: outcome.rate.reasons,
      passed: judged.passed && !outcome.aborted,
      failReasons: outcome.aborted ? [`aborted: ${outcome.abortReason ?? 'interrupted'}`, ...judged.why] : judged.why,
    },
  };
}

/**
 * How driveSearch() runs and judges steps: the I/O side of a search, injected so that the
 * loop itself (ramp, bisection, one retry of a disturbed failing step) is shared and
 * testable without a server. `S` is the caller's own step record.
 */
export interface StepDriver<S> {
  /** Run one step at `rate` ops/s (constant arrivals) and measure it; phase is for the record. */
  run(rate: number, phase: SearchPhase | 'retry'): Promise<S>;
  /** Whether the step passed (the caller applies judgeStep() and its own extras). */
  passed(step: S): boolean;
  /**
   * Whether a failing step is run once more at the same rate, the second run deciding
   * (e.g. other processes used ≥ 25% of a core during it); default never.
   */
  retry?(step: S): boolean;
  /** Called on a failing step just before its retry replaces its verdict. */
  supersede?(step: S): void;
  /** True once the search must stop (interrupted); the step in progress is kept. */
  stopped?(): boolean;
  /** Wait between steps so that the target and the client settle. */
  pause?(): Promise<void>;
}

/** What driveSearch() found. Rates in ops/s. */
export interface DrivenSearch<S> {
  /** Every step run, retries and superseded ones included, in order. */
  steps: S[];
  /** Final state: highest pass and lowest fail. */
  state: SearchState;
  /** Highest rate that passed, ops/s; null when none did. */
  best: number | null;
}

/**
 * Search the highest passing rate: nextRate() from `start` ops/s (doubling ramp, then
 * bisection, or halving down when the start fails), at most `maxSteps` rates (a retry does
 * not count as one), one retry per failing step when driver.retry() says so. Stops early
 * when driver.stopped() turns true; a step interrupted that way does not change the state.
 * Rejects with whatever driver.run() rejects with.
 */
export async function driveSearch<S>(bounds: SearchBounds, start: number, maxSteps: number, driver: StepDriver<S>): Promise<DrivenSearch<S>> {
  const stopped = () => driver.stopped?.() === true;
  let state = initialSearchState();
  const steps: S[] = [];
  for (let i = 0; i < maxSteps && !stopped(); i++) {
    const rate = nextRate(bounds, state, start);
    if (rate === null) break;
    let step = await driver.run(rate, phaseOf(state));
    steps.push(step);
    if (stopped()) break;
    if (!driver.passed(step) && driver.retry?.(step) === true) {
      await driver.pause?.();
      driver.supersede?.(step);
      step = await driver.run(rate, 'retry');
      steps.push(step);
      if (stopped()) break;
    }
    state = recordStep(state, rate, driver.passed(step));
    await driver.pause?.();
  }
  return { steps, state, best: state.lastPass };
}
