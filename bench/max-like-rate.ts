/**
 * Benchmark: the highest like rate this machine sustains through likes.redis-counter with
 * the run not flagged and the like p99 under 5 ms, printed beside `redis-benchmark -t incr`
 * at the same number of connections (issue 2, "Benchmark"; DESIGN.md claims register, seed
 * 000 "Likes System: Throughput 100K+/sec").
 *
 * How: constant-rate open-loop runs of the viral-like-spike workload with a flat schedule
 * (zipfian likes over `--posts` posts, no spike), through the engine (runLoad) exactly as
 * `capbench run viral-like-spike --path likes.redis-counter --rate R` drives it. A doubling
 * ramp from --start until a step fails, then bisection between the last pass and the first
 * fail, for each --workers count (one Redis connection per worker thread). Then
 * redis-benchmark INCR at the winner's connection count, unpipelined and with -P 16.
 *
 *   node dist/bench/max-like-rate.js [--quick] [--workers 1,2] [--p99-ms 5] [--out FILE]
 *
 * Exit codes: 0 a rate was found; 1 no rate passed (even at --min); 2 bad flags or Redis
 * unreachable (one line); 130 interrupted (what was measured is printed and written).
 */
import { performance } from 'node:perf_hooks';
import { CapbenchError, UsageError, describeError, redactUrl } from '../core/errors.js';
import type { Connection, ServerInfo } from '../core/target.js';
import { runLoad, type LoadOutcome, type LoadPlan, type LoadProgress } from '../engine/run.js';
import { CpuSampler, machineInfo } from '../engine/machine.js';
import { redisCounterPath } from '../reference-impl/likes/index.js';
import { writeFileAtomic } from '../reports/atomic.js';
import { CAPBENCH_VERSION } from '../scenarios/run.js';
import { resolveOptions } from '../scenarios/settings.js';
import { viralLikeSpike } from '../scenarios/viral-like-spike/index.js';
import type { ViralLikeSpikeOptions } from '../scenarios/viral-like-spike/options.js';
import { isLoopbackHost } from '../targets/local/net.js';
import { closeRedis, connectRedis, type RedisClient } from '../targets/redis/client.js';
import { parseInfo } from '../targets/redis/probe.js';
import { BENCH_DB, RETRY_OTHERS_PCT, log, mean, numberFlag, out, parseBenchArgs, pct, round1, searchSettings, sleep, measureStep, type SearchSettings, type StepMeasurement } from './search-common.js';
import { getTarget, resolveConnection } from '../targets/registry.js';
import {
  fmtMs,
  driveSearch,
  fmtRate,
  rampStartAfter,
  type SearchPhase,
} from './like-rate-search.js';
import {
  displayCommand,
  findOnPath,
  parseRedisBenchmarkQuiet,
  redisBenchmarkArgs,
  runRedisBenchmark,
  type RedisBenchmarkPlan,
} from './redis-benchmark.js';

const PATH = 'likes.redis-counter';
const DEFAULT_OUT = 'results/bench-max-like-rate.json';
const PIPELINE = 16;

/** Everything a bench run needs, parsed from the flags. Rates in ops/s, times in s. */
export interface BenchSettings extends SearchSettings {
  /** Worker-thread counts to search with, in order (each thread = one Redis connection). */
  workers: number[];
  /** Requests of the unpipelined redis-benchmark run (-n); the -P 16 run does 10×. */
  rbRequests: number;
}

