/**
 * `capbench capacity <scenario|file> --slo 'like:p99<5ms' [--slo ...] [--path P]`: the highest
 * constant arrival rate a scenario's workload sustains under its SLOs (DESIGN.md "Commands").
 * A plain async function (testable without the CLI) and its commander registration. Every flag
 * is validated before any work (one line, exit 2); the search itself is
 * scenarios/capacity/search.ts; the step table is printed live on stdout, the engine's progress
 * on stderr while a step runs; DIR/results.json (kind "capacity"), DIR/report.html and
 * DIR/summary.md are written at the end, on Ctrl-C too (exit 130).
 *
 * Exit codes: 0 a rate passed and every check over the steps held; 1 no rate passed, or a
 * check failed; 2 bad input or a target unreachable; 130 interrupted.
 */
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { DEFAULT_PREWARM_S, type CapacityResult, type CapacitySearchSettings, type Slo } from '../../core/capacity.js';
import { EXIT, UsageError } from '../../core/errors.js';
import { fmtInt } from '../../core/format.js';
import { checkOutDir, prepareOutDir } from '../../core/out-dir.js';
import { roundRate } from '../../engine/capacity.js';
import { checkSloOperations, DEFAULT_SLO, parseSlo, slosFromThresholds } from '../../engine/slo.js';
import { parseReportFormats } from '../../reports/index.js';
import { stepTableHeader, stepTableRow, writeCapacityReports } from '../../reports/capacity/index.js';
import { runCapacity } from '../../scenarios/capacity/search.js';
import { loadScenarioFile, looksLikeScenarioFile } from '../../scenarios/file.js';
import { getScenario } from '../../scenarios/registry.js';
import { countSchema, durationSchema, envLayer, numberAtLeastSchema, parseFlagValues, parseLayer, resolveRunSettings, type RunSettings } from '../../scenarios/settings.js';
import { workloadScenario } from '../../workloads/scenario.js';
import { INTERRUPTED_EXIT, onInterrupt } from '../interrupt.js';
import { createProgress } from '../progress.js';
import { addStoreUrlOptions, type StoreUrlFlags } from '../store-urls.js';
import { flagsLayer } from './run.js';
import { workloadOf } from './workload.js';

/** Flags of `capbench capacity`, as commander hands them over (text where the user typed them). */
export interface CapacityFlags extends StoreUrlFlags {
  slo?: string[];
  path?: string;
  option?: string[];
  startRate?: string;
  maxRate?: string;
  minRate?: string;
  resolution?: string;
  step?: string;
  warmup?: string;
  prewarm?: string;
  pause?: string;
  maxSteps?: string;
  maxErrorRate?: string;
  workers?: string;
  maxInFlight?: string;
  pacing?: string;
  redisDriver?: string;
  opTimeout?: string;
  seed?: string;
  out?: string;
  format?: string;
  allowRemote?: boolean;
  allowFlagged?: boolean;
  /** commander's --no-retry: false when given. */
  retry?: boolean;
  quiet?: boolean;
}

/** Defaults of the search (docs/capacity.md). */
export const CAPACITY_DEFAULTS = {
  /** Step length including warmup, s. */
  stepS: 10,
  /** Warmup per step: at most this, s, and at most a fifth of the step. */
  warmupS: 2,
  pauseS: 1,
  resolutionPct: 10,
  maxSteps: 12,
  /** The max rate is at least this, ops/s (and at least 16x the start). */
  maxRate: 1_000_000,
  /** Retry a failing step once when other processes used at least this % of a core during it. */
  retryOthersPct: 25,
  /** Unjudged load at the first step's rate before it, s (core/capacity.ts DEFAULT_PREWARM_S). */
  prewarmS: DEFAULT_PREWARM_S,
} as const;

/** The search's own flags (commander keys), checked by zod; run settings go through parseLayer. */
const OwnFlags = z
  .object({
    startRate: countSchema(1).optional(),
    maxRate: countSchema(1).optional(),
    minRate: countSchema(1).optional(),
    resolution: numberAtLeastSchema(0.1).pipe(z.number().max(100, { error: 'expected a percentage from 0.1 to 100' })).optional(),
    step: durationSchema().optional(),
    pause: durationSchema(true).optional(),
    prewarm: durationSchema(true).optional(),
    maxSteps: countSchema(1).pipe(z.number().max(100, { error: 'at most 100 steps' })).optional(),
    maxErrorRate: numberAtLeastSchema(0).pipe(z.number().max(100, { error: 'expected a percentage from 0 to 100' })).optional(),
  })
  .strict();

