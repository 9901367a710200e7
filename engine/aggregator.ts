/**
 * The parent's side of measurement: merges what every thread sends (exact HDR merges),
 * keeps a per-second series, and builds the per-operation results.
 */
import type { OperationResult, SeriesPoint } from '../core/results.js';
import { newHistogram, mergeEncoded, percentilesMs, encodeHistogram, type Histogram } from './histogram.js';
import type { SecondDelta, OpTotals } from './recorder.js';
import type { ArrivalSchedule } from './schedule.js';
import type { OperationSpec } from './types.js';

interface OpSecond {
  completed: number;
  errors: number;
  latency: Histogram;
  service: Histogram;
}

interface OpTotalsMerged {
  count: number;
  ok: number;
  notFound: number;
  errors: Record<string, number>;
  warmupCount: number;
  warmupOk: number;
  latency: Histogram;
  service: Histogram;
  lag: Histogram;
}

/** Seconds kept as full histograms before they are summarised (late deltas still add counts). */
const OPEN_SECONDS = 5;

function point(t: number, targetOps: number | null, completed: number, errors: number, lat: Histogram, svc: Histogram, warmup: boolean): SeriesPoint {
  const l = percentilesMs(lat);
  const s = percentilesMs(svc);
  return {
    t,
    targetOps,
    completedOps: completed,
    errors,
    latencyMs: { p50: l.p50, p90: l.p90, p99: l.p99, max: l.max },
    serviceTimeMs: { p50: s.p50, p99: s.p99, max: s.max },
    warmup,
  };
}

/** Merges thread deltas and totals into results. Not thread-safe (parent only). */
export class Aggregator {
  private readonly open = new Map<number, OpSecond[]>();
  private readonly closed = new Map<number, { ops: SeriesPoint[]; all: SeriesPoint }>();
  private readonly totals: OpTotalsMerged[];

  /**
   * @param operations the declared operations (index = the op number threads send)
   * @param warmupS seconds at the start whose samples are warmup
   * @param schedule the full (share 1) schedule, for the per-second target; undefined in closed loop
   */
  constructor(
    readonly operations: readonly OperationSpec[],
    private readonly warmupS: number,
    private readonly schedule: ArrivalSchedule | undefined,
  ) {
    this.totals = operations.map(() => ({
      count: 0,
      ok: 0,
      notFound: 0,
      errors: {},
      warmupCount: 0,
      warmupOk: 0,
      latency: newHistogram(),
      service: newHistogram(),
      lag: newHistogram(),
    }));
  }

  /** Add per-second deltas from a thread. */
  addDeltas(deltas: readonly SecondDelta[]): void {
    for (const d of deltas) {
      const errs = Object.values(d.errors).reduce((a, b) => a + b, 0);
      const done = this.closed.get(d.sec);
      if (done) {
        // A late delta for a summarised second: its counts still count.
        done.ops[d.op]!.completedOps += d.completed;
        done.ops[d.op]!.errors += errs;
        done.all.completedOps += d.completed;
        done.all.errors += errs;
        continue;
      }
      let row = this.open.get(d.sec);
      if (!row) {
        row = this.operations.map(() => ({ completed: 0, errors: 0, latency: newHistogram(), service: newHistogram() }));
        this.open.set(d.sec, row);
      }
      const c = row[d.op]!;
      c.completed += d.completed;
      c.errors += errs;
      mergeEncoded(c.latency, d.latency);
      mergeEncoded(c.service, d.service);
    }
  }

  /** Merge one thread's whole-run totals. */
  addTotals(totals: readonly OpTotals[]): void {
    for (const t of totals) {
      const m = this.totals[t.op]!;
      m.count += t.count;
      m.ok += t.ok;
      m.notFound += t.notFound;
      m.warmupCount += t.warmupCount;
      m.warmupOk += t.warmupOk;
      for (const [k, v] of Object.entries(t.errors)) m.errors[k] = (m.errors[k] ?? 0) + v;
      mergeEncoded(m.latency, t.latency);
      mergeEncoded(m.service, t.service);
      mergeEncoded(m.lag, t.lag);
    }
  }

