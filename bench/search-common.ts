/**
 * What the rate-search benches (max-like-rate, like-paths) share besides their flags
 * (bench/flags.ts), the search (engine/capacity.ts) and their JSON shapes (bench/output.ts):
 * resolving and probing the targets, the likes-lost check, CPU arithmetic, table layout,
 * the interrupt handler and the entry point. Output goes to stdout (tables, results) and
 * stderr (progress, errors).
 */
import { setMaxListeners } from 'node:events';
import { onInterrupt } from '../cli/interrupt.js';
import { CapbenchError, UsageError, describeError, redactUrl } from '../core/errors.js';
import { fmtInt, fmtNum, fmtPct, round1 } from '../core/format.js';
import type { Connection, ServerInfo, StoreName } from '../core/target.js';
import type { StepMeasurement } from '../engine/capacity.js';
import { DEFAULT_PREWARM_S, type CapacityResult, type CapacityStep } from '../core/capacity.js';
import { machineInfo } from '../engine/machine.js';
import { parseSlo } from '../engine/slo.js';
import { runCapacity } from '../scenarios/capacity/search.js';
import { resolveRunSettings } from '../scenarios/settings.js';
import { viralLikeSpike } from '../scenarios/viral-like-spike/index.js';
import { isLoopbackHost } from '../targets/local/net.js';
import { getTarget, resolveConnection } from '../targets/registry.js';
import { BENCH_DB } from './flags.js';
import type { LikesCheck, SearchSettings } from './output.js';

/** A line on stdout (the bench's table and result). */
export const out = (line = ''): void => void process.stdout.write(`${line}\n`);
/** A progress line on stderr. */
export const log = (line: string): void => void process.stderr.write(`${line}\n`);
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Arithmetic mean, or null for no values. */
export const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Cores of this machine. */
export const CPUS = machineInfo().cpus;

/**
 * CPU of processes other than the client and the server, % of one core: the machine's busy
 * share of all its cores minus the two; null when one figure is missing; never below 0.
 */
export function othersPct(machinePct: number | null, clientPct: number | null, serverPct: number | null): number | null {
  if (machinePct === null || clientPct === null || serverPct === null) return null;
  return round1(Math.max(0, machinePct * CPUS - clientPct - serverPct));
}

/** Resolved connections and what each server said it is, by store. */
export interface Targets {
  conns: Partial<Record<StoreName, Connection>>;
  servers: Partial<Record<StoreName, ServerInfo>>;
}

/** What probeTargets() reads of a bench's settings. */
export type ProbeSettings = Pick<SearchSettings, 'urls' | 'db' | 'allowRemote'> & { redisDriver?: SearchSettings['redisDriver'] };

/**
 * The start every bench shares: parse its flags, then probe the stores it needs (probeTargets).
 * @param parse the bench's flag parser: its settings, or 'help' once --help was printed.
 * @param stores the stores to probe for those settings.
 * @returns the settings and the targets; or the exit code to stop with: 0 after --help, 2 after
 *   one line (`<name>: <what is wrong>`) for a bad flag or a target that does not answer.
 */
export async function benchStart<S extends ProbeSettings>(name: string, parse: () => S | 'help', stores: (s: S) => readonly StoreName[]): Promise<{ s: S; targets: Targets } | number> {
  let s: S;
  try {
    const p = parse();
    if (p === 'help') return 0;
    s = p;
  } catch (err) {
    log(`${name}: ${describeError(err)}`);
    return 2;
  }
  try {
    return { s, targets: await probeTargets(stores(s), s) };
  } catch (err) {
    log(`${name}: ${describeError(err)}`);
    return 2;
  }
}

/**
 * Resolve each store's connection (--<store>-url > CAPBENCH_<STORE>_URL > the local server),
 * move Redis to the bench's database (--db, else the URL's, else BENCH_DB), refuse a
 * non-loopback host without --allow-remote, and probe each server.
 * @throws CapbenchError, one line naming the store and what to do (the caller exits 2).
 */
export async function probeTargets(stores: readonly StoreName[], s: ProbeSettings): Promise<Targets> {
  const t: Targets = { conns: {}, servers: {} };
  for (const store of stores) {
    try {
      let conn = resolveConnection(store, s.urls[store]);
      if (store === 'redis') {
        // The keys live in their own database so that a reset elsewhere cannot spoil the likes-lost check.
        const db = s.db ?? (conn.database !== undefined ? undefined : BENCH_DB);
        if (db !== undefined) conn = getTarget('redis').parseUrl(`${conn.url.replace(/\/\d+$/, '')}/${db}`);
        // --redis-driver: the paths' clients (targets/clients.ts) open this driver.
        if (s.redisDriver !== undefined) conn = { ...conn, redisDriver: s.redisDriver };
      }
      if (!s.allowRemote && !isLoopbackHost(conn.host)) {
        throw new UsageError(`${store} target ${redactUrl(conn.url)} is not on this machine (loopback).`, { hint: 'Pass --allow-remote for a host you own.' });
      }
      t.servers[store] = await getTarget(store).probe(conn);
      t.conns[store] = conn;
    } catch (err) {
      if (err instanceof CapbenchError) throw err;
      throw new CapbenchError(`${store} is unreachable: ${describeError(err)}.`, { hint: `Start it with \`capbench services up ${store}\`.`, cause: err });
    }
  }
  return t;
}

