/**
 * The results JSON (one per run, versioned). Every report format (HTML, Markdown,
 * JUnit, compare, gate) is rendered from this and nothing else (DESIGN.md, "Reports and cost").
 *
 * Units are in the field names: *Ms milliseconds, *S seconds, *Bytes bytes, *OpsPerSec ops/s.
 */
import { z } from 'zod';

export const SCHEMA_VERSION = 2;

/**
 * Versions loadResults() still reads, by migrating them to {@link SCHEMA_VERSION}:
 * v1 is v2 without `cost` (reports/load.ts).
 */
export const MIGRATABLE_SCHEMA_VERSIONS: readonly number[] = [1];

/**
 * Latency percentiles in ms. A percentile is null when the sample is too small to carry it
 * (p99 needs >= 100 samples, p99.9 >= 1000: DESIGN.md "sample-aware").
 */
export const PercentilesSchema = z.object({
  count: z.number().int().nonnegative(),
  min: z.number().nullable(),
  mean: z.number().nullable(),
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  p99: z.number().nullable(),
  p999: z.number().nullable(),
  max: z.number().nullable(),
});
export type Percentiles = z.infer<typeof PercentilesSchema>;

/** One second of one operation (or of the whole run when op is "*"). t = seconds since the run phase began. */
export const SeriesPointSchema = z.object({
  t: z.number(),
  /** Operations the schedule intended to start in this second (open loop); null in closed loop. */
  targetOps: z.number().nullable(),
  /** Operations that completed in this second (ok or not). */
  completedOps: z.number(),
  errors: z.number(),
  latencyMs: z.object({ p50: z.number().nullable(), p90: z.number().nullable(), p99: z.number().nullable(), max: z.number().nullable() }),
  serviceTimeMs: z.object({ p50: z.number().nullable(), p99: z.number().nullable(), max: z.number().nullable() }),
  warmup: z.boolean(),
});
export type SeriesPoint = z.infer<typeof SeriesPointSchema>;

export const OperationResultSchema = z.object({
  name: z.string(),
  /** Storage path id from DESIGN.md, e.g. "likes.redis-counter". */
  path: z.string(),
  /** Measured (post-warmup) operations. */
  count: z.number().int(),
  okCount: z.number().int(),
  /** Errors by kind: "timeout", a driver error code (e.g. "ECONNREFUSED"), or an error class name. */
  errors: z.record(z.string(), z.number().int()),
  /** Operations that found nothing to act on (a duplicate follow, a read of a missing key): not errors. */
  notFoundCount: z.number().int().optional(),
  warmupCount: z.number().int(),
  /** Warmup operations that succeeded (with okCount: every acknowledged operation of the run). */
  warmupOkCount: z.number().int().optional(),
  achievedOpsPerSec: z.number(),
  /** Latency from intended start to response (coordinated-omission corrected). */
  latencyMs: PercentilesSchema,
  /** Service time from send to response. */
  serviceTimeMs: PercentilesSchema,
  /** How late the operation was sent compared with its intended start. */
  scheduleLagMs: PercentilesSchema,
  series: z.array(SeriesPointSchema),
  /** Base64 of the HDR histogram of latency in µs (compressed), for exact merge and compare. */
  latencyHistogram: z.string().optional(),
});
export type OperationResult = z.infer<typeof OperationResultSchema>;

export const StageSchema = z.object({
  /** Stage length, s. */
  durationS: z.number().positive(),
  /** Arrival rate at the end of the stage, ops/s (linear ramp from the previous stage's rate). */
  rate: z.number().nonnegative(),
  /** Arrival rate at the start of the stage; defaults to `rate` (a step). */
  fromRate: z.number().nonnegative().optional(),
  label: z.string().optional(),
});
export type Stage = z.infer<typeof StageSchema>;

export const ThresholdResultSchema = z.object({
  /** As written in the scenario, e.g. "like: p99 < 5ms". */
  expression: z.string(),
  operation: z.string(),
  metric: z.string(),
  unit: z.string(),
  limit: z.number(),
  actual: z.number().nullable(),
  passed: z.boolean(),
});
export type ThresholdResult = z.infer<typeof ThresholdResultSchema>;

export const ClaimResultSchema = z.object({
  id: z.string(),
  /** Seed document and section, e.g. "000 · Likes System". */
  source: z.string(),
  claim: z.string(),
  measured: z.string(),
  verdict: z.enum(['holds', 'refuted', 'not-measurable']),
  note: z.string().optional(),
});
export type ClaimResult = z.infer<typeof ClaimResultSchema>;

