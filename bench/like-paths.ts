/**
 * Benchmark: the like-counter paths side by side (every likes path of the registry: redis-counter,
 * redis-hash, pg-direct, mongo-direct, batch-sync with its flusher running, hot-cold, per-user),
 * likes.batch-sync's sync lag at 50% and 90% of its highest sustained rate, and a verdict on seed 000's "Atomic
 * increments (INCR post:123:likes) are 10x faster than DB writes" (Likes System; also
 * "High-volume likes overwhelm relational DBs").
 *
 * How: for each path, the highest sustained rate with `capbench capacity`'s search
 * (scenarios/capacity/search.ts: the viral-like-spike load phase, reset and seed --posts posts,
 * then a doubling ramp and bisection of open-loop constant-rate steps through the engine, one
 * retry of a failing step the machine disturbed; pass rule like p99 < 5 ms, not flagged, no
 * errors), then on the same data one constant-rate step at a common moderate rate
 * (--common-rate, 2,000 likes/s) for p50/p99 where every path keeps up, as
 * `capbench run viral-like-spike --path P --rate R` drives it.
 *
 *   node dist/bench/like-paths.js [--quick] [--paths a,b] [--common-rate 2000] [--out FILE]
 *
 * Exit codes: 0 the verdict was reached (holds or refuted); 1 it was not measurable; 2 bad
 * flags or a target unreachable (one line); 130 interrupted (what was measured is written).
 * Output: a `path-comparison` JSON file (bench/output.ts).
 */
