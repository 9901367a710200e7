/**
 * The results JSON of `capbench capacity` (kind "capacity", versioned): the highest constant
 * arrival rate a scenario's workload sustains under its SLOs, with every step of the search
 * (ramp, bisection, retries), the knee (highest passing rate), the SLOs, the machine and the
 * targets. The HTML and Markdown capacity reports are rendered from it and nothing else
 * (reports/capacity/); `capbench report` recognises it by `kind`.
 *
 * Units are in the field names: *Ms milliseconds, *S seconds, *OpsPerSec ops/s, *Pct % (CPU:
 * % of one core, machine: % of all cores).
 */
import { z } from 'zod';
import { RunResultSchema, ThresholdResultSchema } from './results.js';

/** Version of the capacity results shape. */
export const CAPACITY_SCHEMA_VERSION = 1;

/** The latency percentiles an SLO may name (p999 is p99.9). */
export const SLO_PERCENTILES = ['p50', 'p90', 'p99', 'p999'] as const;
export type SloPercentile = (typeof SLO_PERCENTILES)[number];

/** One SLO: `<operation>:<percentile><limit>`, the percentile of latency from the intended start strictly below limitMs. */
export const SloSchema = z
  .object({
    /** As written, normalised: "like:p99<5ms". */
    expression: z.string(),
    /** An operation of the scenario, or "*" for every operation. */
    operation: z.string(),
    percentile: z.enum(SLO_PERCENTILES),
    limitMs: z.number().positive(),
  })
  .strict();
export type Slo = z.infer<typeof SloSchema>;

const n = z.number().nullable();

/** One operation's figures in one step (measured seconds only, warmup apart). Latency from the intended start, ms. */
export const CapacityOpFiguresSchema = z
  .object({
    name: z.string(),
    path: z.string(),
    count: z.number().int(),
    errors: z.number().int(),
    errorsByKind: z.record(z.string(), z.number()),
    /** Operations the target acknowledged (succeeded), warmup included: what a nothing-lost check counts. */
    acknowledged: z.number().int(),
    achievedOpsPerSec: z.number(),
    latencyMs: z.object({ p50: n, p90: n, p99: n, p999: n, max: n }).strict(),
    /** Send to response, ms. */
    serviceTimeMs: z.object({ p50: n, p99: n }).strict(),
    /** How late operations were sent against their intended start, p99, ms. */
    scheduleLagP99Ms: n,
  })
  .strict();
export type CapacityOpFigures = z.infer<typeof CapacityOpFiguresSchema>;

/** Which part of the search a step belongs to (engine/capacity.ts SearchPhase, or a retry of the step before). */
export const CapacityPhaseSchema = z.enum(['ramp', 'bisect', 'down', 'retry']);

/** One constant-rate, open-loop step of the search. */
export const CapacityStepSchema = z
  .object({
    /** 1-based, in the order run. */
    index: z.number().int().positive(),
    phase: CapacityPhaseSchema,
    targetOpsPerSec: z.number(),
    /** Measured operations of every kind per measured second. */
    achievedOpsPerSec: z.number(),
    startedAt: z.string(),
    /** True when a retry at the same rate replaced this step's verdict. */
    superseded: z.boolean(),
    /** Interrupted (Ctrl-C) midway: it fails, and the search stops. */
    aborted: z.boolean(),
    passed: z.boolean(),
    /** Each broken criterion, e.g. "like p99 7.2 ms ≥ 5 ms". */
    failReasons: z.array(z.string()),
    flagged: z.boolean(),
    flagReasons: z.array(z.string()),
    count: z.number().int(),
    errors: z.number().int(),
    /** The headline figures of the first SLO's operation (the step table's columns), ms. */
    headline: z
      .object({ operation: z.string(), p50Ms: n, p99Ms: n, serviceP99Ms: n, lagP99Ms: n })
      .strict(),
    operations: z.array(CapacityOpFiguresSchema),
    /** CPU over the whole step, sampled outside it: capbench, the targets' server processes, the machine, the rest. */
    cpu: z.object({ clientPct: n, serverPct: n, machinePct: n, othersPct: n }).strict(),
    harness: z.object({ bottleneck: z.boolean(), eventLoopDelayP99Ms: n, notes: z.array(z.string()) }).strict(),
  })
  .strict();
