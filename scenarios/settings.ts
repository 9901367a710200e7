/**
 * The one run-settings schema (zod) and the one place its layers are merged and validated,
 * before any work starts (k6's options, autocannon's defaultOptions + validate; see
 * ../shared/STYLE.md "One settings object").
 *
 * Precedence, highest first: command-line flags > scenario file > environment
 * (CAPBENCH_WORKERS, ...) > the scenario's defaults. Each layer is parsed by the same schema
 * (RunSettingsLayer), so a bad value gets one line naming where it came from ("--workers",
 * "mine.yaml: workers", "CAPBENCH_WORKERS"). `capbench run`, the benches and later commands
 * (capacity, serve, ...) all resolve their settings here.
 */
import type { PacingChoice } from '../engine/protocol.js';
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import type { Stage } from '../core/results.js';
import { REDIS_DRIVERS, STORES, type Connection, type RedisDriverName, type StoreName } from '../core/target.js';
import { parseDurationS, parseStages } from '../core/units.js';
import { FaultListSchema, checkFaultPlan, parseFaultSpec, type FaultSpec } from '../core/faults.js';
import type { Arrival } from '../engine/schedule.js';
import { totalDurationS } from '../engine/schedule.js';
import { parseThreshold, type Threshold } from '../engine/thresholds.js';
import type { OperationSpec } from '../engine/types.js';
import { getStoragePath } from '../reference-impl/registry.js';
import { resolveConnection } from '../targets/registry.js';
import { DEFAULT_REDIS_DRIVER } from '../targets/redis/driver.js';
import { scenarioStores, type AnyScenario } from './types.js';

/** A duration: a number of seconds, or text with a unit ("500ms", "10s", "2m", "1h"). */
export function durationSchema(allowZero = false) {
  return z.unknown().transform((v, ctx): number => {
    if (typeof v === 'number' && Number.isFinite(v) && (v > 0 || (allowZero && v === 0))) return v;
    if (typeof v === 'string') {
      try {
        return parseDurationS(v, 'duration', allowZero);
      } catch {
        // reported below
      }
    }
    ctx.addIssue({ code: 'custom', message: `${typeof v === 'string' ? `"${v}"` : String(v)} is not a duration${allowZero ? '' : ' longer than zero'}: use a number with a unit, e.g. 500ms, 10s, 2m or 1h` });
    return z.NEVER;
  });
}

const StageItem = z
  .object({ duration: durationSchema(), rate: z.number({ error: 'must be a number (ops/s)' }).nonnegative(), from: z.number().nonnegative().optional(), label: z.string().optional() })
  .strict()
  .transform((s): Stage => ({ durationS: s.duration, rate: s.rate, ...(s.from !== undefined ? { fromRate: s.from } : {}), ...(s.label ? { label: s.label } : {}) }));
const StageList = z.array(StageItem).min(1, { error: 'give at least one stage' });

/** Arrival-rate stages: "10s:1000,10s:20000" / "30s:0..5000", or a list of { duration, rate, from?, label? }. */
export const StagesSchema = z.unknown().transform((v, ctx): Stage[] => {
  if (typeof v === 'string') {
    try {
      return parseStages(v);
    } catch (err) {
      const e = err as UsageError;
      ctx.addIssue({ code: 'custom', message: `${e.message.replace(/\.$/, '')}${e.hint ? `. ${e.hint.replace(/\.$/, '')}` : ''}` });
      return z.NEVER;
    }
  }
  if (!Array.isArray(v)) {
    ctx.addIssue({ code: 'custom', message: 'must be text such as 10s:1000,10s:20000 or a list of { duration, rate }' });
    return z.NEVER;
  }
  const parsed = StageList.safeParse(v);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom', path: issue.path, message: issue.message } as never);
  return z.NEVER;
});

/** A whole number >= min, given as a number or as text (flags, environment). */
const count = (min: number) => z.coerce.number({ error: `expected a whole number >= ${min}` }).int({ error: `expected a whole number >= ${min}` }).min(min, { error: `expected a whole number >= ${min}` });
const Url = z.string().trim().min(1);

