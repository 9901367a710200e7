/**
 * Runs one load phase: starts the load threads (thread 0 inline on the calling thread, the
 * others, when --workers > 1, as worker threads), keeps them on one shared clock, merges what
 * they measure, watches the client itself, and returns the measured part of a RunResult.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { CapbenchError } from '../core/errors.js';
import { fmtFigure as fmt, round1 } from '../core/format.js';
import type { OperationResult, RunResult, SeriesPoint } from '../core/results.js';
import { Aggregator } from './aggregator.js';
import { CpuSampler } from './machine.js';
import { msToNextSecond, runThread, TICK_AFTER_MS, type ThreadSummary, type ThreadTick } from './runner.js';
import { ArrivalSchedule, totalDurationS } from './schedule.js';
import { loadWorkload, resolvePacing, specsOf, threadPlan, type LoadPlan, type ThreadInit, type ToParent, type WorkloadRef } from './protocol.js';
import { describeOperations, sameOperations, type OperationSpec } from './types.js';
import { percentilesMs, newHistogram, mergeEncoded } from './histogram.js';

export type { LoadPlan, WorkloadRef } from './protocol.js';

/** Live figures, once a second, for the terminal. */
export interface LoadProgress {
  elapsedS: number;
  totalS: number;
  /** Intended arrival rate right now, ops/s (null in closed loop). */
  targetRate: number | null;
  /** Operations completed in the last full second (the one that just ended). */
  lastSecondOps: number;
  /** p99 latency of the last full second, ms (null under 100 samples). */
  lastSecondP99Ms: number | null;
  errors: number;
  inFlight: number;
  started: number;
}

/** The measured part of a RunResult. */
export interface LoadOutcome {
  operations: OperationResult[];
  series: SeriesPoint[];
  rate: RunResult['rate'];
  harness: RunResult['harness'];
  schedule: RunResult['schedule'];
  startedAt: string;
  endedAt: string;
  aborted: boolean;
  abortReason?: string;
}

/** Options of runLoad(). */
export interface RunLoadOptions {
  onProgress?: (p: LoadProgress) => void;
  /** Aborting stops new arrivals; what was measured is kept and returned (status aborted). */
  signal?: AbortSignal;
  /**
   * The operations the caller declared (the scenario's `operations(options)`). Every thread's
   * workload must bind exactly these, by name and path, or the run stops before it starts.
   */
  expect?: readonly OperationSpec[];
  /** Called once when the run phase's clock starts (epoch ms of t = 0 of the series): faults are timed from it. */
  onStart?: (startEpochMs: number) => void;
  /** Errors by kind of each second (t since the run phase began) as threads report them: faults are analysed with it. */
  onErrors?: (sec: number, errors: Record<string, number>) => void;
}

/** How long after each whole second of the run clock the live view updates, ms (threads report at TICK_AFTER_MS). */
const PROGRESS_AFTER_MS = TICK_AFTER_MS + 130;

/** Shortfall beyond which a run is flagged: achieved below 95% of the target rate. */
export const SHORTFALL_FLAG = 0.95;

/**
 * Run the load plan against the workload. Never throws for operation errors (counted by
 * kind); throws CapbenchError when a thread cannot create its workload (e.g. the target is
 * down before the run starts). When `signal` aborts midway, returns what was measured.
 */
