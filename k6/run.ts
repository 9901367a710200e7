/**
 * Running an exported script with the k6 that `capbench services up k6` built
 * (targets/k6/index.ts), one execution segment or the whole schedule, with its raw output
 * written to a file and the k6 process's CPU use sampled from /proc while it runs.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../core/errors.js';
import { K6_ENV, k6Binary } from '../targets/k6/index.js';
import { resolveCacheDir } from '../targets/local/paths.js';

/**
 * The k6 binary: CAPBENCH_K6 if set, else the one `capbench services up k6` built.
 * @throws UsageError when it does not exist (one line: build it with `capbench services up k6`).
 */
export function requireK6(env: NodeJS.ProcessEnv = process.env): string {
  const bin = env.CAPBENCH_K6 || k6Binary({ cacheDir: resolveCacheDir(env) });
  if (!existsSync(bin)) throw new UsageError(`k6 is missing (no ${bin}).`, { hint: 'Build it with `capbench services up k6` (or set CAPBENCH_K6 to a k6 1.x binary).' });
  return bin;
}

/** One k6 run. */
export interface K6RunOptions {
  bin: string;
  /** The script file (.ts; k6 1.x runs TypeScript directly). */
  script: string;
  /** Raw output: --out json=<file>. */
  jsonOut: string;
  /** Execution segment, e.g. "0:1/2", with its sequence "0,1/2,1". */
  segment?: { segment: string; sequence: string };
  /** Extra environment (CAPBENCH_SERVICE_URL, ...). */
  env?: Record<string, string>;
  /** Write k6's end-of-test summary here (--summary-export). */
  summaryOut?: string;
}

/** What a k6 run gave back. */
export interface K6RunOutcome {
  /** k6's exit code: 0 ok, 99 thresholds failed, 108 aborted by a threshold, other: failed. */
  code: number;
  /** k6 process CPU, % of one core, mean over the run and max over 0.5 s samples. */
  cpuPct: { mean: number; max: number };
  wallS: number;
  /** Last lines of k6's stderr (errors). */
  stderrTail: string;
}

const CLK_TCK = 100;

async function cpuTicks(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
  } catch {
    return undefined;
  }
}

/** Run k6 and wait for it. Never throws for a k6 failure: the exit code says it. */
export function runK6(o: K6RunOptions): Promise<K6RunOutcome> {
  const args = ['run', '--quiet', '--no-color', '--out', `json=${o.jsonOut}`];
  if (o.segment) args.push('--execution-segment', o.segment.segment, '--execution-segment-sequence', o.segment.sequence);
  if (o.summaryOut) args.push('--summary-export', o.summaryOut);
  args.push(o.script);
  const t0 = Date.now();
  const p = spawn(o.bin, args, { env: { ...process.env, ...K6_ENV, ...(o.env ?? {}) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
  let last = { t: t0, ticks: 0 };
  let total = 0;
  let max = 0;
  const timer = setInterval(() => {
    void cpuTicks(p.pid!).then((ticks) => {
      if (ticks === undefined) return;
      const now = Date.now();
      const pct = ((ticks - last.ticks) / CLK_TCK / ((now - last.t) / 1000)) * 100;
      if (now - last.t > 200) max = Math.max(max, pct);
      total = ticks;
      last = { t: now, ticks };
    });
  }, 500);
  return new Promise((resolve) => {
    p.on('close', (code) => {
      clearInterval(timer);
      const wallS = (Date.now() - t0) / 1000;
      resolve({ code: code ?? -1, cpuPct: { mean: Math.round(((total / CLK_TCK) / wallS) * 1000) / 10, max: Math.round(max * 10) / 10 }, wallS, stderrTail: stderr.trim().split('\n').slice(-3).join(' | ') });
    });
  });
}
