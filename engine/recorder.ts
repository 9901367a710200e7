/**
 * The per-thread recorder: what each operation took, from its intended start
 * (latency, coordinated-omission corrected), from its send (service time), and how late it
 * was sent (schedule lag). Everything is kept in HDR histograms; once a second the recorder
 * hands the parent the deltas of the seconds that changed, encoded for exact merging.
 */
import { newHistogram, recordNs, encodeHistogram, type Histogram } from './histogram.js';

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

interface SecondBucket {
  sec: number;
  completed: number;
  notFound: number;
  errors: Record<string, number>;
  latency: Histogram;
  service: Histogram;
}

interface OpState {
  count: number;
  ok: number;
  notFound: number;
  errors: Record<string, number>;
  warmupCount: number;
  warmupOk: number;
  latency: Histogram;
  service: Histogram;
  lag: Histogram;
  cur: SecondBucket | undefined;
  pending: SecondDelta[];
}

/**
 * Records operations of one thread. `warmupNs`: operations intended to start before it are
 * counted apart and left out of the totals (Rally's warmup tagging).
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
      lag: newHistogram(),
      cur: undefined,
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
    let b = s.cur;
    if (b === undefined || b.sec !== sec) {
      if (b !== undefined) s.pending.push(this.flush(op, b));
      b = s.cur = { sec, completed: 0, notFound: 0, errors: {}, latency: newHistogram(), service: newHistogram() };
    }
    const latencyNs = endNs - intendedNs;
    const serviceNs = endNs - sentNs;
    b.completed++;
    recordNs(b.latency, latencyNs);
    recordNs(b.service, serviceNs);
    const isError = status !== 'ok' && status !== 'not_found';
    if (status === 'not_found') b.notFound++;
    else if (isError) b.errors[status] = (b.errors[status] ?? 0) + 1;

    if (intendedNs < this.warmupNs) {
      s.warmupCount++;
      if (status === 'ok') s.warmupOk++;
      return;
    }
    s.count++;
    if (status === 'ok') s.ok++;
    else if (status === 'not_found') s.notFound++;
    else s.errors[status] = (s.errors[status] ?? 0) + 1;
    recordNs(s.latency, latencyNs);
    recordNs(s.service, serviceNs);
    recordNs(s.lag, sentNs - intendedNs);
  }

  private flush(op: number, b: SecondBucket): SecondDelta {
    const d: SecondDelta = {
      sec: b.sec,
      op,
      completed: b.completed,
      errors: b.errors,
      notFound: b.notFound,
      latency: encodeHistogram(b.latency),
      service: encodeHistogram(b.service),
    };
    b.latency.destroy();
    b.service.destroy();
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
      if (s.cur !== undefined && (all || s.cur.sec < nowSec)) {
        out.push(this.flush(op, s.cur));
        s.cur = undefined;
      }
    });
    return out;
  }

  /** Whole-run totals per operation, encoded. */
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
      lag: encodeHistogram(s.lag),
    }));
  }
}