const HELP = `Usage: node dist/bench/max-like-rate.js [options]

Finds the highest like rate this machine sustains through ${PATH} (open loop, constant
rate, run not flagged, like p99 below the limit), then runs redis-benchmark -t incr at the
same number of connections (unpipelined and -P ${PIPELINE}) and prints both.

Options:
  --quick              ~1 minute: 3 s steps (1 s warmup), 10% resolution, smaller redis-benchmark runs
  --workers <list>     worker-thread counts to try, e.g. 1,2 (default 1,2); one Redis connection each
  --p99-ms <ms>        highest acceptable like p99, ms (default 5)
  --allow-flagged      accept steps the engine flagged (judge on p99 and errors only)
  --start <ops/s>      first rate of the doubling ramp (default 10000)
  --max <ops/s>        highest rate tried (default 400000)
  --min <ops/s>        when the start fails, halve down to this (default 1000)
  --resolution <pct>   stop bisecting when the gap is within this % of the last pass (default 5; quick 10)
  --step <duration>    each step's length including warmup (default 7s; quick 3s)
  --warmup <duration>  warmup per step, kept apart (default 2s; quick 1s)
  --posts <n>          posts in the zipfian key space, seeded first (default 100000)
  --rb-requests <n>    redis-benchmark -n for the unpipelined run; -P ${PIPELINE} uses 10x (default 300000; quick 100000)
  --out <file>         JSON output (default ${DEFAULT_OUT})
  --redis-url <url>    Redis to use (default: CAPBENCH_REDIS_URL, else redis://127.0.0.1:6379)
  --db <n>             Redis database for the bench's keys (default: the URL's, else ${BENCH_DB}, away from
                       database 0 where other capbench runs and tests reset p:*:l)
  --allow-remote       allow a Redis that is not on loopback
  --seed <n>           seed for key choice (default 1)
  --no-retry           do not rerun a failing step during which other processes used >= ${RETRY_OTHERS_PCT}% of a core
  -h, --help           this text

Note: it resets the viral-like-spike keys (p:*:l) in that database, as \`capbench run viral-like-spike\` does.
`;

/**
 * Parse the command-line flags (without node and the script path).
 * @throws UsageError naming the bad flag.
 */
function parseBenchFlags(argv: readonly string[]): BenchSettings | 'help' {
  const v = parseBenchArgs(argv, { workers: { type: 'string' }, 'rb-requests': { type: 'string' } });
  if (v.help) return 'help';
  const workersText = typeof v.workers === 'string' ? v.workers : undefined;
  const workers = (workersText ?? '1,2').split(',').map((w) => w.trim()).filter(Boolean).map((w) => numberFlag('workers', w, 1, 1));
  if (workers.length === 0 || workers.some((w) => w > 16)) throw new UsageError(`Bad --workers "${workersText}".`, { hint: 'Give a comma-separated list of 1..16, e.g. 1,2.' });
  const search = searchSettings(v, {
    stepS: [7, 3],
    warmupS: [2, 1],
    minRate: 1_000,
    resolutionPct: [5, 10],
    pauseS: [1, 0.5],
    maxSteps: 16,
    out: DEFAULT_OUT,
    retryOthersPct: RETRY_OTHERS_PCT,
  });
  return {
    ...search,
    workers: [...new Set(workers)],
    rbRequests: numberFlag('rb-requests', v['rb-requests'], search.quick ? 100_000 : 300_000, 1000),
  };
}

/** One step of the search: a constant-rate run. Rates ops/s, latencies ms, CPU %. */
export interface StepRecord extends StepMeasurement {
  workers: number;
  /** ramp / bisect / down, or retry: the same rate once more because other processes loaded the machine. */
  phase: SearchPhase | 'retry';
  /** The capbench process (all threads) over the measured seconds, % of one core (includes spin-waiting before sends). */
  clientCpuPct: number | null;
  /** Redis (INFO cpu used_cpu_user + used_cpu_sys) over the measured seconds, % of one core. */
  redisCpuPct: number | null;
  /** The whole machine over the measured seconds, % of all cores. */
  machineCpuPct: number | null;
  /** Other processes over the measured seconds (machine minus client minus Redis), % of one core. */
  othersCpuPct: number | null;
  /** Event-loop delay p99 of the busiest load thread, ms. */
  eventLoopDelayP99Ms: number | null;
  /** The engine's own verdict: the harness, not the target, limited the run. */
  harnessBottleneck: boolean;
  harnessNotes: string[];
}

/** One redis-benchmark run as stored and printed. */
export interface RbRecord {
  command: string;
  connections: number;
  pipeline: number;
  requests: number;
  requestsPerSec: number | null;
  p50Ms: number | null;
  wallS: number;
  /** redis-benchmark's own CPU, % of one core. */
  clientCpuPct: number | null;
  redisCpuPct: number | null;
  machineCpuPct: number | null;
  /** Other processes (machine minus redis-benchmark minus Redis), % of one core. */
  othersCpuPct: number | null;
  error?: string;
}

interface Search {
  workers: number;
  rampStartOpsPerSec: number;
  steps: StepRecord[];
  bestOpsPerSec: number | null;
}

const CPUS = machineInfo().cpus;

/**
 * CPU of processes other than the client and Redis, % of one core: the machine's busy share
 * of all its cores minus the two; null when one figure is missing; never below 0.
 */