/**
 * A whole number >= min, given as a number or as text (flags, environment): the check every
 * count setting uses, for flags outside RunSettingsLayer (e.g. a bench's --posts).
 */
export function countSchema(min: number) {
  return count(min);
}

/** A number >= min (fractions allowed), given as a number or as text: e.g. --p99-ms 0.5. */
export function numberAtLeastSchema(min: number) {
  return z.coerce.number({ error: `expected a number >= ${min}` }).min(min, { error: `expected a number >= ${min}` });
}

/**
 * One layer of run settings: every field optional, numbers accepted as text (flags and
 * environment variables are text). Strict: an unknown field is an error.
 */
export const RunSettingsLayer = z
  .object({
    /** Scenario options (the scenario's own zod schema validates them later, merged over layers). */
    options: z.record(z.string(), z.unknown()).optional(),
    /** Open loop: arrival-rate stages (replace the scenario's default stages). */
    stages: StagesSchema.optional(),
    /** A constant arrival rate, ops/s (with duration, or alone over the default length). */
    rate: z.coerce.number({ error: 'expected a number of ops/s above 0' }).positive({ error: 'expected a number of ops/s above 0' }).optional(),
    /** Run-phase length (open loop with rate; closed loop), s. */
    duration: durationSchema().optional(),
    /** Warmup at the start, kept apart from the measurement, s. */
    warmup: durationSchema(true).optional(),
    arrival: z.enum(['constant', 'poisson']).optional(),
    loop: z.enum(['open', 'closed']).optional(),
    /** Closed loop: operations in flight. */
    concurrency: count(1).optional(),
    /** Worker threads generating load. */
    workers: count(1).max(64, { error: 'at most 64 worker threads' }).optional(),
    /** Open loop: most operations in flight; later arrivals wait and their wait counts. */
    maxInFlight: count(1).optional(),
    /** Open loop: how threads wait for arrivals: spin (precise, a busy core), batch (timers, idle time given back) or auto (engine/protocol.ts resolvePacing). */
    pacing: z.enum(['auto', 'spin', 'batch'], { error: 'use auto, spin or batch' }).optional(),
    /** An operation running longer is counted as a timeout, s. */
    opTimeout: durationSchema().optional(),
    /** Seed for key choice and Poisson arrivals. */
    seed: z.coerce.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' }).optional(),
    /** Threshold expressions (replace the scenario's defaults). */
    thresholds: z.array(z.string()).optional(),
    /** Store URLs by store name (the environment's CAPBENCH_<STORE>_URL is read by targets/registry.ts). */
    urls: z.object(Object.fromEntries(STORES.map((s) => [s, Url.optional()])) as Record<StoreName, z.ZodOptional<typeof Url>>).strict().optional(),
    /** Allow targets that are not on loopback. */
    allowRemote: z.boolean().optional(),
    /** Faults to inject during the run (core/faults.ts), e.g. ["redis:kill@10s", "redis:restart@12s"]. */
    faults: FaultListSchema.optional(),
    /** The client library of the Redis paths (targets/redis/driver.ts): ioredis (auto-pipelining) or node-redis. */
    redisDriver: z.enum(REDIS_DRIVERS, { error: `use ${REDIS_DRIVERS.join(' or ')}` }).optional(),
  })
  .strict();
/** A layer as given (before validation). */
export type RunSettingsLayerInput = z.input<typeof RunSettingsLayer>;
/** A layer after validation: durations in seconds, stages parsed. */
export type RunSettingsLayerValue = z.output<typeof RunSettingsLayer>;

/** The shortest round trip assumed on loopback, s (0.1 ms): the floor of the rate/in-flight check. */
const LOOPBACK_ROUND_TRIP_S = 0.0001;

/** Defaults that are the harness's own, not a scenario's. */
export const HARNESS_DEFAULTS = { arrival: 'constant' as Arrival, loop: 'open' as const, workers: 1, maxInFlight: 10_000, opTimeoutS: 10, seed: 1 };

