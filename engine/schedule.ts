/**
 * Open-loop arrival schedules: constant, ramping and spike stages, deterministic or
 * Poisson arrivals (Rally's pluggable schedulers, ../shared/STYLE.md). Times are
 * nanoseconds since the run phase began, as plain numbers (exact to 2^53 ns ≈ 104 days).
 */
import type { Stage } from '../core/results.js';

export type Arrival = 'constant' | 'poisson';

/** Total length of the stages, s. */
export function totalDurationS(stages: readonly Stage[]): number {
  return stages.reduce((a, s) => a + s.durationS, 0);
}

/** Deterministic PRNG (mulberry32) so that Poisson schedules are reproducible from a seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface StageSpan {
  startS: number;
  durationS: number;
  r0: number;
  r1: number;
  /** Arrivals expected before this stage begins. */
  before: number;
  /** Arrivals expected within this stage. */
  within: number;
}

/**
 * An arrival-rate schedule. Arrival k happens when the expected arrival count N(t) — the
 * integral of the rate — reaches a target that grows by 1 per arrival (constant) or by an
 * Exp(1) draw (Poisson, a non-homogeneous Poisson process by inversion). So ramps are exact
 * and the rate never depends on how fast the target answers (open loop).
 *
 * `share` and `phase` split one schedule between worker threads: worker i of n uses
 * share = 1/n and phase = i/n, so the threads together follow the full schedule.
 */
export class ArrivalSchedule {
  readonly stages: readonly Stage[];
  readonly durationS: number;
  private readonly spans: StageSpan[];
  private readonly totalExpected: number;
  private readonly rand: () => number;
  private target: number;
  private spanIdx = 0;

  constructor(
    stages: readonly Stage[],
    private readonly arrival: Arrival = 'constant',
    private readonly share = 1,
    phase = 0,
    seed = 1,
  ) {
    this.stages = stages;
    let t = 0;
    let before = 0;
    this.spans = stages.map((s) => {
      const r0 = (s.fromRate ?? s.rate) * share;
      const r1 = s.rate * share;
      const within = ((r0 + r1) / 2) * s.durationS;
      const span = { startS: t, durationS: s.durationS, r0, r1, before, within };
      t += s.durationS;
      before += within;
      return span;
    });
    this.durationS = t;
    this.totalExpected = before;
    this.rand = mulberry32(seed);
    this.target = arrival === 'poisson' ? this.exp() : phase;
  }

  private exp(): number {
    return -Math.log(1 - this.rand());
  }

  /** Intended start of the next arrival, ns since the run phase began; undefined when the schedule is over. */
  next(): number | undefined {
    const k = this.target;
    if (k >= this.totalExpected) return undefined;
    this.target += this.arrival === 'poisson' ? this.exp() : 1;
    while (this.spanIdx < this.spans.length - 1 && k >= this.spans[this.spanIdx]!.before + this.spans[this.spanIdx]!.within) this.spanIdx++;
    const sp = this.spans[this.spanIdx]!;
    const local = k - sp.before;
    let dt: number;
    if (sp.r0 === sp.r1) {
      dt = local / sp.r0;
    } else {
      // N(t) = r0 t + (r1-r0) t^2 / (2T): solve for t.
      const a = (sp.r1 - sp.r0) / (2 * sp.durationS);
      const disc = Math.max(0, sp.r0 * sp.r0 + 4 * a * local);
      dt = (-sp.r0 + Math.sqrt(disc)) / (2 * a);
      if (!Number.isFinite(dt)) dt = 0;
    }
    const tS = sp.startS + Math.min(Math.max(dt, 0), sp.durationS);
    return tS * 1e9;
  }

  /** Arrival rate at time t, ops/s (for this share). */
  rateAt(tS: number): number {
    for (const sp of this.spans) {
      if (tS < sp.startS + sp.durationS) return sp.r0 + ((sp.r1 - sp.r0) * Math.max(0, tS - sp.startS)) / sp.durationS;
    }
    return 0;
  }

  /** Expected arrivals between t0 and t1 (s), for this share. */
  expectedBetween(t0S: number, t1S: number): number {
    return this.expectedBy(t1S) - this.expectedBy(t0S);
  }

  private expectedBy(tS: number): number {
    let n = 0;
    for (const sp of this.spans) {
      if (tS <= sp.startS) break;
      const d = Math.min(tS - sp.startS, sp.durationS);
      n += sp.r0 * d + ((sp.r1 - sp.r0) * d * d) / (2 * sp.durationS);
    }
    return n;
  }

  /** Expected total arrivals over the whole schedule. */
  get expectedTotal(): number {
    return this.totalExpected;
  }
}
