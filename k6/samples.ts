/**
 * k6's raw output (`k6 run --out json=FILE`: one JSON object per line) read back into capbench's
 * measurement model: per operation, HDR histograms rebuilt from every latency sample (so
 * percentiles over several execution segments are exact, not averages of percentiles), per
 * second series, failures and dropped iterations. Used by `capbench run --engine k6` and by
 * `capbench merge`.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageError } from '../core/errors.js';
import type { OperationResult, Percentiles, RunResult, SeriesPoint, Stage } from '../core/results.js';
import { encodeHistogram, newHistogram, percentilesMs, recordNs, type Histogram } from '../engine/histogram.js';
import type { LoadOutcome } from '../engine/run.js';
import { totalDurationS } from '../engine/schedule.js';

/** One segment's raw output, parsed. */
export interface K6Output {
  file: string;
  /** Test-wide tags capbench's script sets (capbench_script, capbench_scenario, capbench_stages, ...). */
  tags: Record<string, string>;
  /** Latency samples: op, epoch ms, latency ms. */
  samples: { op: string; t: number; ms: number }[];
  /** Failed operations: op, epoch ms. */
  failures: { op: string; t: number }[];
  /** Iterations k6 could not start in time (dropped_iterations). */
  dropped: number;
}

interface Point {
  type: string;
  metric: string;
  data?: { time: string; value: number; tags?: Record<string, string> };
}

/**
 * Read one k6 JSON output file.
 * @throws UsageError when the file is missing, is not k6 JSON output, or holds no capbench samples (not a script capbench exported).
 */
export async function readK6Output(file: string): Promise<K6Output> {
  const out: K6Output = { file, tags: {}, samples: [], failures: [], dropped: 0 };
  let lines = 0;
  try {
    const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of rl) {
      if (!line) continue;
      lines++;
      let p: Point;
      try {
        p = JSON.parse(line) as Point;
      } catch {
        throw new UsageError(`${file} line ${lines} is not JSON: not k6 raw output.`, { hint: 'Give the files k6 wrote with --out json=FILE.' });
      }
      if (p.type !== 'Point' || !p.data) continue;
      const tags = p.data.tags ?? {};
      if (p.metric === 'capbench_latency') {
        if (!out.tags.capbench_script) for (const [k, v] of Object.entries(tags)) if (k.startsWith('capbench_')) out.tags[k] = v;
        out.samples.push({ op: tags.op ?? '?', t: Date.parse(p.data.time), ms: p.data.value });
      } else if (p.metric === 'capbench_failed' && p.data.value !== 0) out.failures.push({ op: tags.op ?? '?', t: Date.parse(p.data.time) });
      else if (p.metric === 'dropped_iterations') out.dropped += p.data.value;
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`Cannot read ${file}: ${(err as Error).message.split('\n')[0]}.`);
  }
  if (!out.tags.capbench_script) throw new UsageError(`${file} holds no capbench_latency samples: not the output of a script capbench exported.`, { hint: 'Export with `capbench export k6` and run with --out json=FILE.' });
  return out;
}

const EMPTY: Percentiles = { count: 0, min: null, mean: null, p50: null, p90: null, p99: null, p999: null, max: null };

/** Scheduled arrivals in [a, b) seconds of a piecewise-linear rate schedule. */
export function scheduledBetween(stages: readonly Stage[], a: number, b: number): number {
  let t = 0;
  let sum = 0;
  for (const s of stages) {
    const from = s.fromRate ?? s.rate;
    const lo = Math.max(a, t);
    const hi = Math.min(b, t + s.durationS);
    if (hi > lo) {
      const r = (x: number) => from + ((s.rate - from) * (x - t)) / s.durationS;
      sum += ((r(lo) + r(hi)) / 2) * (hi - lo);
    }
    t += s.durationS;
  }
  return sum;
}

/** Options of outcomeFromK6(). */
export interface OutcomeOptions {
  stages: readonly Stage[];
  warmupS: number;
  /** Operation name -> storage path, in the scenario's order. */
  ops: readonly { name: string; path: string }[];
  /** k6 process CPU, % of one core (mean, max) when measured. */
  cpuPct?: { mean: number; max: number };
  maxVUs?: number;
  aborted?: boolean;
  abortReason?: string;
}

/**
 * Pool the samples of one or more segments into the measured part of a RunResult. Time zero is
 * the earliest sample of all segments; samples before warmupS are warmup. Latency and service
 * time are both k6's (from send to response: k6 has no intended start); schedule lag is not
 * measured (k6 reports late starts as dropped iterations, counted in notStarted).
 */
