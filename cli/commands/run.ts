/**
 * `capbench run <scenario|file>`: a plain async function (testable without the CLI) and its
 * commander registration. Writes DIR/results.json and DIR/report.html (plus summary.md,
 * junit.xml), a journal as it goes, and keeps partial results on Ctrl-C or a fault midway.
 */
import { appendFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkOutDir, prepareOutDir } from '../../core/out-dir.js';
import { Command, Option } from 'commander';
import { EXIT, UsageError, type ExitCode } from '../../core/errors.js';
import type { RunResult } from '../../core/results.js';
import { STORES, type StoreName } from '../../core/target.js';
import { getScenario } from '../../scenarios/registry.js';
import { loadScenarioFile, looksLikeScenarioFile } from '../../scenarios/file.js';
import { runScenario } from '../../scenarios/run.js';
import { envLayer, parseLayer, resolveRunSettings, type RunSettingsLayerValue } from '../../scenarios/settings.js';
import { parseReportFormats, renderTerminalSummary, writeReports, type ReportFormat } from '../../reports/index.js';
import { onInterrupt } from '../interrupt.js';
import { addStoreUrlOptions, type StoreUrlFlags } from '../store-urls.js';
import { loadCostInputs, withCost } from './cost.js';
import { createProgress } from '../progress.js';
import { checkHttpSupport, httpOverheadSection, startRunService } from './via-http.js';
import { prepareK6Engine } from '../../k6/engine.js';
import { markK6 } from './k6.js';
import { K6_VERSION } from '../../targets/k6/index.js';
import { workloadScenario } from '../../workloads/scenario.js';
import { comparePathsCommand, workloadOf } from './workload.js';

/** Flags of `capbench run`, as commander hands them over (strings where the user typed them). */
export interface RunFlags extends StoreUrlFlags {
  out?: string;
  path?: string;
  option?: string[];
  rate?: string;
  duration?: string;
  stages?: string;
  arrival?: 'constant' | 'poisson';
  warmup?: string;
  loop?: 'open' | 'closed';
  concurrency?: string;
  workers?: string;
  maxInFlight?: string;
  pacing?: string;
  opTimeout?: string;
  seed?: string;
  threshold?: string[];
  /** Fault specs, repeatable (core/faults.ts), e.g. redis:kill@10s. */
  fault?: string[];
  format?: string;
  allowRemote?: boolean;
  quiet?: boolean;
  /** Scale to project the cost at, e.g. "posts=1000000,likesPerSec=5000" (reports/cost/scale.ts). */
  scale?: string;
  /** A price book file instead of the built-in one (reports/cost/price-book.yaml). */
  priceBook?: string;
  /** driver (default) or http: through the reference service (issue 12; cli/commands/via-http.ts). */
  via?: 'driver' | 'http' | 'redis';
  /** --via http: use this running service instead of starting one in this process. */
  serviceUrl?: string;
  /** capbench (default) or k6: which load generator runs the run phase (k6/engine.ts). */
  engine?: 'capbench' | 'k6';
  /** Workload files: swap an operation's path, "like=likes.redis-hash", repeatable (docs/workloads.md). */
  pathOverride?: string[];
  /** Workload files: run once per path of one operation, "like=a,b", and write one compare report. */
  comparePaths?: string;
  /** Workload files (set by --compare-paths, not a flag): paths whose data the load phase also wipes. */
  resetPaths?: string[];
  /** ioredis or node-redis: the Redis paths' client library (targets/redis/driver.ts). */
  redisDriver?: string;
}

function parseOptionPairs(pairs: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`Bad -o "${p}".`, { hint: 'Write -o name=value, e.g. -o spikeRate=20000.' });
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

/**
 * The flags as a settings layer (scenarios/settings.ts validates it; commander only splits argv).
 * @throws UsageError for a malformed -o pair or a value that does not fit, naming the flag.
 */
