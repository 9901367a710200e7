/**
 * The declared, versioned JSON shapes the benches write (docs/benchmarks.md, "JSON output"):
 * `capacity-search` (bench/max-like-rate.ts: the highest rate under a p99 limit) and
 * `path-comparison` (bench/like-paths.ts: several paths measured the same way, and a claim's
 * verdict). Each is a zod schema; the benches' record types are inferred from it, and every
 * file is validated against it before it is written, interrupted runs included.
 *
 * Rates in ops/s, latencies in ms, CPU in % of one core (machine: % of all cores), times in s.
 */
import { z } from 'zod';
import { CapbenchError } from '../core/errors.js';
import { RunResultSchema } from '../core/results.js';
import { REDIS_DRIVERS, STORES } from '../core/target.js';
import type { StepMeasurement } from '../engine/capacity.js';
import { writeFileAtomic } from '../reports/atomic.js';

/** Version of both shapes. 1 was the undeclared shape of the first benches (see migrateBenchOutput()). */
export const BENCH_SCHEMA_VERSION = 2 as const;

const n = z.number().nullable();
const int = z.number().int();
const Store = z.enum(STORES);

/** Bounds and pass rule of the search (engine/capacity.ts SearchBounds, StepCriteria). */
const BoundsSchema = z.object({ startRate: z.number(), maxRate: z.number(), minRate: z.number(), resolution: z.number() }).strict();
const CriteriaSchema = z.object({ maxP99Ms: z.number(), requireUnflagged: z.boolean(), maxErrorRate: z.number() }).strict();

/** The settings every search bench resolves from its flags, the environment and its defaults. Rates ops/s, times s. */
export const SearchSettingsSchema = z
  .object({
    quick: z.boolean(),
    bounds: BoundsSchema,
    criteria: CriteriaSchema,
    /** Step length including warmup, s. */
    stepS: z.number(),
    warmupS: z.number(),
    /** Unjudged load at the first step's rate before it, s (core/capacity.ts DEFAULT_PREWARM_S); absent in files before 2026-11-30. */
    prewarmS: z.number().optional(),
    /** Pause between steps, s. */
    pauseS: z.number(),
    maxSteps: int,
    /** Rerun a failing step when other processes used at least this % of a core; null: never. */
    retryOthersPct: z.number().nullable(),
    posts: int,
    out: z.string(),
    /** Store URLs given by flag (passwords redacted); the environment's and defaults are in the targets. */
    urls: z.object(Object.fromEntries(STORES.map((s) => [s, z.string().optional()])) as Record<(typeof STORES)[number], z.ZodOptional<z.ZodString>>).strict(),
    /** Redis database for the bench's keys; absent: the URL's, else the bench's own. */
    db: int.optional(),
    allowRemote: z.boolean(),
    /** The Redis paths' client library (--redis-driver); absent: the default, node-redis (targets/redis/driver.ts). */
    redisDriver: z.enum(REDIS_DRIVERS).optional(),
    seed: int,
    /** Open-loop in-flight cap of every step. */
    maxInFlight: int,
    /** An operation running longer counts as a timeout, s. */
    opTimeoutS: z.number(),
  })
  .strict();
export type SearchSettings = z.infer<typeof SearchSettingsSchema>;

/** One step's measurement of the judged operation (engine/capacity.ts measureStep()). */
export const StepMeasurementSchema = z
  .object({
    superseded: z.boolean(),
    targetOpsPerSec: z.number(),
    achievedOpsPerSec: z.number(),
    latencyMs: z.object({ p50: n, p99: n, p999: n, max: n }).strict(),
    serviceTimeMs: z.object({ p50: n, p99: n }).strict(),
    scheduleLagP99Ms: n,
    count: int,
    errors: int,
    errorsByKind: z.record(z.string(), z.number()),
    flagged: z.boolean(),
    flagReasons: z.array(z.string()),
    passed: z.boolean(),
    failReasons: z.array(z.string()),
  })
  .strict() satisfies z.ZodType<StepMeasurement>;

const PhaseSchema = z.enum(['ramp', 'bisect', 'down', 'retry']);

/** "Nothing acknowledged may be missing": likes acknowledged by the store vs the sum of its counters. */
export const LikesCheckSchema = z
  .object({
    acknowledged: int,
    stored: n,
    /** null when it cannot be told (e.g. another process reset the counters; `note` says why). */
    lost: n,
    note: z.string().optional(),
  })
  .strict();
export type LikesCheck = z.infer<typeof LikesCheckSchema>;

/** CPU over a step: the capbench process and the other processes in % of one core, the machine in % of all cores. */
const StepCpu = { clientCpuPct: n, machineCpuPct: n, othersCpuPct: n };

const ServerSchema = RunResultSchema.shape.targets.element.extend({ url: z.string() }).strict();