/** Environment variables of the environment layer, by settings field. */
export const SETTINGS_ENV = {
  workers: 'CAPBENCH_WORKERS',
  seed: 'CAPBENCH_SEED',
  maxInFlight: 'CAPBENCH_MAX_IN_FLIGHT',
  opTimeout: 'CAPBENCH_OP_TIMEOUT',
  arrival: 'CAPBENCH_ARRIVAL',
  pacing: 'CAPBENCH_PACING',
  redisDriver: 'CAPBENCH_REDIS_DRIVER',
} as const satisfies Partial<Record<keyof RunSettingsLayerInput, string>>;

/** Where a layer came from, for error lines: flags, a scenario file (its path), or the environment. */
export type LayerSource = { kind: 'flags' } | { kind: 'file'; path: string } | { kind: 'env' };

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** How a field is named to the user in a layer: "--max-in-flight", "mine.yaml: maxInFlight", "CAPBENCH_MAX_IN_FLIGHT". */
function fieldName(source: LayerSource, path: readonly PropertyKey[]): string {
  const key = String(path[0] ?? '');
  if (source.kind === 'flags') {
    if (key === 'urls' && path[1] !== undefined) return `--${String(path[1])}-url`;
    if (key === 'thresholds') return '--threshold';
    if (key === 'faults') return '--fault';
    if (key === 'options') return '-o';
    return `--${kebab(key)}`;
  }
  if (source.kind === 'env') return SETTINGS_ENV[key as keyof typeof SETTINGS_ENV] ?? key;
  return `${source.path}: ${path.map(String).join('.') || '(top level)'}`;
}

/**
 * Validate one layer.
 * @throws UsageError naming the field as the user wrote it and what it must be.
 */
export function parseLayer(raw: unknown, source: LayerSource): RunSettingsLayerValue {
  const parsed = RunSettingsLayer.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const where = source.kind === 'file' ? `Scenario file ${source.path}: ` : '';
    throw new UsageError(`${where}unknown setting "${issue.keys[0]}".`, { hint: `Settings: ${Object.keys(RunSettingsLayer.shape).join(', ')}.` });
  }
  if (source.kind === 'file') throw new UsageError(`Scenario file ${fieldName(source, issue.path)}: ${issue.message.replace(/\.$/, '')}.`);
  const name = fieldName(source, issue.path);
  const given = ` "${String(valueAt(raw, issue.path))}"`;
  if ((issue.path[0] === 'stages' || issue.path[0] === 'faults') && source.kind === 'flags') throw new UsageError(`${issue.path[0] === 'faults' ? 'Bad --fault: ' : ''}${issue.message.replace(/\.$/, '')}.`);
  throw new UsageError(`Bad ${name}${given}: ${issue.message.replace(/\.$/, '')}.`);
}

/**
 * Validate flags that are not run settings (a command's own, e.g. a bench's --step or
 * --resolution) with `schema`, keyed by the flags' camelCase names as commander gives them.
 * Errors read like parseLayer's: one line, 'Bad --p99-ms "x": expected a number >= 0.001.'
 * @throws UsageError naming the first bad flag and the value given.
 */