import { readFile, readdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { INTERRUPTED_EXIT } from '../cli/interrupt.js';
import { UsageError, describeError } from '../core/errors.js';
import { fmtInt, fmtMs, fmtNum, fmtPct, fmtRate, fmtRatio, round1 } from '../core/format.js';
import type { Connection, StoreName } from '../core/target.js';
import { measureStep } from '../engine/capacity.js';
import { CpuSampler, machineInfo } from '../engine/machine.js';
import { runLoad, type LoadOutcome, type LoadPlan } from '../engine/run.js';
import type { LikeCounter } from '../reference-impl/likes/index.js';
import { getStoragePath, openStoragePath, pathIdsOf, storesOf } from '../reference-impl/registry.js';
import type { BatchSyncLikes } from '../reference-impl/likes/batch-sync.js';
import type { RedisClient } from '../targets/redis/driver.js';
import { BATCH_SYNC_LOG } from '../scenarios/viral-like-spike/options.js';
import { readAckSamples, readFlushLog, syncLag } from '../scenarios/viral-like-spike/sync.js';
import { CAPBENCH_VERSION } from '../scenarios/run.js';
import { countSchema, resolveOptions } from '../scenarios/settings.js';
import { viralLikeSpike } from '../scenarios/viral-like-spike/index.js';
import type { ViralLikeSpikeOptions } from '../scenarios/viral-like-spike/options.js';
import { openStoreClients } from '../targets/clients.js';
import { parseArgv, parseSearchFlags, RETRY_OTHERS_PCT, searchCommand, storeUrlFlags, type SearchDefaults } from './flags.js';
import { cpuUsPerOp, judgeTenX, parseProcStat, TEN_X_HOLDS_AT, type TenXVerdict } from './like-paths-verdict.js';
import { BENCH_SCHEMA_VERSION, writeBenchOutput, type PathComparisonOutput, type PathComparisonSettings, type PathReport, type PathStep } from './output.js';
import { acknowledgedLikes, alignRows, benchInterrupt, benchStart, benchStepOf, CPUS, likeCapacity, likesCheck, log, mean, othersPct, out, redactedUrls, runBench, sleep, STEP_COLUMNS, stepTable, targetRecord, type Targets } from './search-common.js';

const NAME = 'like-paths';
/** The likes paths, from the registry (reference-impl/registry.ts). */
const LIKE_PATHS = pathIdsOf('likes');
/** The paths the 10x claim compares (its Redis side and its database side). */
const CLAIM_PATHS = { redis: 'likes.redis-counter', db: 'likes.pg-direct' } as const;
/** The server process name (/proc comm) whose CPU is the "server" column, by store. */
const SERVER_COMM: Partial<Record<StoreName, string>> = { redis: 'redis-server', postgres: 'postgres' };
const DEFAULTS: SearchDefaults = {
  stepS: [5, 2.5],
  warmupS: [1.5, 1],
  minRate: 500,
  resolutionPct: [10, 25],
  pauseS: [0.5, 0.3],
  maxSteps: 12,
  out: 'results/bench-like-paths.json',
  retryOthersPct: RETRY_OTHERS_PCT,
};

/** This bench's own flags, as commander gives them (--workers is a run setting, checked by parseLayer). */
const OwnFlags = z
  .object({
    paths: z
      .string()
      .transform((t) => [...new Set(t.split(',').map((p) => p.trim()).filter(Boolean))])
      .pipe(z.array(z.enum(LIKE_PATHS, { error: `use some of: ${LIKE_PATHS.join(', ')}` })).min(1, { error: `use some of: ${LIKE_PATHS.join(', ')}` }))
      .optional(),
    commonRate: countSchema(1).optional(),
    pgPool: countSchema(1).optional(),
  })
  .strict();

/** The command line: the search flags, a URL flag per store the likes paths need, and this bench's own. */
function command() {
  return storeUrlFlags(
    searchCommand(
      NAME,
      `For each like path (${LIKE_PATHS.join(', ')}): p50/p99 at a common moderate rate, then the highest like rate sustained open loop (like p99 below the limit, run not flagged, no errors; the search of bench/max-like-rate.ts). Prints a table and a verdict on seed 000's "INCR is ~10x faster than DB writes": holds when redis-counter's highest rate is >= ${TEN_X_HOLDS_AT}x pg-direct's.`,
      DEFAULTS,
    ),
    storesOf(LIKE_PATHS),
  )
    .option('--paths <list>', 'paths to measure (default all; the verdict needs likes.redis-counter and likes.pg-direct)')
    .option('--common-rate <ops/s>', 'the moderate rate every path is measured at (default 2000)')
    .option('--workers <n>', 'worker threads (default 1; env CAPBENCH_WORKERS): one Redis connection, or one pg pool, each')
    .option('--pg-pool <n>', 'PostgreSQL connections per worker thread for likes.pg-direct (default 32, the scenario\'s)')
    .addHelpText(
      'after',
      '\nNote: it resets the viral-like-spike data of each path: p:*:l and pl:* in that Redis database, and TRUNCATEs public.post_like_counts in PostgreSQL, as `capbench run viral-like-spike` does.\n',
    );
}

/**
 * Parse the command-line flags (without node and the script path), over the environment.
 * @throws UsageError naming the bad flag or variable.
 */
function parseFlags(argv: readonly string[]): PathComparisonSettings | 'help' {
  const opts = parseArgv(command(), argv);
  if (opts === 'help') return 'help';
  const { search, own, flags, env } = parseSearchFlags(opts, DEFAULTS, OwnFlags, { stores: storesOf(LIKE_PATHS) });
  const workers = flags.workers ?? env.workers ?? 1;
  if (workers > 16) throw new UsageError(`Bad --workers "${workers}": at most 16.`);
  return { ...search, paths: own.paths ?? [...LIKE_PATHS], commonRate: own.commonRate ?? 2_000, workers, pgPoolSize: own.pgPool ?? 32 };
}

/** The stores a path needs (the registry's), and the connections of those stores. */
const storesOfPath = (path: string) => getStoragePath(path, 'likes').stores;
function connsOf(ctx: Ctx, path: string): Partial<Record<StoreName, Connection>> {
  return Object.fromEntries(storesOfPath(path).map((st) => [st, ctx.targets.conns[st]]));
}

/**
 * CPU time used so far by every live process named `comm` and by their reaped children
 * (from /proc), s; null when none is found or /proc is unreadable. Read between steps only:
 * with one worker the load runs on this thread.
 */
async function processCpuS(comm: string): Promise<number | null> {
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  let total = 0;
  let found = false;
  await Promise.all(
    pids.map(async (pid) => {
      try {
        const st = parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
        if (st && st.comm === comm) {
          total += st.cpuS + st.childrenCpuS;
          found = true;
        }
      } catch {
        // the process exited
      }
    }),
  );
  return found ? total : null;
}

/** CPU time of the servers of a path's stores, s; null when one of them cannot be read or a store has no known process. */
async function serversCpuS(stores: readonly StoreName[]): Promise<number | null> {
  let total = 0;
  for (const st of stores) {
    const comm = SERVER_COMM[st];
    const cpu = comm ? await processCpuS(comm) : null;
    if (cpu === null) return null;
    total += cpu;
  }
  return total;
}

interface Ctx {
  s: PathComparisonSettings;
  targets: Targets;
  signal: AbortSignal;
}

/** Run one constant-rate step of `path` at `rate` ops/s and measure it; adds the likes acknowledged to `acked`. */
async function runStep(ctx: Ctx, path: string, options: ViralLikeSpikeOptions, rate: number, phase: PathStep['phase'], acked: { n: number }): Promise<PathStep> {
  const { s } = ctx;
  const stages = [{ durationS: s.stepS, rate }];
  const plan: LoadPlan = { loop: 'open', stages, arrival: 'constant', warmupS: s.warmupS, workers: s.workers, maxInFlight: s.maxInFlight, graceS: 1, opTimeoutS: s.opTimeoutS, seed: s.seed };
  const stores = storesOfPath(path);
  // CPU over the whole step (thread start, warmup, measured seconds, drain), sampled outside
  // it: with one worker the load runs on this thread, and the engine's 1 s progress ticks
  // are irregular while it spins.
  const server0 = await serversCpuS(stores);
  const wall0 = performance.now();
  const sampler = new CpuSampler();
  const operations = viralLikeSpike.operations(options);
  const outcome: LoadOutcome = await runLoad(
    { moduleUrl: viralLikeSpike.workloadModule, args: { options, connections: connsOf(ctx, path), stages, seed: s.seed } },
    plan,
    { expect: operations, signal: ctx.signal },
  );
  const cpu = sampler.sample();
  const server1 = await serversCpuS(stores);
  const wallS = (performance.now() - wall0) / 1000;
  const { step, acknowledged } = measureStep(outcome, 'like', rate, s.criteria);
  acked.n += acknowledged;
  const serverCpuPct = server0 !== null && server1 !== null && wallS > 0.2 ? round1(((server1 - server0) / wallS) * 100) : null;
  const clientCpuPct = round1(cpu.processPct);
  const machineCpuPct = round1(cpu.machinePct);
  return { ...step, path, phase, clientCpuPct, serverCpuPct, machineCpuPct, othersCpuPct: othersPct(machineCpuPct, clientCpuPct, serverCpuPct) };
}

/** The step table: the shared columns, the service time, the server's CPU. */
const TABLE = stepTable<PathStep>([
  STEP_COLUMNS.phase,
  STEP_COLUMNS.target,
  STEP_COLUMNS.achieved,
  STEP_COLUMNS.p50,
  STEP_COLUMNS.p99,
  ['svc p50', 7, (r) => fmtNum(r.serviceTimeMs.p50)],
  STEP_COLUMNS.lag,
  STEP_COLUMNS.client,
  ['server', 6, (r) => fmtPct(r.serverCpuPct)],
  STEP_COLUMNS.others,
  STEP_COLUMNS.machine,
]);

/** Open clients of a path's stores, run `f` with a like counter on them, close them. */
async function withCounter<T>(ctx: Ctx, path: string, f: (c: LikeCounter) => Promise<T>): Promise<T> {
  const clients = await openStoreClients(ctx.targets.conns, storesOfPath(path), { pgPoolSize: 2 });
  try {
    return await f(getStoragePath(path, 'likes').open(clients));
  } finally {
    await clients.close();
  }
}

/** Open likes.batch-sync (setup done) and its Redis client, run `f`, close them. */
async function withBatchSync<T>(ctx: Ctx, path: string, f: (c: BatchSyncLikes, redis: RedisClient) => Promise<T>): Promise<T> {
  const clients = await openStoreClients(ctx.targets.conns, storesOfPath(path), { pgPoolSize: 2 });
  try {
    const c = (await openStoragePath('likes', path, clients)) as BatchSyncLikes;
    return await f(c, clients.redis as RedisClient);
  } finally {
    await clients.close();
  }
}

/** The step at a path's highest sustained rate (not superseded), or null. */
const bestStep = (r: Pick<PathReport, 'steps' | 'bestOpsPerSec'>) => r.steps.find((x) => x.passed && !x.superseded && x.targetOpsPerSec === r.bestOpsPerSec) ?? null;

/** A path's report before or without measurement. */
function emptyReport(path: string, error?: string): PathReport {
  const stores = [...storesOfPath(path)];
  return {
    path,
    store: stores[0]!,
    stores,
    common: null,
    steps: [],
    bestOpsPerSec: null,
    firstFailOpsPerSec: null,
    likes: { acknowledged: 0, stored: null, lost: null },
    serverCpuUsPerLikeAtBest: null,
    ...(error !== undefined ? { error } : {}),
  };
}

/** Measure one path: load phase, the common-rate step, the search, the likes-lost check. */
async function measurePath(ctx: Ctx, path: string): Promise<PathReport> {
  const { s } = ctx;
  const options = resolveOptions(viralLikeSpike, { path, posts: s.posts, pgPoolSize: s.pgPoolSize }) as ViralLikeSpikeOptions;
  const report = emptyReport(path);
  const acked = { n: 0 };
  out();
  out(`${path} (${report.stores.join('+')}${report.stores.includes('postgres') ? `, ${s.pgPoolSize} connections per thread` : ''}):`);
  // The search is `capbench capacity`'s (scenarios/capacity/search.ts): the load phase (reset,
  // seed), then the steps; the common-rate step and the sync-lag steps follow on the same data.
  const found = await likeCapacity(s, {
    path,
    urls: Object.fromEntries(Object.entries(connsOf(ctx, path)).map(([st, c]) => [st, c!.url])),
    workers: s.workers,
    options: { pgPoolSize: s.pgPoolSize },
    signal: ctx.signal,
    header: () => out(TABLE.header),
    print: (step) => out(TABLE.row({ ...benchStepOf(step), path })),
  });
  report.steps = found.steps.map((step) => ({ ...benchStepOf(step), path }));
  report.bestOpsPerSec = found.kneeOpsPerSec;
  report.firstFailOpsPerSec = found.firstFailOpsPerSec;
  acked.n += acknowledgedLikes(found);
  if (!ctx.signal.aborted) {
    await sleep(s.pauseS * 1000);
    report.common = await runStep(ctx, path, options, s.commonRate, 'common', acked);
    out(TABLE.row(report.common));
  }
  // likes.batch-sync: sync lag at 50% and 90% of the highest sustained rate, the flusher running (issue 8).
  if (path === 'likes.batch-sync' && report.bestOpsPerSec !== null && !ctx.signal.aborted) {
    report.syncLag = [];
    for (const share of [0.5, 0.9]) {
      const rate = Math.max(1, Math.round(report.bestOpsPerSec * share));
      const lag = await withBatchSync(ctx, path, async (c, redis) => {
        await redis.del([BATCH_SYNC_LOG.flushes, BATCH_SYNC_LOG.acks]);
        const step = await runStep(ctx, path, options, rate, 'common', acked);
        out(TABLE.row(step));
        // Drain what the step left pending, logging these flushes too (as verify does).
        for (;;) {
          const r = await c.flushOnce();
          if (r.batch === 0) break;
          await redis.rPush(BATCH_SYNC_LOG.flushes, JSON.stringify(r));
        }
        const flushes = await readFlushLog(redis);
        return { ...syncLag(await readAckSamples(redis), flushes), flushes: flushes.length };
      });
      report.syncLag.push({ share, rateOpsPerSec: rate, samples: lag.samples, p50Ms: lag.p50Ms, p99Ms: lag.p99Ms, maxMs: lag.maxMs, flushes: lag.flushes });
      out(`likes.batch-sync sync lag at ${share * 100}% (${fmtInt(rate)} likes/s): p50 ${fmtMs(lag.p50Ms)}, p99 ${fmtMs(lag.p99Ms)}, max ${fmtMs(lag.maxMs)} (${lag.samples} sampled likes, ${lag.flushes} flushes)`);
    }
  }
  const b = bestStep(report);
  report.serverCpuUsPerLikeAtBest = round1(cpuUsPerOp(b?.serverCpuPct ?? null, b?.achievedOpsPerSec ?? null));
  // Nothing acknowledged may be missing from the store (DESIGN.md: likes lost must be 0).
  report.likes.acknowledged = acked.n;
  try {
    const { total, keepsZeroCounters } = await withCounter(ctx, path, async (c) => ({ total: await c.total(), keepsZeroCounters: c.keepsZeroCounters !== false }));
    report.likes = likesCheck(acked.n, total, options.posts, 'them', keepsZeroCounters);
  } catch (err) {
    log(`${NAME}: could not sum the ${path} counters: ${describeError(err)}`);
  }
  const l = report.likes;
  out(
    `${path}: highest sustained ${report.bestOpsPerSec === null ? 'none' : fmtRate(report.bestOpsPerSec)}${report.firstFailOpsPerSec !== null ? ` (${fmtRate(report.firstFailOpsPerSec)} failed)` : ' (no step failed: a lower bound)'}; likes acknowledged ${fmtInt(l.acknowledged)}, stored ${l.stored === null ? '?' : fmtInt(l.stored)}, lost ${l.lost === null ? '?' : l.lost}${l.note ? ` (${l.note})` : ''}.`,
  );
  return report;
}

/** The summary table: one row per path. Rates ops/s, latencies ms. */
function summaryTable(reports: readonly PathReport[], s: PathComparisonSettings): string[] {
  const rows: string[][] = [['path', 'highest sustained/s', 'next failed/s', 'p99 there', 'server µs/like', `p50 @${fmtInt(s.commonRate)}/s`, `p99 @${fmtInt(s.commonRate)}/s`, 'svc p50', 'svc p99', 'kept up', 'lost']];
  for (const r of reports) {
    const b = bestStep(r);
    const c = r.common;
    rows.push([
      r.path,
      r.bestOpsPerSec === null ? 'none' : fmtInt(r.bestOpsPerSec),
      r.firstFailOpsPerSec === null ? '—' : fmtInt(r.firstFailOpsPerSec),
      fmtMs(b?.latencyMs.p99),
      fmtNum(cpuUsPerOp(b?.serverCpuPct ?? null, b?.achievedOpsPerSec ?? null)),
      fmtMs(c?.latencyMs.p50),
      fmtMs(c?.latencyMs.p99),
      fmtMs(c?.serviceTimeMs.p50),
      fmtMs(c?.serviceTimeMs.p99),
      c ? (c.passed ? 'yes' : 'no') : '—',
      r.likes.lost === null ? '?' : String(r.likes.lost),
    ]);
  }
  return alignRows(rows);
}

/** Entry point. Resolves to the process exit code. */
async function main(argv: readonly string[]): Promise<number> {
  const startedAt = new Date();
  const t0 = performance.now();
  // Only the stores of --paths are resolved; a path never reads another's connection.
  const started = await benchStart<PathComparisonSettings>(NAME, () => parseFlags(argv), (s) => storesOf(s.paths));
  if (typeof started === 'number') return started;
  const { s, targets } = started;
  const stores = storesOf(s.paths);

  const { controller, dispose } = benchInterrupt(NAME);
  const interrupted = () => controller.signal.aborted;
  try {
    const ctx: Ctx = { s, targets, signal: controller.signal };
    const m = machineInfo();
    out(`${NAME}: ${s.paths.join(', ')}; ${m.cpus} × ${m.cpuModel}, Node ${m.node}`);
    for (const store of stores) {
      const srv = targets.servers[store]!;
      const conn = targets.conns[store]!;
      out(`  ${store}: ${srv.product} ${srv.version} at ${srv.address} database ${conn.database ?? (store === 'redis' ? 0 : '?')}`);
    }
    out(
      `criteria: like p99 < ${fmtMs(s.criteria.maxP99Ms)}${s.criteria.requireUnflagged ? ', run not flagged' : ''}, no errors; ${s.workers} worker thread${s.workers > 1 ? 's' : ''}; steps ${s.stepS} s (${s.warmupS} s warmup kept apart), constant open-loop arrivals, zipfian over ${fmtInt(s.posts)} posts; first a step at ${fmtRate(s.commonRate)}, then ramp ×2 from ${fmtRate(s.bounds.startRate)} (cap ${fmtRate(s.bounds.maxRate)}, down to ${fmtRate(s.bounds.minRate)}), bisection to ${Math.round(s.bounds.resolution * 100)}%`,
    );
    out(`CPU columns: client = the capbench process, server = redis-server or every postgres process, others = every other process, each in % of one core; machine = all ${CPUS} cores. svc = service time (send to response); server µs/like = server CPU per like at the highest sustained rate.`);

    const reports: PathReport[] = [];
    for (const path of s.paths) {
      if (interrupted()) break;
      try {
        reports.push(await measurePath(ctx, path));
      } catch (err) {
        const msg = describeError(err);
        log(`${NAME}: ${path} failed: ${msg}`);
        reports.push(emptyReport(path, msg));
      }
      await sleep(s.pauseS * 1000);
    }

    out();
    for (const line of summaryTable(reports, s)) out(line);
    const redis = reports.find((r) => r.path === CLAIM_PATHS.redis);
    const pgr = reports.find((r) => r.path === CLAIM_PATHS.db);
    let verdict: TenXVerdict | null = null;
    out();
    if (redis && pgr) {
      verdict = judgeTenX(
        { best: redis.bestOpsPerSec, firstFail: redis.firstFailOpsPerSec },
        { best: pgr.bestOpsPerSec, firstFail: pgr.firstFailOpsPerSec },
        { redis: redis.common?.serviceTimeMs.p50 ?? null, pg: pgr.common?.serviceTimeMs.p50 ?? null },
      );
      const range = verdict.ratioLow !== null || verdict.ratioHigh !== null ? ` (between ${fmtRatio(verdict.ratioLow)} and ${fmtRatio(verdict.ratioHigh)} given each search's pass/fail bracket)` : '';
      out(`claim "INCR is ~10x faster than DB writes" (000 · Likes System): ${verdict.verdict.toUpperCase()}.`);
      out(`  throughput: redis-counter ÷ pg-direct highest sustained rate = ${fmtRatio(verdict.throughputRatio)}${range}.`);
      out(
        `  latency: pg-direct ÷ redis-counter service-time p50 at ${fmtRate(s.commonRate)} = ${fmtRatio(verdict.p50Ratio)} (${fmtMs(pgr.common?.serviceTimeMs.p50)} vs ${fmtMs(redis.common?.serviceTimeMs.p50)}).`,
      );
      out(`  why: ${verdict.reason}.`);
      out(`  rule: ${verdict.rule}.`);
    } else {
      out(`claim "INCR is ~10x faster than DB writes": not measured (${interrupted() ? 'interrupted before both paths were measured' : `needs both ${CLAIM_PATHS.redis} and ${CLAIM_PATHS.db} in --paths`}).`);
    }
    // The same claim against MongoDB's $inc (likes.mongo-direct; FerretDB here), by the same rule.
    const mongo = reports.find((r) => r.path === 'likes.mongo-direct');
    if (redis && mongo) {
      const v = judgeTenX(
        { best: redis.bestOpsPerSec, firstFail: redis.firstFailOpsPerSec },
        { best: mongo.bestOpsPerSec, firstFail: mongo.firstFailOpsPerSec },
        { redis: redis.common?.serviceTimeMs.p50 ?? null, pg: mongo.common?.serviceTimeMs.p50 ?? null },
      );
      out(`claim "INCR is ~10x faster than DB writes" against likes.mongo-direct: ${v.verdict.toUpperCase()}: redis-counter ÷ mongo-direct = ${fmtRatio(v.throughputRatio)}; ${v.reason.replace(/pg-direct/g, 'mongo-direct')} (MongoDB is FerretDB here when it says so in the targets line).`);
    }
    const others = reports.flatMap((r) => [r.common, ...r.steps]).map((x) => x?.othersCpuPct ?? null).filter((x): x is number => x !== null);
    if (others.length) out(`machine load: other processes used ${Math.round(Math.min(...others))}-${fmtPct(Math.max(...others))} of a core across the steps (mean ${fmtPct(mean(others))}).`);

    const result: PathComparisonOutput = {
      kind: 'path-comparison',
      schemaVersion: BENCH_SCHEMA_VERSION,
      bench: NAME,
      tool: { name: 'capbench', version: CAPBENCH_VERSION },
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      wallS: Math.round((performance.now() - t0) / 100) / 10,
      interrupted: interrupted(),
      command: `node dist/bench/${NAME}.js ${argv.join(' ')}`.trim(),
      machine: machineInfo(),
      targets: Object.fromEntries(stores.map((st) => [st, targetRecord(targets, st)])),
      settings: { ...s, urls: redactedUrls(s.urls) },
      paths: reports,
      claim: {
        id: 'likes.incr-10x-db',
        source: '000 · Likes System',
        claim: 'Atomic increments (INCR post:123:likes) are 10x faster than DB writes',
        ...(verdict ?? { verdict: 'not-measurable' as const, reason: `${CLAIM_PATHS.redis} and ${CLAIM_PATHS.db} were not both measured${interrupted() ? ' (interrupted)' : ''}` }),
      },
    };
    try {
      await writeBenchOutput(s.out, result);
      out();
      out(`written: ${s.out} (total ${result.wallS} s)`);
    } catch (err) {
      log(`${NAME}: could not write ${s.out}: ${describeError(err)}`);
    }
    if (interrupted()) return INTERRUPTED_EXIT;
    return verdict && verdict.verdict !== 'not-measurable' ? 0 : 1;
  } finally {
    dispose();
  }
}

runBench(NAME, main);
