/** Where the spike is in a schedule, and what share of its arrivals hit the viral post. */
import type { Stage } from '../../core/results.js';

/** The spike window: seconds since the run began, and the share of arrivals that like the viral post. */
export interface SpikeWindow {
  fromS: number;
  toS: number;
  /** 1 - background/spike: the rest of the spike's arrivals stay background likes. */
  share: number;
}

/**
 * The spike is the stage with the highest rate, when it is higher than the first stage's
 * rate (the background). With --stages the user's own schedule is read the same way; a flat
 * schedule has no spike (share 0).
 */
export function spikeWindow(stages: readonly Stage[]): SpikeWindow {
  let t = 0;
  let best = { fromS: 0, toS: 0, rate: -1 };
  for (const s of stages) {
    if (s.rate > best.rate) best = { fromS: t, toS: t + s.durationS, rate: s.rate };
    t += s.durationS;
  }
  const background = stages[0]?.fromRate ?? stages[0]?.rate ?? 0;
  if (best.rate <= background) return { fromS: 0, toS: 0, share: 0 };
  return { fromS: best.fromS, toS: best.toS, share: 1 - background / best.rate };
}