/** Everything a search needs, validated, before anything connects. */
export interface CapacityPlan {
  settings: RunSettings;
  slos: Slo[];
  sloSource: CapacityResult['sloSource'];
  search: CapacitySearchSettings;
  /** Output directory as given (created once the targets answered). */
  outPath: string;
  formats: string[];
}

/**
 * Validate every flag and the scenario (built-in id, scenario file or workload file) and
 * resolve the plan; connects to nothing.
 * @throws UsageError (exit 2), one line: a bad flag value, an SLO that does not parse or names
 *   an operation the scenario does not run, rates out of order, a warmup that leaves less than
 *   1 s measured, a closed loop or faults in a scenario file, an unwritable --out.
 */
export async function planCapacity(target: string, flags: CapacityFlags): Promise<CapacityPlan> {
  if (flags.out !== undefined) await checkOutDir(flags.out);
  const formats = parseReportFormats(flags.format ?? 'html,markdown').filter((f) => f !== 'junit');
  const own = parseFlagValues(OwnFlags, {
    startRate: flags.startRate,
    maxRate: flags.maxRate,
    minRate: flags.minRate,
    resolution: flags.resolution,
    step: flags.step,
    pause: flags.pause,
    prewarm: flags.prewarm,
    maxSteps: flags.maxSteps,
    maxErrorRate: flags.maxErrorRate,
  });
  const slosGiven = (flags.slo ?? []).map(parseSlo);
  const stepS = own.step ?? CAPACITY_DEFAULTS.stepS;
  const warmupFlag = flags.warmup !== undefined ? parseLayer({ warmup: flags.warmup }, { kind: 'flags' }).warmup : undefined;
  const warmupS = warmupFlag ?? Math.min(CAPACITY_DEFAULTS.warmupS, stepS / 5);
  if (stepS - warmupS < 1) throw new UsageError(`--step (${stepS} s) must be at least 1 s longer than the warmup (${warmupS} s), so that each step measures something.`, { hint: 'Lengthen --step or shorten --warmup.' });

  const workload = await workloadOf(target, { path: flags.path, option: flags.option });
  const file = !workload && looksLikeScenarioFile(target) ? await loadScenarioFile(target) : undefined;
  const scenario = workload ? workloadScenario(workload.workload) : getScenario(file?.scenario ?? target);
  const fileLayer = workload?.settings ?? file?.settings;
  if (fileLayer?.faults?.length) {
    throw new UsageError(`A capacity search injects no faults; ${target} asks for ${fileLayer.faults.map((f) => f.spec).join(', ')}.`, { hint: 'Remove the faults from the file, or run them with `capbench run`.' });
  }
  const layer = {
    ...flagsLayer({ ...flags, option: flags.option, path: flags.path, warmup: undefined }),
    warmup: warmupS,
    duration: stepS,
    ...(own.startRate !== undefined ? { rate: own.startRate } : {}),
  };
  const settings = resolveRunSettings(scenario, { flags: layer, file: fileLayer, env: envLayer() });
  if (settings.loop !== 'open') throw new UsageError(`A capacity search runs open-loop steps; ${target} asks for a closed loop.`, { hint: 'Remove loop: closed from the file.' });
  if (settings.faults.length > 0) throw new UsageError(`A capacity search injects no faults; ${target} (or its options) asks for ${settings.faults.map((f) => f.spec).join(', ')}.`, { hint: 'Remove the faults, or run them with `capbench run`.' });

  const startRate = own.startRate ?? roundRate(scenario.defaultRate(settings.options));
  const maxRate = own.maxRate ?? Math.max(CAPACITY_DEFAULTS.maxRate, startRate * 16);
  const minRate = own.minRate ?? Math.max(1, roundRate(startRate / 64));
  if (!(minRate <= startRate && startRate <= maxRate)) {
    throw new UsageError(`Rates must satisfy --min-rate ≤ --start-rate ≤ --max-rate; got ${fmtInt(minRate)} ≤ ${fmtInt(startRate)} ≤ ${fmtInt(maxRate)}.`, { hint: 'Change one of the three.' });
  }
  if (maxRate * 0.0001 > settings.maxInFlight) {
    throw new UsageError(`A max rate of ${fmtInt(maxRate)} ops/s cannot be carried with at most ${fmtInt(settings.maxInFlight)} operations in flight.`, { hint: 'Raise --max-in-flight or lower --max-rate.' });
  }

  let slos: Slo[];
  let sloSource: CapacityResult['sloSource'];
  if (slosGiven.length > 0) {
    checkSloOperations(slosGiven, settings.operations, scenario.id);
    slos = slosGiven;
    sloSource = 'flags';
  } else {
    slos = slosFromThresholds(settings.thresholds);
    sloSource = 'thresholds';
    if (slos.length === 0) {
      slos = [parseSlo(DEFAULT_SLO)];
      sloSource = 'default';
    }
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return {
    settings,
    slos,
    sloSource,
    formats,
    outPath: flags.out ?? join('results', `capacity-${scenario.id}-${stamp}`),
    search: {
      startRate,
      maxRate,
      minRate,
      resolutionPct: own.resolution ?? CAPACITY_DEFAULTS.resolutionPct,
      stepS,
      warmupS,
      prewarmS: own.prewarm ?? CAPACITY_DEFAULTS.prewarmS,
      pauseS: own.pause ?? CAPACITY_DEFAULTS.pauseS,
      maxSteps: own.maxSteps ?? CAPACITY_DEFAULTS.maxSteps,
      retryOthersPct: flags.retry === false ? null : CAPACITY_DEFAULTS.retryOthersPct,
      requireUnflagged: flags.allowFlagged !== true,
      maxErrorRate: (own.maxErrorRate ?? 0) / 100,
      workers: settings.workers,
      maxInFlight: settings.maxInFlight,
      opTimeoutS: settings.opTimeoutS,
      seed: settings.seed,
    },
  };
}

/** What capacityCommand() did. */
export interface CapacityCommandOutcome {
  outDir: string;
  result: CapacityResult;
  written: { json: string; html?: string; markdown?: string };
  /** 0, 1, or 130 when interrupted. */
  exitCode: number;
}

/** Where capacityCommand() writes: the step table (stdout) and progress lines (stderr). */
export interface CapacityIo {
  out(line: string): void;
  err(line: string): void;
  /** A progress bar on stderr (a terminal) instead of a line every 5 s. */
  tty: boolean;
}

const STD_IO: CapacityIo = {
  out: (l) => void process.stdout.write(`${l}\n`),
  err: (l) => void process.stderr.write(`${l}\n`),
  tty: process.stderr.isTTY === true,
};

/**
 * Plan (validate), search, write the reports.
 * @throws UsageError / TargetUnreachableError (exit 2) before any work; CapbenchError when
 *   the load phase fails.
 */
export async function capacityCommand(target: string, flags: CapacityFlags, signal?: AbortSignal, io: CapacityIo = STD_IO, command?: string): Promise<CapacityCommandOutcome> {
  const plan = await planCapacity(target, flags);
  let outDir = resolve(plan.outPath);
  // Off a terminal the engine's progress is a line every 5 s: only worth it for long steps.
  const progress = createProgress({ quiet: flags.quiet === true || (!io.tty && plan.search.stepS < 10), tty: io.tty });
  const head = plan.slos[0]!.operation;
  let headerPrinted = false;
  const result = await runCapacity({
    settings: plan.settings,
    slos: plan.slos,
    sloSource: plan.sloSource,
    search: plan.search,
    ...(command ? { command } : {}),
    log: (line) => {
      if (!flags.quiet) io.err(line);
    },
    onReady: async () => {
      outDir = await prepareOutDir(plan.outPath);
      io.out(`capacity search of ${plan.settings.scenario.id} (${[...new Set(plan.settings.operations.map((o) => o.path))].join(', ')}) under ${plan.slos.map((s) => s.expression).join(', ')}`);
    },
    onStepStart: ({ stepS }) => {
      if (!headerPrinted) {
        io.out(stepTableHeader(head === '*' ? 'the operation nearest its SLO' : head));
        headerPrinted = true;
      }
      progress.start(stepS);
    },
    onProgress: (p) => progress.update(p),
    onStep: (step) => {
      progress.stop();
      io.out(stepTableRow(step));
    },
    signal,
  }).finally(() => progress.stop());
  const written = await writeCapacityReports(result, outDir, plan.formats);
  io.out('');
  io.out(`${result.status === 'aborted' ? 'INTERRUPTED: ' : ''}${result.verdict}`);
  if (result.verify.ran) for (const c of result.verify.checks) io.out(`  ${c.passed ? 'ok  ' : 'FAIL'} ${c.expression}: ${c.actual ?? '—'} ${c.unit}`);
  else io.out(`  checks over the steps not run: ${result.verify.why ?? ''}`);
  const failedCheck = result.verify.checks.some((c) => !c.passed);
  const exitCode = result.status === 'aborted' ? INTERRUPTED_EXIT : result.kneeOpsPerSec === null || failedCheck ? EXIT.THRESHOLDS_FAILED : EXIT.OK;
  return { outDir, result, written, exitCode };
}

/** Register `capbench capacity`. */
export function registerCapacityCommand(program: Command): void {
  const d = CAPACITY_DEFAULTS;
  const command = program
    .command('capacity')
    .description('find the highest constant arrival rate a scenario sustains under its SLOs (ramp, then bisect); writes results.json, report.html (the latency-vs-rate curve) and summary.md')
    .argument('<scenario>', 'built-in scenario id (see `capbench scenarios`), a scenario file or a workload file')
    .option('--slo <expr>', "SLO, repeatable: <operation>:<p50|p90|p99|p99.9><N>ms, e.g. 'like:p99<5ms' (default: the scenario's latency thresholds, else *:p99<50ms)", (v: string, prev: string[] = []) => [...prev, v])
    .option('--path <id>', 'storage path, e.g. likes.redis-hash (scenario option "path")')
    .option('-o, --option <name=value...>', 'scenario option, repeatable (e.g. -o posts=10000)')
    .option('--start-rate <ops/s>', "first rate of the doubling ramp (default: the scenario's default rate)")
    .option('--max-rate <ops/s>', `highest rate tried (default ${fmtInt(d.maxRate)}, or 16x the start when higher)`)
    .option('--min-rate <ops/s>', 'when the start fails, halve down to this (default start / 64)')
    .option('--resolution <pct>', `stop bisecting when the gap is within this % of the knee (default ${d.resolutionPct})`)
    .option('--step <d>', `each step's length including warmup (default ${d.stepS}s)`)
    .option('--warmup <d>', `warmup per step, kept apart from the measurement (default ${d.warmupS}s, at most a fifth of the step)`)
    .option('--prewarm <d>', `before the first step, load the target at its rate this long, not judged (a cold process's first seconds; default ${d.prewarmS}s, 0 for none)`)
    .option('--pause <d>', `pause between steps (default ${d.pauseS}s)`)
    .option('--max-steps <n>', `most rates tried; a retry does not count (default ${d.maxSteps})`)
    .option('--max-error-rate <pct>', 'share of operations that may error in a passing step (default 0)')
    .option('--allow-flagged', 'do not fail a step the engine flagged (judge on the SLOs and errors only)')
    .option('--no-retry', `do not rerun a failing step during which other processes used >= ${d.retryOthersPct}% of a core`)
    .option('--workers <n>', 'worker threads generating load (default 1)')
    .option('--max-in-flight <n>', 'open loop: most operations in flight (default 10000)')
    .option('--pacing <kind>', 'how threads wait for arrivals: spin, batch or auto (default; see `capbench run --help`)')
    .option('--redis-driver <name>', 'client library of the Redis paths: ioredis or node-redis (docs/redis-drivers.md)')
    .option('--op-timeout <d>', 'an operation running longer is a timeout (default 10s)')
    .option('--seed <n>', 'seed for key choice (default 1)')
    .option('--out <dir>', 'output directory (default results/capacity-<scenario>-<time>)')
    .option('--format <list>', 'reports besides results.json: html,markdown', 'html,markdown')
    .option('--allow-remote', 'allow targets that are not on loopback (only hosts you own)')
    .addOption(new Option('-q, --quiet', 'no progress output (the step table is still printed)'));
  addStoreUrlOptions(command).action(async (scenario: string, flags: CapacityFlags) => {
    const ac = new AbortController();
    const dispose = onInterrupt(ac, 'interrupted: stopping the current step and writing the steps so far (Ctrl-C again to quit at once)');
    try {
      const r = await capacityCommand(scenario, flags, ac.signal, STD_IO, `capbench ${process.argv.slice(2).join(' ')}`);
      process.stdout.write(`results: ${r.written.json}\n${r.written.html ? `report:  ${r.written.html}\n` : ''}`);
      process.exitCode = r.exitCode;
    } finally {
      dispose();
    }
  });
}
