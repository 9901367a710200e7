/**
 * Benchmark: the highest like rate this machine sustains through likes.redis-counter with
 * the run not flagged and the like p99 under 5 ms, printed beside `redis-benchmark -t incr`
 * at the same number of connections (issue 2, "Benchmark"; DESIGN.md claims register, seed
 * 000 "Likes System: Throughput 100K+/sec").
 *
 * How: for each --workers count (one Redis connection per worker thread), the search of
 * `capbench capacity viral-like-spike --path likes.redis-counter --slo like:p99<5ms`
 * (scenarios/capacity/search.ts: the load phase, then constant-rate open-loop steps of the
 * workload through the engine, a doubling ramp from --start until a step fails, then
 * bisection; each search's likes-lost check), with this bench's columns (worker threads,
 * p99.9, Redis's CPU, the engine's flag). Then
 * redis-benchmark INCR at the winner's connection count, unpipelined and with -P 16.
 *
 *   node dist/bench/max-like-rate.js [--quick] [--workers 1,2] [--p99-ms 5] [--out FILE]
 *
 * Exit codes: 0 a rate was found; 1 no rate passed (even at --min); 2 bad flags or Redis
 * unreachable (one line); 130 interrupted (what was measured is printed and written).
 * Output: a `capacity-search` JSON file (bench/output.ts).
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { INTERRUPTED_EXIT } from '../cli/interrupt.js';
import { UsageError, describeError } from '../core/errors.js';
import { fmtInt, fmtMs, fmtNum, fmtPct, fmtRate, round1 } from '../core/format.js';
import type { Connection } from '../core/target.js';
import { rampStartAfter } from '../engine/capacity.js';
import { CpuSampler, machineInfo } from '../engine/machine.js';
import { getStoragePath } from '../reference-impl/registry.js';
import { CAPBENCH_VERSION } from '../scenarios/run.js';
import { countSchema, parseLayer } from '../scenarios/settings.js';
import type { RedisClient } from '../targets/redis/driver.js';
import { openRedisClient } from '../targets/redis/open.js';
import { parseInfo } from '../targets/redis/probe.js';
import { parseArgv, parseSearchFlags, RETRY_OTHERS_PCT, searchCommand, storeUrlFlags, type SearchDefaults } from './flags.js';
import {
  BENCH_SCHEMA_VERSION,
  writeBenchOutput,
  type CapacitySearchOutput,
  type CapacitySearchRun,
  type CapacitySettings,
  type CapacityStep,
  type LikesCheck,
  type RedisBenchmarkRecord,
} from './output.js';
import { displayCommand, findOnPath, parseRedisBenchmarkQuiet, redisBenchmarkArgs, runRedisBenchmark, type RedisBenchmarkPlan } from './redis-benchmark.js';
import { acknowledgedLikes, alignRows, benchInterrupt, benchStart, benchStepOf, CPUS, likeCapacity, likesCheck, log, othersPct, out, redactedUrls, runBench, STEP_COLUMNS, stepTable, targetRecord } from './search-common.js';
import type { CapacityStep as CapacityStepRecord } from '../core/capacity.js';

const NAME = 'max-like-rate';
const PATH = 'likes.redis-counter';
/** The stores the path needs (reference-impl/registry.ts): Redis, which this bench also measures with redis-benchmark. */
const PATH_STORES = getStoragePath(PATH, 'likes').stores;
const PIPELINE = 16;
const DEFAULTS: SearchDefaults = {
  stepS: [7, 3],
  warmupS: [2, 1],
  minRate: 1_000,
  resolutionPct: [5, 10],
  pauseS: [1, 0.5],
  maxSteps: 16,
  out: 'results/bench-max-like-rate.json',
  retryOthersPct: RETRY_OTHERS_PCT,
};

/** This bench's own flags, as commander gives them. */
const OwnFlags = z.object({ workers: z.string().optional(), rbRequests: countSchema(1000).optional() }).strict();

/** The command line: the search flags, --redis-url, and this bench's own. */
function command() {
  return storeUrlFlags(
    searchCommand(
      NAME,
      `Finds the highest like rate this machine sustains through ${PATH} (open loop, constant rate, run not flagged, like p99 below the limit), then runs redis-benchmark -t incr at the same number of connections (unpipelined and -P ${PIPELINE}) and prints both.`,
      DEFAULTS,
    ),
    PATH_STORES,
  )
    .option('--workers <list>', 'worker-thread counts to try, e.g. 1,2 (default 1,2; env CAPBENCH_WORKERS: one count); one Redis connection each')
    .option('--rb-requests <n>', `redis-benchmark -n for the unpipelined run; -P ${PIPELINE} uses 10x (default 300000; quick 100000)`)
    .addHelpText('after', '\nNote: it resets the viral-like-spike keys (p:*:l) in that database, as `capbench run viral-like-spike` does.\n');
}

