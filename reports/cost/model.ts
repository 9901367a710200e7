/**
 * The cost model (docs/cost.md): from a run's measured bytes per entity and ops/s per core,
 * project what each store needs at a scale the user names, pick the smallest fitting offer of
 * every product in the price book (memory for Redis; storage, IOPS and cores for the others;
 * copies where the seeds say so) and give $/month per store and in total, with every
 * assumption in words. Pure: no I/O.
 */
import type { Cost, CostItem, CostLine, CostStoreNeed, RunResult } from '../../core/results.js';
import { fmtInt, fmtNum, fmtRate, fmtUsd, humanBytes } from '../../core/format.js';
import { measureEntity, measureRate, type RateMeasure, type StoresOfPath } from './measure.js';
import type { PriceBook, PriceEntry } from './price-book.js';
import { SCALE_ENTITIES, entityOf, type Scale } from './scale.js';

/** Hours in a billed month (the AWS convention: 24 x 365 / 12). */
export const HOURS_PER_MONTH = 730;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
/** A billed GB: 2^30 bytes, as AWS bills storage and memory. */
export const GB = 2 ** 30;

/**
 * Memory and storage the model sizes for, per byte of measured data. Not measured: Redis's
 * allocator fragmentation and headroom for growth (used_memory counts the allocator's view; a
 * server's RSS under churn runs above it); for disk stores, dead rows, free space and growth
 * (the footprint is read right after seeding, before any update bloat).
 */
export const OVERHEAD = { memory: 1.25, disk: 1.25 } as const;

/** Copies of the data per store and the seed that says so (or that none does). */
export const COPIES: Record<string, { copies: number; why: string }> = {
  redis: {
    copies: 2,
    why: 'a primary and one failover replica per shard (seed 000 · Hidden Storage Costs: "Failover replicas increase memory"; 000 · Cost Comparison\'s ~$300/mo matches two cache.r6g.large nodes)',
  },
  postgres: { copies: 1, why: 'one instance, no replica: no seed states a replica count for PostgreSQL (000 mentions read replicas only as a latency pitfall)' },
  mongodb: { copies: 3, why: 'a three-member replica set (seed 000 · Hidden Storage Costs: "MongoDB Atlas: Storage is 3x due to replication")' },
  cassandra: { copies: 1, why: 'one copy: no seed states a replication factor for Cassandra (production clusters usually run RF 3: triple the node lines)' },
  elasticsearch: { copies: 2, why: 'a primary and one replica shard (seed 000 · Storage-Saving Techniques: "number_of_replicas": 1; Hidden Storage Costs: "Replica shards double storage")' },
};

/** Options of {@link projectCost}. */
export interface CostOptions {
  /** Stores of a storage path id (cli passes reference-impl's registry). */
  storesOfPath?: StoresOfPath;
}

/** What one store needs at the scale, with the operations split by kind (internal to the model). */
interface StoreNeed extends CostStoreNeed {
  writeOpsPerSec: number;
  readOpsPerSec: number;
  /** True when the scale named a rate for this store. */
  rated: boolean;
}

/**
 * Project the monthly cost of a run's stores at `scale`.
 *
 * @param r the run (its footprint, derived figures, operations and options).
 * @param book a validated price book.
 * @param scale entity -> count or ops/s (validated by reports/cost/scale.ts).
 * @returns the Cost for results.json: per store its need, one line per product of the price
 *   book that can host it (the smallest fitting offer, or why none fits), the cheapest priced
 *   line per store counted in the total ($/month), and the assumptions in words.
 */