/** What every bench file starts with (bench/redis-driver-overhead.ts's own shape too). */
export const Envelope = {
  schemaVersion: z.literal(BENCH_SCHEMA_VERSION),
  /** The bench that wrote it (bench/<name>.ts). */
  bench: z.string(),
  tool: RunResultSchema.shape.tool,
  startedAt: z.string(),
  endedAt: z.string(),
  wallS: z.number(),
  /** Ctrl-C or SIGTERM stopped it: what was measured is kept, the result is a lower bound. */
  interrupted: z.boolean(),
  command: z.string(),
  machine: RunResultSchema.shape.machine,
};

// ---- capacity-search (max-like-rate) ----

/** One step of max-like-rate's search. */
export const CapacityStepSchema = StepMeasurementSchema.extend({
  workers: int,
  /** ramp / bisect / down, or retry: the same rate once more because other processes loaded the machine. */
  phase: PhaseSchema,
  /** CPU over the whole step (the client's includes spin-waiting before sends; others = machine minus client minus Redis). */
  ...StepCpu,
  /** The Redis server process (/proc, engine/server-cpu.ts) over the whole step, % of one core (files before the switch to `capbench capacity`'s search: INFO cpu over the measured seconds). */
  redisCpuPct: n,
  /** Event-loop delay p99 of the busiest load thread, ms. */
  eventLoopDelayP99Ms: n,
  /** The engine's own verdict: the harness, not the target, limited the run. */
  harnessBottleneck: z.boolean(),
  harnessNotes: z.array(z.string()),
}).strict();
export type CapacityStep = z.infer<typeof CapacityStepSchema>;

/** One search: a worker-thread count and its steps. */
export const CapacitySearchRunSchema = z
  .object({ workers: int, rampStartOpsPerSec: z.number(), steps: z.array(CapacityStepSchema), bestOpsPerSec: n })
  .strict();
export type CapacitySearchRun = z.infer<typeof CapacitySearchRunSchema>;

/** One redis-benchmark run, the reference point. */
export const RedisBenchmarkRunSchema = z
  .object({
    command: z.string(),
    connections: int,
    pipeline: int,
    requests: int,
    requestsPerSec: n,
    p50Ms: n,
    wallS: z.number(),
    /** redis-benchmark's own CPU, % of one core. */
    clientCpuPct: n,
    redisCpuPct: n,
    machineCpuPct: n,
    /** Other processes (machine minus redis-benchmark minus Redis), % of one core. */
    othersCpuPct: n,
    error: z.string().optional(),
  })
  .strict();
export type RedisBenchmarkRecord = z.infer<typeof RedisBenchmarkRunSchema>;

/** max-like-rate's settings: the search's, the worker counts and redis-benchmark's -n. */
export const CapacitySettingsSchema = SearchSettingsSchema.extend({ workers: z.array(int).min(1), rbRequests: int }).strict();
export type CapacitySettings = z.infer<typeof CapacitySettingsSchema>;

/** The file bench/max-like-rate.ts writes. */
export const CapacitySearchOutputSchema = z
  .object({
    kind: z.literal('capacity-search'),
    ...Envelope,
    target: ServerSchema,
    /** The storage path searched (reference-impl/registry.ts id). */
    path: z.string(),
    settings: CapacitySettingsSchema,
    /** The winner: highest passing rate (fewer threads on a tie); null when nothing passed. */
    result: z
      .object({
        sustainedOpsPerSec: z.number(),
        workers: int,
        connections: int,
        step: CapacityStepSchema,
        /** The lowest failing, not superseded step above the winner; null when none failed (a lower bound). */
        firstFailingStep: CapacityStepSchema.nullable(),
      })
      .strict()
      .nullable(),
    searches: z.array(CapacitySearchRunSchema),
    likes: LikesCheckSchema,
    redisBenchmark: z.union([
      z.object({ available: z.literal(false), reason: z.string(), runs: z.array(RedisBenchmarkRunSchema).max(0) }).strict(),
      z.object({ available: z.literal(true), connections: int, runs: z.array(RedisBenchmarkRunSchema) }).strict(),
    ]),
    interpretation: z.string(),
  })
  .strict();
export type CapacitySearchOutput = z.infer<typeof CapacitySearchOutputSchema>;

// ---- path-comparison (like-paths) ----

/** One constant-rate step of one path. CPU over the whole step. */
export const PathStepSchema = StepMeasurementSchema.extend({
  path: z.string(),
  /** common (the moderate rate), a search phase, or retry. */
  phase: z.enum(['ramp', 'bisect', 'down', 'retry', 'common']),
  /** CPU over the whole step (others = machine minus client minus server). */
  ...StepCpu,
  /** The path's server processes (redis-server, or every postgres process), % of one core. */
  serverCpuPct: n,
}).strict();
export type PathStep = z.infer<typeof PathStepSchema>;

