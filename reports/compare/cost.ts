/**
 * Where compare and gate read a run's projected cost. One place, so that the results schema's
 * cost field (added by the cost model, results schema v2) is wired here and nowhere else.
 */
import { z } from 'zod';
import type { RunResult } from '../../core/results.js';

/** Reads a run's projected total cost, $/month; null when the run carries none. */
export type CostAccessor = (r: RunResult) => number | null;

/** The part of the cost field compare reads: `cost: { totalUsdPerMonth: number }` ($/month). */
const CostFieldSchema = z.object({ totalUsdPerMonth: z.number().nonnegative() });

/**
 * The default accessor: `r.cost.totalUsdPerMonth` when the result has a `cost` of that shape.
 * Until core/results.ts declares `cost?: { totalUsdPerMonth: number }` (schema v2), the field is
 * checked here; once it does, this body becomes `r.cost?.totalUsdPerMonth ?? null`.
 */
export const runCostUsdPerMonth: CostAccessor = (r) => {
  if (!('cost' in r)) return null;
  const parsed = CostFieldSchema.safeParse(r.cost);
  return parsed.success ? parsed.data.totalUsdPerMonth : null;
};