export function outcomeFromK6(parts: readonly K6Output[], o: OutcomeOptions): LoadOutcome {
  const all = parts.flatMap((p) => p.samples);
  const fails = parts.flatMap((p) => p.failures);
  const t0 = Math.min(...all.map((s) => s.t), ...fails.map((f) => f.t));
  const tEnd = Math.max(...all.map((s) => s.t));
  const totalS = totalDurationS(o.stages);
  const measuredS = Math.max(1e-9, totalS - o.warmupS);
  const seconds = Math.max(1, Math.ceil(totalS));
  const allSeconds: { h: Histogram; done: number; errors: number }[] = Array.from({ length: seconds }, () => ({ h: newHistogram(), done: 0, errors: 0 }));
  const operations: OperationResult[] = o.ops.map(({ name, path }) => {
    const h = newHistogram();
    const perSecond: { h: Histogram; done: number; errors: number }[] = Array.from({ length: seconds }, () => ({ h: newHistogram(), done: 0, errors: 0 }));
    let count = 0;
    let warmup = 0;
    for (const s of all) {
      if (s.op !== name) continue;
      const rel = (s.t - t0) / 1000;
      const sec = Math.min(seconds - 1, Math.floor(rel));
      recordNs(perSecond[sec]!.h, s.ms * 1e6);
      recordNs(allSeconds[sec]!.h, s.ms * 1e6);
      perSecond[sec]!.done++;
      allSeconds[sec]!.done++;
      if (rel < o.warmupS) warmup++;
      else {
        count++;
        recordNs(h, s.ms * 1e6);
      }
    }
    let errors = 0;
    let warmupErrors = 0;
    for (const f of fails) {
      if (f.op !== name) continue;
      const rel = (f.t - t0) / 1000;
      const sec = Math.min(seconds - 1, Math.max(0, Math.floor(rel)));
      perSecond[sec]!.errors++;
      allSeconds[sec]!.errors++;
      if (rel < o.warmupS) warmupErrors++;
      else errors++;
    }
    const series: SeriesPoint[] = perSecond.map((x, t) => seriesPoint(t, x, null, o.warmupS));
    const op: OperationResult = {
      name,
      path,
      count,
      okCount: count - errors,
      errors: errors > 0 ? { failed: errors } : {},
      warmupCount: warmup,
      warmupOkCount: warmup - warmupErrors,
      achievedOpsPerSec: Math.round((count / measuredS) * 10) / 10,
      latencyMs: percentilesMs(h),
      serviceTimeMs: percentilesMs(h),
      scheduleLagMs: EMPTY,
      series,
      latencyHistogram: encodeHistogram(h),
    };
    h.destroy();
    for (const x of perSecond) x.h.destroy();
    return op;
  });
  const series = allSeconds.map((x, t) => seriesPoint(t, x, Math.round(scheduledBetween(o.stages, t, t + 1)), o.warmupS));
  for (const x of allSeconds) x.h.destroy();
  const measured = operations.reduce((a, op) => a + op.count, 0);
  const target = scheduledBetween(o.stages, o.warmupS, totalS) / measuredS;
  const achieved = measured / measuredS;
  const dropped = parts.reduce((a, p) => a + p.dropped, 0);
  const reasons: string[] = [];
  if (dropped > 0) reasons.push(`k6 dropped ${dropped} iterations (no VU free at their start: raise maxVUs or the target is slower than the rate)`);
  if (achieved < 0.95 * target) reasons.push(`achieved ${achieved.toFixed(1)} ops/s is below 95% of the target ${target.toFixed(1)} ops/s`);
  return {
    operations,
    series,
    rate: { targetOpsPerSec: Math.round(target * 10) / 10, achievedOpsPerSec: Math.round(achieved * 10) / 10, notStarted: dropped, flagged: reasons.length > 0, reasons },
    harness: {
      eventLoopLagMs: EMPTY,
      cpuPct: o.cpuPct ?? { mean: 0, max: 0 },
      bottleneck: false,
      notes: [`generated by k6 (${parts.length} execution segment${parts.length === 1 ? '' : 's'}): latency is k6's, from send to response; late starts are dropped iterations, not latency`],
    },
    schedule: { arrival: 'constant', stages: [...o.stages], warmupS: o.warmupS, workers: parts.length, maxInFlight: o.maxVUs ?? 1 },
    startedAt: new Date(t0).toISOString(),
    endedAt: new Date(tEnd).toISOString(),
    aborted: o.aborted ?? false,
    ...(o.abortReason ? { abortReason: o.abortReason } : {}),
  };
}

function seriesPoint(t: number, x: { h: Histogram; done: number; errors: number }, targetOps: number | null, warmupS: number): SeriesPoint {
  const p = percentilesMs(x.h);
  return { t, targetOps, completedOps: x.done, errors: x.errors, latencyMs: { p50: p.p50, p90: p.p90, p99: p.p99, max: p.max }, serviceTimeMs: { p50: p.p50, p99: p.p99, max: p.max }, warmup: t < warmupS };
}
