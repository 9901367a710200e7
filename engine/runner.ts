/**
 * The loop of one thread: open loop (operations start on the schedule, whatever the
 * target does) or closed loop (fixed concurrency). Latency counts from the intended start,
 * so a stall shows in the percentiles instead of being hidden (coordinated omission).
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { ArrivalSchedule } from './schedule.js';
import { Recorder, type SecondDelta, type OpTotals } from './recorder.js';
import { errorKind, type Operation, type Workload } from './types.js';

/** How one thread runs. Times in seconds unless named otherwise. */
export interface ThreadPlan {
  loop: 'open' | 'closed';
  /** Open loop: this thread's share of the schedule. */
  schedule?: ArrivalSchedule;
  /** Closed loop: how long to run, s, and how many operations in flight. */
  durationS?: number;
  concurrency?: number;
  /** Open loop: most operations in flight at once; later arrivals wait (and their latency grows). */
  maxInFlight: number;
  warmupS: number;
  /** After the schedule's end, how long late arrivals may still start, s. */
  graceS: number;
  /** An operation still running after this long is recorded as a timeout, s. */
  opTimeoutS: number;
  /** Wall-clock start of the run phase, epoch ms (shared by all threads). */
  startEpochMs: number;
}

/** What one thread reports when it ends. */
export interface ThreadSummary {
  started: number;
  /** Open loop: arrivals the schedule intended that never started. */
  notStarted: number;
  timeouts: number;
  /** Event-loop delay of this thread, ms. */
  eventLoopDelayMs: { p50: number; p99: number; max: number; mean: number };
  totals: OpTotals[];
  deltas: SecondDelta[];
}

/** Live figures of one thread, sent with each tick. */
export interface ThreadTick {
  deltas: SecondDelta[];
  inFlight: number;
  started: number;
}

/** How close to an arrival the loop stops sleeping on timers and spins, ms. */
const SPIN_MS = 2;

interface InFlight {
  op: number;
  intendedNs: number;
  sentNs: number;
  /** Closed loop: wakes the virtual user that waits for this operation. */
  onDone?: () => void;
}

/**
 * Run a workload for one thread. Resolves when the schedule (or closed-loop duration) is
 * over and in-flight operations have finished or timed out, or soon after `signal` aborts.
 * Never rejects for operation errors: they are counted by kind.
 */