export function parseFlagValues<S extends z.ZodType>(schema: S, raw: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') throw new UsageError(`Unknown flag --${kebab(String(issue.keys[0]))}.`, { hint: 'See --help.' });
  const name = fieldName({ kind: 'flags' }, issue.path);
  // The value of the flag as typed (a list flag's whole text, not the element zod points at).
  const given = issue.path.length ? ` "${String(raw[String(issue.path[0])])}"` : '';
  throw new UsageError(`Bad ${name}${given}: ${issue.message.replace(/\.$/, '')}.`);
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const k of path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/**
 * The environment layer: the SETTINGS_ENV variables that are set (empty counts as unset).
 * @throws UsageError naming the variable when a value does not fit.
 */
export function envLayer(env: NodeJS.ProcessEnv = process.env): RunSettingsLayerValue {
  const raw: Record<string, string> = {};
  for (const [field, name] of Object.entries(SETTINGS_ENV)) {
    const v = env[name]?.trim();
    if (v) raw[field] = v;
  }
  return parseLayer(raw, { kind: 'env' });
}

/** Everything a run needs, merged, validated and with the scenario's defaults filled in. */
export interface RunSettings {
  scenario: AnyScenario;
  /** Scenario options after the scenario's own schema (defaults filled in). */
  options: Record<string, unknown>;
  /** The operations these options run (the scenario's one declaration). */
  operations: OperationSpec[];
  /** Stores those operations' paths need, with their resolved connections. */
  connections: Partial<Record<StoreName, Connection>>;
  loop: 'open' | 'closed';
  /** Open loop: the arrival-rate stages; closed loop: one stage of durationS (rate 0 = unpaced). */
  stages: Stage[];
  arrival: Arrival;
  /** Closed loop: operations in flight, and the run-phase length, s. */
  concurrency?: number;
  durationS?: number;
  warmupS: number;
  workers: number;
  maxInFlight: number;
  /** Open loop: how threads wait for arrivals ('auto' resolves per run in engine/protocol.ts). */
  pacing: PacingChoice;
  opTimeoutS: number;
  seed: number;
  thresholds: Threshold[];
  allowRemote: boolean;
  /** Faults to inject, sorted by start time, checked against the run (core/faults.ts); empty for none. */
  faults: FaultSpec[];
  /** The Redis paths' client library (also set on connections.redis as `redisDriver`). */
  redisDriver: RedisDriverName;
}

/** The layers to merge, highest first; any may be absent. */
export interface SettingsLayers {
  flags?: RunSettingsLayerValue;
  file?: RunSettingsLayerValue;
  env?: RunSettingsLayerValue;
}

/**
 * Validate scenario options against the scenario's schema.
 * @throws UsageError naming the option and what it must be (or listing the options there are).
 */
export function resolveOptions(scenario: AnyScenario, raw: Record<string, unknown>): Record<string, unknown> {
  const parsed = scenario.options.safeParse(raw);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const issue = parsed.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const known = Object.keys((scenario.options as unknown as { shape?: Record<string, unknown> }).shape ?? {});
    throw new UsageError(`Scenario ${scenario.id} has no option "${issue.keys[0]}".`, { hint: `Its options: ${known.join(', ')}.` });
  }
  const name = issue.path.join('.');
  throw new UsageError(`Bad option ${name} for scenario ${scenario.id}: ${issue.message}.`, { hint: `Set it as -o ${name}=VALUE.` });
}

/**
 * Merge the layers over the scenario's defaults and check the whole before any work starts:
 * options (the scenario's schema), the schedule (a layer's stages unless a higher layer sets
 * rate or duration), closed loop with concurrency, warmup shorter than the run, thresholds
 * that name the scenario's operations, and each needed store's URL (flag > CAPBENCH_<STORE>_URL > default).
 * @throws UsageError with one line saying what is wrong and what to do.
 */