/** One path's measurements. */
export const PathReportSchema = z
  .object({
    path: z.string(),
    /** The path's first store (reference-impl/registry.ts); `stores` lists all of them. */
    store: Store,
    stores: z.array(Store).min(1),
    common: PathStepSchema.nullable(),
    steps: z.array(PathStepSchema),
    bestOpsPerSec: n,
    firstFailOpsPerSec: n,
    likes: LikesCheckSchema,
    error: z.string().optional(),
    /** Server CPU per like at the highest sustained rate, µs. */
    serverCpuUsPerLikeAtBest: n,
    /** likes.batch-sync: sync lag (ack in Redis until MongoDB shows it, ms) at shares of the highest sustained rate, flusher running. */
    syncLag: z
      .array(z.object({ share: z.number(), rateOpsPerSec: z.number(), samples: z.number().int(), p50Ms: n, p99Ms: n, maxMs: n, flushes: z.number().int() }).strict())
      .optional(),
  })
  .strict();
export type PathReport = z.infer<typeof PathReportSchema>;

/** like-paths' settings: the search's, and the comparison's own. */
export const PathComparisonSettingsSchema = SearchSettingsSchema.extend({
  paths: z.array(z.string()).min(1),
  /** The moderate rate every path is measured at, ops/s. */
  commonRate: int,
  workers: int,
  /** PostgreSQL connections per worker thread (the scenario's pgPoolSize). */
  pgPoolSize: int,
}).strict();
export type PathComparisonSettings = z.infer<typeof PathComparisonSettingsSchema>;

/** The file bench/like-paths.ts writes. */
export const PathComparisonOutputSchema = z
  .object({
    kind: z.literal('path-comparison'),
    ...Envelope,
    /** The servers measured, by store. */
    targets: z.partialRecord(Store, ServerSchema),
    settings: PathComparisonSettingsSchema,
    paths: z.array(PathReportSchema),
    claim: z
      .object({
        id: z.string(),
        source: z.string(),
        claim: z.string(),
        verdict: z.enum(['holds', 'refuted', 'not-measurable']),
        reason: z.string(),
        rule: z.string().optional(),
        throughputRatio: n.optional(),
        ratioLow: n.optional(),
        ratioHigh: n.optional(),
        p50Ratio: n.optional(),
      })
      .strict(),
  })
  .strict();
export type PathComparisonOutput = z.infer<typeof PathComparisonOutputSchema>;

/** Either bench file. */
export const BenchOutputSchema = z.discriminatedUnion('kind', [CapacitySearchOutputSchema, PathComparisonOutputSchema]);
export type BenchOutput = z.infer<typeof BenchOutputSchema>;

/** kind of a version-1 file, by its bench. */
const V1_KINDS = { 'capbench.bench.max-like-rate': ['capacity-search', 'max-like-rate'], 'capbench.bench.like-paths': ['path-comparison', 'like-paths'] } as const;

/**
 * Read a bench file of any version into the current shape. Version 1 (kind
 * "capbench.bench.<bench>", `version: 1`) becomes version 2: kind capacity-search or
 * path-comparison, `schemaVersion` and `bench`; settings.redisUrl/postgresUrl become
 * settings.urls; settings.opTimeoutS is the 5 s those benches used; a path gets `stores`
 * and serverCpuUsPerLikeAtBest stays as it was.
 * @throws CapbenchError naming the first field that does not fit.
 */
export function migrateBenchOutput(raw: unknown): BenchOutput {
  let v = raw as Record<string, unknown>;
  if (v && typeof v === 'object' && v.version === 1 && typeof v.kind === 'string' && v.kind in V1_KINDS) {
    const [kind, bench] = V1_KINDS[v.kind as keyof typeof V1_KINDS];
    const { version: _v, kind: _k, ...rest } = v;
    const s = { ...(rest.settings as Record<string, unknown>) };
    const urls: Record<string, string> = {};
    for (const store of STORES) {
      const key = `${store}Url`;
      if (typeof s[key] === 'string') urls[store] = s[key] as string;
      delete s[key];
    }
    v = { kind, schemaVersion: 2, bench, ...rest, settings: { ...s, urls, opTimeoutS: 5 } };
    if (kind === 'path-comparison' && Array.isArray(v.paths)) {
      v.paths = (v.paths as Record<string, unknown>[]).map((p) => ({ ...p, stores: p.stores ?? [p.store] }));
    }
  }
  return checked(BenchOutputSchema, v);
}

/** Validate `value` against `schema`; a mismatch is a bug in the bench or a foreign file. */
function checked<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new CapbenchError(`Bench output does not fit its schema at ${issue.path.join('.') || '(top level)'}: ${issue.message}.`);
}

/**
 * Validate a bench file against its schema, then write it atomically (2-space JSON).
 * @throws CapbenchError when it does not fit (nothing is written); the fs error when writing fails.
 */
export async function writeBenchOutput(path: string, output: BenchOutput): Promise<void> {
  const valid = checked(BenchOutputSchema, output);
  await writeFileAtomic(path, `${JSON.stringify(valid, null, 2)}\n`);
}
