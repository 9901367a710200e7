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
  /** Open loop: how the thread waits for its next arrival (see Pacing). */
  pacing: Pacing;
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

/**
 * How the open loop waits for the next arrival (resolved from LoadPlan.pacing by engine/run.ts):
 * - 'spin': sleep on a timer until SPIN_MS before the arrival, then spin until it is due, in
 *   turns that block ~0.13 ms in Atomics.wait (SPIN_TURN_MS) and then yield on setImmediate so
 *   I/O runs, the last SPIN_FINE_MS yielding only: arrivals are sent within microseconds of
 *   their intended start, at the cost of client CPU while the thread waits (about half a core
 *   at 500 arrivals/s, all of one at high rates).
 * - 'batch': never spin: sleep on a timer until the next arrival, then send every arrival that
 *   is due. Timers fire at ~1 ms resolution, so arrivals that fall within one timer period go
 *   out together (the driver pipelines them) and idle time is given back to the machine; each
 *   still counts its latency from its own intended start, so the lateness shows in latency and
 *   schedule lag, never hidden (coordinated omission).
 */
export type Pacing = 'spin' | 'batch';

/** How long after each whole second of the run clock a thread sends that second's figures, ms. */
export const TICK_AFTER_MS = 20;

/** ms until the next whole second of a clock that reads `ms` (any sign). */
export function msToNextSecond(ms: number): number {
  return 1000 - (((ms % 1000) + 1000) % 1000);
}

/** Spin pacing: how close to an arrival the loop stops sleeping on timers and spins, ms. */
const SPIN_MS = 2;

/**
 * Spin pacing: how long one turn of the spin blocks in Atomics.wait before it lets I/O run, ms
 * (the kernel wakes it ~0.1 ms later still: measured 127 µs a turn here). Not a busy loop on
 * performance.now(): that allocated a heap number per call, and the young-generation
 * collections that followed (20 a second, up to 12 ms each, measured with --trace-gc at 500
 * likes/s on 2026-11-30) were the run's p99. Atomics.wait allocates nothing and gives the core
 * back while it waits.
 */
const SPIN_TURN_MS = 0.02;

/** Spin pacing: within this much of an arrival a turn only yields (no Atomics.wait, whose wake-up is ~0.13 ms), ms. */
const SPIN_FINE_MS = 0.15;

/** The cell spin turns wait on (nothing ever notifies it: each wait ends by its timeout). */
const spinCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * The in-flight table: a fixed array of slots reused through a free list, each with its two
 * completion callbacks made once, so that launching an operation allocates no closure, map
 * entry or record (issue 7: nothing per operation on the hot path that an array ring avoids).
 */
class InFlightSlots {
  op: Int32Array;
  intendedNs: Float64Array;
  sentNs: Float64Array;
  /** 0 free, 1 in flight, 2 timed out (recorded; the slot is freed when its promise settles). */
  state: Uint8Array;
  /** Closed loop: the virtual user to call with the completion time (ns) when the operation ends. */
  onDone: (((endNs: number) => void) | undefined)[] = [];
  onOk: ((r: unknown) => void)[] = [];
  onErr: ((e: unknown) => void)[] = [];
  private free: Int32Array;
  private freeTop = 0;
  /** Operations in flight (state 1). */
  active = 0;

  constructor(
    capacity: number,
    private readonly settle: (slot: number, status: string) => void,
  ) {
    this.op = new Int32Array(0);
    this.intendedNs = new Float64Array(0);
    this.sentNs = new Float64Array(0);
    this.state = new Uint8Array(0);
    this.free = new Int32Array(0);
    this.grow(capacity);
  }

  get size(): number {
    return this.op.length;
  }