/** A server as stored in the bench JSON: what it said it is, and its URL with the password redacted. */
export function targetRecord(t: Targets, store: StoreName): ServerInfo & { url: string } {
  return { ...t.servers[store]!, url: redactUrl(t.conns[store]!.url) };
}

/** The store URLs given by flag with their passwords redacted, for the JSON. */
export function redactedUrls(urls: SearchSettings['urls']): SearchSettings['urls'] {
  return Object.fromEntries(Object.entries(urls).map(([k, v]) => [k, v === undefined ? v : redactUrl(v)]));
}

/**
 * The likes-lost check (DESIGN.md: likes lost must be 0): `acknowledged` likes against the
 * counters' sum. When the number of counters is not the `seeded` one (more than it, for a path
 * that keeps no zero counters: `keepsZeroCounters` false), another process reset or wrote
 * `what` meanwhile, and there is no loss figure.
 */
export function likesCheck(acknowledged: number, total: { posts: number; likes: number }, seeded: number, what: string, keepsZeroCounters = true): LikesCheck {
  // A path that keeps no zero counters (LikeCounter.keepsZeroCounters) holds at most one per seeded post.
  if (keepsZeroCounters ? total.posts === seeded : total.posts <= seeded) return { acknowledged, stored: total.likes, lost: Math.max(0, acknowledged - total.likes) };
  return {
    acknowledged,
    stored: total.likes,
    lost: null,
    note: `${total.posts} counters found instead of the ${seeded} seeded: another process reset or wrote ${what} during the bench, so no loss figure`,
  };
}

/** The figures of a step every step table shows (engine/capacity.ts StepMeasurement, a phase, CPU). */
type TableStep = Pick<StepMeasurement, 'targetOpsPerSec' | 'achievedOpsPerSec' | 'latencyMs' | 'scheduleLagP99Ms' | 'passed' | 'failReasons'> & {
  phase: string;
  clientCpuPct: number | null;
  othersCpuPct: number | null;
  machineCpuPct: number | null;
};

/** A column of a step table: header, width, and the step's cell (rates ops/s, latencies ms, CPU %: the unit is in the header). */
export type StepColumn<S> = readonly [header: string, width: number, cell: (step: S) => string];

/** The columns both benches' step tables share, by name. */
export const STEP_COLUMNS = {
  phase: ['phase', 6, (r) => r.phase],
  target: ['target/s', 9, (r) => fmtInt(r.targetOpsPerSec)],
  achieved: ['achieved/s', 10, (r) => fmtInt(r.achievedOpsPerSec)],
  p50: ['p50 ms', 7, (r) => fmtNum(r.latencyMs.p50)],
  p99: ['p99 ms', 7, (r) => fmtNum(r.latencyMs.p99)],
  lag: ['lag p99', 7, (r) => fmtNum(r.scheduleLagP99Ms)],
  client: ['client', 6, (r) => fmtPct(r.clientCpuPct)],
  others: ['others', 6, (r) => fmtPct(r.othersCpuPct)],
  machine: ['machine', 7, (r) => fmtPct(r.machineCpuPct)],
} as const satisfies Record<string, StepColumn<TableStep>>;

/**
 * A step table of `columns`, each cell right-aligned to its column's width, then the verdict:
 * PASS, or FAIL with the reasons.
 */
export function stepTable<S extends TableStep>(columns: readonly StepColumn<S>[]): { header: string; row(step: S): string } {
  const widths = columns.map(([, w]) => w);
  return {
    header: `${fixedRow(columns.map(([h]) => h), widths)}  result`,
    row: (r) => `${fixedRow(columns.map(([, , cell]) => cell(r)), widths)}  ${r.passed ? 'PASS' : `FAIL: ${r.failReasons.join('; ')}`}`,
  };
}

/** A row of a fixed-width table: each cell right-aligned to its width, two spaces apart. */
export function fixedRow(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
}

/** Rows laid out as a table sized to its cells: the first column left-aligned, the others right-aligned. */
export function alignRows(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
}

/**
 * Ctrl-C / SIGTERM for a bench (cli/interrupt.ts): the first stops the search after the
 * current step is cut short, the bench writes what it measured and exits 130; a second exits
 * at once. The engine listens on the signal once per step, hence no listener limit.
 * @returns the controller and the dispose of the handler.
 */
export function benchInterrupt(name: string): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const dispose = onInterrupt(controller, `${name}: interrupted; stopping the current step and writing what was measured (Ctrl-C again to quit at once)`);
  return { controller, dispose };
}