export function projectCost(r: RunResult, book: PriceBook, scale: Scale, opts: CostOptions = {}): Cost {
  const assumptions: string[] = [];
  const counts = effectiveCounts(r, scale, assumptions, opts);
  const needs = new Map<string, StoreNeed>();
  const needOf = (store: string): StoreNeed => {
    let n = needs.get(store);
    if (!n) {
      const c = COPIES[store] ?? { copies: 1, why: 'one copy (no rule for this store)' };
      n = { store, dataBytes: 0, sizedBytes: 0, copies: c.copies, opsPerSec: 0, cores: null, iops: 0, writeOpsPerSec: 0, readOpsPerSec: 0, rated: false };
      needs.set(store, n);
    }
    return n;
  };

  for (const [name, count] of counts) {
    const m = measureEntity(r, name, opts.storesOfPath);
    if (m.store === null || m.bytesPerEntity === null) {
      assumptions.push(`${name}: not projected: ${m.basis}.`);
      continue;
    }
    const bytes = count * m.bytesPerEntity;
    needOf(m.store).dataBytes += bytes;
    assumptions.push(`${name}: ${fmtInt(count)} × ${fmtNum(m.bytesPerEntity)} B = ${humanBytes(bytes)} on ${m.store}; bytes per entity ${m.basis}; taken as linear in the count.`);
  }
  for (const def of SCALE_ENTITIES.filter((e) => e.kind === 'rate' && scale[e.name] !== undefined)) {
    const rate = scale[def.name]!;
    const m: RateMeasure = measureRate(r, def.name, opts.storesOfPath);
    if (m.store === null) {
      assumptions.push(`${def.name}: not projected: ${m.basis}.`);
      continue;
    }
    const n = needOf(m.store);
    n.rated = true;
    n.opsPerSec += rate;
    if (def.requests === 'read') n.readOpsPerSec += rate;
    else n.writeOpsPerSec += rate;
    if (m.opsPerCore !== null) {
      n.cores = (n.cores ?? 0) + rate / m.opsPerCore;
      assumptions.push(`${def.name}: ${fmtRate(rate)} on ${m.store} needs ${fmtNum(rate / m.opsPerCore)} server cores at ${fmtRate(m.opsPerCore)} per core (${m.basis}).`);
    } else {
      assumptions.push(`${def.name}: ${fmtRate(rate)} on ${m.store}; cores not sized: ${m.basis}.`);
    }
  }

  const lines: CostLine[] = [];
  for (const n of needs.values()) {
    const memory = n.store === 'redis';
    n.sizedBytes = n.dataBytes * (memory ? OVERHEAD.memory : OVERHEAD.disk);
    // One disk I/O per write: the run measured no disk I/O (an upper bound: WAL group commit and the page cache merge writes).
    n.iops = memory ? 0 : n.writeOpsPerSec;
    assumptions.push(`${n.store}: copies: ${n.copies}, ${COPIES[n.store]?.why ?? 'no rule for this store'}.`);
    const storeLines = productsFor(book, n.store).map(([key, entries]) => sizeProduct(n, key, entries));
    if (storeLines.length === 0) {
      storeLines.push({ store: n.store, provider: '—', product: '—', offer: null, nodes: 0, shards: 0, sizing: '', monthlyUsd: null, chosen: false, items: [], why: `the price book ${book.source} has no offer for ${n.store}` });
    }
    // Like for like first: a line that keeps fewer copies than the store needs counts only when no other is priced.
    const priced = storeLines.filter((l) => l.monthlyUsd !== null).sort((a, b) => a.monthlyUsd! - b.monthlyUsd!);
    const best = priced.find((l) => !fewerCopies.has(l)) ?? priced[0];
    if (best) best.chosen = true;
    lines.push(...storeLines);
  }
  if (needs.size === 0) assumptions.push(`no store was projected: this run (${r.scenario.id}) measured none of the entities the scale names.`);

  const range = readRange(book);
  assumptions.push(
    `memory sized at ${OVERHEAD.memory}× the measured bytes (fragmentation and headroom, a model choice, not measured); storage at ${OVERHEAD.disk}× (dead rows, free space, growth); ElastiCache-style offers use only their usable memory share.`,
    'disk I/O: one I/O per write operation at the scale\'s rate (not measured; an upper bound); request-priced products are priced per operation (Aurora I/O per assumed I/O); reads are priced only when the scale names a read rate (none of the built-in entities is one).',
    `a month is ${HOURS_PER_MONTH} hours; GB = 2^30 bytes; prices are on-demand list prices from ${book.source} (read ${range.from}${range.to !== range.from ? ` to ${range.to}` : ''}): re-check them on their pages; reserved and committed-use discounts, data transfer, backups and support are not included.`,
    'per store, the cheapest priced line is counted in the total; the smallest fitting offer of each product is the one with the fewest shards, then the lowest price.',
  );
  const total = lines.filter((l) => l.chosen).reduce((a, l) => a + (l.monthlyUsd ?? 0), 0);
  return {
    scale: { ...scale },
    hoursPerMonth: HOURS_PER_MONTH,
    priceBook: { source: book.source, entries: book.entries.length, readFrom: range.from, readTo: range.to, regions: [...new Set(book.entries.map((e) => e.region))] },
    needs: [...needs.values()].map(({ writeOpsPerSec: _w, readOpsPerSec: _r, rated: _x, ...need }) => need),
    lines,
    totalMonthlyUsd: round2(total),
    assumptions,
  };
}

/** Counts of the scale, plus follows derived from users (users x the run's followsPerUser) when only users is named. */
function effectiveCounts(r: RunResult, scale: Scale, assumptions: string[], opts: CostOptions): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [k, v] of Object.entries(scale)) if (entityOf(k)?.kind === 'count') counts.set(k, v);
  const per = r.scenario.options.followsPerUser;
  if (counts.has('users') && !counts.has('follows') && typeof per === 'number' && measureEntity(r, 'follows', opts.storesOfPath).bytesPerEntity !== null) {
    counts.set('follows', counts.get('users')! * per);
    assumptions.push(`follows: not named, so users × the run's followsPerUser (${per}) = ${fmtInt(counts.get('follows'))} edges.`);
  }
  return counts;
}

