/**
 * Cost: a price book (price-book.ts, price-book.yaml), a scale (scale.ts), what a run measured
 * (measure.ts), the model (model.ts) and seed 000's cost tables as claims (claims.ts).
 * applyCost() is what `capbench run` and `capbench report` call. docs/cost.md explains the rules.
 */
import type { RunResult } from '../../core/results.js';
import { costClaims } from './claims.js';
import type { StoresOfPath } from './measure.js';
import { projectCost } from './model.js';
import type { PriceBook } from './price-book.js';
import type { Scale } from './scale.js';

export { COST_CLAIM_TOLERANCE, costClaims } from './claims.js';
export { measureEntity, measureRate, storeOfFamily, type EntityMeasure, type RateMeasure, type StoresOfPath } from './measure.js';
export { COPIES, GB, HOURS_PER_MONTH, OVERHEAD, projectCost, type CostOptions } from './model.js';
export { DEFAULT_PRICE_BOOK, PRICE_UNITS, PriceBookSchema, PriceEntrySchema, loadPriceBook, parsePriceBook, type PriceBook, type PriceEntry, type PriceUnit } from './price-book.js';
export { SCALE_ENTITIES, formatScale, parseScale, validateScale, type Scale, type ScaleEntity } from './scale.js';

/** What to cost a run with. */
export interface CostRequest {
  priceBook: PriceBook;
  /** The scale to project at; without it the result keeps the cost it has (if any) and only the cost claims are recomputed. */
  scale?: Scale;
  storesOfPath?: StoresOfPath;
}

/**
 * A copy of `r` with its cost claims (ids cost.*) recomputed with `req.priceBook` and, when a
 * scale is given, `cost` projected at it. Other claims and fields are kept as they are.
 */
export function applyCost(r: RunResult, req: CostRequest): RunResult {
  const claims = [...r.claims.filter((c) => !c.id.startsWith('cost.')), ...costClaims(r, req.priceBook, req)];
  const cost = req.scale ? projectCost(r, req.priceBook, req.scale, req) : r.cost;
  return { ...r, claims, ...(cost ? { cost } : {}) };
}