export async function runThread(
  workload: Workload,
  plan: ThreadPlan,
  onTick: (tick: ThreadTick) => void,
  signal?: AbortSignal,
): Promise<ThreadSummary> {
  // The run phase starts at plan.startEpochMs on every thread's clock alike.
  const base = plan.startEpochMs - performance.timeOrigin;
  const nowNs = () => (performance.now() - base) * 1e6;
  const recorder = new Recorder(workload.operations.length, plan.warmupS * 1e9);
  // Operations are objects declared by name; the recorder numbers them by declaration order.
  const indexOf = new Map<Operation, number>(workload.operations.map((o, i) => [o, i]));
  const inflight = new Map<number, InFlight>();
  let started = 0;
  let timeouts = 0;
  let notStarted = 0;
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();

  const finish = (seq: number, status: string) => {
    const f = inflight.get(seq);
    if (f === undefined) return; // already timed out
    inflight.delete(seq);
    recorder.record(f.op, f.intendedNs, f.sentNs, nowNs(), status);
    f.onDone?.();
    if (waiter !== undefined && inflight.size <= lowWater) {
      const w = waiter;
      waiter = undefined;
      w();
    }
  };
  let waiter: (() => void) | undefined;
  // At the in-flight cap, wait until 10% of the slots are free rather than one: launching a
  // batch keeps the driver's pipelining; one launch per completion collapses throughput.
  const lowWater = plan.maxInFlight - Math.max(1, Math.floor(plan.maxInFlight / 10));
  const waitForSlot = () => new Promise<void>((r) => (waiter = r));

  const launch = (seq: number, intendedNs: number, onDone?: () => void) => {
    const tS = intendedNs / 1e9;
    const operation = workload.pick(seq, tS);
    const op = indexOf.get(operation);
    if (op === undefined) throw new Error(`the workload picked an operation it does not declare: ${String((operation as Operation | undefined)?.name)}`);
    const sentNs = nowNs();
    inflight.set(seq, onDone ? { op, intendedNs, sentNs, onDone } : { op, intendedNs, sentNs });
    started++;
    let p: Promise<unknown>;
    try {
      p = operation.run(seq, tS);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (r) => finish(seq, r === 'not_found' ? 'not_found' : 'ok'),
      (err) => finish(seq, errorKind(err)),
    );
  };

  const sweep = (all: boolean) => {
    const now = nowNs();
    const limit = plan.opTimeoutS * 1e9;
    for (const [seq, f] of inflight) {
      if (all || now - f.sentNs > limit) {
        inflight.delete(seq);
        timeouts++;
        recorder.record(f.op, f.intendedNs, f.sentNs, now, 'timeout');
        f.onDone?.();
      }
    }
  };

  const ticker = setInterval(() => {
    sweep(false);
    onTick({ deltas: recorder.drain(Math.floor(nowNs() / 1e9)), inFlight: inflight.size, started });
    if (waiter !== undefined && inflight.size < plan.maxInFlight) {
      const w = waiter;
      waiter = undefined;
      w();
    }
  }, 1000);

  const aborted = () => signal?.aborted === true;
  // An abort must not leave the loop parked waiting for a slot that never frees.
  signal?.addEventListener(
    'abort',
    () => {
      const w = waiter;
      waiter = undefined;
      w?.();
    },
    { once: true },
  );
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const yieldNow = () => new Promise<void>((r) => setImmediate(r));

  try {
    const untilStart = -nowNs() / 1e6;
    if (untilStart > 0) await sleep(untilStart);
    if (plan.loop === 'open') {
      const schedule = plan.schedule;
      if (!schedule) throw new Error('open loop needs a schedule');
      const stopLaunchNs = (schedule.durationS + plan.graceS) * 1e9;
      let next = schedule.next();
      let seq = 0;
      while (next !== undefined && !aborted()) {
        const now = nowNs();
        if (now > stopLaunchNs) break;
        let batch = 0;
        while (next !== undefined && next <= now && inflight.size < plan.maxInFlight && batch < 4096) {
          launch(seq++, next);
          next = schedule.next();
          batch++;
        }
        if (next === undefined) break;
        if (inflight.size >= plan.maxInFlight) {
          await waitForSlot();
          continue;
        }
        // Timers fire at ~1 ms granularity, late by up to a millisecond more: waiting on one
        // for a sub-ms gap would add that lateness to every latency. So the last SPIN_MS before
        // an arrival spins on setImmediate (I/O still runs), at the cost of client CPU.
        const aheadMs = (next - nowNs()) / 1e6;
        if (aheadMs > SPIN_MS) await sleep(Math.min(aheadMs - SPIN_MS + 0.5, 250));
        else await yieldNow();
      }
      // Whatever the schedule still held is counted, never silently dropped.
      while (next !== undefined) {
        notStarted++;
        next = schedule.next();
      }
    } else {
      const endNs = (plan.durationS ?? 0) * 1e9;
      const users = Math.max(1, plan.concurrency ?? 1);
      let seq = 0;
      // Closed loop: each virtual user starts its next operation when the last one ends, so
      // latency equals service time and a slow target lowers the rate (coordinated omission).
      const user = async () => {
        while (!aborted() && nowNs() < endNs) {
          await new Promise<void>((done) => launch(seq++, nowNs(), done));
        }
      };
      await Promise.all(Array.from({ length: users }, user));
    }
    // Drain: wait for in-flight operations, at most opTimeoutS.
    const drainEnd = nowNs() + plan.opTimeoutS * 1e9;
    while (inflight.size > 0 && nowNs() < drainEnd && !aborted()) await sleep(5);
    if (aborted()) {
      const hardEnd = nowNs() + Math.min(2, plan.opTimeoutS) * 1e9;
      while (inflight.size > 0 && nowNs() < hardEnd) await sleep(5);
    }
    sweep(true);
  } finally {
    clearInterval(ticker);
    eld.disable();
  }
  // The monitor's samples include its own 10 ms resolution: subtract it to get the delay.
  const ms = (ns: number) => Math.max(0, Math.round((ns - 10e6) / 1000) / 1000);
  return {
    started,
    notStarted,
    timeouts,
    eventLoopDelayMs: eld.count > 0 ? { p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max), mean: ms(eld.mean) } : { p50: 0, p99: 0, max: 0, mean: 0 },
    totals: recorder.totals(),
    deltas: recorder.drain(Number.MAX_SAFE_INTEGER, true),
  };
}
