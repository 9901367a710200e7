/**
 * The cost flags that `capbench run` and `capbench report` share (--scale, --price-book): read
 * and validated before any work starts, then applied to a RunResult (reports/cost/).
 */
import { describeError } from '../../core/errors.js';
import type { RunResult } from '../../core/results.js';
import { getStoragePath } from '../../reference-impl/registry.js';
import { applyCost, loadPriceBook, parseScale, validateScale, type PriceBook, type Scale } from '../../reports/cost/index.js';

/** A validated price book and the scale (absent: no projection, only the cost claims). */
export interface CostInputs {
  priceBook: PriceBook;
  scale?: Scale;
}

/**
 * Parse --scale and read --price-book (the built-in book when absent).
 * @throws UsageError, one line: an unknown entity, a bad amount, a missing or invalid price book.
 */
export async function loadCostInputs(flags: { scale?: string; priceBook?: string }): Promise<CostInputs> {
  const scale = flags.scale !== undefined ? parseScale(flags.scale) : undefined;
  return { priceBook: await loadPriceBook(flags.priceBook), ...(scale ? { scale } : {}) };
}

/**
 * The result with its cost claims recomputed and, with a scale, its cost projected. A scale taken
 * from an existing results file is validated again (it may come from another build). A failure
 * of the model itself is kept as a note: the run's measurements are never lost to it.
 */
export function withCost(result: RunResult, inputs: { priceBook: PriceBook; scale?: Scale }): RunResult {
  const scale = inputs.scale ? validateScale(inputs.scale, 'scale') : undefined;
  try {
    return applyCost(result, { priceBook: inputs.priceBook, scale, storesOfPath: (p) => getStoragePath(p).stores });
  } catch (err) {
    return { ...result, notes: [...result.notes, `the cost could not be computed: ${describeError(err)}`] };
  }
}