export type CapacityStep = z.infer<typeof CapacityStepSchema>;

/**
 * How long a capacity search loads the target before its first step, unjudged, s. A fresh
 * process runs its first seconds cold (JIT, connections, the target's caches): measured on
 * 2026-11-30, likes.redis-counter at 25,000 likes/s had a per-second p99 of 11-33 ms in seconds
 * 0-2 and mostly 1.2-2.5 ms from second 4 on, so a first step with a 1-2 s warmup failed on the warm-up
 * alone and the search halved down and never climbed (docs/capacity.md, "What it does", 3).
 */
export const DEFAULT_PREWARM_S = 5;

/** How the search ran: its bounds, step lengths and pass rule. Rates ops/s, times s. */
export const CapacitySearchSettingsSchema = z
  .object({
    startRate: z.number(),
    maxRate: z.number(),
    minRate: z.number(),
    /** Bisection stops when the gap between the knee and the first fail is within this % of the knee. */
    resolutionPct: z.number(),
    /** Step length including warmup, s. */
    stepS: z.number(),
    warmupS: z.number(),
    /**
     * The unjudged load before the first step (DEFAULT_PREWARM_S), s; 0 = none. Absent in
     * results written before 2026-11-30 (none ran then).
     */
    prewarmS: z.number().optional(),
    pauseS: z.number(),
    maxSteps: z.number().int(),
    /** A failing step during which other processes used at least this % of a core is run once more; null = never. */
    retryOthersPct: n,
    requireUnflagged: z.boolean(),
    /** Highest share of operations that may error, 0..1. */
    maxErrorRate: z.number(),
    workers: z.number().int(),
    maxInFlight: z.number().int(),
    opTimeoutS: z.number(),
    seed: z.number().int(),
  })
  .strict();
export type CapacitySearchSettings = z.infer<typeof CapacitySearchSettingsSchema>;

/** The capacity results file. */
export const CapacityResultSchema = z
  .object({
    kind: z.literal('capacity'),
    schemaVersion: z.literal(CAPACITY_SCHEMA_VERSION),
    tool: RunResultSchema.shape.tool,
    runId: z.string(),
    /** The command line, for the report. */
    command: z.string().optional(),
    scenario: RunResultSchema.shape.scenario,
    status: z.enum(['completed', 'aborted']),
    abortReason: z.string().optional(),
    startedAt: z.string(),
    endedAt: z.string(),
    slos: z.array(SloSchema).min(1),
    /** Where the SLOs came from: --slo, the scenario's (or file's) latency thresholds, or capbench's default. */
    sloSource: z.enum(['flags', 'thresholds', 'default']),
    search: CapacitySearchSettingsSchema,
    /** Every step run, retries and superseded ones included, in order. */
    steps: z.array(CapacityStepSchema),
    /** The knee: the highest rate that passed (not superseded), ops/s; null when none did. */
    kneeOpsPerSec: n,
    /** The lowest rate that failed (not superseded), ops/s; null when none did (the knee is a lower bound). */
    firstFailOpsPerSec: n,
    /** Why the search ended: "resolution reached", "max rate passed", "max steps", "nothing passed down to the min rate", "interrupted". */
    endedBecause: z.string(),
    /** One sentence: the result. */
    verdict: z.string(),
    /** The scenario's verify() over every step together (e.g. likes lost = 0), or why it did not run. */
    verify: z.object({ ran: z.boolean(), why: z.string().optional(), checks: z.array(ThresholdResultSchema), notes: z.array(z.string()) }).strict(),
    machine: RunResultSchema.shape.machine,
    targets: RunResultSchema.shape.targets,
    notes: z.array(z.string()),
  })
  .strict();
export type CapacityResult = z.infer<typeof CapacityResultSchema>;
