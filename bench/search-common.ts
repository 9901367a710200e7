/**
 * What the rate-search benches (max-like-rate, like-paths) share: the flags of the search
 * itself and their validation, the measurement of one step from the engine's outcome, and
 * small output helpers. Each bench adds its own flags and CPU columns.
 */
import { parseArgs } from 'node:util';
import { UsageError, describeError } from '../core/errors.js';
import { parseDurationS } from '../core/units.js';
import type { LoadOutcome } from '../engine/run.js';
import { judgeStep, type SearchBounds, type StepCriteria } from './like-rate-search.js';

/** parseArgs option specs of the flags every search bench takes. */
export const SEARCH_FLAG_OPTIONS = {
  quick: { type: 'boolean' },
  'p99-ms': { type: 'string' },
  'allow-flagged': { type: 'boolean' },
  start: { type: 'string' },
  max: { type: 'string' },
  min: { type: 'string' },
  resolution: { type: 'string' },
  step: { type: 'string' },
  warmup: { type: 'string' },
  posts: { type: 'string' },
  out: { type: 'string' },
  'redis-url': { type: 'string' },
  db: { type: 'string' },
  'allow-remote': { type: 'boolean' },
  seed: { type: 'string' },
  'no-retry': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/**
 * Parse argv with the search flags plus a bench's own.
 * @returns parseArgs' values.
 * @throws UsageError for an unknown flag or a missing value, pointing at --help.
 */
export function parseBenchArgs(argv: readonly string[], own: FlagSpec): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: { ...SEARCH_FLAG_OPTIONS, ...own } }).values as Record<string, string | boolean | undefined>;
  } catch (err) {
    throw new UsageError(`${describeError(err).replace(/\.$/, '')}.`, { hint: 'See --help.' });
  }
}

/**
 * A numeric flag, or its default when absent.
 * @throws UsageError "Bad --<flag> …" when it is not a number (an integer unless `int` is false) ≥ min.
 */
export function numberFlag(flag: string, text: string | boolean | undefined, dflt: number, min: number, int = true): number {
  if (text === undefined || typeof text === 'boolean') return dflt;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || (int && !Number.isInteger(n))) {
    throw new UsageError(`Bad --${flag} "${text}": it must be ${int ? 'an integer' : 'a number'} ≥ ${min}.`);
  }
  return n;
}

/** A bench's defaults for the search flags, for a normal and a --quick run. */
export interface SearchDefaults {
  /** Step length including warmup, s. */
  stepS: [normal: number, quick: number];
  warmupS: [normal: number, quick: number];
  /** Lowest rate tried when the start fails, ops/s. */
  minRate: number;
  /** Bisection resolution, % of the last pass. */
  resolutionPct: [normal: number, quick: number];
  pauseS: [normal: number, quick: number];
  maxSteps: number;
  out: string;
  retryOthersPct: number;
}

/** The search settings both benches use. Rates ops/s, times s. */
export interface SearchSettings {
  quick: boolean;
  bounds: SearchBounds;
  criteria: StepCriteria;
  stepS: number;
  warmupS: number;
  pauseS: number;
  maxSteps: number;
  /** Rerun a failing step when other processes used at least this % of a core; null: never. */
  retryOthersPct: number | null;
  posts: number;
  out: string;
  redisUrl?: string;
  /** Redis database for the bench's keys; undefined: the URL's, else the bench's own. */
  db?: number;
  allowRemote: boolean;
  seed: number;
  /** Open-loop in-flight cap of every step. */
  maxInFlight: number;
}

/**
 * Validate the search flags.
 * @throws UsageError naming the bad flag (step not longer than warmup + 1 s, rates out of order, …).
 */