export function flagsLayer(flags: RunFlags): RunSettingsLayerValue {
  const urls: Partial<Record<StoreName, string>> = {};
  for (const s of STORES) {
    const v = flags[`${s}Url` as keyof RunFlags];
    if (typeof v === 'string') urls[s] = v;
  }
  const options = { ...parseOptionPairs(flags.option), ...(flags.path ? { path: flags.path } : {}) };
  const raw = {
    options: Object.keys(options).length ? options : undefined,
    stages: flags.stages,
    rate: flags.rate,
    duration: flags.duration,
    warmup: flags.warmup,
    arrival: flags.arrival,
    loop: flags.loop,
    concurrency: flags.concurrency,
    workers: flags.workers,
    maxInFlight: flags.maxInFlight,
    pacing: flags.pacing,
    opTimeout: flags.opTimeout,
    seed: flags.seed,
    thresholds: flags.threshold,
    faults: flags.fault,
    urls: Object.keys(urls).length ? urls : undefined,
    allowRemote: flags.allowRemote ? true : undefined,
    redisDriver: flags.redisDriver,
  };
  return parseLayer(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)), { kind: 'flags' });
}

/** What runCommand() did: where it wrote, the result, the exit code. */
export interface RunCommandOutcome {
  outDir: string;
  result: RunResult;
  exitCode: ExitCode;
}

/**
 * Run a scenario from CLI-shaped arguments and write its reports.
 * Exit code: 0 completed and every threshold passed; 1 a threshold or check failed (or the
 * run was aborted); errors before any measurement throw (UsageError, TargetUnreachableError: exit 2).
 */