function othersPct(machinePct: number | null, clientPct: number | null, redisPct: number | null): number | null {
  if (machinePct === null || clientPct === null || redisPct === null) return null;
  return round1(Math.max(0, machinePct * CPUS - clientPct - redisPct));
}

/** Redis's own CPU time (main thread and helpers), s, from INFO cpu. */
async function redisCpuS(ctl: RedisClient): Promise<number | null> {
  try {
    const info = parseInfo(await ctl.info('cpu'));
    const u = Number(info.get('used_cpu_user'));
    const s = Number(info.get('used_cpu_sys'));
    return Number.isFinite(u) && Number.isFinite(s) ? u + s : null;
  } catch {
    return null;
  }
}

/** Mean CPU of Redis between two (wall ms, cpu s) samples, % of one core. */
function cpuPctBetween(a: { wallMs: number; cpuS: number } | undefined, b: { wallMs: number; cpuS: number } | undefined): number | null {
  if (!a || !b || b.wallMs - a.wallMs < 200) return null;
  return ((b.cpuS - a.cpuS) / ((b.wallMs - a.wallMs) / 1000)) * 100;
}

interface Ctx {
  s: BenchSettings;
  conn: Connection;
  ctl: RedisClient;
  options: ViralLikeSpikeOptions;
  operations: { name: string; path: string }[];
  signal: AbortSignal;
  acknowledged: number;
}

/** Run one constant-rate step of `durationS` at `rate` ops/s with `workers` threads and measure it. */
async function runStep(ctx: Ctx, workers: number, rate: number, phase: SearchPhase | 'retry'): Promise<StepRecord> {
  const { s } = ctx;
  const stages = [{ durationS: s.stepS, rate }];
  const plan: LoadPlan = {
    loop: 'open',
    stages,
    arrival: 'constant',
    warmupS: s.warmupS,
    workers,
    maxInFlight: s.maxInFlight,
    graceS: 1,
    opTimeoutS: 5,
    seed: s.seed,
  };
  // CPU over the measured seconds only: the engine's progress callback fires once a second.
  let sampler: CpuSampler | undefined;
  const redisSamples: { wallMs: number; cpuS: number }[] = [];
  const onProgress = (p: LoadProgress) => {
    if (p.elapsedS < s.warmupS || p.elapsedS > s.stepS + 0.25) return;
    if (!sampler) sampler = new CpuSampler();
    else sampler.sample();
    const wallMs = performance.now();
    void redisCpuS(ctx.ctl).then((cpuS) => cpuS !== null && redisSamples.push({ wallMs, cpuS }));
  };
  const outcome: LoadOutcome = await runLoad(
    { moduleUrl: viralLikeSpike.workloadModule, args: { options: ctx.options, connections: { redis: ctx.conn }, stages, seed: s.seed } },
    plan,
    { expect: ctx.operations, onProgress, signal: ctx.signal },
  );
  await sleep(50); // let the last INFO reply land
  const { step, acknowledged } = measureStep(outcome, rate, s.criteria);
  ctx.acknowledged += acknowledged;
  redisSamples.sort((a, b) => a.wallMs - b.wallMs);
  const clientCpuPct = round1(mean(sampler?.processPct ?? []));
  const redisCpuPct = round1(cpuPctBetween(redisSamples[0], redisSamples[redisSamples.length - 1]));
  const machineCpuPct = round1(mean(sampler?.machinePct ?? []));
  return {
    ...step,
    workers,
    phase,
    clientCpuPct,
    redisCpuPct,
    machineCpuPct,
    othersCpuPct: othersPct(machineCpuPct, clientCpuPct, redisCpuPct),
    eventLoopDelayP99Ms: outcome.harness.eventLoopLagMs.p99,
    harnessBottleneck: outcome.harness.bottleneck,
    harnessNotes: outcome.harness.notes,
  };
}

const COLS = [
  ['thr', 3],
  ['phase', 6],
  ['target/s', 9],
  ['achieved/s', 10],
  ['p50 ms', 7],
  ['p99 ms', 7],
  ['p99.9 ms', 8],
  ['lag p99', 7],
  ['client', 6],
  ['redis', 6],
  ['others', 6],
  ['machine', 7],
  ['flagged', 7],
] as const;

/** Header line of the step table (columns as COLS, then the verdict). */
function stepHeader(): string {
  return `${COLS.map(([h, w]) => h.padStart(w)).join('  ')}  result`;
}

