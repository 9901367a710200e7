/**
 * Verdicts of the PostgreSQL index claims (seeds 002/003) from the index experiments
 * (pg-indexes.ts). A figure with a wrong plan makes its claim not-measurable, naming the plan.
 * "~X" holds within a factor of 3 of X either way; a ratio claim "N-Mx" holds inside [N, M].
 */
import type { ClaimResult } from '../../core/results.js';
import type { IndexExperiments, IndexMeasurement } from './pg-indexes.js';

const f = (ms: number) => (ms >= 10 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(1) : ms.toFixed(3));
const x = (r: number) => (r >= 100 ? r.toFixed(0) : r.toFixed(1));

/** A claim's identity: register id, seed source, the claim in one line. */
export interface ClaimBase {
  id: string;
  source: string;
  claim: string;
}

/**
 * The claims of seeds 002/003 the experiments measure, in the order of `base` (scenarios/bookmarks/index.ts
 * INDEX_CLAIMS: full scan, index lookup, missing index, covering, partial, GIN); `why` makes all of
 * them not-measurable (e.g. indexRows 0).
 */
export function indexClaims(base: readonly ClaimBase[], e: IndexExperiments | null, why?: string): ClaimResult[] {
  if (!e) return base.map((b) => ({ ...b, measured: 'not run', verdict: 'not-measurable' as const, note: why ?? 'the index experiments did not run' }));
  const m = (id: string) => e.measurements.find((y) => y.id === id);
  const rowsNote = e.rows === 1_000_000 ? '' : ` (${e.rows} rows, not the claim's 1M)`;
  const out: ClaimResult[] = [];
  const planBad = (...ms: (IndexMeasurement | undefined)[]) => ms.find((y) => !y || !y.planOk);
  const notPlan = (b: ClaimBase, bad: IndexMeasurement | undefined) =>
    ({ ...b, measured: bad ? `plan was ${bad.plan}` : 'missing', verdict: 'not-measurable' as const, note: 'the planner did not run the plan the claim is about' }) satisfies ClaimResult;
  const near = (v: number, target: number) => v >= target / 3 && v <= target * 3;
  const scan = m('scan');
  const look = m('lookup');
  {
    const b = base[0]!;
    const bad = planBad(scan);
    out.push(bad ? notPlan(b, bad) : { ...b, measured: `${f(scan!.medianMs)} ms (Seq Scan, ${scan!.buffers} pages of 8 KiB, table in shared buffers, one process)${rowsNote}`, verdict: e.rows === 1_000_000 ? (near(scan!.medianMs, 200) ? 'holds' : 'refuted') : 'not-measurable', note: 'server Execution Time of EXPLAIN ANALYZE, median; the seed derives ~200 ms from a 500 MB/s disk read, here the pages are cached' });
  }
  {
    const b = base[1]!;
    const bad = planBad(look, scan);
    out.push(
      bad
        ? notPlan(b, bad)
        : { ...b, measured: `${f(look!.medianMs)} ms (${look!.plan}, ${look!.buffers} pages), ${x(scan!.medianMs / look!.medianMs)}x faster than the scan${rowsNote}`, verdict: e.rows === 1_000_000 ? (near(look!.medianMs, 0.5) ? 'holds' : 'refuted') : 'not-measurable', ...(look!.medianMs < 0.5 / 3 ? { note: 'faster than claimed: the B-tree pages are cached, so the lookup is a few µs of CPU' } : {}) },
    );
  }
  {
    const b = base[2]!;
    const bad = planBad(look, scan);
    const r = bad ? 0 : scan!.medianMs / look!.medianMs;
    out.push(bad ? notPlan(b, bad) : { ...b, measured: `full scan ${f(scan!.medianMs)} ms vs index lookup ${f(look!.medianMs)} ms: ${x(r)}x${rowsNote}`, verdict: e.rows !== 1_000_000 ? 'not-measurable' : r >= 1000 ? 'holds' : 'refuted' });
  }
  {
    const b = base[3]!;
    const p = m('range-plain');
    const c = m('range-covering');
    const bad = planBad(p, c);
    const r = bad ? 0 : p!.medianMs / c!.medianMs;
    out.push(
      bad
        ? notPlan(b, bad)
        : { ...b, measured: `a user's 100 orders: Index Scan ${f(p!.medianMs)} ms (${p!.buffers} pages) vs Index Only Scan ${f(c!.medianMs)} ms (${c!.buffers} pages, ${c!.heapFetches} heap fetches): ${x(r)}x; the covering index is ${x(e.indexBytes['range-covering']! / e.indexBytes['range-plain']!)}x the size`, verdict: r >= 2 && r <= 10 ? 'holds' : 'refuted' },
    );
  }
  {
    const b = base[4]!;
    const full = m('pending-full');
    const part = m('pending-partial');
    const bad = planBad(full, part);
    const r = bad ? 0 : full!.medianMs / part!.medianMs;
    const sz = e.indexBytes['full-created']! / e.indexBytes.partial!;
    out.push(bad ? notPlan(b, bad) : { ...b, measured: `50 newest pending (1% of rows): full index ${f(full!.medianMs)} ms vs partial ${f(part!.medianMs)} ms (${x(r)}x); partial index ${x(sz)}x smaller`, verdict: r > 1 && sz > 1 ? 'holds' : 'refuted' });
  }
  {
    const b = base[5]!;
    const sc = m('jsonb-scan');
    const gin = m('jsonb-gin');
    const bad = planBad(sc, gin);
    const r = bad ? 0 : sc!.medianMs / gin!.medianMs;
    out.push(bad ? notPlan(b, bad) : { ...b, measured: `metadata @> '{"tag":"t7"}' (0.1% of rows): Seq Scan ${f(sc!.medianMs)} ms vs GIN ${f(gin!.medianMs)} ms (${x(r)}x), GIN ${(e.indexBytes.gin! / 1048576).toFixed(1)} MiB`, verdict: r > 1 ? 'holds' : 'refuted' });
  }
  return out;
}