export async function runCommand(target: string, flags: RunFlags, signal?: AbortSignal): Promise<RunCommandOutcome> {
  // The output directory first: creatable and writable, or exit 2 before anything else (issue 13).
  if (flags.out !== undefined) await checkOutDir(flags.out);
  // A workload file (operations:, workloads/file.ts) runs as a scenario of its own.
  const workload = await workloadOf(target, flags);
  const file = !workload && looksLikeScenarioFile(target) ? await loadScenarioFile(target) : undefined;
  const scenario = workload ? workloadScenario(workload.workload) : getScenario(file?.scenario ?? target);
  const formats: ReportFormat[] = parseReportFormats(flags.format ?? 'html,markdown,junit');
  // Every setting is merged and validated here, before anything is written or connected.
  const settings = resolveRunSettings(scenario, { flags: flagsLayer(flags), file: workload?.settings ?? file?.settings, env: envLayer() });
  // The scale and the price book too: a bad one is exit 2 before anything runs.
  const cost = await loadCostInputs(flags);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const outPath = flags.out ?? join('results', `${scenario.id}-${stamp}`);
  let outDir = resolve(outPath);
  // --via http: the scenario and each path need HTTP routes, checked before anything runs.
  if (flags.via === 'redis' && flags.engine !== 'k6') throw new UsageError('--via redis needs --engine k6 (capbench\'s own engine drives Redis with --via driver).');
  if (flags.via === 'driver' && flags.engine === 'k6') throw new UsageError('--engine k6 drives the stores through the service (--via http) or Redis (--via redis), not --via driver.');
  const viaHttp = flags.via === 'http' || (flags.engine === 'k6' && flags.via !== 'redis');
  if (viaHttp) checkHttpSupport(settings);
  else if (flags.serviceUrl) throw new UsageError('--service-url needs --via http.');
  // Faults are timed by capbench's engine, and a delay proxy sits between the engine's clients
  // and the store: k6 has neither, and the service's own clients would bypass the proxy.
  if (settings.faults.length > 0 && flags.engine === 'k6') throw new UsageError('--fault needs capbench\'s own engine; drop --engine k6 or the faults.');
  if (viaHttp && settings.faults.some((f) => f.kind === 'delay')) throw new UsageError('A delay fault acts on capbench\'s own store connections, which --via http does not use; use pause instead, or run without --via http.');
  // --engine k6: k6 built and the scenario exportable, checked before anything runs.
  let service: Awaited<ReturnType<typeof startRunService>> | undefined;
  const k6 = flags.engine === 'k6' ? prepareK6Engine(settings, viaHttp ? 'http' : 'redis', { serviceUrl: () => service!.via.url, redisUrl: settings.connections.redis?.url }, outDir) : undefined;
  const journal = join(outDir, 'journal.jsonl');
  const progress = createProgress({ quiet: flags.quiet === true, tty: process.stderr.isTTY === true });

  service = viaHttp ? await startRunService(settings, flags.serviceUrl) : undefined;
  const measured = await runScenario({
    settings,
    // Created only once the targets answered: a refused run leaves nothing behind.
    onReady: async () => {
      outDir = await prepareOutDir(outPath);
    },
    ...(service ? { via: service.via } : {}),
    ...(k6 ? { runPhase: () => k6.runPhase() } : {}),
    log: (line) => {
      if (!flags.quiet) process.stderr.write(`${line}\n`);
    },
    onRunStart: ({ totalS }) => progress.start(totalS),
    onProgress: (p) => {
      progress.update(p);
      // The journal keeps what was seen even if the process dies before the report is written.
      void appendFile(journal, `${JSON.stringify({ at: new Date().toISOString(), ...p })}\n`).catch(() => undefined);
    },
    signal,
  })
    .catch(async (err: unknown) => {
      await service?.close();
      throw err;
    })
    .finally(() => progress.stop());
  if (service) {
    const calls = await service.service?.storeCalls();
    await service.close();
    measured.sections = [...(measured.sections ?? []), httpOverheadSection(measured, calls, service.via.url, k6 ? 'k6' : 'capbench')];
    measured.notes.push(`${k6 ? 'k6 ' : ''}driven over HTTP through the reference service (${service.service ? 'started by this run' : service.via.url}); latency includes the HTTP hop`);
  }

  if (k6) markK6(measured, k6);
  // --engine k6 --via redis: k6's own Redis client ran the run phase; capbench's driver only loaded and verified.
  if (k6 && !viaHttp) for (const t of measured.targets) if (t.client) t.client = `k6/experimental/redis in the run phase; ${t.client} for load and verify`;
  if (k6 || service) measured.generator = k6 ? { name: 'k6', version: K6_VERSION.replace(/^v/, ''), via: viaHttp ? 'http' : 'redis' } : { name: 'capbench', version: measured.tool.version, via: 'http' };
  const result = withCost(measured, cost);
  await writeReports(result, outDir, formats);
  const failed = result.thresholds.some((t) => !t.passed) || result.status === 'aborted';
  return { outDir, result, exitCode: failed ? EXIT.THRESHOLDS_FAILED : EXIT.OK };
}