/** One step as a table row: rates in ops/s, latencies in ms, CPU in %, then PASS or FAIL with the reasons. */
function stepRow(r: StepRecord): string {
  const cells = [
    String(r.workers),
    r.phase,
    fmtRate(r.targetOpsPerSec),
    fmtRate(r.achievedOpsPerSec),
    fmtMs(r.latencyMs.p50),
    fmtMs(r.latencyMs.p99),
    fmtMs(r.latencyMs.p999),
    fmtMs(r.scheduleLagP99Ms),
    pct(r.clientCpuPct),
    pct(r.redisCpuPct),
    pct(r.othersCpuPct),
    pct(r.machineCpuPct),
    r.flagged ? 'yes' : 'no',
  ];
  const row = cells.map((c, i) => c.padStart(COLS[i]![1])).join('  ');
  return `${row}  ${r.passed ? 'PASS' : `FAIL: ${r.failReasons.join('; ')}`}`;
}

/** Search the highest passing rate with `workers` threads. */
async function search(ctx: Ctx, workers: number, bestSoFar: number | null): Promise<Search> {
  const start = rampStartAfter(ctx.s.bounds, bestSoFar);
  const res: Search = { workers, rampStartOpsPerSec: start, steps: [], bestOpsPerSec: null };
  out();
  out(`${workers} worker thread${workers > 1 ? 's' : ''} (${workers} Redis connection${workers > 1 ? 's' : ''}), ramp from ${fmtRate(start)}/s:`);
  out(stepHeader());
  const found = await driveSearch<StepRecord>(ctx.s.bounds, start, ctx.s.maxSteps, {
    run: async (rate, phase) => {
      const step = await runStep(ctx, workers, rate, phase);
      out(stepRow(step));
      return step;
    },
    passed: (step) => step.passed,
    retry: (step) => ctx.s.retryOthersPct !== null && (step.othersCpuPct ?? 0) >= ctx.s.retryOthersPct,
    supersede: (step) => {
      step.superseded = true;
    },
    stopped: () => ctx.signal.aborted,
    pause: () => sleep(ctx.s.pauseS * 1000),
  });
  res.steps = found.steps;
  res.bestOpsPerSec = found.best;
  return res;
}

/** Run redis-benchmark once, with Redis and machine CPU measured around it. */
async function redisBenchmark(ctx: Ctx, bin: string, plan: RedisBenchmarkPlan): Promise<RbRecord> {
  const args = redisBenchmarkArgs(ctx.conn, plan);
  const command = displayCommand('redis-benchmark', args);
  const sampler = new CpuSampler();
  const cpu0 = await redisCpuS(ctx.ctl);
  const t0 = performance.now();
  const base = { command, connections: plan.clients, pipeline: plan.pipeline, requests: plan.requests };
  try {
    const run = await runRedisBenchmark(bin, args, 120_000);
    const t1 = performance.now();
    const cpu1 = await redisCpuS(ctx.ctl);
    const machine = round1(sampler.sample().machinePct);
    const clientCpuPct = run.cpuS !== null && run.wallS > 0 ? round1((run.cpuS / run.wallS) * 100) : null;
    const redisCpuPct = cpu0 !== null && cpu1 !== null ? round1(((cpu1 - cpu0) / ((t1 - t0) / 1000)) * 100) : null;
    const line = parseRedisBenchmarkQuiet(run.stdout).find((l) => l.test.toUpperCase() === plan.test.toUpperCase());
    const error = run.exitCode !== 0 ? `exit code ${run.exitCode}: ${(run.stderr || run.stdout).trim().split('\n').pop() ?? ''}` : line ? undefined : `no "requests per second" line in its output: ${run.stdout.trim().slice(-200)}`;
    return {
      ...base,
      requestsPerSec: line ? Math.round(line.requestsPerSec) : null,
      p50Ms: line?.p50Ms ?? null,
      wallS: Math.round(run.wallS * 100) / 100,
      clientCpuPct,
      redisCpuPct,
      machineCpuPct: machine,
      othersCpuPct: othersPct(machine, clientCpuPct, redisCpuPct),
      ...(error ? { error } : {}),
    };
  } catch (err) {
    return { ...base, requestsPerSec: null, p50Ms: null, wallS: 0, clientCpuPct: null, redisCpuPct: null, machineCpuPct: null, othersCpuPct: null, error: describeError(err) };
  }
}