  private grow(capacity: number): void {
    const old = this.op.length;
    const copy = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.op = copy(this.op, (n) => new Int32Array(n));
    this.intendedNs = copy(this.intendedNs, (n) => new Float64Array(n));
    this.sentNs = copy(this.sentNs, (n) => new Float64Array(n));
    this.state = copy(this.state, (n) => new Uint8Array(n));
    const free = new Int32Array(capacity);
    free.set(this.free.subarray(0, this.freeTop));
    this.free = free;
    // Free slots are taken from the top: push the new ones highest first so low slots go first.
    for (let i = capacity - 1; i >= old; i--) this.free[this.freeTop++] = i;
    for (let i = old; i < capacity; i++) {
      this.onDone.push(undefined);
      this.onOk.push((r) => this.settle(i, r === 'not_found' ? 'not_found' : 'ok'));
      this.onErr.push((e) => this.settle(i, errorKind(e)));
    }
  }

  /** Take a free slot (growing the table when a timed-out operation still holds one). */
  take(): number {
    if (this.freeTop === 0) this.grow(this.op.length * 2);
    const i = this.free[--this.freeTop]!;
    this.state[i] = 1;
    this.active++;
    return i;
  }

  release(i: number): void {
    this.state[i] = 0;
    this.onDone[i] = undefined;
    this.free[this.freeTop++] = i;
  }
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
  const operations = workload.operations;
  let started = 0;
  let timeouts = 0;
  let notStarted = 0;
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();

  let waiter: (() => void) | undefined;
  // At the in-flight cap, wait until 10% of the slots are free rather than one: launching a
  // batch keeps the driver's pipelining; one launch per completion collapses throughput.
  const lowWater = plan.maxInFlight - Math.max(1, Math.floor(plan.maxInFlight / 10));
  const waitForSlot = () => new Promise<void>((r) => (waiter = r));

  const slots = new InFlightSlots(Math.min(plan.loop === 'closed' ? Math.max(1, plan.concurrency ?? 1) : plan.maxInFlight, 1024), (i, status) => {
    const state = slots.state[i];
    if (state === 1) {
      slots.active--;
      const end = nowNs();
      recorder.record(slots.op[i]!, slots.intendedNs[i]!, slots.sentNs[i]!, end, status);
      const done = slots.onDone[i];
      slots.release(i);
      done?.(end);
      if (waiter !== undefined && slots.active <= lowWater) {
        const w = waiter;
        waiter = undefined;
        w();
      }
    } else if (state === 2) slots.release(i); // timed out earlier: already recorded
  });