export const FootprintItemSchema = z.object({
  name: z.string(),
  kind: z.string(),
  bytes: z.number(),
  count: z.number().optional(),
  countUnit: z.string().optional(),
  note: z.string().optional(),
});
export const FootprintSchema = z.object({
  store: z.string(),
  takenAt: z.string(),
  totalBytes: z.number(),
  items: z.array(FootprintItemSchema),
});

/** A derived figure, e.g. "bytes per like key" = 52 bytes. */
export const DerivedFigureSchema = z.object({ name: z.string(), value: z.number().nullable(), unit: z.string(), note: z.string().optional() });
export type DerivedFigure = z.infer<typeof DerivedFigureSchema>;

/** One priced charge of a cost line: quantity x unit price per month. */
export const CostItemSchema = z.object({
  /** Price book entry id. */
  entry: z.string(),
  /** e.g. "2 × cache.t4g.micro × 730 h". */
  description: z.string(),
  /** Billed quantity per month in `unit` (node-hours, GB-months, IOPS-months, millions of requests, months). */
  quantity: z.number().nonnegative(),
  unit: z.string(),
  unitPriceUsd: z.number().nonnegative(),
  monthlyUsd: z.number().nonnegative(),
  /** The public pricing page and the date the price was read (from the price book). */
  source: z.string(),
  readAt: z.string(),
});
export type CostItem = z.infer<typeof CostItemSchema>;

/**
 * One option for one store: the smallest fitting offer of one product (e.g. ElastiCache
 * cache.t4g.micro × 2), or why no offer of that product fits or can be priced.
 */
export const CostLineSchema = z.object({
  store: z.string(),
  provider: z.string(),
  product: z.string(),
  /** The offer chosen within the product ("cache.t4g.micro", "Fixed 250MB"); null when none fits. */
  offer: z.string().nullable(),
  /** Nodes (or plans) billed: shards x copies per shard; 0 for serverless. */
  nodes: z.number().int().nonnegative(),
  shards: z.number().int().nonnegative(),
  /** What was needed and what the offer gives, in words ("needs 75 MiB of memory; 2 × 0.38 GiB usable"). */
  sizing: z.string(),
  /** $/month of the line; null when it does not fit or cannot be priced (see `why`). */
  monthlyUsd: z.number().nonnegative().nullable(),
  /** Counted in the total: the cheapest priced line of its store. */
  chosen: z.boolean(),
  items: z.array(CostItemSchema),
  why: z.string().optional(),
});
export type CostLine = z.infer<typeof CostLineSchema>;

/** What the model projected for one store: its entities, bytes, rates and the resulting need. */
export const CostStoreNeedSchema = z.object({
  store: z.string(),
  /** Data bytes at scale (sum over entities), before overhead and copies. */
  dataBytes: z.number().nonnegative(),
  /** Memory (Redis) or storage (others) the model sizes for, bytes: dataBytes x overhead factor. */
  sizedBytes: z.number().nonnegative(),
  /** Copies of the data (1 + replicas) and where that figure comes from. */
  copies: z.number().int().positive(),
  /** Operations per second at scale on this store (sum of the scale's rates it serves). */
  opsPerSec: z.number().nonnegative(),
  /** Server cores those operations need at the measured ops/s per core; null when no rate was named or none was measured. */
  cores: z.number().nonnegative().nullable(),
  /** Disk I/O per second assumed at scale (disk stores), IOPS. */
  iops: z.number().nonnegative(),
});
export type CostStoreNeed = z.infer<typeof CostStoreNeedSchema>;

/**
 * A projected monthly cost at a scale the user named (reports/cost/, docs/cost.md): per store
 * the options of each product in the price book, the cheapest of them counted in the total,
 * and every assumption the projection made.
 */
export const CostSchema = z.object({
  /** The scale, by entity ("posts": 1000000, "likesPerSec": 5000). */
  scale: z.record(z.string(), z.number().nonnegative()),
  /** Hours in a billed month (730, the AWS convention). */
  hoursPerMonth: z.number().positive(),
  priceBook: z.object({
    /** Where the price book came from: "built-in (reports/cost/price-book.yaml)" or the user's file. */
    source: z.string(),
    entries: z.number().int().nonnegative(),
    /** Earliest and latest readAt of its entries (YYYY-MM-DD). */
    readFrom: z.string(),
    readTo: z.string(),
    regions: z.array(z.string()),
  }),
  needs: z.array(CostStoreNeedSchema),
  lines: z.array(CostLineSchema),
  /** Sum of the chosen lines, $/month. */
  totalMonthlyUsd: z.number().nonnegative(),
  /** Every assumption, in words, with the figure's source (measured, seed, price book, model choice). */
  assumptions: z.array(z.string()),
});
export type Cost = z.infer<typeof CostSchema>;