export function searchSettings(v: Record<string, string | boolean | undefined>, d: SearchDefaults): SearchSettings {
  const quick = v.quick === true;
  const q = quick ? 1 : 0;
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const stepS = str('step') ? parseDurationS(str('step')!, '--step') : d.stepS[q];
  const warmupS = str('warmup') ? parseDurationS(str('warmup')!, '--warmup', true) : d.warmupS[q];
  if (stepS - warmupS < 1) throw new UsageError(`--step (${stepS} s) must be at least 1 s longer than --warmup (${warmupS} s).`);
  const startRate = numberFlag('start', v.start, 10_000, 1);
  const maxRate = numberFlag('max', v.max, 400_000, 1);
  const minRate = numberFlag('min', v.min, d.minRate, 1);
  if (maxRate < startRate || minRate > startRate) throw new UsageError('Rates must satisfy --min ≤ --start ≤ --max.');
  return {
    quick,
    bounds: { startRate, maxRate, minRate, resolution: numberFlag('resolution', v.resolution, d.resolutionPct[q], 0.1, false) / 100 },
    criteria: { maxP99Ms: numberFlag('p99-ms', v['p99-ms'], 5, 0.001, false), requireUnflagged: v['allow-flagged'] !== true, maxErrorRate: 0 },
    stepS,
    warmupS,
    pauseS: d.pauseS[q],
    maxSteps: d.maxSteps,
    retryOthersPct: v['no-retry'] ? null : d.retryOthersPct,
    posts: numberFlag('posts', v.posts, 100_000, 1),
    out: str('out') ?? d.out,
    redisUrl: str('redis-url'),
    db: v.db === undefined ? undefined : numberFlag('db', v.db, 0, 0),
    allowRemote: v['allow-remote'] === true,
    seed: numberFlag('seed', v.seed, 1, -(2 ** 31)),
    maxInFlight: 10_000,
  };
}

/** A line on stdout (the bench's table and result). */
export const out = (line = ''): void => void process.stdout.write(`${line}\n`);
/** A progress line on stderr. */
export const log = (line: string): void => void process.stderr.write(`${line}\n`);
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Arithmetic mean, or null for no values. */
export const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
export const round1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
/** "42%", or — when null. */
export const pct = (n: number | null) => (n === null ? '—' : `${Math.round(n)}%`);

/** Redis logical database for the benches' keys, away from database 0 where `capbench run` and the tests reset p:*:l. */
export const BENCH_DB = 9;
/** A failing step during which other processes used at least this % of one core is run once more. */
export const RETRY_OTHERS_PCT = 25;

/** What one constant-rate step measured of its "like" operation. Rates ops/s, latencies ms. */
export interface StepMeasurement {
  /** True when a retry of the same rate replaced this step's verdict. */
  superseded: boolean;
  /** Requested constant arrival rate, ops/s. */
  targetOpsPerSec: number;
  achievedOpsPerSec: number;
  /** Like latency from intended start (coordinated-omission corrected), ms. */
  latencyMs: { p50: number | null; p99: number | null; p999: number | null; max: number | null };
  /** Send to response, ms: the store's (and driver's) own time per like. */
  serviceTimeMs: { p50: number | null; p99: number | null };
  /** How late likes were sent against their intended start, p99, ms. */
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
 * Measure one step from the engine's outcome: the like operation's figures and the verdict
 * of the pass rule (judgeStep).
 * @param rate the step's target arrival rate, ops/s.
 * @returns the measurement, and how many likes the store acknowledged (warmup included), for the lost-likes check.
 */
export function measureStep(outcome: LoadOutcome, rate: number, criteria: StepCriteria): { step: StepMeasurement; acknowledged: number } {
  const like = outcome.operations.find((o) => o.name === 'like');
  const errors = like ? Object.values(like.errors).reduce((a, b) => a + b, 0) : 0;
  const judged = judgeStep({ p99Ms: like?.latencyMs.p99 ?? null, flagged: outcome.rate.flagged, flagReasons: outcome.rate.reasons, count: like?.count ?? 0, errors }, criteria);
  return {
    acknowledged: (like?.okCount ?? 0) + (like?.warmupOkCount ?? 0),
    step: {
      superseded: false,
      targetOpsPerSec: rate,
      achievedOpsPerSec: outcome.rate.achievedOpsPerSec,
      latencyMs: { p50: like?.latencyMs.p50 ?? null, p99: like?.latencyMs.p99 ?? null, p999: like?.latencyMs.p999 ?? null, max: like?.latencyMs.max ?? null },
      serviceTimeMs: { p50: like?.serviceTimeMs.p50 ?? null, p99: like?.serviceTimeMs.p99 ?? null },
      scheduleLagP99Ms: like?.scheduleLagMs.p99 ?? null,
      count: like?.count ?? 0,
      errors,
      errorsByKind: like?.errors ?? {},
      flagged: outcome.rate.flagged,
      flagReasons: outcome.rate.reasons,
      passed: judged.passed && !outcome.aborted,
      failReasons: outcome.aborted ? [`aborted: ${outcome.abortReason ?? 'interrupted'}`, ...judged.why] : judged.why,
    },
  };
}