  /** Start arrival `seq`; `sentNs` when the caller just read the clock (closed loop), else now. */
  const launch = (seq: number, intendedNs: number, sentNs?: number, onDone?: (endNs: number) => void) => {
    const tS = intendedNs / 1e9;
    const operation = workload.pick(seq, tS);
    // A linear scan beats a Map for the few operations a workload declares.
    let op = 0;
    while (op < operations.length && operations[op] !== operation) op++;
    if (op === operations.length) throw new Error(`the workload picked an operation it does not declare: ${String((operation as Operation | undefined)?.name)}`);
    const i = slots.take();
    slots.op[i] = op;
    slots.intendedNs[i] = intendedNs;
    slots.onDone[i] = onDone;
    started++;
    slots.sentNs[i] = sentNs ?? nowNs();
    let p: Promise<unknown>;
    try {
      p = operation.run(seq, tS);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(slots.onOk[i], slots.onErr[i]);
  };

  const sweep = (all: boolean) => {
    const now = nowNs();
    const limit = plan.opTimeoutS * 1e9;
    for (let i = 0; i < slots.size; i++) {
      if (slots.state[i] !== 1) continue;
      if (all || now - slots.sentNs[i]! > limit) {
        slots.state[i] = 2;
        slots.active--;
        timeouts++;
        recorder.record(slots.op[i]!, slots.intendedNs[i]!, slots.sentNs[i]!, now, 'timeout');
        const done = slots.onDone[i];
        slots.onDone[i] = undefined;
        done?.(now);
      }
    }
  };

  // Ticks follow the run clock's whole seconds (TICK_AFTER_MS past each), so a finished second
  // reaches the parent at once and the live view shows the second that just ended, not one
  // up to a second older.
  let ticker: NodeJS.Timeout | undefined;
  const tick = () => {
    sweep(false);
    onTick({ deltas: recorder.drain(Math.floor(nowNs() / 1e9)), inFlight: slots.active, started });
    if (waiter !== undefined && slots.active < plan.maxInFlight) {
      const w = waiter;
      waiter = undefined;
      w();
    }
    ticker = setTimeout(tick, msToNextSecond(nowNs() / 1e6) + TICK_AFTER_MS);
  };
  ticker = setTimeout(tick, msToNextSecond(nowNs() / 1e6) + TICK_AFTER_MS);

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
        while (next !== undefined && next <= now && slots.active < plan.maxInFlight && batch < 4096) {
          launch(seq++, next);
          next = schedule.next();
          batch++;
        }
        if (next === undefined) break;
        if (slots.active >= plan.maxInFlight) {
          await waitForSlot();
          continue;
        }
        const aheadMs = (next - nowNs()) / 1e6;
        if (aheadMs <= 0) await yieldNow();
        else if (plan.pacing === 'batch') await sleep(Math.min(aheadMs, 250));
        // Timers fire at ~1 ms granularity, late by up to a millisecond more: waiting on one
        // for a sub-ms gap would add that lateness to every latency. So the last SPIN_MS before
        // an arrival spins on setImmediate (I/O still runs), at the cost of client CPU.
        else if (aheadMs > SPIN_MS) await sleep(Math.min(aheadMs - SPIN_MS + 0.5, 250));
        else {
          // The last SPIN_FINE_MS only yields (one turn of the event loop: the arrival goes out
          // within microseconds); before that each turn also blocks in Atomics.wait.
          if (aheadMs > SPIN_FINE_MS) Atomics.wait(spinCell, 0, 0, SPIN_TURN_MS);
          await yieldNow();
        }
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
      // A user is one callback, called by the slot as its operation completes: no promise or
      // closure per operation.
      await new Promise<void>((allDone, fail) => {
        let running = users;
        let failed = false;
        // The completion time of one operation is the send time of the user's next: one clock read per operation.
        const user = (now: number) => {
          try {
            if (!failed && !aborted() && now < endNs) launch(seq++, now, now, user);
            else if (--running === 0) allDone();
          } catch (err) {
            // A workload that throws while picking is a bug in the scenario: end the run with it
            // (user() runs in a completion callback, where a throw would be an unhandled rejection).
            failed = true;
            fail(err);
          }
        };
        for (let u = 0; u < users; u++) user(nowNs());
      });
    }
    // Drain: wait for in-flight operations, at most opTimeoutS.
    const drainEnd = nowNs() + plan.opTimeoutS * 1e9;
    while (slots.active > 0 && nowNs() < drainEnd && !aborted()) await sleep(5);
    if (aborted()) {
      const hardEnd = nowNs() + Math.min(2, plan.opTimeoutS) * 1e9;
      while (slots.active > 0 && nowNs() < hardEnd) await sleep(5);
    }
    sweep(true);
  } finally {
    clearTimeout(ticker);
    eld.disable();
  }
  // The monitor's samples include its own 10 ms resolution: subtract it to get the delay.
  const ms = (ns: number) => Math.max(0, Math.round((ns - 10e6) / 1000) / 1000);
  // Drain first: the last open seconds join the latency and service-time totals when they close.
  const deltas = recorder.drain(Number.MAX_SAFE_INTEGER, true);
  return {
    started,
    notStarted,
    timeouts,
    eventLoopDelayMs: eld.count > 0 ? { p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max), mean: ms(eld.mean) } : { p50: 0, p99: 0, max: 0, mean: 0 },
    totals: recorder.totals(),
    deltas,
  };
}
