/**
 * The one set of number formatting helpers (engine notes, CLI progress, benches, reports).
 * Pure, zero dependencies. Numbers are formatted with a fixed locale (en-US grouping) so that
 * output is the same on every machine; units are always written next to the number. Every
 * function prints "—" for null, undefined or a non-finite number.
 */

type Num = number | null | undefined;
const missing = (n: Num): n is null | undefined => n === null || n === undefined || !Number.isFinite(n);

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Integer with thousands separators: 1234567 -> "1,234,567". Non-finite -> "—". */
export function fmtInt(n: Num): string {
  return !missing(n) ? INT.format(Math.round(n)) : '—';
}

/**
 * A number with about three significant figures and thousands separators, no unit:
 * 0.01234 -> "0.0123", 1.234 -> "1.23", 12.34 -> "12.3", 1234.5 -> "1,235". Non-finite -> "—".
 */
export function fmtNum(n: Num): string {
  if (missing(n)) return '—';
  const a = Math.abs(n);
  if (a === 0) return '0';
  if (a >= 100) return INT.format(Math.round(n));
  if (a >= 10) return trimZeros(n.toFixed(1));
  if (a >= 1) return trimZeros(n.toFixed(2));
  if (a >= 0.001) return trimZeros(n.toPrecision(3));
  return n.toExponential(2);
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Milliseconds with unit: 0.2134 -> "0.213 ms". */
export function fmtMs(ms: Num): string {
  return missing(ms) ? '—' : `${fmtNum(ms)} ms`;
}

/** Operations per second with unit: 9835.2 -> "9,835 ops/s". */
export function fmtRate(opsPerSec: Num): string {
  return missing(opsPerSec) ? '—' : `${fmtNum(opsPerSec)} ops/s`;
}

/**
 * US dollars: cents below $100 ("$23.36", "$0.50"), whole dollars with separators from $100
 * ("$1,314"): list prices times hours carry no more precision than that.
 */
export function fmtUsd(usd: Num): string {
  if (missing(usd)) return '—';
  const sign = usd < 0 ? '-' : '';
  const a = Math.abs(usd);
  return `${sign}$${a < 100 ? a.toFixed(2) : INT.format(Math.round(a))}`;
}

/** Seconds with unit: 50 -> "50 s", 0.25 -> "0.25 s". */
export function fmtS(s: Num): string {
  return missing(s) ? '—' : `${fmtNum(s)} s`;
}

/**
 * A ratio as a percentage with unit: 0.9842 -> "98.4 %", 0.00014 -> "0.014 %" (two significant
 * figures below 0.1 % so that small error rates do not read as zero), 0 -> "0 %".
 */
export function fmtRatioPct(ratio: Num): string {
  if (missing(ratio)) return '—';
  const pct = ratio * 100;
  if (pct === 0) return '0 %';
  if (Math.abs(pct) < 0.1) return `${Number(pct.toPrecision(2))} %`;
  return `${pct.toFixed(1)} %`;
}

const IEC = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * Bytes in IEC units (powers of 1024) with about three significant figures:
 * 1536 -> "1.5 KiB", 10_485_760 -> "10 MiB". Negative values keep their sign (for deltas).
 */
export function humanBytes(bytes: Num): string {
  if (missing(bytes)) return '—';
  const sign = bytes < 0 ? '-' : '';
  let v = Math.abs(bytes);
  let i = 0;
  while (v >= 1024 && i < IEC.length - 1) {
    v /= 1024;
    i++;
  }
  return `${sign}${i === 0 ? INT.format(v) : fmtNum(v)} ${IEC[i]}`;
}

/** Exact bytes for a tooltip: 1536 -> "1,536 bytes". */
export function exactBytes(bytes: Num): string {
  return missing(bytes) ? '—' : `${fmtInt(bytes)} bytes`;
}

/** A signed delta in bytes: +1.5 KiB / -200 B / ±0 B. */
export function humanBytesDelta(bytes: Num): string {
  if (missing(bytes)) return '—';
  if (bytes === 0) return '±0 B';
  return bytes > 0 ? `+${humanBytes(bytes)}` : humanBytes(bytes);
}

/** A rate in compact form for a live line: 950 -> "950", 12345 -> "12.3K"; null (closed loop) -> "closed". */
export function fmtRateCompact(opsPerSec: Num): string {
  if (missing(opsPerSec)) return 'closed';
  return opsPerSec >= 1000 ? `${(opsPerSec / 1000).toFixed(1)}K` : Math.round(opsPerSec).toString();
}

/** One decimal for figures in notes: >= 100 -> integer ("1234"), else one decimal ("12.3"). */
export function fmtFigure(n: number): string {
  return n >= 100 ? Math.round(n).toString() : n.toFixed(1);
}

/** A ratio as "12.3×" (3 significant digits). */
export function fmtRatio(x: Num): string {
  return missing(x) ? '—' : `${Number(x.toPrecision(3))}×`;
}

/** Round to one decimal (results store rates and ratios this way); null stays null. */
export function round1(n: number): number;
export function round1(n: number | null): number | null;
export function round1(n: number | null): number | null {
  return n === null ? null : Math.round(n * 10) / 10;
}

/**
 * A figure already in percent, rounded to a whole number, with unit: 42.4 -> "42 %",
 * 136.2 -> "136 %" (CPU in % of one core exceeds 100 on several cores). For a 0..1 ratio use
 * fmtRatioPct().
 */
export function fmtPct(percent: Num): string {
  return missing(percent) ? '—' : `${Math.round(percent)} %`;
}

/**
 * A relative change as a signed percentage with unit: 0.123 -> "+12.3 %", -0.04 -> "-4.0 %",
 * 0 -> "±0 %"; three significant figures above 100 % ("+250 %"). For compare and gate.
 */
export function fmtChangePct(fraction: Num): string {
  if (missing(fraction)) return '—';
  const pct = fraction * 100;
  if (Math.abs(pct) < 0.05) return '±0 %';
  const sign = pct > 0 ? '+' : '-';
  const a = Math.abs(pct);
  return `${sign}${a >= 100 ? INT.format(Math.round(a)) : a.toFixed(1)} %`;
}

/**
 * A difference of two ratios in percentage points: 0.005 -> "+0.5 pp", -0.0001 -> "-0.01 pp"
 * (two significant figures below 0.1 pp), 0 -> "±0 pp". For error-rate changes.
 */
export function fmtChangePp(fraction: Num): string {
  if (missing(fraction)) return '—';
  const pp = fraction * 100;
  if (pp === 0) return '±0 pp';
  const sign = pp > 0 ? '+' : '-';
  const a = Math.abs(pp);
  return `${sign}${a < 0.1 ? Number(a.toPrecision(2)) : a.toFixed(1)} pp`;
}
