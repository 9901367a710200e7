/** Helpers scenarios share to turn measurements into derived figures and claim verdicts. */
import type { Footprint } from '../../core/target.js';
import type { SeriesPoint } from '../../core/results.js';

/** Total bytes of one store in a footprint list, or undefined when it was not read. */
export function storeBytes(fps: readonly Footprint[], store: string): number | undefined {
  return fps.find((f) => f.store === store)?.totalBytes;
}

/** Measured seconds of a series inside [fromS, toS), warmup excluded. */
export function window(series: readonly SeriesPoint[], fromS: number, toS: number): SeriesPoint[] {
  return series.filter((p) => !p.warmup && p.t >= fromS && p.t < toS);
}

/** Mean completed ops/s and worst per-second p99 (ms) over some seconds. */
export function windowStats(points: readonly SeriesPoint[]): { opsPerSec: number; worstP99Ms: number | null; targetOpsPerSec: number | null } {
  if (points.length === 0) return { opsPerSec: 0, worstP99Ms: null, targetOpsPerSec: null };
  const ops = points.reduce((a, p) => a + p.completedOps, 0) / points.length;
  const p99s = points.map((p) => p.latencyMs.p99).filter((v): v is number => v !== null);
  const targets = points.map((p) => p.targetOps).filter((v): v is number => v !== null);
  return {
    opsPerSec: Math.round(ops),
    worstP99Ms: p99s.length ? Math.max(...p99s) : null,
    targetOpsPerSec: targets.length ? Math.round(targets.reduce((a, b) => a + b, 0) / targets.length) : null,
  };
}

/** "12.3 MB" style, for claim texts. */
export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;
}