  /** Summarise every open second before `beforeSec - OPEN_SECONDS` (or all when `all`). */
  settle(nowSec: number, all = false): void {
    for (const [sec, row] of [...this.open.entries()].sort((a, b) => a[0] - b[0])) {
      if (!all && sec >= nowSec - OPEN_SECONDS) continue;
      const warmup = sec < this.warmupS;
      const allLat = newHistogram();
      const allSvc = newHistogram();
      let completed = 0;
      let errors = 0;
      const target = this.schedule ? Math.round(this.schedule.expectedBetween(sec, sec + 1) * 10) / 10 : null;
      // An operation's own target is known only when it is the only one (the mix is the scenario's).
      const opTarget = this.operations.length === 1 ? target : null;
      const ops = row.map((c) => {
        allLat.add(c.latency);
        allSvc.add(c.service);
        completed += c.completed;
        errors += c.errors;
        const p = point(sec, opTarget, c.completed, c.errors, c.latency, c.service, warmup);
        c.latency.destroy();
        c.service.destroy();
        return p;
      });
      this.closed.set(sec, { ops, all: point(sec, target, completed, errors, allLat, allSvc, warmup) });
      allLat.destroy();
      allSvc.destroy();
      this.open.delete(sec);
    }
  }

  /**
   * One second's completions, errors and p99 latency (ms; null under 100 samples), all
   * operations together, as received so far: for the live view of the second that just ended.
   */
  secondFigures(sec: number): { completed: number; errors: number; p99Ms: number | null } | undefined {
    const done = this.closed.get(sec);
    if (done) return { completed: done.all.completedOps, errors: done.all.errors, p99Ms: done.all.latencyMs.p99 };
    const row = this.open.get(sec);
    if (!row) return undefined;
    const lat = newHistogram();
    let completed = 0;
    let errors = 0;
    for (const c of row) {
      lat.add(c.latency);
      completed += c.completed;
      errors += c.errors;
    }
    const p99Ms = percentilesMs(lat).p99;
    lat.destroy();
    return { completed, errors, p99Ms };
  }

  /** Whole-run series for all operations together, sorted by t; gaps filled with empty seconds. */
  series(): SeriesPoint[] {
    return this.fill((v) => v.all, null);
  }

  private fill(pick: (v: { ops: SeriesPoint[]; all: SeriesPoint }) => SeriesPoint, op: number | null): SeriesPoint[] {
    if (this.closed.size === 0) return [];
    const secs = [...this.closed.keys()];
    const last = Math.max(...secs);
    const out: SeriesPoint[] = [];
    const empty = newHistogram();
    for (let s = 0; s <= last; s++) {
      const v = this.closed.get(s);
      if (v) out.push(pick(v));
      else {
        const target = (op === null || this.operations.length === 1) && this.schedule ? Math.round(this.schedule.expectedBetween(s, s + 1) * 10) / 10 : null;
        out.push(point(s, target, 0, 0, empty, empty, s < this.warmupS));
      }
    }
    empty.destroy();
    return out;
  }

  /**
   * Per-operation results. `measuredS` is the measured (post-warmup) length of the run
   * phase, s, used for achieved ops/s.
   */
  operationResults(measuredS: number): OperationResult[] {
    return this.totals.map((t, op) => ({
      name: this.operations[op]!.name,
      path: this.operations[op]!.path,
      count: t.count,
      okCount: t.ok,
      errors: t.errors,
      notFoundCount: t.notFound,
      warmupCount: t.warmupCount,
      warmupOkCount: t.warmupOk,
      achievedOpsPerSec: measuredS > 0 ? Math.round((t.count / measuredS) * 10) / 10 : 0,
      latencyMs: percentilesMs(t.latency),
      serviceTimeMs: percentilesMs(t.service),
      scheduleLagMs: percentilesMs(t.lag),
      series: this.fill((v) => v.ops[op]!, op),
      latencyHistogram: encodeHistogram(t.latency) || undefined,
    }));
  }
}