/** What one injected fault did and what it cost (issue 13; docs/faults.md). Times in s since the run phase began. */
export const FaultResultSchema = z.object({
  /** As given, e.g. "redis:kill@10s". */
  spec: z.string(),
  store: z.string(),
  kind: z.string(),
  /** Planned start and length, s. */
  atS: z.number(),
  forS: z.number().optional(),
  delayMs: z.number().optional(),
  /** How it acted, e.g. "capbench's local Redis 7.0.15 at 127.0.0.1:6479 (pid 123, ...)". */
  target: z.string(),
  /** What was done and when: "SIGSTOP", "SIGCONT", "SIGKILL", "clean stop", "started (answers again)", "delay 20 ms on", ... */
  actions: z.array(z.object({ atS: z.number(), what: z.string(), ok: z.boolean(), error: z.string().optional() })),
  /** When the fault's effect was lifted (resumed, started again, delay off), s; null when it never was. */
  liftedAtS: z.number().nullable(),
  /** Errors by kind from the fault's start until recovery (or the run's end). */
  errorsByKind: z.record(z.string(), z.number().int()),
  /** From the fault's start to the first error, s; null when none. */
  timeToFirstErrorS: z.number().nullable(),
  /** From the fault's start until the success rate and p99 were back within the pre-fault band for 2 s running, s; null when they never were. */
  timeToRecoveryS: z.number().nullable(),
  /** Set when a later fault began before this one's recovery (which is then judged on the later fault). */
  interruptedBy: z.string().optional(),
  /** The pre-fault band the recovery was judged against. */
  band: z.object({ p99Ms: z.number().nullable(), successPct: z.number().nullable() }),
  /** Operations that failed or timed out in that window. */
  opsFailed: z.number().int(),
  opsTimedOut: z.number().int(),
  /** Scheduled operations that did not complete in that window (target minus completed, open loop), null in closed loop. */
  opsShort: z.number().int().nullable(),
  /** What the store lost, from the scenario's own verification (its "lost"/"unaccounted" checks). */
  storeLoss: z.array(z.object({ check: z.string(), value: z.number().nullable(), unit: z.string(), note: z.string().optional() })),
  notes: z.array(z.string()),
});
export type FaultResult = z.infer<typeof FaultResultSchema>;

/** One cell of a scenario table: text, a number (rendered with the report's number format), or empty. */
export const ScenarioCellSchema = z.union([z.string(), z.number(), z.null()]);

/** A table of a scenario's own section, e.g. the strategies of fan-out side by side. */
export const ScenarioTableSchema = z.object({
  caption: z.string(),
  /** Column headings; units belong in them ("p99 (ms)"). */
  columns: z.array(z.string()).min(1),
  /** Rows, each as long as `columns`. */
  rows: z.array(z.array(ScenarioCellSchema)),
  note: z.string().optional(),
});
export type ScenarioTable = z.infer<typeof ScenarioTableSchema>;

/** One vertical marker on a scenario chart at x (a fault, an alias swap, a celebrity post). */
export const ChartMarkerSchema = z.object({ x: z.number(), label: z.string() });
export type ChartMarker = z.infer<typeof ChartMarkerSchema>;

/**
 * A chart of a scenario's own section, drawn by the report's client script with Chart.js.
 * `line`: each series is a list of [x, y] points on a linear (or log) x axis, e.g. backlog over
 * time or a delivery-lag CDF. `bar`: `categories` name the bars and each series gives one
 * [index, y] point per category.
 */
export const ScenarioChartSchema = z.object({
  /** Unique within its section; becomes part of the canvas id. */
  id: z.string().regex(/^[a-z0-9-]+$/, 'chart id: lower-case letters, digits and "-"'),
  title: z.string(),
  kind: z.enum(['line', 'bar']),
  xLabel: z.string(),
  yLabel: z.string(),
  xLog: z.boolean().optional(),
  yLog: z.boolean().optional(),
  categories: z.array(z.string()).optional(),
  series: z.array(z.object({ label: z.string(), points: z.array(z.tuple([z.number(), z.number().nullable()])) })),
  markers: z.array(ChartMarkerSchema).optional(),
});
export type ScenarioChart = z.infer<typeof ScenarioChartSchema>;