/**
 * The interpretation paragraph, from what was measured: the result and its CPU picture, why
 * the next step failed, the other worker counts, redis-benchmark, and what holds capbench back.
 * Rates ops/s, CPU % of one core unless said otherwise.
 */
function interpret(
  s: BenchSettings,
  best: { search: Search; step: StepRecord } | null,
  firstFail: StepRecord | null,
  searches: Search[],
  rb: RbRecord[],
): string {
  const thr = (n: number) => `${n} worker thread${n > 1 ? 's' : ''} (${n} connection${n > 1 ? 's' : ''})`;
  const cpuOf = (r: { clientCpuPct: number | null; redisCpuPct: number | null; othersCpuPct: number | null; machineCpuPct: number | null }, client = 'the capbench process') =>
    `${client} used ${pct(r.clientCpuPct)} of a core, Redis ${pct(r.redisCpuPct)}, other processes ${pct(r.othersCpuPct)} (machine ${pct(r.machineCpuPct)} of ${CPUS} cores)`;
  if (!best) {
    const first = searches[0]?.steps[0];
    return `No rate from ${fmtRate(s.bounds.minRate)}/s up passed (p99 < ${s.criteria.maxP99Ms} ms${s.criteria.requireUnflagged ? ', not flagged' : ''}); see each step's reasons above${first ? `; at the first step ${cpuOf(first)}` : ''}. Rerun when the machine is quieter.`;
  }
  const b = best.step;
  const parts: string[] = [];
  parts.push(`capbench held ${fmtRate(b.targetOpsPerSec)} likes/s with ${thr(best.search.workers)} at p99 ${fmtMs(b.latencyMs.p99)} ms; during it ${cpuOf(b)}.`);
  if (firstFail) {
    const f = firstFail;
    const causes: string[] = [];
    const perThread = f.clientCpuPct !== null ? f.clientCpuPct / f.workers : null;
    if (perThread !== null && perThread >= 80) {
      causes.push(
        `the load thread was busy a whole core (${pct(f.clientCpuPct)}): above 500 likes/s per thread the next arrival is always less than the engine's 2 ms spin window away, so the thread never sleeps, and each like costs JavaScript work (schedule, promise, node-redis RESP encoding, histogram records)`,
      );
    }
    if (f.othersCpuPct !== null && f.othersCpuPct >= 25) {
      causes.push(`other processes took ${pct(f.othersCpuPct)} of a core, so the load thread, Redis and they shared ${CPUS} cores and the load thread was preempted`);
    }
    if (f.redisCpuPct !== null && f.redisCpuPct >= 80) causes.push(`Redis's command thread was near saturation (${pct(f.redisCpuPct)})`);
    const lateNotSlow = f.scheduleLagP99Ms !== null && f.serviceTimeMs.p99 !== null && f.scheduleLagP99Ms > 0.5 * (f.latencyMs.p99 ?? Infinity);
    parts.push(
      `The next step, ${fmtRate(f.targetOpsPerSec)}/s, failed (${f.failReasons.join('; ')}); its schedule lag p99 was ${fmtMs(f.scheduleLagP99Ms)} ms against a Redis service time p99 of ${fmtMs(f.serviceTimeMs.p99)} ms${lateNotSlow ? ', so the tail came from sending late, not from Redis answering slowly' : ''}${causes.length ? `: ${causes.join('; ')}` : ''}.`,
    );
  } else {
    parts.push(`No step failed up to the cap of ${fmtRate(s.bounds.maxRate)}/s (raise --max).`);
  }
  for (const o of searches.filter((x) => x !== best.search)) {
    const first = o.steps[0];
    parts.push(
      `With ${thr(o.workers)} the best was ${o.bestOpsPerSec === null ? 'nothing (no step passed)' : `${fmtRate(o.bestOpsPerSec)}/s`}${first ? `; at ${fmtRate(first.targetOpsPerSec)}/s its p99 was ${fmtMs(first.latencyMs.p99)} ms with the client at ${pct(first.clientCpuPct)} of a core` : ''}${o.workers >= CPUS ? ` — ${o.workers} load threads that each spin on ${CPUS} cores leave Redis and the rest little room` : ''}.`,
    );
  }
  const plain = rb.find((r) => r.pipeline === 1 && r.requestsPerSec !== null);
  const piped = rb.find((r) => r.pipeline > 1 && r.requestsPerSec !== null);
  if (plain || piped) {
    const c = plain?.connections ?? piped?.connections;
    const bits: string[] = [];
    if (plain) bits.push(`${fmtRate(plain.requestsPerSec)} INCR/s unpipelined (one request in flight per connection; ${cpuOf(plain, 'redis-benchmark')})`);
    if (piped) bits.push(`${fmtRate(piped.requestsPerSec)}/s with -P ${piped.pipeline} (Redis ${pct(piped.redisCpuPct)} of a core)`);
    parts.push(`redis-benchmark, a C client with no schedule and no latency recording, did ${bits.join(' and ')} at -c ${c}.`);
  }
  const redisIdle = b.redisCpuPct !== null && b.redisCpuPct < 50;
  if (firstFail) {
    parts.push(
      `So what holds capbench back is ${redisIdle ? 'not Redis (it used under half a core at capbench\'s best rate) but' : 'partly Redis and'} the client side on a ${CPUS}-core machine shared with the server${(firstFail.othersCpuPct ?? 0) >= 25 ? ' and with other processes' : ''}: one JavaScript thread per connection that must both keep the open-loop schedule and drive node-redis, and whose tail latency is set by CPU contention.`,
    );
  }
  if (plain || piped) {
    parts.push(
      `capbench's figure is a rate held under a p99 limit measured from each like's intended start (coordinated omission corrected); redis-benchmark's are closed-loop maximum throughput; so capbench's result is a lower bound of what Redis sustains here.`,
    );
  }
  return parts.join(' ');
}

