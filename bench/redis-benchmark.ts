/**
 * redis-benchmark (Debian package redis-tools, a dependency of redis-server) as the
 * reference point of bench/max-like-rate.ts: finding it, its arguments, running it, and
 * reading its `-q` output. The parser and the argument builder are pure (tested in
 * test/bench/max-like-rate.test.ts).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Connection } from '../core/target.js';

/** One result line of `redis-benchmark -q`. */
export interface RedisBenchmarkLine {
  /** Test name as redis-benchmark prints it, e.g. "INCR". */
  test: string;
  /** Requests per second over the whole test. */
  requestsPerSec: number;
  /** Median latency, ms (redis-benchmark ≥ 6.2 prints it; null before). */
  p50Ms: number | null;
}

/**
 * Parse the output of `redis-benchmark -q`: the final line of each test, e.g.
 * "INCR: 49627.79 requests per second, p50=0.015 msec". The live progress lines it writes
 * with carriage returns ("INCR: rps=41458.2 (overall: 41221.3) avg_msec=...") are skipped.
 * @returns one entry per test, in output order; [] when there is none.
 */
export function parseRedisBenchmarkQuiet(output: string): RedisBenchmarkLine[] {
  const out: RedisBenchmarkLine[] = [];
  for (const raw of output.split(/[\r\n]+/)) {
    const line = raw.trim();
    const m = /^([A-Za-z0-9_ ()-]+?):\s+([\d.]+)\s+requests per second(?:,\s*p50=([\d.]+)\s*msec)?/.exec(line);
    if (!m) continue;
    const rps = Number(m[2]);
    if (!Number.isFinite(rps)) continue;
    out.push({ test: m[1]!.trim(), requestsPerSec: rps, p50Ms: m[3] !== undefined ? Number(m[3]) : null });
  }
  return out;
}

/** What one redis-benchmark run does. */
export interface RedisBenchmarkPlan {
  /** -t, e.g. "incr". */
  test: string;
  /** -n: total requests. */
  requests: number;
  /** -c: parallel connections. */
  clients: number;
  /** -P: requests pipelined per connection (1 = no pipelining). */
  pipeline: number;
}

/**
 * The arguments of `redis-benchmark -h HOST -p PORT -t TEST -n N -c C [-P P] -q` for a
 * connection (adds --dbnum for a database other than 0, and --user/-a when the URL has
 * credentials: -a is visible in the process list, as redis-benchmark has no other way).
 */
export function redisBenchmarkArgs(conn: Pick<Connection, 'host' | 'port' | 'database' | 'username' | 'password'>, plan: RedisBenchmarkPlan): string[] {
  const args = ['-h', conn.host, '-p', String(conn.port), '-t', plan.test, '-n', String(plan.requests), '-c', String(plan.clients)];
  if (plan.pipeline > 1) args.push('-P', String(plan.pipeline));
  args.push('-q');
  if (conn.database && conn.database !== '0') args.push('--dbnum', conn.database);
  if (conn.password) {
    if (conn.username && conn.username !== 'default') args.push('--user', conn.username);
    args.push('-a', conn.password);
  }
  return args;
}

/** The command line as printed and stored (`bin` as given, e.g. "redis-benchmark"): the password after -a replaced by "***". */
export function displayCommand(bin: string, args: readonly string[]): string {
  const shown = args.map((a, i) => (i > 0 && args[i - 1] === '-a' ? '***' : a));
  return [bin, ...shown].join(' ');
}

/** Absolute path of an executable found on PATH, or null. */
export function findOnPath(name: string, pathEnv = process.env.PATH ?? ''): string | null {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * CPU time of this process's finished, reaped children (Linux /proc/self/stat cutime +
 * cstime), s; null where /proc is not available. The difference around one child run is
 * that child's CPU time. Assumes the usual 100 clock ticks per second.
 */
export function childrenCpuS(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17.
    const cutime = Number(fields[13]);
    const cstime = Number(fields[14]);
    return Number.isFinite(cutime) && Number.isFinite(cstime) ? (cutime + cstime) / 100 : null;
  } catch {
    return null;
  }
}

/** What runRedisBenchmark() returns. */
export interface RedisBenchmarkRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the child, s. */
  wallS: number;
  /** CPU time the child used (user + system), s; null where it cannot be read. */
  cpuS: number | null;
}

/**
 * Run redis-benchmark with `args` and collect its output.
 * @param timeoutMs kill it (SIGTERM) after this long, ms.
 */
export function runRedisBenchmark(bin: string, args: readonly string[], timeoutMs: number): Promise<RedisBenchmarkRun> {
  return new Promise((resolve, reject) => {
    const cpu0 = childrenCpuS();
    const t0 = process.hrtime.bigint();
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (err) => (clearTimeout(timer), reject(err)));
    child.on('close', (code) => {
      clearTimeout(timer);
      const cpu1 = childrenCpuS();
      resolve({
        exitCode: code,
        stdout,
        stderr,
        wallS: Number(process.hrtime.bigint() - t0) / 1e9,
        cpuS: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null,
      });
    });
  });
}