/**
 * Worker counts from "1,2": each a --workers value as `capbench run` checks it, at most 16.
 * @throws UsageError naming --workers.
 */
function workerList(text: string): number[] {
  const list = text.split(',').map((w) => w.trim()).filter(Boolean).map((w) => parseLayer({ workers: w }, { kind: 'flags' }).workers!);
  if (list.length === 0 || list.some((w) => w > 16)) throw new UsageError(`Bad --workers "${text}".`, { hint: 'Give a comma-separated list of 1..16, e.g. 1,2.' });
  return [...new Set(list)];
}

/**
 * Parse the command-line flags (without node and the script path), over the environment.
 * @throws UsageError naming the bad flag or variable.
 */
function parseBenchFlags(argv: readonly string[]): CapacitySettings | 'help' {
  const opts = parseArgv(command(), argv);
  if (opts === 'help') return 'help';
  const { search, own, env } = parseSearchFlags(opts, DEFAULTS, OwnFlags, { stores: PATH_STORES, layerWorkers: false });
  const workers = own.workers !== undefined ? workerList(own.workers) : env.workers !== undefined ? workerList(String(env.workers)) : [1, 2];
  return { ...search, workers, rbRequests: own.rbRequests ?? (search.quick ? 100_000 : 300_000) };
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

interface Ctx {
  s: CapacitySettings;
  conn: Connection;
  ctl: RedisClient;
  signal: AbortSignal;
  /** Likes acknowledged over every search, and their sum stored (each search resets the counters). */
  likes: { acknowledged: number; stored: number; lost: number | null; note?: string };
}

/** A capacity step as this bench records it: the like's figures, Redis's CPU (its server process, over the whole step), the harness's own verdict. */
function toBenchStep(step: CapacityStepRecord, workers: number): CapacityStep {
  const b = benchStepOf(step);
  const { serverCpuPct, ...rest } = b;
  return {
    ...rest,
    workers,
    redisCpuPct: serverCpuPct,
    eventLoopDelayP99Ms: step.harness.eventLoopDelayP99Ms,
    harnessBottleneck: step.harness.bottleneck,
    harnessNotes: step.harness.notes,
  };
}

/** The step table: worker threads, the shared columns, p99.9, Redis's CPU, the engine's flag. */
const TABLE = stepTable<CapacityStep>([
  ['thr', 3, (r) => String(r.workers)],
  STEP_COLUMNS.phase,
  STEP_COLUMNS.target,
  STEP_COLUMNS.achieved,
  STEP_COLUMNS.p50,
  STEP_COLUMNS.p99,
  ['p99.9 ms', 8, (r) => fmtNum(r.latencyMs.p999)],
  STEP_COLUMNS.lag,
  STEP_COLUMNS.client,
  ['redis', 6, (r) => fmtPct(r.redisCpuPct)],
  STEP_COLUMNS.others,
  STEP_COLUMNS.machine,
  ['flagged', 7, (r) => (r.flagged ? 'yes' : 'no')],
]);

/**
 * Search the highest passing rate with `workers` threads: `capbench capacity`'s search
 * (scenarios/capacity/search.ts: load phase, then steps), printing each step as it finishes;
 * then the likes-lost check of this search (the next one resets the counters).
 */
async function search(ctx: Ctx, workers: number, bestSoFar: number | null): Promise<CapacitySearchRun> {
  const start = rampStartAfter(ctx.s.bounds, bestSoFar);
  out();
  out(`${workers} worker thread${workers > 1 ? 's' : ''} (${workers} Redis connection${workers > 1 ? 's' : ''}), ramp from ${fmtRate(start)}:`);
  const r = await likeCapacity(ctx.s, {
    header: () => out(TABLE.header),
    path: PATH,
    urls: { redis: ctx.conn.url },
    workers,
    rampStart: start,
    signal: ctx.signal,
    print: (step) => out(TABLE.row(toBenchStep(step, workers))),
  });
  const acknowledged = acknowledgedLikes(r);
  try {
    const total = await getStoragePath(PATH, 'likes').open({ redis: ctx.ctl, close: async () => undefined }).total();
    const check = likesCheck(acknowledged, total, ctx.s.posts, `p:*:l in database ${ctx.conn.database ?? 0}`);
    ctx.likes.acknowledged += check.acknowledged;
    ctx.likes.stored += check.stored ?? 0;
    ctx.likes.lost = ctx.likes.lost === null || check.lost === null ? null : ctx.likes.lost + check.lost;
    if (check.note) ctx.likes.note = check.note;
  } catch (err) {
    ctx.likes.lost = null;
    ctx.likes.note = `could not sum the counters: ${describeError(err)}`;
  }
  return { workers, rampStartOpsPerSec: start, steps: r.steps.map((st) => toBenchStep(st, workers)), bestOpsPerSec: r.kneeOpsPerSec };
}

/** Run redis-benchmark once, with Redis and machine CPU measured around it. */
async function redisBenchmark(ctx: Ctx, bin: string, plan: RedisBenchmarkPlan): Promise<RedisBenchmarkRecord> {
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
  s: CapacitySettings,
  best: { search: CapacitySearchRun; step: CapacityStep } | null,
  firstFail: CapacityStep | null,
  searches: CapacitySearchRun[],
  rb: RedisBenchmarkRecord[],
): string {
  const thr = (n: number) => `${n} worker thread${n > 1 ? 's' : ''} (${n} connection${n > 1 ? 's' : ''})`;
  const cpuOf = (r: { clientCpuPct: number | null; redisCpuPct: number | null; othersCpuPct: number | null; machineCpuPct: number | null }, client = 'the capbench process') =>
    `${client} used ${fmtPct(r.clientCpuPct)} of a core, Redis ${fmtPct(r.redisCpuPct)}, other processes ${fmtPct(r.othersCpuPct)} (machine ${fmtPct(r.machineCpuPct)} of ${CPUS} cores)`;
  if (!best) {
    const first = searches[0]?.steps[0];
    return `No rate from ${fmtRate(s.bounds.minRate)} up passed (p99 < ${fmtMs(s.criteria.maxP99Ms)}${s.criteria.requireUnflagged ? ', not flagged' : ''}); see each step's reasons above${first ? `; at the first step ${cpuOf(first)}` : ''}. Rerun when the machine is quieter.`;
  }
  const b = best.step;
  const parts: string[] = [];
  parts.push(`capbench held ${fmtInt(b.targetOpsPerSec)} likes/s with ${thr(best.search.workers)} at p99 ${fmtMs(b.latencyMs.p99)}; during it ${cpuOf(b)}.`);
  if (firstFail) {
    const f = firstFail;
    const causes: string[] = [];
    const perThread = f.clientCpuPct !== null ? f.clientCpuPct / f.workers : null;
    if (perThread !== null && perThread >= 80) {
      causes.push(
        `the load thread was busy a whole core (${fmtPct(f.clientCpuPct)}): above 500 likes/s per thread the next arrival is always less than the engine's 2 ms spin window away, so the thread never sleeps, and each like costs JavaScript work (schedule, promise, node-redis RESP encoding, histogram records)`,
      );
    }
    if (f.othersCpuPct !== null && f.othersCpuPct >= 25) {
      causes.push(`other processes took ${fmtPct(f.othersCpuPct)} of a core, so the load thread, Redis and they shared ${CPUS} cores and the load thread was preempted`);
    }
    if (f.redisCpuPct !== null && f.redisCpuPct >= 80) causes.push(`Redis's command thread was near saturation (${fmtPct(f.redisCpuPct)})`);
    const lateNotSlow = f.scheduleLagP99Ms !== null && f.serviceTimeMs.p99 !== null && f.scheduleLagP99Ms > 0.5 * (f.latencyMs.p99 ?? Infinity);
    parts.push(
      `The next step, ${fmtRate(f.targetOpsPerSec)}, failed (${f.failReasons.join('; ')}); its schedule lag p99 was ${fmtMs(f.scheduleLagP99Ms)} against a Redis service time p99 of ${fmtMs(f.serviceTimeMs.p99)}${lateNotSlow ? ', so the tail came from sending late, not from Redis answering slowly' : ''}${causes.length ? `: ${causes.join('; ')}` : ''}.`,
    );
  } else {
    parts.push(`No step failed up to the cap of ${fmtRate(s.bounds.maxRate)} (raise --max).`);
  }
  for (const o of searches.filter((x) => x !== best.search)) {
    const first = o.steps[0];
    parts.push(
      `With ${thr(o.workers)} the best was ${o.bestOpsPerSec === null ? 'nothing (no step passed)' : fmtRate(o.bestOpsPerSec)}${first ? `; at ${fmtRate(first.targetOpsPerSec)} its p99 was ${fmtMs(first.latencyMs.p99)} with the client at ${fmtPct(first.clientCpuPct)} of a core` : ''}${o.workers >= CPUS ? ` — ${o.workers} load threads that each spin on ${CPUS} cores leave Redis and the rest little room` : ''}.`,
    );
  }
  const plain = rb.find((r) => r.pipeline === 1 && r.requestsPerSec !== null);
  const piped = rb.find((r) => r.pipeline > 1 && r.requestsPerSec !== null);
  if (plain || piped) {
    const c = plain?.connections ?? piped?.connections;
    const bits: string[] = [];
    if (plain) bits.push(`${fmtInt(plain.requestsPerSec)} INCR/s unpipelined (one request in flight per connection; ${cpuOf(plain, 'redis-benchmark')})`);
    if (piped) bits.push(`${fmtRate(piped.requestsPerSec)} with -P ${piped.pipeline} (Redis ${fmtPct(piped.redisCpuPct)} of a core)`);
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
  const startedAt = new Date();
  const t0 = performance.now();
  const started = await benchStart<CapacitySettings>(NAME, () => parseBenchFlags(argv), () => PATH_STORES);
  if (typeof started === 'number') return started;
  const { s, targets } = started;
  const conn = targets.conns.redis!;
  const server = targets.servers.redis!;

  const { controller, dispose } = benchInterrupt(NAME);
  const interrupted = () => controller.signal.aborted;
  const ctl = await openRedisClient(conn, { name: 'capbench-bench-ctl' });
  try {
    const ctx: Ctx = { s, conn, ctl, signal: controller.signal, likes: { acknowledged: 0, stored: 0, lost: 0 } };
    const m = machineInfo();
    out(`${NAME}: ${PATH} on ${server.product} ${server.version} at ${server.address} database ${conn.database ?? 0}; ${m.cpus} × ${m.cpuModel}, Node ${m.node}`);
    out(
      `criteria: like p99 < ${fmtMs(s.criteria.maxP99Ms)}${s.criteria.requireUnflagged ? ', run not flagged' : ''}, no errors; steps ${s.stepS} s (${s.warmupS} s warmup kept apart), constant open-loop arrivals, zipfian over ${fmtInt(s.posts)} posts; ramp ×2 from ${fmtRate(s.bounds.startRate)} (cap ${fmtRate(s.bounds.maxRate)}), then bisection to ${Math.round(s.bounds.resolution * 100)}%`,
    );
    out(`CPU columns: client = the capbench process, redis = the server, others = every other process, each in % of one core; machine = all ${CPUS} cores.`);

    const searches: CapacitySearchRun[] = [];
    let bestSoFar: number | null = null;
    for (const w of s.workers) {
      if (interrupted()) break;
      const r = await search(ctx, w, bestSoFar);
      searches.push(r);
      if (r.bestOpsPerSec !== null) bestSoFar = Math.max(bestSoFar ?? 0, r.bestOpsPerSec);
    }

    // Winner: highest passing rate; on a tie, fewer threads.
    let best: { search: CapacitySearchRun; step: CapacityStep } | null = null;
    for (const r of searches) {
      if (r.bestOpsPerSec === null) continue;
      const step = r.steps.find((x) => x.passed && x.targetOpsPerSec === r.bestOpsPerSec)!;
      if (!best || r.bestOpsPerSec > (best.search.bestOpsPerSec ?? 0)) best = { search: r, step };
    }
    const firstFail = best
      ? best.search.steps.filter((x) => !x.passed && !x.superseded && x.targetOpsPerSec > best!.step.targetOpsPerSec).sort((a, b) => a.targetOpsPerSec - b.targetOpsPerSec)[0] ?? null
      : null;

    // Nothing acknowledged may be missing from Redis (DESIGN.md: likes lost must be 0), summed over the searches.
    const likes: LikesCheck = { acknowledged: ctx.likes.acknowledged, stored: ctx.likes.stored, lost: ctx.likes.lost, ...(ctx.likes.note ? { note: ctx.likes.note } : {}) };

    out();
    const crit = `p99 < ${fmtMs(s.criteria.maxP99Ms)}${s.criteria.requireUnflagged ? ', not flagged' : ''}, no errors`;
    if (best) {
      const b = best.step;
      const w = best.search.workers;
      out(
        `RESULT: ${fmtInt(b.targetOpsPerSec)} likes/s sustained through ${PATH} (${crit}) with ${w} worker thread${w > 1 ? 's' : ''} = ${w} connection${w > 1 ? 's' : ''}; achieved ${fmtRate(b.achievedOpsPerSec)}, p50 ${fmtMs(b.latencyMs.p50)}, p99 ${fmtMs(b.latencyMs.p99)}, p99.9 ${fmtMs(b.latencyMs.p999)}${firstFail ? `; next step ${fmtRate(firstFail.targetOpsPerSec)} failed` : ''}${interrupted() ? ' (search interrupted: a lower bound)' : ''}.`,
      );
      if (searches.length > 1) out(`worker threads: ${searches.map((r) => `${r.workers} → ${r.bestOpsPerSec === null ? 'none passed' : fmtRate(r.bestOpsPerSec)}`).join(', ')}; ${w} won.`);
      const claim =
        b.targetOpsPerSec >= 100_000 ? 'holds on this machine' : interrupted() ? 'not measured (interrupted)' : !firstFail ? `not measured (--max ${fmtRate(s.bounds.maxRate)})` : 'not reached on this machine';
      out(`design claim "likes 100K+/s" (seed 000): ${claim}.`);
    } else {
      out(`RESULT: no rate passed (${crit}), down to ${fmtRate(s.bounds.minRate)}.`);
    }
    out(`likes acknowledged ${fmtInt(likes.acknowledged)}, stored ${likes.stored === null ? '?' : fmtInt(likes.stored)}, lost ${likes.lost === null ? '?' : likes.lost} (must be 0)${likes.note ? `: ${likes.note}` : ''}.`);

    // redis-benchmark at the same number of connections.
    const connections = best?.search.workers ?? s.workers[0] ?? 1;
    const rb: RedisBenchmarkRecord[] = [];
    let rbMissing: string | undefined;
    const bin = findOnPath('redis-benchmark');
    if (interrupted()) rbMissing = 'skipped: interrupted';
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
        rows.push([`capbench ${PATH}, open loop, p99 ${fmtMs(b.latencyMs.p99)}`, String(connections), 'auto*', fmtInt(b.targetOpsPerSec), fmtNum(b.latencyMs.p50), fmtPct(b.clientCpuPct), fmtPct(b.redisCpuPct), fmtPct(b.othersCpuPct), fmtPct(b.machineCpuPct)]);
      }
      for (const r of rb) {
        rows.push([r.command.replace(/ -h \S+ -p \S+/, '').replace(/ -q.*$/, ''), String(r.connections), String(r.pipeline), r.requestsPerSec === null ? `error: ${r.error ?? '?'}` : fmtInt(r.requestsPerSec), fmtNum(r.p50Ms), fmtPct(r.clientCpuPct), fmtPct(r.redisCpuPct), fmtPct(r.othersCpuPct), fmtPct(r.machineCpuPct)]);
      }
      for (const line of alignRows(rows)) out(line);
      out('* node-redis keeps one connection per worker thread and pipelines automatically: commands issued in the same event-loop turn go out in one write.');
      out(`  capbench's figure is the highest rate held open loop under the p99 limit; redis-benchmark's are closed-loop maximum throughput.`);
    }
    const interpretation = interpret(s, best, firstFail, searches, rb);
    out();
    out(interpretation);

    const result: CapacitySearchOutput = {
      kind: 'capacity-search',
      schemaVersion: BENCH_SCHEMA_VERSION,
      bench: NAME,
      tool: { name: 'capbench', version: CAPBENCH_VERSION },
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      wallS: Math.round((performance.now() - t0) / 100) / 10,
      interrupted: interrupted(),
      command: `node dist/bench/${NAME}.js ${argv.join(' ')}`.trim(),
      machine: machineInfo(),
      target: targetRecord(targets, 'redis'),
      path: PATH,
      settings: { ...s, urls: redactedUrls(s.urls) },
      result: best
        ? { sustainedOpsPerSec: best.step.targetOpsPerSec, workers: best.search.workers, connections: best.search.workers, step: best.step, firstFailingStep: firstFail }
        : null,
      searches,
      likes,
      redisBenchmark: rbMissing ? { available: false, reason: rbMissing, runs: [] } : { available: true, connections, runs: rb },
      interpretation,
    };
    try {
      await writeBenchOutput(s.out, result);
      out();
      out(`written: ${s.out} (total ${result.wallS} s)`);
    } catch (err) {
      log(`${NAME}: could not write ${s.out}: ${describeError(err)}`);
    }
    if (interrupted()) return INTERRUPTED_EXIT;
    return best ? 0 : 1;
  } catch (err) {
    log(`${NAME}: ${describeError(err)}`);
    return 2;
  } finally {
    dispose();
    ctl.destroy();
  }
}

runBench(NAME, main);