/**
 * A scenario's own section of the report (DESIGN.md "Reports and cost": every scenario gets its
 * section): what only this scenario measures (a memory table, delivery lag per strategy, search
 * latency under bulk indexing), as tables and charts. Returned by the scenario's verify().
 */
export const ScenarioSectionSchema = z.object({
  /** Unique within the run; becomes the HTML anchor `scenario-<id>`. */
  id: z.string().regex(/^[a-z0-9-]+$/, 'section id: lower-case letters, digits and "-"'),
  title: z.string(),
  intro: z.string().optional(),
  tables: z.array(ScenarioTableSchema),
  charts: z.array(ScenarioChartSchema),
  notes: z.array(z.string()).optional(),
});
export type ScenarioSection = z.infer<typeof ScenarioSectionSchema>;

export const RunResultSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.literal('capbench'), version: z.string() }),
  runId: z.string(),
  scenario: z.object({
    id: z.string(),
    description: z.string(),
    /** Storage path(s) exercised. */
    paths: z.array(z.string()),
    /** The resolved options the run used (validated). */
    options: z.record(z.string(), z.unknown()),
  }),
  /** completed: ran to its end; aborted: Ctrl-C or a fatal fault midway (partial results). */
  status: z.enum(['completed', 'aborted']),
  abortReason: z.string().optional(),
  startedAt: z.string(),
  endedAt: z.string(),
  loop: z.enum(['open', 'closed']),
  schedule: z.object({
    arrival: z.enum(['constant', 'poisson']),
    stages: z.array(StageSchema),
    warmupS: z.number(),
    /** Closed loop only: fixed concurrency. */
    concurrency: z.number().optional(),
    workers: z.number().int().positive(),
    /** In-flight cap for open loop; operations past it wait (their latency still counts from the intended start). */
    maxInFlight: z.number().int().positive(),
    /** Open loop: how the threads waited for arrivals (engine/runner.ts Pacing); absent in older results and for other engines. */
    pacing: z.enum(['spin', 'batch']).optional(),
  }),
  rate: z.object({
    /** Mean intended arrival rate over the measured phase, ops/s (null in closed loop). */
    targetOpsPerSec: z.number().nullable(),
    achievedOpsPerSec: z.number(),
    /** Intended operations that never started before the run ended. */
    notStarted: z.number().int(),
    /** True when the run fell short of its schedule: the figures are not at the target rate. */
    flagged: z.boolean(),
    reasons: z.array(z.string()),
  }),
  operations: z.array(OperationResultSchema),
  /** All operations together, per second. */
  series: z.array(SeriesPointSchema),
  harness: z.object({
    eventLoopLagMs: PercentilesSchema,
    /** Client process CPU, % of one core, mean and max over the run. */
    cpuPct: z.object({ mean: z.number(), max: z.number() }),
    /** True when the client, not the target, limited the run. */
    bottleneck: z.boolean(),
    notes: z.array(z.string()),
  }),
  machine: z.object({
    hostname: z.string(),
    platform: z.string(),
    arch: z.string(),
    cpus: z.number(),
    cpuModel: z.string(),
    totalMemBytes: z.number(),
    node: z.string(),
  }),
  targets: z.array(
    z.object({
      store: z.string(),
      product: z.string(),
      version: z.string(),
      address: z.string(),
      standInFor: z.string().optional(),
      /** The client library the storage paths drove it with, where there is a choice (Redis: "ioredis 5.11.1 (auto-pipelining)" or "node-redis 5.12.1"; absent in older files). */
      client: z.string().optional(),
    }),
  ),
  footprint: z.object({
    before: z.array(FootprintSchema),
    after: z.array(FootprintSchema),
    derived: z.array(DerivedFigureSchema),
  }),
  thresholds: z.array(ThresholdResultSchema),
  claims: z.array(ClaimResultSchema),
  /** The scenario's own sections (absent when it has none, and in files written before sections existed). */
  sections: z.array(ScenarioSectionSchema).optional(),
  /**
   * Who generated the run phase and how it reached the stores, when not capbench's own engine at
   * driver level (issue 12): `capbench run --via http`, `--engine k6`, `capbench merge`. Absent: capbench, driver.
   */
  generator: z.object({ name: z.enum(['capbench', 'k6']), version: z.string(), via: z.enum(['driver', 'http', 'redis']) }).optional(),
  /** Projected cloud cost at a named scale (absent when no --scale was given, and in v1 files). */
  cost: CostSchema.optional(),
  /** Faults injected during the run (absent when none). */
  faults: z.array(FaultResultSchema).optional(),
  notes: z.array(z.string()),
});
export type RunResult = z.infer<typeof RunResultSchema>;
