/**
 * The command line of the rate-search benches, parsed the way the CLI parses `capbench run`:
 * commander splits argv, zod validates every value, before any work starts.
 *
 * - Run settings (--warmup, --seed, --workers, --<store>-url, --allow-remote) are
 *   RunSettingsLayer fields: scenarios/settings.ts's parseLayer() checks them, so a bad one
 *   reads exactly as it does for `capbench run`.
 * - The search's own flags (--step, --start, --p99-ms, ...) and each bench's (--paths, ...)
 *   are checked by small zod schemas built from the same pieces (durationSchema, countSchema).
 * - Precedence: flags > environment (envLayer(): CAPBENCH_SEED, CAPBENCH_WORKERS,
 *   CAPBENCH_MAX_IN_FLIGHT, CAPBENCH_OP_TIMEOUT) > the bench's defaults. CAPBENCH_ARRIVAL does
 *   not apply: a search step is a constant rate by definition. Store URLs fall back to
 *   CAPBENCH_<STORE>_URL in targets/registry.ts, as for every command.
 */
import { DEFAULT_PREWARM_S } from '../core/capacity.js';
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import type { StoreName } from '../core/target.js';
import {
  countSchema,
  durationSchema,
  envLayer,
  HARNESS_DEFAULTS,
  numberAtLeastSchema,
  parseFlagValues,
  parseLayer,
  type RunSettingsLayerValue,
} from '../scenarios/settings.js';
import type { SearchSettings } from './output.js';

/** Redis logical database for the benches' keys, away from database 0 where `capbench run` and the tests reset p:*:l. */
export const BENCH_DB = 9;
/** A failing step during which other processes used at least this % of one core is run once more. */
export const RETRY_OTHERS_PCT = 25;
/** The benches' per-operation timeout unless CAPBENCH_OP_TIMEOUT says otherwise, s: shorter than `run`'s 10 s so a stalled step ends sooner. */
const BENCH_OP_TIMEOUT_S = 5;

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

/** The search's own flags (commander's camelCase keys), every value as commander gives it (text or true). */
const SearchFlagsSchema = z
  .object({
    quick: z.literal(true).optional(),
    p99Ms: numberAtLeastSchema(0.001).optional(),
    allowFlagged: z.literal(true).optional(),
    start: countSchema(1).optional(),
    max: countSchema(1).optional(),
    min: countSchema(1).optional(),
    resolution: numberAtLeastSchema(0.1).optional(),
    step: durationSchema().optional(),
    posts: countSchema(1).optional(),
    out: z.string().trim().min(1, { error: 'give a file name' }).optional(),
    db: countSchema(0).optional(),
    /** commander's --no-retry: false when given. */
    retry: z.boolean(),
  })
  .strict();

/** Flags that are RunSettingsLayer fields, by commander key. */
const LAYER_KEYS = ['warmup', 'seed', 'workers', 'allowRemote', 'redisDriver'] as const;

/**
 * A commander program with the flags every search bench takes; the bench adds its own and
 * its store URL flags (storeUrlFlags()). Help is commander's, with the defaults in the text.
 */
export function searchCommand(name: string, description: string, d: SearchDefaults): Command {
  return new Command(`node dist/bench/${name}.js`)
    .description(description)
    .helpOption('-h, --help', 'this text')
    .option('--quick', `a rough figure sooner: ${d.stepS[1]} s steps (${d.warmupS[1]} s warmup), ${d.resolutionPct[1]}% resolution`)
    .option('--p99-ms <ms>', 'highest acceptable like p99, ms (default 5)')
    .option('--allow-flagged', 'accept steps the engine flagged (judge on p99 and errors only)')
    .option('--start <ops/s>', 'first rate of the doubling ramp (default 10000)')
    .option('--max <ops/s>', 'highest rate tried (default 400000)')
    .option('--min <ops/s>', `when the start fails, halve down to this (default ${d.minRate})`)
    .option('--resolution <pct>', `stop bisecting when the gap is within this % of the last pass (default ${d.resolutionPct[0]}; quick ${d.resolutionPct[1]})`)
    .option('--step <duration>', `each step's length including warmup (default ${d.stepS[0]}s; quick ${d.stepS[1]}s)`)
    .option('--warmup <duration>', `warmup per step, kept apart (default ${d.warmupS[0]}s; quick ${d.warmupS[1]}s)`)
    .option('--posts <n>', 'posts in the zipfian key space, seeded first (default 100000)')
    .option('--out <file>', `JSON output (default ${d.out})`)
    .option('--db <n>', `Redis database for the bench's keys (default: the URL's, else ${BENCH_DB}, away from database 0 where other capbench runs and tests reset p:*:l)`)
    .option('--allow-remote', 'allow targets that are not on loopback')
    .option('--redis-driver <name>', 'client library of the Redis paths: ioredis (auto-pipelining) or node-redis (default node-redis; env CAPBENCH_REDIS_DRIVER)')
    .option('--seed <n>', 'seed for key choice (default 1; env CAPBENCH_SEED)')
    .option('--no-retry', `do not rerun a failing step during which other processes used >= ${d.retryOthersPct}% of a core`);
}