function readRange(book: PriceBook): { from: string; to: string } {
  const dates = book.entries.map((e) => e.readAt).sort();
  return { from: dates[0] ?? '—', to: dates.at(-1) ?? '—' };
}

/** The products that can host `store`, each with its entries (untiered and hot-tier only), in price book order. */
export function productsFor(book: PriceBook, store: string): Array<[string, PriceEntry[]]> {
  const groups = new Map<string, PriceEntry[]>();
  for (const e of book.entries) {
    if (!e.stores.includes(store as PriceEntry['stores'][number]) || (e.tier !== undefined && e.tier !== 'hot')) continue;
    const key = `${e.provider}\u0000${e.product}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups.entries()];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Lines whose plan or serverless offer keeps fewer copies of the data than the store needs (see COPIES). */
const fewerCopies = new WeakSet<CostLine>();

/** Mark a plan or serverless line that keeps `kept` copies when the store needs more, and say so on it. */
function checkCopies(line: CostLine, kept: number, n: StoreNeed): CostLine {
  if (line.monthlyUsd === null || kept >= n.copies) return line;
  fewerCopies.add(line);
  line.why = `keeps ${kept} cop${kept > 1 ? 'ies' : 'y'} of the data where the model asks for ${n.copies}: not like for like, so it counts in the total only when nothing else is priced`;
  return line;
}

function item(e: PriceEntry, quantity: number, description: string): CostItem {
  return { entry: e.id, description, quantity: round4(quantity), unit: e.unit, unitPriceUsd: e.priceUsd, monthlyUsd: round2(quantity * e.priceUsd), source: e.source, readAt: e.readAt };
}
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * Size one product for one store: serverless products (no node or plan entry) are priced on
 * data size and requests; node and plan products on the smallest fitting offer.
 */
function sizeProduct(n: StoreNeed, key: string, entries: PriceEntry[]): CostLine {
  const [provider, product] = key.split('\u0000') as [string, string];
  const base = { store: n.store, provider, product, chosen: false };
  const compute = entries.filter((e) => e.unit === 'node-hour' || e.unit === 'month');
  const storage = entries.find((e) => e.unit === 'GB-month');
  const iopsE = entries.find((e) => e.unit === 'IOPS-month');
  const requests = entries.filter((e) => e.unit === 'million-requests');

  if (compute.length === 0) {
    // Serverless: billed on the data size (no overhead: the provider bills what is stored) and per request.
    const gb = n.dataBytes / GB;
    const offer = [storage?.offer, ...requests.map((e) => e.offer)].filter(Boolean).join(' + ');
    const no = (why: string): CostLine => ({ ...base, offer: null, nodes: 0, shards: 0, sizing: '', monthlyUsd: null, items: [], why });
    if (storage?.maxQuantity !== undefined && gb > storage.maxQuantity) return no(`${humanBytes(n.dataBytes)} is more than the ${fmtNum(storage.maxQuantity)} GB ${product} holds`);
    if (requests.length > 0 && !n.rated) return no(`priced per request, and the scale names no rate served by ${n.store} (add e.g. likesPerSec=N)`);
    const items: CostItem[] = [];
    if (storage) {
      const billed = Math.max(storage.minQuantity ?? 0, gb - (storage.freeQuantity ?? 0), 0);
      items.push(item(storage, billed, `${fmtNum(billed)} GB-month of ${storage.offer}${storage.freeQuantity ? ` (${fmtNum(gb)} GB stored, first ${fmtNum(storage.freeQuantity)} GB free)` : ''}`));
    }
    for (const e of requests) {
      const ops = e.requests === 'write' ? n.writeOpsPerSec : e.requests === 'read' ? n.readOpsPerSec : n.opsPerSec;
      const millions = (ops * SECONDS_PER_MONTH) / 1e6;
      items.push(item(e, millions, `${fmtNum(millions)} million ${e.offer} (${fmtRate(ops)} × ${fmtInt(SECONDS_PER_MONTH)} s)`));
    }
    const monthly = round2(items.reduce((a, i) => a + i.monthlyUsd, 0));
    const line: CostLine = { ...base, offer: offer || product, nodes: 0, shards: 0, sizing: `serverless: billed on ${fmtNum(gb)} GB stored${requests.length ? ` and ${fmtRate(n.opsPerSec)} of requests` : ''}`, monthlyUsd: monthly, items };
    return checkCopies(line, Math.max(...entries.map((e) => e.copiesIncluded ?? 1)), n);
  }

  type Fit = { line: CostLine; shards: number; plan?: PriceEntry };
  const fits: Fit[] = [];
  const misses: string[] = [];
  for (const c of compute) {
    const memory = n.store === 'redis';
    let capacity: number | undefined;
    if (memory) capacity = c.memoryGiB !== undefined ? c.memoryGiB * GB * (c.usableMemoryFraction ?? 1) : undefined;
    else capacity = c.storageGB !== undefined ? c.storageGB * GB : storage ? Number.POSITIVE_INFINITY : undefined;
    if (capacity === undefined) {
      misses.push(`${c.offer}: the price book gives no ${memory ? 'memory' : 'storage'} for it`);
      continue;
    }
    const shardsData = Math.max(1, Math.ceil(n.sizedBytes / capacity));
    // Redis executes commands on one thread: one shard gives one core's worth; other stores use every vCPU of a node.
    const shardsCpu = n.cores === null ? 1 : memory ? Math.max(1, Math.ceil(n.cores - 1e-9)) : c.vcpu !== undefined ? Math.max(1, Math.ceil(n.cores / c.vcpu - 1e-9)) : 1;
    const shards = Math.max(shardsData, shardsCpu);
    if (c.unit === 'month' && shards > 1) {
      misses.push(`${c.offer}: one plan is one database, and the need takes ${shards} (${shardsData > 1 ? `${humanBytes(n.sizedBytes)} > ${humanBytes(capacity)}` : `${fmtNum(n.cores)} cores at one command thread each`})`);
      continue;
    }
    const perShard = c.unit === 'node-hour' ? Math.ceil(n.copies / (c.copiesIncluded ?? 1)) : 1;
    const nodes = shards * perShard;
    const items: CostItem[] = [];
    if (c.unit === 'node-hour') items.push(item(c, nodes * HOURS_PER_MONTH, `${nodes} × ${c.offer} × ${HOURS_PER_MONTH} h`));
    else items.push(item(c, 1, `${c.offer}, one month`));
    const volumes = shards * n.copies;
    if (!memory && c.storageGB === undefined && storage) {
      const perVolume = Math.max(storage.minQuantity ?? 0, Math.ceil(n.sizedBytes / shards / GB));
      items.push(item(storage, perVolume * volumes, `${volumes} × ${fmtInt(perVolume)} GB ${storage.offer}`));
    }
    if (!memory && iopsE && n.iops > 0) {
      const extra = Math.max(0, n.iops / shards - (iopsE.freeQuantity ?? 0));
      if (extra > 0) items.push(item(iopsE, extra * volumes, `${volumes} × ${fmtInt(extra)} ${iopsE.offer}`));
    }
    for (const e of requests) {
      const millions = (n.iops * SECONDS_PER_MONTH) / 1e6;
      if (millions > 0) items.push(item(e, millions, `${fmtNum(millions)} million ${e.offer} (one per write)`));
    }
    const capText = memory
      ? `${c.offer}: ${fmtNum(c.memoryGiB)} GiB${c.usableMemoryFraction !== undefined ? `, ${humanBytes(capacity)} usable` : ''}`
      : c.storageGB !== undefined
        ? `${c.offer}: ${fmtInt(c.storageGB)} GB included`
        : `${c.offer} + ${storage!.offer}`;
    const layout = c.unit === 'month' ? 'one plan' : `${shards} shard${shards > 1 ? 's' : ''} × ${n.copies} cop${n.copies > 1 ? 'ies' : 'y'}${(c.copiesIncluded ?? 1) > 1 ? ` (${c.copiesIncluded} per billed unit)` : ''}`;
    fits.push({
      shards,
      ...(c.unit === 'month' ? { plan: c } : {}),
      line: { ...base, offer: c.offer, nodes, shards, sizing: `${capText}; ${layout}`, monthlyUsd: round2(items.reduce((a, i) => a + i.monthlyUsd, 0)), items },
    });
  }
  fits.sort((a, b) => a.shards - b.shards || a.line.monthlyUsd! - b.line.monthlyUsd!);
  if (fits.length > 0) {
    const best = fits[0]!;
    if (best.shards > 1 && n.store === 'postgres') best.line.why = `beyond one instance: ${best.shards} shards (e.g. Citus, seed 000 · Nuclear Option: Sharding)`;
    // Node offers are billed per copy (nodes = shards x copies); a plan keeps the copies it includes.
    return best.plan ? checkCopies(best.line, best.plan.copiesIncluded ?? 1, n) : best.line;
  }
  return { ...base, offer: null, nodes: 0, shards: 0, sizing: '', monthlyUsd: null, items: [], why: `no offer fits: ${misses.join('; ')}` };
}

/** "$23.36/month" for messages. */
export function perMonth(usd: number | null): string {
  return usd === null ? '—' : `${fmtUsd(usd)}/month`;
}
