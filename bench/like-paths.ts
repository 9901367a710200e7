/**
 * Benchmark: the three like-counter paths side by side (likes.redis-counter, likes.redis-hash,
 * likes.pg-direct) and a verdict on seed 000's "Atomic increments (INCR post:123:likes) are 10x
 * faster than DB writes" (Likes System; also "High-volume likes overwhelm relational DBs").
 *
 * How: for each path, the viral-like-spike load phase (reset, seed --posts posts), one
 * constant-rate step at a common moderate rate (--common-rate, 2,000 likes/s) for p50/p99 where
 * every path keeps up, then the highest sustained rate with bench/like-rate-search.ts's search
 * (doubling ramp, bisection, one retry of a failing step the machine disturbed) and pass rule
 * (like p99 < 5 ms, not flagged, no errors): the steps are open-loop runs of the workload
 * through the engine, as `capbench run viral-like-spike --path P --rate R` drives it.
 *
 *   node dist/bench/like-paths.js [--quick] [--paths a,b] [--common-rate 2000] [--out FILE]
 *
 * Exit codes: 0 the verdict was reached (holds or refuted); 1 it was not measurable; 2 bad
 * flags or a target unreachable (one line); 130 interrupted (what was measured is written).
 */
import { setMaxListeners } from 'node:events';
import { readFile, readdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { CapbenchError, UsageError, describeError, redactUrl } from '../core/errors.js';
import type { Connection, ServerInfo, StoreName } from '../core/target.js';
import { runLoad, type LoadOutcome, type LoadPlan } from '../engine/run.js';
import { CpuSampler, machineInfo } from '../engine/machine.js';
import type { LikeCounter } from '../reference-impl/likes/index.js';
import { getStoragePath, openStoragePath, pathIdsOf } from '../reference-impl/registry.js';
import { openStoreClients } from '../targets/clients.js';

/** The likes paths (reference-impl/registry.ts). */
const LIKE_PATHS = pathIdsOf('likes');
type LikePathId = string;
import { writeFileAtomic } from '../reports/atomic.js';
import { CAPBENCH_VERSION } from '../scenarios/run.js';
import { resolveOptions } from '../scenarios/settings.js';
import { viralLikeSpike } from '../scenarios/viral-like-spike/index.js';
import type { ViralLikeSpikeOptions } from '../scenarios/viral-like-spike/options.js';
import { isLoopbackHost } from '../targets/local/net.js';
import { connectPostgres } from '../targets/postgres/client.js';
import { closeRedis, connectRedis, type RedisClient } from '../targets/redis/client.js';
import { getTarget, resolveConnection } from '../targets/registry.js';
import { cpuUsPerOp, fmtRatio, judgeTenX, parseProcStat, TEN_X_HOLDS_AT, type TenXVerdict } from './like-paths-verdict.js';
import { BENCH_DB, RETRY_OTHERS_PCT, log, mean, numberFlag, out, parseBenchArgs, pct, round1, searchSettings, sleep, measureStep, type SearchSettings, type StepMeasurement } from './search-common.js';
import { driveSearch, fmtMs, fmtRate, type SearchPhase } from './like-rate-search.js';

const DEFAULT_OUT = 'results/bench-like-paths.json';
/** The server process name (/proc comm) whose CPU is the "server" column, by store. */
const SERVER_COMM: Partial<Record<StoreName, string>> = { redis: 'redis-server', postgres: 'postgres' };
const CPUS = machineInfo().cpus;

/** Everything a run needs, parsed from the flags. Rates in ops/s, times in s. */
export interface LikePathsSettings extends SearchSettings {
  /** Paths to measure, in order. */
  paths: LikePathId[];
  /** The moderate rate every path is measured at for p50/p99, ops/s. */
  commonRate: number;
  /** Worker threads (each: one Redis connection, or one pg pool of pgPoolSize connections). */
  workers: number;
  /** PostgreSQL connections per worker thread for likes.pg-direct (the scenario's pgPoolSize). */
  pgPoolSize: number;
  postgresUrl?: string;
}

const HELP = `Usage: node dist/bench/like-paths.js [options]

For each like path (${LIKE_PATHS.join(', ')}): p50/p99 at a common moderate rate, then the
highest like rate sustained open loop (like p99 below the limit, run not flagged, no errors;
the search of bench/max-like-rate.ts). Prints a table and a verdict on seed 000's
"INCR is ~10x faster than DB writes": holds when redis-counter's highest rate is >= ${TEN_X_HOLDS_AT}x pg-direct's.

Options:
  --quick              ~1.5 minutes: 2.5 s steps (1 s warmup), 25% resolution (default ~4-5 minutes: 5 s steps, 1.5 s warmup, 10%)
  --paths <list>       paths to measure (default all three; the verdict needs redis-counter and pg-direct)
  --common-rate <ops/s> the moderate rate every path is measured at (default 2000)
  --p99-ms <ms>        highest acceptable like p99, ms (default 5)
  --allow-flagged      accept steps the engine flagged (judge on p99 and errors only)
  --start <ops/s>      first rate of the doubling ramp (default 10000)
  --max <ops/s>        highest rate tried (default 400000)
  --min <ops/s>        when the start fails, halve down to this (default 500)
  --resolution <pct>   stop bisecting when the gap is within this % of the last pass (default 10; quick 25)
  --step <duration>    each step's length including warmup (default 5s; quick 2.5s)
  --warmup <duration>  warmup per step, kept apart (default 1.5s; quick 1s)
  --workers <n>        worker threads (default 1): one Redis connection, or one pg pool, each
  --pg-pool <n>        PostgreSQL connections per worker thread for likes.pg-direct (default 32, the scenario's)
  --posts <n>          posts in the zipfian key space, seeded first (default 100000)
  --out <file>         JSON output (default ${DEFAULT_OUT})
  --redis-url <url>    Redis (default: CAPBENCH_REDIS_URL, else redis://127.0.0.1:6379)
  --postgres-url <url> PostgreSQL (default: CAPBENCH_POSTGRES_URL, else the local capbench server)
  --db <n>             Redis database for the bench's keys (default: the URL's, else ${BENCH_DB})
  --allow-remote       allow targets that are not on loopback
  --seed <n>           seed for key choice (default 1)
  --no-retry           do not rerun a failing step during which other processes used >= ${RETRY_OTHERS_PCT}% of a core
  -h, --help           this text

Note: it resets the viral-like-spike data of each path: p:*:l and pl:* in that Redis database,
and TRUNCATEs public.post_like_counts in PostgreSQL, as \`capbench run viral-like-spike\` does.
`;

/**
 * Parse the command-line flags (without node and the script path).
 * @throws UsageError naming the bad flag.
 */
function parseFlags(argv: readonly string[]): LikePathsSettings | 'help' {
  const v = parseBenchArgs(argv, {
    paths: { type: 'string' },
    'common-rate': { type: 'string' },
    workers: { type: 'string' },
    'pg-pool': { type: 'string' },
    'postgres-url': { type: 'string' },
  });
  if (v.help) return 'help';
  const paths = String(v.paths ?? LIKE_PATHS.join(',')).split(',').map((p) => p.trim()).filter(Boolean);
  for (const p of paths) {
    if (!(LIKE_PATHS as readonly string[]).includes(p)) throw new UsageError(`Bad --paths entry "${p}".`, { hint: `Use some of: ${LIKE_PATHS.join(', ')}.` });
  }
  if (paths.length === 0) throw new UsageError('--paths is empty.', { hint: `Use some of: ${LIKE_PATHS.join(', ')}.` });
  const search = searchSettings(v, {
    stepS: [5, 2.5],
    warmupS: [1.5, 1],
    minRate: 500,
    resolutionPct: [10, 25],
    pauseS: [0.5, 0.3],
    maxSteps: 12,
    out: DEFAULT_OUT,
    retryOthersPct: RETRY_OTHERS_PCT,
  });
  const workers = numberFlag('workers', v.workers, 1, 1);
  if (workers > 16) throw new UsageError(`Bad --workers "${v.workers}": at most 16.`);
  return {
    ...search,
    paths: [...new Set(paths)] as LikePathId[],
    commonRate: numberFlag('common-rate', v['common-rate'], 2_000, 1),
    workers,
    pgPoolSize: numberFlag('pg-pool', v['pg-pool'], 32, 1),
    postgresUrl: typeof v['postgres-url'] === 'string' ? v['postgres-url'] : undefined,
  };
}

/** One constant-rate step of one path. Rates ops/s, latencies ms, CPU % of one core unless said. */
export interface PathStep extends StepMeasurement {
  path: LikePathId;
  /** common (the moderate rate), a search phase, or retry (the same rate once more, the machine was busy). */
  phase: SearchPhase | 'retry' | 'common';
  /** The capbench process (all threads) over the whole step, % of one core. */
  clientCpuPct: number | null;
  /** The server's processes (redis-server, or every postgres process) over the whole step, % of one core. */
  serverCpuPct: number | null;
  /** The whole machine over the whole step, % of all cores. */
  machineCpuPct: number | null;
  /** Other processes (machine minus client minus server), % of one core. */
  othersCpuPct: number | null;
}

/** One path's measurements. */
interface PathReport {
  path: LikePathId;
  store: StoreName;
  common: PathStep | null;
  steps: PathStep[];
  /** Highest rate that passed, ops/s; null when none did. */
  bestOpsPerSec: number | null;
  /** Lowest rate that failed, ops/s; null when none did. */
  firstFailOpsPerSec: number | null;
  likes: { acknowledged: number; stored: number | null; lost: number | null; note?: string };
  error?: string;
}

/** Microseconds with 3 significant digits, or — when null. */
const fmtUs = (us: number | null) => (us === null ? '—' : String(Number(us.toPrecision(3))));
const storeOf = (p: LikePathId): StoreName => getStoragePath(p, 'likes').stores[0]!;

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

interface Ctx {
  s: LikePathsSettings;
  conns: { redis: Connection; postgres: Connection };
  signal: AbortSignal;
}

/** Run one constant-rate step of `path` at `rate` ops/s and measure it; adds the likes acknowledged to `acked`. */
async function runStep(ctx: Ctx, path: LikePathId, options: ViralLikeSpikeOptions, rate: number, phase: PathStep['phase'], acked: { n: number }): Promise<PathStep> {
  const { s } = ctx;
  const stages = [{ durationS: s.stepS, rate }];
  const plan: LoadPlan = { loop: 'open', stages, arrival: 'constant', warmupS: s.warmupS, workers: s.workers, maxInFlight: s.maxInFlight, graceS: 1, opTimeoutS: 5, seed: s.seed };
  const store = storeOf(path);
  const comm = SERVER_COMM[store];
  // CPU over the whole step (thread start, warmup, measured seconds, drain), sampled outside
  // it: with one worker the load runs on this thread, and the engine's 1 s progress ticks
  // are irregular while it spins.
  const server0 = comm ? await processCpuS(comm) : null;
  const wall0 = performance.now();
  const sampler = new CpuSampler();
  const operations = viralLikeSpike.operations(options);
  const outcome: LoadOutcome = await runLoad(
    { moduleUrl: viralLikeSpike.workloadModule, args: { options, connections: { [store]: ctx.conns[store as 'redis' | 'postgres'] }, stages, seed: s.seed } },
    plan,
    { expect: operations, signal: ctx.signal },
  );
  const cpu = sampler.sample();
  const server1 = comm ? await processCpuS(comm) : null;
  const wallS = (performance.now() - wall0) / 1000;
  const { step, acknowledged } = measureStep(outcome, rate, s.criteria);
  acked.n += acknowledged;
  const serverCpuPct = server0 !== null && server1 !== null && wallS > 0.2 ? round1(((server1 - server0) / wallS) * 100) : null;
  const clientCpuPct = round1(cpu.processPct);
  const machineCpuPct = round1(cpu.machinePct);
  const othersCpuPct = machineCpuPct !== null && clientCpuPct !== null && serverCpuPct !== null ? round1(Math.max(0, machineCpuPct * CPUS - clientCpuPct - serverCpuPct)) : null;
  return {
    ...step,
    path,
    phase,
    clientCpuPct,
    serverCpuPct,
    machineCpuPct,
    othersCpuPct,
  };
}

const COLS = [
  ['phase', 6],
  ['target/s', 9],
  ['achieved/s', 10],
  ['p50 ms', 7],
  ['p99 ms', 7],
  ['svc p50', 7],
  ['lag p99', 7],
  ['client', 6],
  ['server', 6],
  ['others', 6],
  ['machine', 7],
] as const;

/** Header line of the step table. */
function stepHeader(): string {
  return `${COLS.map(([h, w]) => h.padStart(w)).join('  ')}  result`;
}

/** One step as a table row: rates ops/s, latencies ms, CPU %, then PASS or FAIL with the reasons. */
function stepRow(r: PathStep): string {
  const cells = [r.phase, fmtRate(r.targetOpsPerSec), fmtRate(r.achievedOpsPerSec), fmtMs(r.latencyMs.p50), fmtMs(r.latencyMs.p99), fmtMs(r.serviceTimeMs.p50), fmtMs(r.scheduleLagP99Ms), pct(r.clientCpuPct), pct(r.serverCpuPct), pct(r.othersCpuPct), pct(r.machineCpuPct)];
  return `${cells.map((c, i) => c.padStart(COLS[i]![1])).join('  ')}  ${r.passed ? 'PASS' : `FAIL: ${r.failReasons.join('; ')}`}`;
}

/** Open the control client of a path's store, run `f` with a like counter on it, close it. */
async function withCounter<T>(ctx: Ctx, path: LikePathId, f: (c: LikeCounter) => Promise<T>): Promise<T> {
  const clients = await openStoreClients(ctx.conns, getStoragePath(path, 'likes').stores, { pgPoolSize: 2 });
  try {
    return await f(getStoragePath(path, 'likes').open(clients));
  } finally {
    await clients.close();
  }
}

/** Measure one path: load phase, the common-rate step, the search, the likes-lost check. */
async function measurePath(ctx: Ctx, path: LikePathId): Promise<PathReport> {
  const { s } = ctx;
  const options = resolveOptions(viralLikeSpike, { path, posts: s.posts, pgPoolSize: s.pgPoolSize }) as ViralLikeSpikeOptions;
  const report: PathReport = { path, store: storeOf(path), common: null, steps: [], bestOpsPerSec: null, firstFailOpsPerSec: null, likes: { acknowledged: 0, stored: null, lost: null } };
  const acked = { n: 0 };
  const sctx = { connections: { [report.store]: ctx.conns[report.store as 'redis' | 'postgres'] }, log: (l: string) => log(`  ${l}`) };
  out();
  out(`${path} (${report.store}${report.store === 'postgres' ? `, ${s.pgPoolSize} connections per thread` : ''}):`);
  log(`resetting and seeding ${path} (viral-like-spike load phase)`);
  await viralLikeSpike.reset(options, sctx);
  await viralLikeSpike.seed(options, sctx);
  out(stepHeader());
  report.common = await runStep(ctx, path, options, s.commonRate, 'common', acked);
  out(stepRow(report.common));
  await sleep(s.pauseS * 1000);
  if (!ctx.signal.aborted) {
    const found = await driveSearch<PathStep>(s.bounds, s.bounds.startRate, s.maxSteps, {
      run: async (rate, phase) => {
        const step = await runStep(ctx, path, options, rate, phase, acked);
        out(stepRow(step));
        return step;
      },
      passed: (step) => step.passed,
      retry: (step) => s.retryOthersPct !== null && (step.othersCpuPct ?? 0) >= s.retryOthersPct,
      supersede: (step) => {
        step.superseded = true;
      },
      stopped: () => ctx.signal.aborted,
      pause: () => sleep(s.pauseS * 1000),
    });
    report.steps = found.steps;
    report.bestOpsPerSec = found.best;
    report.firstFailOpsPerSec = found.state.firstFail;
  }
  // Nothing acknowledged may be missing from the store (DESIGN.md: likes lost must be 0).
  report.likes.acknowledged = acked.n;
  try {
    const total = await withCounter(ctx, path, (c) => c.total());
    report.likes =
      total.posts === options.posts
        ? { acknowledged: acked.n, stored: total.likes, lost: Math.max(0, acked.n - total.likes) }
        : { acknowledged: acked.n, stored: total.likes, lost: null, note: `${total.posts} counters found instead of the ${options.posts} seeded: another process reset or wrote them during the bench, so no loss figure` };
  } catch (err) {
    log(`like-paths: could not sum the ${path} counters: ${describeError(err)}`);
  }
  const l = report.likes;
  out(
    `${path}: highest sustained ${report.bestOpsPerSec === null ? 'none' : `${fmtRate(report.bestOpsPerSec)}/s`}${report.firstFailOpsPerSec !== null ? ` (${fmtRate(report.firstFailOpsPerSec)}/s failed)` : ' (no step failed: a lower bound)'}; likes acknowledged ${fmtRate(l.acknowledged)}, stored ${l.stored === null ? '?' : fmtRate(l.stored)}, lost ${l.lost === null ? '?' : l.lost}${l.note ? ` (${l.note})` : ''}.`,
  );
  return report;
}

/** The summary table: one row per path. Rates ops/s, latencies ms. */
function summaryTable(reports: readonly PathReport[], s: LikePathsSettings): string[] {
  const best = (r: PathReport) => r.steps.find((x) => x.passed && !x.superseded && x.targetOpsPerSec === r.bestOpsPerSec) ?? null;
  const rows: string[][] = [['path', 'highest sustained/s', 'next failed/s', 'p99 there', 'server µs/like', `p50 @${fmtRate(s.commonRate)}/s`, `p99 @${fmtRate(s.commonRate)}/s`, 'svc p50', 'svc p99', 'kept up', 'lost']];
  for (const r of reports) {
    const b = best(r);
    const c = r.common;
    rows.push([
      r.path,
      r.bestOpsPerSec === null ? 'none' : fmtRate(r.bestOpsPerSec),
      r.firstFailOpsPerSec === null ? '—' : fmtRate(r.firstFailOpsPerSec),
      fmtMs(b?.latencyMs.p99),
      fmtUs(cpuUsPerOp(b?.serverCpuPct ?? null, b?.achievedOpsPerSec ?? null)),
      fmtMs(c?.latencyMs.p50),
      fmtMs(c?.latencyMs.p99),
      fmtMs(c?.serviceTimeMs.p50),
      fmtMs(c?.serviceTimeMs.p99),
      c ? (c.passed ? 'yes' : 'no') : '—',
      r.likes.lost === null ? '?' : String(r.likes.lost),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
}

/** Entry point. Resolves to the process exit code. */
async function main(argv: readonly string[]): Promise<number> {
  let s: LikePathsSettings;
  try {
    const p = parseFlags(argv);
    if (p === 'help') {
      process.stdout.write(HELP);
      return 0;
    }
    s = p;
  } catch (err) {
    log(`like-paths: ${err instanceof CapbenchError ? err.oneLine() : describeError(err)}`);
    return 2;
  }
  const startedAt = new Date();
  const t0 = performance.now();
  const stores = [...new Set(s.paths.map(storeOf))];
  const conns: Partial<Record<'redis' | 'postgres', Connection>> = {};
  const servers: Partial<Record<'redis' | 'postgres', ServerInfo>> = {};
  for (const store of stores as ('redis' | 'postgres')[]) {
    try {
      let conn = resolveConnection(store, store === 'redis' ? s.redisUrl : s.postgresUrl);
      if (store === 'redis') {
        const db = s.db ?? (conn.database !== undefined ? undefined : BENCH_DB);
        if (db !== undefined) conn = getTarget('redis').parseUrl(`${conn.url.replace(/\/\d+$/, '')}/${db}`);
      }
      if (!s.allowRemote && !isLoopbackHost(conn.host)) {
        throw new UsageError(`${store} target ${redactUrl(conn.url)} is not on this machine (loopback).`, { hint: 'Pass --allow-remote for a host you own.' });
      }
      servers[store] = await getTarget(store).probe(conn);
      conns[store] = conn;
    } catch (err) {
      log(`like-paths: ${err instanceof CapbenchError ? err.oneLine() : `${store} is unreachable: ${describeError(err)}. Start it with \`capbench services up ${store}\`.`}`);
      return 2;
    }
  }

  const controller = new AbortController();
  setMaxListeners(1000, controller.signal); // the engine listens on it once per step
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log('like-paths: interrupted; finishing the current step (Ctrl-C again to quit at once)');
    controller.abort('interrupted (Ctrl-C)');
  };
  process.on('SIGINT', onSigint);
  try {
    // Only the stores of --paths are resolved; a path never reads the other's connection.
    const ctx: Ctx = { s, conns: conns as Ctx['conns'], signal: controller.signal };
    const m = machineInfo();
    out(`like-paths: ${s.paths.join(', ')}; ${m.cpus} × ${m.cpuModel}, Node ${m.node}`);
    for (const store of stores as ('redis' | 'postgres')[]) {
      const srv = servers[store]!;
      out(`  ${store}: ${srv.product} ${srv.version} at ${srv.address}${store === 'redis' ? ` database ${conns.redis!.database ?? 0}` : ` database ${conns.postgres!.database ?? '?'}`}`);
    }
    out(
      `criteria: like p99 < ${s.criteria.maxP99Ms} ms${s.criteria.requireUnflagged ? ', run not flagged' : ''}, no errors; ${s.workers} worker thread${s.workers > 1 ? 's' : ''}; steps ${s.stepS} s (${s.warmupS} s warmup kept apart), constant open-loop arrivals, zipfian over ${fmtRate(s.posts)} posts; first a step at ${fmtRate(s.commonRate)}/s, then ramp ×2 from ${fmtRate(s.bounds.startRate)}/s (cap ${fmtRate(s.bounds.maxRate)}/s, down to ${fmtRate(s.bounds.minRate)}/s), bisection to ${Math.round(s.bounds.resolution * 100)}%`,
    );
    out(`CPU columns: client = the capbench process, server = redis-server or every postgres process, others = every other process, each in % of one core; machine = all ${CPUS} cores. svc = service time (send to response); server µs/like = server CPU per like at the highest sustained rate.`);

    const reports: PathReport[] = [];
    for (const path of s.paths) {
      if (controller.signal.aborted) break;
      try {
        reports.push(await measurePath(ctx, path));
      } catch (err) {
        const msg = err instanceof CapbenchError ? err.oneLine() : describeError(err);
        log(`like-paths: ${path} failed: ${msg}`);
        reports.push({ path, store: storeOf(path), common: null, steps: [], bestOpsPerSec: null, firstFailOpsPerSec: null, likes: { acknowledged: 0, stored: null, lost: null }, error: msg });
      }
      await sleep(s.pauseS * 1000);
    }

    out();
    for (const line of summaryTable(reports, s)) out(line);
    const redis = reports.find((r) => r.path === 'likes.redis-counter');
    const pgr = reports.find((r) => r.path === 'likes.pg-direct');
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
        `  latency: pg-direct ÷ redis-counter service-time p50 at ${fmtRate(s.commonRate)}/s = ${fmtRatio(verdict.p50Ratio)} (${fmtMs(pgr.common?.serviceTimeMs.p50)} ms vs ${fmtMs(redis.common?.serviceTimeMs.p50)} ms).`,
      );
      out(`  why: ${verdict.reason}.`);
      out(`  rule: ${verdict.rule}.`);
    } else {
      out('claim "INCR is ~10x faster than DB writes": not measured (needs both likes.redis-counter and likes.pg-direct in --paths).');
    }
    const others = reports.flatMap((r) => [r.common, ...r.steps]).map((x) => x?.othersCpuPct ?? null).filter((x): x is number => x !== null);
    if (others.length) out(`machine load: other processes used ${Math.round(Math.min(...others))}-${Math.round(Math.max(...others))}% of a core across the steps (mean ${Math.round(mean(others)!)}%).`);

    const result = {
      kind: 'capbench.bench.like-paths',
      version: 1,
      tool: { name: 'capbench', version: CAPBENCH_VERSION },
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      wallS: Math.round((performance.now() - t0) / 100) / 10,
      interrupted,
      command: `node dist/bench/like-paths.js ${argv.join(' ')}`.trim(),
      machine: machineInfo(),
      targets: Object.fromEntries(stores.map((st) => [st, { ...servers[st as 'redis' | 'postgres']!, url: redactUrl(conns[st as 'redis' | 'postgres']!.url) }])),
      settings: { ...s, redisUrl: s.redisUrl ? redactUrl(s.redisUrl) : undefined, postgresUrl: s.postgresUrl ? redactUrl(s.postgresUrl) : undefined },
      paths: reports.map((r) => {
        const b = r.steps.find((x) => x.passed && !x.superseded && x.targetOpsPerSec === r.bestOpsPerSec) ?? null;
        return { ...r, serverCpuUsPerLikeAtBest: round1(cpuUsPerOp(b?.serverCpuPct ?? null, b?.achievedOpsPerSec ?? null)) };
      }),
      claim: {
        id: 'likes.incr-10x-db',
        source: '000 · Likes System',
        claim: 'Atomic increments (INCR post:123:likes) are 10x faster than DB writes',
        ...(verdict ?? { verdict: 'not-measurable', reason: 'likes.redis-counter and likes.pg-direct were not both measured' }),
      },
    };
    try {
      await writeFileAtomic(s.out, `${JSON.stringify(result, null, 2)}\n`);
      out();
      out(`written: ${s.out} (total ${result.wallS} s)`);
    } catch (err) {
      log(`like-paths: could not write ${s.out}: ${describeError(err)}`);
    }
    if (interrupted) return 130;
    return verdict && verdict.verdict !== 'not-measurable' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    log(`like-paths: ${err instanceof CapbenchError ? err.oneLine() : describeError(err)}`);
    process.exit(2);
  },
);
