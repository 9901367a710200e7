/**
 * Parsing of the units a user types (durations, arrival-rate stages) and their formatting back,
 * in one place: scenarios/settings.ts wraps them in zod schemas for every flag, scenario file
 * and environment variable. Pure, depends only on core.
 */
import { UsageError } from './errors.js';
import type { Stage } from './results.js';

const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/**
 * Parse a duration such as "500ms", "10s", "2m", "1h" into seconds ("0" only with allowZero).
 * @throws UsageError on anything else.
 */
export function parseDurationS(text: string, what = 'duration', allowZero = false): number {
  if (allowZero && /^0(ms|s|m|h)?$/.test(text.trim())) return 0;
  const m = DURATION_RE.exec(text.trim());
  if (!m) throw new UsageError(`Bad ${what} "${text}".`, { hint: 'Use a number with a unit: 500ms, 10s, 2m or 1h.' });
  const n = Number(m[1]);
  const mult = { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  const s = n * mult;
  if (!(s > 0)) throw new UsageError(`Bad ${what} "${text}": it must be longer than zero.`);
  return s;
}

/**
 * Parse a stages string: comma-separated `DURATION:RATE` (a step to RATE ops/s held for
 * DURATION) or `DURATION:FROM..TO` (a linear ramp), e.g. "10s:1000,10s:20000,10s:1000" or
 * "30s:0..5000,1m:5000".
 * @throws UsageError naming the bad stage.
 */
export function parseStages(text: string): Stage[] {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new UsageError('--stages is empty.', { hint: 'Example: --stages 10s:1000,10s:20000,10s:1000' });
  return parts.map((part) => {
    const m = /^([^:]+):(\d+(?:\.\d+)?)(?:\.\.(\d+(?:\.\d+)?))?$/.exec(part);
    if (!m) {
      throw new UsageError(`Bad stage "${part}".`, { hint: 'A stage is DURATION:RATE or DURATION:FROM..TO, e.g. 10s:1000 or 30s:0..5000.' });
    }
    const durationS = parseDurationS(m[1]!, `stage duration in "${part}"`);
    if (m[3] !== undefined) return { durationS, fromRate: Number(m[2]), rate: Number(m[3]) };
    return { durationS, rate: Number(m[2]) };
  });
}

/** Render stages back to the string form parseStages() reads. */
export function formatStages(stages: readonly Stage[]): string {
  return stages
    .map((s) => `${+s.durationS.toFixed(3)}s:${s.fromRate !== undefined && s.fromRate !== s.rate ? `${s.fromRate}..${s.rate}` : s.rate}`)
    .join(',');
}

