/**
 * Where compare and gate read a run's projected cost: one place, so that the comparison takes
 * cost through an accessor and never reaches into the results' cost model itself.
 */
import type { RunResult } from '../../core/results.js';

/** Reads a run's projected total cost, $/month; null when the run carries none. */
export type CostAccessor = (r: RunResult) => number | null;

/**
 * The default accessor: the results' projected total, `cost.totalMonthlyUsd` ($/month, the sum
 * of the chosen cost lines; core/results.ts CostSchema, schema v2). A run made without
 * `--scale` (and every v1 file) has no cost: null.
 */
export const runCostUsdPerMonth: CostAccessor = (r) => r.cost?.totalMonthlyUsd ?? null;
