/**
 * The pure logic of bench/max-like-rate.ts: which constant arrival rate to try next
 * (a doubling ramp until a step fails, then bisection between the last pass and the first
 * fail), whether a step passed, and where a later worker configuration starts its ramp.
 * No I/O here, so that test/bench/max-like-rate.test.ts can check it without a server.
 *
 * Every rate is in operations (likes) per second.
 */

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

/** Which part of the search a step belongs to (for the table). */
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
 * Where a later worker configuration starts its ramp, ops/s: the highest ramp rate
 * (startRate × 2^k) at or below half of the best rate found so far, so that it skips the
 * steps that surely pass but still starts one doubling below the earlier result. Never
 * below startRate; startRate when nothing passed yet (bestSoFar null).
 */
export function rampStartAfter(bounds: SearchBounds, bestSoFar: number | null): number {
  if (bestSoFar === null) return bounds.startRate;
  let r = bounds.startRate;
  while (r * 2 <= bestSoFar / 2 && r * 2 <= bounds.maxRate) r *= 2;
  return r;
}

/** Pass criteria of one step. */
export interface StepCriteria {
  /** Highest acceptable p99 of the like latency (from intended start), ms. */
  maxP99Ms: number;
  /** Require the engine not to have flagged the run (achieved ≥ 95% of target, every op started, no timeouts, …). */
  requireUnflagged: boolean;
  /** Highest acceptable share of operations that errored, 0..1 (0 = none may fail). */
  maxErrorRate: number;
}

/** The measured figures judgeStep() reads. */
export interface StepMeasure {
  /** p99 like latency from intended start, ms; null when the sample was too small to carry it. */
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
 * "p99 7.2 ms > 5 ms").
 */
export function judgeStep(m: StepMeasure, c: StepCriteria): { passed: boolean; why: string[] } {
  const why: string[] = [];
  if (m.count === 0) why.push('no operation completed');
  if (m.p99Ms === null) why.push('too few samples for a p99');
  else if (!(m.p99Ms < c.maxP99Ms)) why.push(`p99 ${fmtMs(m.p99Ms)} ms ≥ ${c.maxP99Ms} ms`);
  const errorRate = m.count > 0 ? m.errors / m.count : 0;
  if (m.errors > 0 && errorRate > c.maxErrorRate) why.push(`${m.errors} errors (${(errorRate * 100).toPrecision(2)}%)`);
  if (c.requireUnflagged && m.flagged) why.push(`flagged: ${m.flagReasons.join('; ') || 'by the engine'}`);
  return { passed: why.length === 0, why };
}

/** A latency in ms with 2 significant decimals below 10 ms (0.42, 3.1, 12). */
export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 100) return Math.round(ms).toString();
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

/** A rate in ops/s as an integer with thousands separators (123,456). */
export function fmtRate(opsPerSec: number | null | undefined): string {
  if (opsPerSec === null || opsPerSec === undefined || !Number.isFinite(opsPerSec)) return '—';
  return Math.round(opsPerSec).toLocaleString('en-US');
}

/**
 * How driveSearch() runs and judges steps: the I/O side of a search, injected so that the
 * loop itself (ramp, bisection, one retry of a disturbed failing step) is shared by every
 * bench and testable without a server. `S` is the bench's own step record.
 */
export interface StepDriver<S> {
  /** Run one step at `rate` ops/s (constant arrivals) and measure it; phase is for the record. */
  run(rate: number, phase: SearchPhase | 'retry'): Promise<S>;
  /** Whether the step passed (the bench applies judgeStep() and its own extras). */
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
