/**
 * The per-thread recorder: what each operation took, from its intended start
 * (latency, coordinated-omission corrected), from its send (service time), and how late it
 * was sent (schedule lag). Everything is kept in HDR histograms; once a second the recorder
 * hands the parent the deltas of the seconds that changed, encoded for exact merging.
 *
 * Cost per operation (the hot path, issue 7): three counts increments (engine/counts.ts) —
 * latency and service time into the current second's counts, schedule lag into the run's —
 * and no allocation. The run's latency and service-time totals are not recorded per
 * operation: each finished second is added into them once (an exact merge, the same counts).
 */
import { newHistogram, encodeHistogram, type Histogram } from './histogram.js';
import { HdrCounts } from './counts.js';

/** One second (by completion time) of one operation, as sent from a thread to the parent. */
export interface SecondDelta {
  /** Whole seconds since the run phase began (completion time). */
  sec: number;
  op: number;
  completed: number;
  errors: Record<string, number>;
  notFound: number;
  /** Encoded µs histograms (see histogram.ts). */
  latency: string;
  service: string;
}

/** Whole-run totals of one operation in one thread (post-warmup unless named warmup). */
export interface OpTotals {
  op: number;
  count: number;
  ok: number;
  notFound: number;
  errors: Record<string, number>;
  warmupCount: number;
  warmupOk: number;
  latency: string;
  service: string;
  lag: string;
}

/**
 * One second of one operation, warmup or measured operations apart (they merge differently).
 * Reused from second to second: `sec` is -1 while it holds nothing.
 */
interface SecondBucket {
  sec: number;
  completed: number;
  notFound: number;
  errors: Record<string, number>;
  latency: HdrCounts;
  service: HdrCounts;
}

const emptyBucket = (): SecondBucket => ({ sec: -1, completed: 0, notFound: 0, errors: {}, latency: new HdrCounts(), service: new HdrCounts() });

interface OpState {
  count: number;
  ok: number;
  notFound: number;
  errors: Record<string, number>;
  warmupCount: number;
  warmupOk: number;
  /** Measured (post-warmup) totals: latency and service time get whole seconds added, lag each operation. */
  latency: Histogram;
  service: Histogram;
  lag: HdrCounts;
  /** The current second's measured operations, and its warmup operations. */
  cur: SecondBucket;
  curWarmup: SecondBucket;
  pending: SecondDelta[];
}

/**
 * Records operations of one thread. `warmupNs`: operations intended to start before it are
 * counted apart and left out of the totals (Rally's warmup tagging); they still show in the
 * per-second series.
 */
export class Recorder {
  private readonly ops: OpState[];

  constructor(opCount: number, private readonly warmupNs: number) {
    this.ops = Array.from({ length: opCount }, () => ({
      count: 0,
      ok: 0,
      notFound: 0,
      errors: {},
      warmupCount: 0,
      warmupOk: 0,
      latency: newHistogram(),
      service: newHistogram(),
      lag: new HdrCounts(),
      cur: emptyBucket(),
      curWarmup: emptyBucket(),
      pending: [],
    }));
  }

  /**
   * Record one finished operation. Times are ns since the run phase began.
   * @param status 'ok', 'not_found', or an error kind.
   */
  record(op: number, intendedNs: number, sentNs: number, endNs: number, status: string): void {
    const s = this.ops[op]!;
    const sec = Math.floor(endNs / 1e9);
    const warmup = intendedNs < this.warmupNs;
    const b = warmup ? s.curWarmup : s.cur;
    if (b.sec !== sec) {
      if (b.sec !== -1) s.pending.push(this.flush(op, b, warmup));
      b.sec = sec;
    }
    b.completed++;
    b.latency.recordNs(endNs - intendedNs);
    b.service.recordNs(endNs - sentNs);
    if (status === 'ok') {
      if (warmup) s.warmupOk++;
      else s.ok++;
    } else if (status === 'not_found') {
      b.notFound++;
      if (!warmup) s.notFound++;
    } else {
      b.errors[status] = (b.errors[status] ?? 0) + 1;
      if (!warmup) s.errors[status] = (s.errors[status] ?? 0) + 1;
    }
    if (warmup) {
      s.warmupCount++;
      return;
    }
    s.count++;
    s.lag.recordNs(sentNs - intendedNs);
  }

  /**
   * Close a second: a measured one is added into the run's totals; both are encoded for the
   * parent. The bucket is emptied for the next second.
   */
  private flush(op: number, b: SecondBucket, warmup: boolean): SecondDelta {
    if (!warmup) {
      const s = this.ops[op]!;
      b.latency.addInto(s.latency);
      b.service.addInto(s.service);
    }
    const d: SecondDelta = {
      sec: b.sec,
      op,
      completed: b.completed,
      errors: b.errors,
      notFound: b.notFound,
      latency: encodeCounts(b.latency),
      service: encodeCounts(b.service),
    };
    b.latency.clear();
    b.service.clear();
    b.sec = -1;
    b.completed = 0;
    b.notFound = 0;
    b.errors = {};
    return d;
  }

  /**
   * Deltas ready to send: all finished seconds, plus (when `all`) the current one.
   * Seconds before `nowSec` are finished because completions only move forward in time.
   */
  drain(nowSec: number, all = false): SecondDelta[] {
    const out: SecondDelta[] = [];
    this.ops.forEach((s, op) => {
      out.push(...s.pending);
      s.pending = [];
      if (s.curWarmup.sec !== -1 && (all || s.curWarmup.sec < nowSec)) out.push(this.flush(op, s.curWarmup, true));
      if (s.cur.sec !== -1 && (all || s.cur.sec < nowSec)) out.push(this.flush(op, s.cur, false));
    });
    return out;
  }

  /**
   * Whole-run totals per operation, encoded. Call after drain(…, true): a second still open
   * is not in the latency and service-time totals yet.
   */
  totals(): OpTotals[] {
    return this.ops.map((s, op) => ({
      op,
      count: s.count,
      ok: s.ok,
      notFound: s.notFound,
      errors: s.errors,
      warmupCount: s.warmupCount,
      warmupOk: s.warmupOk,
      latency: encodeHistogram(s.latency),
      service: encodeHistogram(s.service),
      lag: encodeCounts(s.lag),
    }));
  }
}

/** Encode counts as histogram.ts encodeHistogram() would encode the same values recorded one by one. */
function encodeCounts(c: HdrCounts): string {
  if (c.total === 0) return '';
  const h = newHistogram();
  c.addInto(h);
  const b64 = encodeHistogram(h);
  h.destroy();
  return b64;
}