/** Add --<store>-url for each store (each falls back to CAPBENCH_<STORE>_URL, then the local server). */
export function storeUrlFlags(cmd: Command, stores: readonly StoreName[]): Command {
  for (const s of stores) cmd.option(`--${s}-url <url>`, `${s} to use (default: CAPBENCH_${s.toUpperCase()}_URL, else the local capbench server)`);
  return cmd;
}

/**
 * Split argv with commander (no node and script path).
 * @returns the flags by camelCase key (text, true, or false for --no-retry), or 'help' once the help was printed.
 * @throws UsageError for an unknown flag, a missing value or a stray argument, one line.
 */
export function parseArgv(cmd: Command, argv: readonly string[]): Record<string, unknown> | 'help' {
  cmd
    .exitOverride()
    .allowExcessArguments(false)
    .configureOutput({ writeOut: (t) => void process.stdout.write(t), writeErr: () => undefined, outputError: () => undefined });
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return 'help';
      throw new UsageError(`${err.message.replace(/^error: /, '').replace(/\.$/, '')}.`, { hint: 'See --help.' });
    }
    throw err;
  }
  return cmd.opts();
}

/** What parseSearchFlags() returns: the search settings, the bench's own flags validated, and the run-settings layers. */
export interface ParsedSearchFlags<Own> {
  search: SearchSettings;
  own: Own;
  /** The flags' run settings (parseLayer); a bench reads `workers` from here. */
  flags: RunSettingsLayerValue;
  /** The environment layer, beneath the flags. */
  env: RunSettingsLayerValue;
}

/**
 * Validate commander's flags: run settings through parseLayer, the search's own through
 * SearchFlagsSchema, the rest through `own` (strict: a flag the bench declared but did not
 * list is a bug that shows here). Then check across flags and fill in env and defaults.
 * @param stores the stores whose --<store>-url the bench declared.
 * @param layerWorkers false when the bench's --workers is not one count (max-like-rate's list): it goes to `own`.
 * @throws UsageError naming the bad flag or environment variable ("Bad --step ...", "Bad CAPBENCH_SEED ..."),
 *   or the two flags that disagree (--step vs --warmup, --min/--start/--max).
 */
export function parseSearchFlags<S extends z.ZodType>(
  opts: Record<string, unknown>,
  d: SearchDefaults,
  own: S,
  { stores, layerWorkers = true }: { stores: readonly StoreName[]; layerWorkers?: boolean },
): ParsedSearchFlags<z.output<S>> {
  const layerRaw: Record<string, unknown> = {};
  const searchRaw: Record<string, unknown> = {};
  const ownRaw: Record<string, unknown> = {};
  const urls: Partial<Record<StoreName, unknown>> = {};
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined) continue;
    const store = stores.find((s) => `${s}Url` === k);
    if (store) urls[store] = v;
    else if ((LAYER_KEYS as readonly string[]).includes(k) && (k !== 'workers' || layerWorkers)) layerRaw[k] = v;
    else if (k in SearchFlagsSchema.shape) searchRaw[k] = v;
    else ownRaw[k] = v;
  }
  if (Object.keys(urls).length) layerRaw.urls = urls;
  const flags = parseLayer(layerRaw, { kind: 'flags' });
  const v = parseFlagValues(SearchFlagsSchema, searchRaw);
  const ownValues = parseFlagValues(own, ownRaw);
  const env = envLayer();

  const q = v.quick ? 1 : 0;
  const stepS = v.step ?? d.stepS[q];
  const warmupS = flags.warmup ?? d.warmupS[q];
  if (stepS - warmupS < 1) throw new UsageError(`--step (${stepS} s) must be at least 1 s longer than --warmup (${warmupS} s).`);
  const startRate = v.start ?? 10_000;
  const maxRate = v.max ?? 400_000;
  const minRate = v.min ?? d.minRate;
  if (maxRate < startRate || minRate > startRate) throw new UsageError('Rates must satisfy --min ≤ --start ≤ --max.');
  const search: SearchSettings = {
    quick: v.quick === true,
    bounds: { startRate, maxRate, minRate, resolution: (v.resolution ?? d.resolutionPct[q]) / 100 },
    criteria: { maxP99Ms: v.p99Ms ?? 5, requireUnflagged: v.allowFlagged !== true, maxErrorRate: 0 },
    stepS,
    warmupS,
    // A --quick search's first step is short too: one second of warm-up keeps it a quick check.
    prewarmS: v.quick ? 1 : DEFAULT_PREWARM_S,
    pauseS: d.pauseS[q],
    maxSteps: d.maxSteps,
    retryOthersPct: v.retry ? d.retryOthersPct : null,
    posts: v.posts ?? 100_000,
    out: v.out ?? d.out,
    urls: flags.urls ?? {},
    ...(v.db !== undefined ? { db: v.db } : {}),
    allowRemote: flags.allowRemote ?? false,
    ...((flags.redisDriver ?? env.redisDriver) !== undefined ? { redisDriver: flags.redisDriver ?? env.redisDriver } : {}),
    seed: flags.seed ?? env.seed ?? HARNESS_DEFAULTS.seed,
    maxInFlight: env.maxInFlight ?? HARNESS_DEFAULTS.maxInFlight,
    opTimeoutS: env.opTimeout ?? BENCH_OP_TIMEOUT_S,
  };
  return { search, own: ownValues, flags, env };
}