export function resolveRunSettings(scenario: AnyScenario, layers: SettingsLayers): RunSettings {
  const order = [layers.flags, layers.file, layers.env].filter((l): l is RunSettingsLayerValue => l !== undefined);
  const first = <K extends keyof RunSettingsLayerValue>(k: K): RunSettingsLayerValue[K] | undefined => order.find((l) => l[k] !== undefined)?.[k];

  // Options merge key by key: flags' -o over the file's options.
  const rawOptions = Object.assign({}, ...[...order].reverse().map((l) => l.options ?? {})) as Record<string, unknown>;
  // A path id is checked against the registry first, so an unknown one lists every registered path.
  if (typeof rawOptions.path === 'string') getStoragePath(rawOptions.path, scenario.pathFamily);
  const options = resolveOptions(scenario, rawOptions);
  const operations = scenario.operations(options);

  // The schedule: the highest layer that says anything about it decides between stages and rate/duration.
  const scheduleLayer = order.find((l) => l.stages !== undefined || l.rate !== undefined || l.duration !== undefined);
  const rate = first('rate');
  const duration = first('duration');
  let stages: Stage[];
  if (scheduleLayer?.stages !== undefined && scheduleLayer.rate === undefined && scheduleLayer.duration === undefined) stages = scheduleLayer.stages;
  else if (rate !== undefined || duration !== undefined) {
    const defaults = scenario.defaultStages(options);
    stages = [{ durationS: duration ?? totalDurationS(defaults), rate: rate ?? scenario.defaultRate(options) }];
  } else stages = scenario.defaultStages(options);

  const loop = first('loop') ?? HARNESS_DEFAULTS.loop;
  const concurrency = first('concurrency');
  if (loop === 'closed' && concurrency === undefined) throw new UsageError('Closed loop needs --concurrency N (how many operations in flight).');
  const runS = loop === 'closed' ? (duration ?? totalDurationS(stages)) : totalDurationS(stages);
  // The scenario's default warmup yields to a short run (at most a fifth of it); a warmup the user set does not.
  const warmupS = first('warmup') ?? Math.min(scenario.defaultWarmupS(options), runS / 5);
  if (warmupS >= runS) {
    throw new UsageError(`The warmup (${warmupS} s) is not shorter than the run (${runS} s), so nothing would be measured.`, {
      hint: 'Shorten --warmup or lengthen the run (--duration, --stages).',
    });
  }

  const thresholds = (first('thresholds') ?? scenario.defaultThresholds(options)).map(parseThreshold);
  for (const t of thresholds) {
    if (t.operation !== '*' && !operations.some((o) => o.name === t.operation)) {
      throw new UsageError(`Threshold "${t.expression}" names operation "${t.operation}", which ${scenario.id} does not have.`, {
        hint: `Operations: ${operations.map((o) => o.name).join(', ')} (or * for all).`,
      });
    }
  }

  const urls = first('urls') ?? {};
  const connections: Partial<Record<StoreName, Connection>> = {};
  for (const store of scenarioStores(scenario, options)) connections[store] = resolveConnection(store, urls[store]);
  const redisDriver = first('redisDriver') ?? DEFAULT_REDIS_DRIVER;
  if (connections.redis) connections.redis = { ...connections.redis, redisDriver };

  // A rate the in-flight cap cannot carry even at a loopback round trip (Little's law: in flight = rate x latency).
  const maxInFlight = first('maxInFlight') ?? HARNESS_DEFAULTS.maxInFlight;
  const peakRate = loop === 'open' ? Math.max(...stages.map((st) => Math.max(st.rate, st.fromRate ?? 0))) : 0;
  if (peakRate * LOOPBACK_ROUND_TRIP_S > maxInFlight) {
    throw new UsageError(`A peak rate of ${peakRate} ops/s cannot be carried with at most ${maxInFlight} operations in flight (it needs ${Math.ceil(peakRate * LOOPBACK_ROUND_TRIP_S)} even at a 0.1 ms round trip).`, {
      hint: 'Raise --max-in-flight or lower the rate.',
    });
  }

  const implied = scenario.impliedFaults?.(options);
  for (const f of implied?.faults.map(parseFaultSpec) ?? []) {
    if (f.atS >= runS || (f.forS !== undefined && f.atS + f.forS > runS)) {
      throw new UsageError(`Option ${implied!.option} puts ${f.spec} past the run's end (${runS} s).`, { hint: `Set ${implied!.option} earlier, or lengthen the run.` });
    }
  }
  const faults = checkFaultPlan([...(first('faults') ?? []), ...(implied?.faults.map(parseFaultSpec) ?? [])], runS);
  for (const f of faults) {
    if (!connections[f.store]) {
      throw new UsageError(`Fault ${f.spec} names ${f.store}, which ${scenario.id} does not use with these options.`, { hint: `It uses: ${Object.keys(connections).join(', ')}.` });
    }
  }

  return {
    scenario,
    options,
    operations,
    connections,
    loop,
    stages,
    arrival: first('arrival') ?? HARNESS_DEFAULTS.arrival,
    ...(loop === 'closed' ? { concurrency, durationS: runS } : {}),
    warmupS,
    workers: first('workers') ?? HARNESS_DEFAULTS.workers,
    maxInFlight,
    pacing: first('pacing') ?? 'auto',
    opTimeoutS: first('opTimeout') ?? HARNESS_DEFAULTS.opTimeoutS,
    seed: first('seed') ?? HARNESS_DEFAULTS.seed,
    thresholds,
    allowRemote: first('allowRemote') ?? false,
    faults,
    redisDriver,
  };
}