/** Register `capbench run`. */
export function registerRunCommand(program: Command): void {
  const command = program
    .command('run')
    .description('run a scenario (built-in id or a .yaml/.json scenario file) and write results.json and report.html')
    .argument('<scenario>', 'built-in scenario id (see `capbench scenarios`) or a scenario file')
    .option('--out <dir>', 'output directory (default results/<scenario>-<time>)')
    .option('--path <id>', 'storage path, e.g. likes.redis-hash (scenario option "path")')
    .option('-o, --option <name=value...>', 'scenario option, repeatable (e.g. -o spikeRate=20000)')
    .option('--rate <ops/s>', 'constant arrival rate (replaces the scenario stages)')
    .option('--duration <d>', 'run length, e.g. 30s (with --rate, or alone at the scenario default rate)')
    .option('--stages <list>', 'arrival-rate stages, e.g. 10s:1000,10s:20000,10s:1000 or 30s:0..5000')
    .addOption(new Option('--arrival <kind>', 'arrival process (open loop)').choices(['constant', 'poisson']))
    .option('--warmup <d>', 'warmup at the start, kept apart from the measurement (e.g. 2s; 0 for none)')
    .addOption(new Option('--loop <kind>', 'open loop (arrival rate) or closed loop (fixed concurrency)').choices(['open', 'closed']))
    .option('--concurrency <n>', 'closed loop: operations in flight')
    .option('--workers <n>', 'worker threads generating load (default 1)')
    .option('--max-in-flight <n>', 'open loop: most operations in flight; later arrivals wait (default 10000)')
    .option('--pacing <kind>', 'open loop: how threads wait for arrivals: spin (precise send times, a busy core), batch (timers; idle time given back) or auto (default: spin while the threads leave a core free)')
    .option('--op-timeout <d>', 'an operation running longer is counted as a timeout (default 10s)')
    .option('--seed <n>', 'seed for key choice and Poisson arrivals (default 1)')
    .option('--threshold <expr...>', 'pass/fail condition, repeatable, e.g. like:p99<5ms (replaces the defaults)')
    .option('--fault <spec>', 'inject a fault, repeatable: <store>:<pause|kill|stop|restart|delay>@<at>[+<for>][=<latency>], e.g. redis:kill@10s (see docs/faults.md)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--format <list>', 'reports besides results.json: html,markdown,junit', 'html,markdown,junit')
    .option('--scale <list>', 'project the monthly cloud cost at this scale, e.g. posts=1000000,likesPerSec=5000 (see docs/cost.md)')
    .option('--price-book <file>', 'price book (YAML/JSON) instead of the built-in reports/cost/price-book.yaml')
    .addOption(new Option('--via <kind>', 'drive the storage paths directly (driver), through the reference HTTP service (http), or (--engine k6) Redis straight from k6 (redis)').choices(['driver', 'http', 'redis']))
    .option('--service-url <url>', '--via http: a running `capbench serve` to drive (default: start one in this process)')
    .addOption(new Option('--engine <name>', 'load generator of the run phase: capbench (default) or k6 (the k6 `capbench services up k6` built)').choices(['capbench', 'k6']))
    .option('--redis-driver <name>', 'client library of the Redis paths: ioredis (auto-pipelining) or node-redis (default: see docs/redis-drivers.md; env CAPBENCH_REDIS_DRIVER)')
    .option('--allow-remote', 'allow targets that are not on loopback (only hosts you own)')
    .option('--path-override <op=path>', 'workload files: run an operation on another storage path, repeatable, e.g. like=likes.redis-hash', (v: string, prev: string[] = []) => [...prev, v])
    .option('--compare-paths <op=paths>', 'workload files: run once per path, e.g. like=likes.redis-counter,likes.redis-hash, and write one compare report')
    .option('-q, --quiet', 'no progress output');
  addStoreUrlOptions(command).action(async (scenario: string, flags: RunFlags) => {
    const ac = new AbortController();
    const dispose = onInterrupt(ac, 'interrupted: stopping the run and writing partial results (Ctrl-C again to quit at once)');
    try {
      if (flags.comparePaths !== undefined) {
        const c = await comparePathsCommand(scenario, flags, runCommand, ac.signal);
        process.stdout.write(`${c.terminal}\n${c.runs.map((r) => `results: ${join(r.outDir, 'results.json')}`).join('\n')}\ncompare: ${c.html}\n`);
        process.exitCode = c.exitCode;
        return;
      }
      const { outDir, result, exitCode } = await runCommand(scenario, flags, ac.signal);
      process.stdout.write(`${renderTerminalSummary(result, { color: process.stdout.isTTY === true })}\n`);
      process.stdout.write(`results: ${join(outDir, 'results.json')}\nreport:  ${join(outDir, 'report.html')}\n`);
      process.exitCode = exitCode;
    } finally {
      dispose();
    }
  });
}