export async function runLoad(ref: WorkloadRef, plan: LoadPlan, opts: RunLoadOptions = {}): Promise<LoadOutcome> {
  const durationS = plan.loop === 'open' ? totalDurationS(plan.stages) : (plan.durationS ?? 0);
  const fullSchedule = plan.loop === 'open' ? new ArrivalSchedule(plan.stages, plan.arrival) : undefined;
  // Created once the threads have said which operations they run (by name).
  let agg: Aggregator | undefined;
  const declare = (ops: readonly OperationSpec[], thread: number) => {
    if (opts.expect && !sameOperations(ops, opts.expect)) {
      throw new CapbenchError(`internal: thread ${thread}'s workload runs ${describeOperations(ops)}, but the scenario declares ${describeOperations(opts.expect)}.`);
    }
    if (!agg) agg = new Aggregator(ops, plan.warmupS, fullSchedule);
    else if (!sameOperations(ops, agg.operations)) {
      throw new CapbenchError(`internal: worker threads disagree on their operations: ${describeOperations(ops)} vs ${describeOperations(agg.operations)}.`);
    }
  };
  const cpu = new CpuSampler();
  const pacing = resolvePacing(plan.pacing, Math.max(1, plan.workers), availableParallelism());
  const summaries: ThreadSummary[] = [];
  const ticks = new Map<number, ThreadTick>();
  const startedAt = new Date();
  let errorsSoFar = 0;
  let abortReason: string | undefined;

  const onTick = (index: number, tick: ThreadTick) => {
    ticks.set(index, tick);
    agg?.addDeltas(tick.deltas);
    for (const d of tick.deltas) {
      for (const v of Object.values(d.errors)) errorsSoFar += v;
      if (opts.onErrors && Object.keys(d.errors).length) opts.onErrors(d.sec, d.errors);
    }
  };

  let startEpochMs = 0;
  // The live view runs on the run clock too: PROGRESS_AFTER_MS past each whole second, when
  // every thread has sent the second that just ended (runner.ts TICK_AFTER_MS), it shows that
  // second's completions and p99 — the same figures the report's series gives for it.
  let progressTimer: NodeJS.Timeout | undefined;
  const progress = () => {
    const nowEpochMs = performance.timeOrigin + performance.now();
    if (startEpochMs === 0 || !agg) {
      progressTimer = setTimeout(progress, 100);
      return;
    }
    cpu.sample();
    const elapsedS = (nowEpochMs - startEpochMs) / 1000;
    const lastFull = Math.floor(elapsedS) - 1;
    const second = lastFull >= 0 ? agg.secondFigures(lastFull) : undefined;
    agg.settle(Math.floor(elapsedS));
    opts.onProgress?.({
      elapsedS,
      totalS: durationS,
      targetRate: fullSchedule ? fullSchedule.rateAt(elapsedS) : null,
      lastSecondOps: second?.completed ?? 0,
      lastSecondP99Ms: second?.p99Ms ?? null,
      errors: errorsSoFar,
      inFlight: [...ticks.values()].reduce((a, t) => a + t.inFlight, 0),
      started: [...ticks.values()].reduce((a, t) => a + t.started, 0),
    });
    progressTimer = setTimeout(progress, msToNextSecond(performance.timeOrigin + performance.now() - startEpochMs) + PROGRESS_AFTER_MS);
  };
  progressTimer = setTimeout(progress, 100);

  try {
    if (plan.workers <= 1) {
      const workload = await loadWorkload({ ref, index: 0, count: 1 });
      try {
        declare(specsOf(workload), 0);
        startEpochMs = performance.timeOrigin + performance.now() + 20;
        opts.onStart?.(startEpochMs);
        summaries.push(await runThread(workload, threadPlan(plan, 0, 1, startEpochMs), (t) => onTick(0, t), opts.signal));
      } finally {
        await workload.close().catch(() => undefined);
      }
    } else {
      // Thread 0 runs inline on this thread, as with one worker; threads 1..N-1 are worker
      // threads. N load threads then share the cores with N - 1 others, not N + 1: with two
      // workers on two cores, a third busy thread (this one, idle but for the aggregation)
      // made two workers sustain less than one (issue 7).
      const count = plan.workers;
      const inline = await loadWorkload({ ref, index: 0, count });
      let inlineClosed = false;
      const closeInline = async () => {
        if (inlineClosed) return;
        inlineClosed = true;
        await inline.close().catch(() => undefined);
      };
      const workers = Array.from({ length: count - 1 }, (_, i) => {
        const init: ThreadInit = { ref, plan, index: i + 1, count };
        return new Worker(new URL('./worker.js', import.meta.url), { workerData: init });
      });
      const ready: Promise<void>[] = [];
      const done: Promise<void>[] = [];
      workers.forEach((w, i) => {
        const index = i + 1;
        let readyResolve!: () => void;
        let fail!: (e: Error) => void;
        ready.push(new Promise<void>((r, j) => ((readyResolve = r), (fail = j))));
        done.push(
          new Promise<void>((resolve, reject) => {
            w.on('message', (m: ToParent) => {
              if (m.type === 'ready') {
                try {
                  declare(m.operations, index);
                  readyResolve();
                } catch (e) {
                  fail(e as Error);
                }
              }
              else if (m.type === 'tick') onTick(index, m.tick);
              else if (m.type === 'done') {
                summaries.push(m.summary);
                resolve();
              } else if (m.type === 'error') {
                const e = new CapbenchError(m.message, { hint: m.hint });
                fail(e);
                reject(e);
              }
            });
            w.on('error', (e) => (fail(e), reject(e)));
            w.on('exit', (code) => (code !== 0 ? reject(new Error(`worker ${index} exited with code ${code}`)) : resolve()));
          }),
        );
      });
      // A thread that fails before the start also rejects its `done`, which nobody awaits then.
      for (const d of done) d.catch(() => undefined);
      try {
        declare(specsOf(inline), 0);
        await Promise.all(ready);
      } catch (e) {
        await Promise.all(workers.map((w) => w.terminate()));
        await closeInline();
        throw e;
      }
      const inlineAbort = new AbortController();
      const abortAll = () => {
        inlineAbort.abort(opts.signal?.reason);
        workers.forEach((w) => w.postMessage({ type: 'abort' }));
      };
      opts.signal?.addEventListener('abort', abortAll, { once: true });
      // Interrupted while the threads were loading: no listener fires for an earlier abort.
      if (opts.signal?.aborted) abortAll();
      startEpochMs = performance.timeOrigin + performance.now() + 50;
      opts.onStart?.(startEpochMs);
      workers.forEach((w) => w.postMessage({ type: 'start', startEpochMs }));
      const inlineDone = runThread(inline, threadPlan(plan, 0, count, startEpochMs), (t) => onTick(0, t), inlineAbort.signal)
        .then((summary) => void summaries.push(summary))
        .finally(closeInline);
      // A failing thread ends the others' arrivals too (what was measured is kept).
      inlineDone.catch(() => workers.forEach((w) => w.postMessage({ type: 'abort' })));
      const results = await Promise.allSettled([inlineDone, ...done]);
      // Belt and braces: a thread that reported (or failed) must not outlive the run.
      await Promise.all(workers.map((w) => w.terminate()));
      const failed = results.find((r) => r.status === 'rejected');
      if (failed && failed.status === 'rejected') abortReason = `a load thread failed: ${(failed.reason as Error).message}`;
      opts.signal?.removeEventListener('abort', abortAll);
    }
  } finally {
    clearTimeout(progressTimer);
  }
  if (opts.signal?.aborted) abortReason = abortReason ?? String(opts.signal.reason ?? 'interrupted');

  if (!agg) throw new CapbenchError('internal: no thread declared its operations.');
  for (const s of summaries) {
    agg.addDeltas(s.deltas);
    if (opts.onErrors) for (const d of s.deltas) if (Object.keys(d.errors).length) opts.onErrors(d.sec, d.errors);
    agg.addTotals(s.totals);
  }
  agg.settle(Number.MAX_SAFE_INTEGER, true);
  const endedAt = new Date();
  const aborted = abortReason !== undefined;
  const ranS = aborted ? Math.min(durationS, (endedAt.getTime() - startedAt.getTime()) / 1000) : durationS;
  const measuredS = Math.max(0, ranS - plan.warmupS);
  const operations = agg.operationResults(measuredS);
  const series = agg.series();

  const measuredCount = operations.reduce((a, o) => a + o.count, 0);
  const achieved = measuredS > 0 ? measuredCount / measuredS : 0;
  const target = fullSchedule && measuredS > 0 ? fullSchedule.expectedBetween(plan.warmupS, plan.warmupS + measuredS) / measuredS : null;
  const notStarted = summaries.reduce((a, s) => a + s.notStarted, 0);
  const timeouts = summaries.reduce((a, s) => a + s.timeouts, 0);
  const reasons: string[] = [];
  if (aborted) reasons.push(`the run was aborted: ${abortReason}`);
  if (target !== null && target > 0 && achieved < SHORTFALL_FLAG * target) {
    reasons.push(`achieved ${fmt(achieved)} ops/s, ${fmt((achieved / target) * 100)}% of the ${fmt(target)} ops/s target`);
  }
  if (notStarted > 0) reasons.push(`${notStarted} scheduled operations never started (in-flight cap ${plan.maxInFlight} or the run ended first)`);
  if (timeouts > 0) reasons.push(`${timeouts} operations timed out after ${plan.opTimeoutS} s`);
  if (target !== null) {
    const measuredSeconds = series.filter((p) => !p.warmup && p.t < durationS && (p.targetOps ?? 0) >= 10);
    const short = measuredSeconds.filter((p) => p.completedOps < 0.9 * (p.targetOps ?? 0));
    if (measuredSeconds.length > 0 && short.length / measuredSeconds.length > 0.1) {
      reasons.push(`${short.length} of ${measuredSeconds.length} measured seconds completed under 90% of their target`);
    }
  }

  // The client watching itself: was the harness, not the target, the bottleneck?
  const eld = summaries.map((s) => s.eventLoopDelayMs);
  const eldAll = { p50: max(eld.map((e) => e.p50)), p99: max(eld.map((e) => e.p99)), max: max(eld.map((e) => e.max)), mean: max(eld.map((e) => e.mean)) };
  const lag = newHistogram();
  const svc = newHistogram();
  for (const s of summaries) for (const t of s.totals) (mergeEncoded(lag, t.lag), mergeEncoded(svc, t.service));
  const lagP = percentilesMs(lag);
  const svcP = percentilesMs(svc);
  const procMean = mean(cpu.processPct);
  const machineMean = mean(cpu.machinePct);
  const notes: string[] = [];
  let bottleneck = false;
  if (eldAll.p99 > 20) {
    bottleneck = true;
    notes.push(`the client's event loop was delayed by up to ${fmt(eldAll.p99)} ms at p99: the harness, not only the target, limited the run`);
  }
  const lag99 = lagP.p99 ?? lagP.max ?? 0;
  const svc99 = svcP.p99 ?? svcP.max ?? 0;
  if (plan.loop === 'open' && lag99 > 5 && lag99 > svc99) {
    bottleneck = true;
    notes.push(`operations were sent late (schedule lag p99 ${fmt(lag99)} ms > service time p99 ${fmt(svc99)} ms): the client could not keep the schedule`);
  }
  // Client CPU alone says little: the open loop spin-waits the last ms before each arrival
  // (engine/runner.ts), so a busy core is expected; lateness and event-loop delay are the evidence.
  if (machineMean > 90) notes.push(`the machine's CPUs were ${fmt(machineMean)}% busy on average: client and server share them, so figures are a lower bound of the server's capacity`);
  notes.push(`event-loop delay p50 ${fmt(eldAll.p50)} ms, p99 ${fmt(eldAll.p99)} ms, max ${fmt(eldAll.max)} ms; client CPU mean ${fmt(procMean)}% of one core (includes spin-waiting for send times); machine CPU mean ${fmt(machineMean)}%`);
  lag.destroy();
  svc.destroy();

  return {
    operations,
    series,
    rate: {
      targetOpsPerSec: target === null ? null : round1(target),
      achievedOpsPerSec: round1(achieved),
      notStarted,
      flagged: reasons.length > 0,
      reasons,
    },
    harness: {
      eventLoopLagMs: {
        count: eld.length,
        min: null,
        mean: eldAll.mean,
        p50: eldAll.p50,
        p90: null,
        p99: eldAll.p99,
        p999: null,
        max: eldAll.max,
      },
      cpuPct: { mean: round1(procMean), max: round1(max(cpu.processPct)) },
      bottleneck,
      notes,
    },
    schedule: {
      arrival: plan.arrival,
      stages: plan.loop === 'open' ? plan.stages : [{ durationS, rate: 0, label: 'closed loop' }],
      warmupS: plan.warmupS,
      concurrency: plan.concurrency,
      workers: plan.workers,
      maxInFlight: plan.maxInFlight,
      ...(plan.loop === 'open' ? { pacing } : {}),
    },
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    aborted,
    abortReason,
  };
}

const max = (xs: number[]) => (xs.length ? Math.max(...xs) : 0);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