/** Run a bench's main() with this process's arguments and exit with its code (2 and one line on an unexpected error). */
export function runBench(name: string, main: (argv: readonly string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      log(`${name}: ${describeError(err)}`);
      process.exit(2);
    },
  );
}

/**
 * One like-rate search through `capbench capacity`'s search (scenarios/capacity/search.ts):
 * the viral-like-spike load phase (reset, seed `s.posts` posts) on `path`, then constant-rate
 * open-loop steps judged by like p99 < s.criteria.maxP99Ms, the engine's flag and errors, one
 * retry of a failing step the machine disturbed, and the scenario's check that no like was
 * lost over the steps. `print` sees each step as it finishes.
 * @param options extra viral-like-spike options (e.g. pgPoolSize); path and posts are set here.
 * @param rampStart the ramp's first rate when not s.bounds.startRate, ops/s.
 * @throws UsageError for options the scenario refuses; CapbenchError when the load phase fails.
 */
export async function likeCapacity(
  s: SearchSettings,
  run: {
    path: string;
    urls: Partial<Record<StoreName, string>>;
    workers: number;
    options?: Record<string, unknown>;
    rampStart?: number;
    signal: AbortSignal;
    /** Called once, when the first step starts (after the load phase): e.g. print the table's header. */
    header?: () => void;
    print: (step: CapacityStep) => void;
  },
): Promise<CapacityResult> {
  let headed = false;
  const settings = resolveRunSettings(viralLikeSpike, {
    flags: {
      options: { ...run.options, path: run.path, posts: s.posts },
      urls: run.urls,
      workers: run.workers,
      warmup: s.warmupS,
      duration: s.stepS,
      rate: s.bounds.startRate,
      seed: s.seed,
      maxInFlight: s.maxInFlight,
      opTimeout: s.opTimeoutS,
      allowRemote: s.allowRemote,
    },
  });
  return runCapacity({
    settings,
    slos: [parseSlo(`like:p99<${s.criteria.maxP99Ms}ms`)],
    sloSource: 'flags',
    search: {
      startRate: s.bounds.startRate,
      maxRate: s.bounds.maxRate,
      minRate: s.bounds.minRate,
      resolutionPct: s.bounds.resolution * 100,
      stepS: s.stepS,
      warmupS: s.warmupS,
      prewarmS: s.prewarmS ?? DEFAULT_PREWARM_S,
      pauseS: s.pauseS,
      maxSteps: s.maxSteps,
      retryOthersPct: s.retryOthersPct,
      requireUnflagged: s.criteria.requireUnflagged,
      maxErrorRate: s.criteria.maxErrorRate,
      workers: run.workers,
      maxInFlight: s.maxInFlight,
      opTimeoutS: s.opTimeoutS,
      seed: s.seed,
    },
    ...(run.rampStart !== undefined ? { rampStart: run.rampStart } : {}),
    log: (l) => log(`  ${l}`),
    onStepStart: () => {
      if (!headed) run.header?.();
      headed = true;
    },
    onStep: run.print,
    signal: run.signal,
  });
}

/** A capacity step as a bench step: operation `op`'s figures and the step's CPU (server = the path's server processes, over the whole step). */
export function benchStepOf(step: CapacityStep, op = 'like'): StepMeasurement & { phase: CapacityStep['phase']; clientCpuPct: number | null; serverCpuPct: number | null; machineCpuPct: number | null; othersCpuPct: number | null } {
  const o = step.operations.find((x) => x.name === op);
  return {
    superseded: step.superseded,
    targetOpsPerSec: step.targetOpsPerSec,
    achievedOpsPerSec: step.achievedOpsPerSec,
    latencyMs: { p50: o?.latencyMs.p50 ?? null, p99: o?.latencyMs.p99 ?? null, p999: o?.latencyMs.p999 ?? null, max: o?.latencyMs.max ?? null },
    serviceTimeMs: { p50: o?.serviceTimeMs.p50 ?? null, p99: o?.serviceTimeMs.p99 ?? null },
    scheduleLagP99Ms: o?.scheduleLagP99Ms ?? null,
    count: o?.count ?? 0,
    errors: o?.errors ?? 0,
    errorsByKind: o?.errorsByKind ?? {},
    flagged: step.flagged,
    flagReasons: step.flagReasons,
    passed: step.passed,
    failReasons: step.failReasons,
    phase: step.phase,
    clientCpuPct: step.cpu.clientPct,
    serverCpuPct: step.cpu.serverPct,
    machineCpuPct: step.cpu.machinePct,
    othersCpuPct: step.cpu.othersPct,
  };
}

/** Likes the store acknowledged over a capacity search's steps (warmup included). */
export function acknowledgedLikes(r: CapacityResult): number {
  return r.steps.reduce((a, st) => a + (st.operations.find((o) => o.name === 'like')?.acknowledged ?? 0), 0);
}