/** Entry point. Resolves to the process exit code. */
async function main(argv: readonly string[]): Promise<number> {
  let s: BenchSettings;
  try {
    const p = parseBenchFlags(argv);
    if (p === 'help') {
      process.stdout.write(HELP);
      return 0;
    }
    s = p;
  } catch (err) {
    log(`max-like-rate: ${err instanceof CapbenchError ? err.oneLine() : describeError(err)}`);
    return 2;
  }
  const startedAt = new Date();
  const t0 = performance.now();
  let conn: Connection;
  let server: ServerInfo;
  try {
    conn = resolveConnection('redis', s.redisUrl);
    const db = s.db ?? (conn.database !== undefined ? undefined : BENCH_DB);
    if (db !== undefined) conn = getTarget('redis').parseUrl(`${conn.url.replace(/\/\d+$/, '')}/${db}`);
    if (!s.allowRemote && !isLoopbackHost(conn.host)) {
      throw new UsageError(`redis target ${redactUrl(conn.url)} is not on this machine (loopback).`, { hint: 'Pass --allow-remote for a host you own.' });
    }
    server = await getTarget('redis').probe(conn);
  } catch (err) {
    log(`max-like-rate: ${err instanceof CapbenchError ? err.oneLine() : `redis is unreachable: ${describeError(err)}. Start it with \`capbench services up redis\`.`}`);
    return 2;
  }

  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log('max-like-rate: interrupted; finishing the current step (Ctrl-C again to quit at once)');
    controller.abort('interrupted (Ctrl-C)');
  };
  process.on('SIGINT', onSigint);

  const ctl = await connectRedis(conn, { name: 'capbench-bench-ctl' });
  try {
    const options = resolveOptions(viralLikeSpike, { path: PATH, posts: s.posts }) as ViralLikeSpikeOptions;
    const ctx: Ctx = { s, conn, ctl, options, operations: viralLikeSpike.operations(options), signal: controller.signal, acknowledged: 0 };
    const sctx = { connections: { redis: conn }, log: (l: string) => log(`  ${l}`) };
    const m = machineInfo();
    out(`max-like-rate: ${PATH} on ${server.product} ${server.version} at ${server.address} database ${conn.database ?? 0}; ${m.cpus} × ${m.cpuModel}, Node ${m.node}`);
    out(
      `criteria: like p99 < ${s.criteria.maxP99Ms} ms${s.criteria.requireUnflagged ? ', run not flagged' : ''}, no errors; steps ${s.stepS} s (${s.warmupS} s warmup kept apart), constant open-loop arrivals, zipfian over ${fmtRate(s.posts)} posts; ramp ×2 from ${fmtRate(s.bounds.startRate)}/s (cap ${fmtRate(s.bounds.maxRate)}/s), then bisection to ${Math.round(s.bounds.resolution * 100)}%`,
    );
    out(`CPU columns: client = the capbench process, redis = the server, others = every other process, each in % of one core; machine = all ${CPUS} cores.`);
    log('resetting and seeding (viral-like-spike load phase)');
    await viralLikeSpike.reset(options, sctx);
    await viralLikeSpike.seed(options, sctx);

    const searches: Search[] = [];
    let bestSoFar: number | null = null;
    for (const w of s.workers) {
      if (controller.signal.aborted) break;
      const r = await search(ctx, w, bestSoFar);
      searches.push(r);
      if (r.bestOpsPerSec !== null) bestSoFar = Math.max(bestSoFar ?? 0, r.bestOpsPerSec);
    }

    // Winner: highest passing rate; on a tie, fewer threads.
    let best: { search: Search; step: StepRecord } | null = null;
    for (const r of searches) {
      if (r.bestOpsPerSec === null) continue;
      const step = r.steps.find((x) => x.passed && x.targetOpsPerSec === r.bestOpsPerSec)!;
      if (!best || r.bestOpsPerSec > (best.search.bestOpsPerSec ?? 0)) best = { search: r, step };
    }
    const firstFail = best
      ? best.search.steps.filter((x) => !x.passed && !x.superseded && x.targetOpsPerSec > best!.step.targetOpsPerSec).sort((a, b) => a.targetOpsPerSec - b.targetOpsPerSec)[0] ?? null
      : null;

    // Nothing acknowledged may be missing from Redis (DESIGN.md: likes lost must be 0).
    let likes: { acknowledged: number; stored: number | null; lost: number | null; note?: string } = { acknowledged: ctx.acknowledged, stored: null, lost: null };
    try {
      const total = await redisCounterPath.open({ redis: ctl, close: async () => undefined }).total();
      likes =
        total.posts === options.posts
          ? { acknowledged: ctx.acknowledged, stored: total.likes, lost: Math.max(0, ctx.acknowledged - total.likes) }
          : {
              acknowledged: ctx.acknowledged,
              stored: total.likes,
              lost: null,
              note: `${total.posts} counters found instead of the ${options.posts} seeded: another process reset or wrote p:*:l in database ${conn.database ?? 0} during the bench, so no loss figure`,
            };
    } catch (err) {
      log(`max-like-rate: could not sum the counters: ${describeError(err)}`);
    }

    out();
    const crit = `p99 < ${s.criteria.maxP99Ms} ms${s.criteria.requireUnflagged ? ', not flagged' : ''}, no errors`;
    if (best) {
      const b = best.step;
      const w = best.search.workers;
      out(
        `RESULT: ${fmtRate(b.targetOpsPerSec)} likes/s sustained through ${PATH} (${crit}) with ${w} worker thread${w > 1 ? 's' : ''} = ${w} connection${w > 1 ? 's' : ''}; achieved ${fmtRate(b.achievedOpsPerSec)}/s, p50 ${fmtMs(b.latencyMs.p50)} ms, p99 ${fmtMs(b.latencyMs.p99)} ms, p99.9 ${fmtMs(b.latencyMs.p999)} ms${firstFail ? `; next step ${fmtRate(firstFail.targetOpsPerSec)}/s failed` : ''}${interrupted ? ' (search interrupted: a lower bound)' : ''}.`,
      );
      if (searches.length > 1) out(`worker threads: ${searches.map((r) => `${r.workers} → ${r.bestOpsPerSec === null ? 'none passed' : `${fmtRate(r.bestOpsPerSec)}/s`}`).join(', ')}; ${w} won.`);
      const claim =
        b.targetOpsPerSec >= 100_000 ? 'holds on this machine' : interrupted ? 'not measured (interrupted)' : !firstFail ? `not measured (--max ${fmtRate(s.bounds.maxRate)}/s)` : 'not reached on this machine';
      out(`design claim "likes 100K+/s" (seed 000): ${claim}.`);
    } else {
      out(`RESULT: no rate passed (${crit}), down to ${fmtRate(s.bounds.minRate)}/s.`);
    }
    out(`likes acknowledged ${fmtRate(likes.acknowledged)}, stored ${likes.stored === null ? '?' : fmtRate(likes.stored)}, lost ${likes.lost === null ? '?' : likes.lost} (must be 0)${likes.note ? `: ${likes.note}` : ''}.`);

    // redis-benchmark at the same number of connections.
    const connections = best?.search.workers ?? s.workers[0] ?? 1;
    const rb: RbRecord[] = [];
    let rbMissing: string | undefined;
    const bin = findOnPath('redis-benchmark');
    if (controller.signal.aborted) rbMissing = 'skipped: interrupted';
    else if (!bin) rbMissing = 'redis-benchmark not found on PATH (Debian package redis-tools; `capbench services up redis` installs it with redis-server): capbench\'s figure above stands alone.';
    else {
      const key = 'counter:__rand_int__'; // the one key `-t incr` writes without -r
      const existed = (await ctl.exists(key)) > 0;
      rb.push(await redisBenchmark(ctx, bin, { test: 'incr', requests: s.rbRequests, clients: connections, pipeline: 1 }));
      rb.push(await redisBenchmark(ctx, bin, { test: 'incr', requests: s.rbRequests * 10, clients: connections, pipeline: PIPELINE }));
      if (!existed) await ctl.del(key).catch(() => 0);
    }
    out();
    if (rbMissing) out(`redis-benchmark: ${rbMissing}`);
    else {
      out(`side by side at ${connections} connection${connections > 1 ? 's' : ''}:`);
      const rows: string[][] = [['', 'conns', 'pipeline', 'ops/s', 'p50 ms', 'client CPU', 'redis CPU', 'others', 'machine']];
      if (best) {
        const b = best.step;
        rows.push([`capbench ${PATH}, open loop, p99 ${fmtMs(b.latencyMs.p99)} ms`, String(connections), 'auto*', fmtRate(b.targetOpsPerSec), fmtMs(b.latencyMs.p50), pct(b.clientCpuPct), pct(b.redisCpuPct), pct(b.othersCpuPct), pct(b.machineCpuPct)]);
      }
      for (const r of rb) {
        rows.push([r.command.replace(/ -h \S+ -p \S+/, '').replace(/ -q.*$/, ''), String(r.connections), String(r.pipeline), r.requestsPerSec === null ? `error: ${r.error ?? '?'}` : fmtRate(r.requestsPerSec), fmtMs(r.p50Ms), pct(r.clientCpuPct), pct(r.redisCpuPct), pct(r.othersCpuPct), pct(r.machineCpuPct)]);
      }
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      for (const r of rows) out(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
      out('* node-redis keeps one connection per worker thread and pipelines automatically: commands issued in the same event-loop turn go out in one write.');
      out(`  capbench's figure is the highest rate held open loop under the p99 limit; redis-benchmark's are closed-loop maximum throughput.`);
    }
    const interpretation = interpret(s, best, firstFail, searches, rb);
    out();
    out(interpretation);

    const endedAt = new Date();
    const result = {
      kind: 'capbench.bench.max-like-rate',
      version: 1,
      tool: { name: 'capbench', version: CAPBENCH_VERSION },
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      wallS: Math.round((performance.now() - t0) / 100) / 10,
      interrupted,
      command: `node dist/bench/max-like-rate.js ${argv.join(' ')}`.trim(),
      machine: machineInfo(),
      target: { ...server, url: redactUrl(conn.url) },
      path: PATH,
      settings: { ...s, redisUrl: s.redisUrl ? redactUrl(s.redisUrl) : undefined },
      result: best
        ? {
            sustainedOpsPerSec: best.step.targetOpsPerSec,
            workers: best.search.workers,
            connections: best.search.workers,
            step: best.step,
            firstFailingStep: firstFail,
          }
        : null,
      searches,
      likes,
      redisBenchmark: rbMissing ? { available: false, reason: rbMissing, runs: [] } : { available: true, connections, runs: rb },
      interpretation,
    };
    try {
      await writeFileAtomic(s.out, `${JSON.stringify(result, null, 2)}\n`);
      out();
      out(`written: ${s.out} (total ${result.wallS} s)`);
    } catch (err) {
      log(`max-like-rate: could not write ${s.out}: ${describeError(err)}`);
    }
    if (interrupted) return 130;
    return best ? 0 : 1;
  } catch (err) {
    log(`max-like-rate: ${err instanceof CapbenchError ? err.oneLine() : describeError(err)}`);
    return 2;
  } finally {
    process.off('SIGINT', onSigint);
    closeRedis(ctl);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    log(`max-like-rate: ${describeError(err)}`);
    process.exit(2);
  },
);
