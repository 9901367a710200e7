/**
 * What the three report formats (HTML, Markdown, terminal) show of a cost, computed once so
 * that they say the same thing: the scale in words, the line counted per store, the prices used.
 */
import type { Cost, CostItem, CostLine, CostStoreNeed } from '../../core/results.js';
import { fmtInt, fmtNum, fmtRate, fmtUsd, humanBytes } from '../../core/format.js';
import { entityOf } from './scale.js';

/** "posts 1,000,000 · likesPerSec 5,000 likes/s". */
export function scaleText(scale: Cost['scale']): string {
  return Object.entries(scale)
    .map(([k, v]) => {
      const e = entityOf(k);
      return e?.kind === 'rate' ? `${k} ${fmtNum(v)} ${e.unit}` : `${k} ${fmtInt(v)}`;
    })
    .join(' · ');
}

/** An offer with its node count: "2 × cache.t4g.micro", "Fixed 250MB", "data size + commands". */
export function offerText(l: CostLine): string {
  if (l.offer === null) return 'none fits';
  return l.nodes > 1 ? `${l.nodes} × ${l.offer}` : l.offer;
}

/** The stores of a cost, in order, each with its lines and the line counted in the total (if any). */
export function storesOf(cost: Cost): Array<{ store: string; lines: CostLine[]; chosen: CostLine | undefined }> {
  const stores = [...new Set(cost.lines.map((l) => l.store))];
  return stores.map((store) => {
    const lines = cost.lines.filter((l) => l.store === store);
    return { store, lines, chosen: lines.find((l) => l.chosen) };
  });
}

/** "$23.36/month" ("—" for null). */
export function monthly(usd: number | null): string {
  return usd === null ? '—' : `${fmtUsd(usd)}/month`;
}

/** "$0.016 / node-hour". */
export function unitPrice(i: Pick<CostItem, 'unitPriceUsd' | 'unit'>): string {
  return `$${i.unitPriceUsd} / ${i.unit}`;
}

/** The price book entries a cost's priced lines used, each once: id, unit price, source, read date. */
export function pricesUsed(cost: Cost): CostItem[] {
  const seen = new Map<string, CostItem>();
  for (const l of cost.lines) for (const i of l.items) if (!seen.has(i.entry)) seen.set(i.entry, i);
  return [...seen.values()];
}

/** The one-sentence caveat every format prints under a cost. */
export function priceCaveat(cost: Cost): string {
  const read = cost.priceBook.readFrom === cost.priceBook.readTo ? cost.priceBook.readFrom : `${cost.priceBook.readFrom} to ${cost.priceBook.readTo}`;
  return `List prices (on-demand, ${cost.priceBook.regions.join(', ')}) from ${cost.priceBook.source}, read ${read}: re-check them on their pages before relying on them, or pass your own with --price-book.`;
}

/** What a store needs at the scale, in words: "55.6 MiB of data, sized at 69.5 MiB of memory per copy; 2 copies; 2.49 cores for 5,000 ops/s". */
export function needText(n: CostStoreNeed): string {
  const parts = [`${humanBytes(n.dataBytes)} of data, sized at ${humanBytes(n.sizedBytes)} of ${n.store === 'redis' ? 'memory' : 'storage'} per copy`, `${n.copies} cop${n.copies > 1 ? 'ies' : 'y'}`];
  if (n.opsPerSec > 0) parts.push(n.cores !== null ? `${fmtNum(n.cores)} server cores for ${fmtRate(n.opsPerSec)}` : `${fmtRate(n.opsPerSec)}`);
  if (n.iops > 0) parts.push(`${fmtInt(n.iops)} IOPS`);
  return parts.join('; ');
}
