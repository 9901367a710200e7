/**
 * The price book: a YAML (or JSON) data file of public list prices that turns a projected
 * footprint and rate into $/month (docs/cost.md). The built-in one is
 * reports/cost/price-book.yaml; `--price-book FILE` points at the user's own. Every entry
 * names its provider, product, offer, unit, price in USD, region, the public page it comes
 * from and the date it was read; zod validates the whole file before any work starts.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../../core/errors.js';
import { STORES } from '../../core/target.js';

/**
 * Billing units a price may be given in:
 * - node-hour: one node (instance, cache node, cluster tier) for one hour;
 * - month: a flat plan per month (Redis Cloud Essentials, Upstash fixed plans);
 * - GB-month: one GB (2^30 bytes, as AWS bills) stored for a month;
 * - IOPS-month: one provisioned I/O per second for a month;
 * - million-requests: one million requests (commands, request units, I/Os).
 */
export const PRICE_UNITS = ['node-hour', 'month', 'GB-month', 'IOPS-month', 'million-requests'] as const;
export type PriceUnit = (typeof PRICE_UNITS)[number];

/** Tiers of a tiered store (Elasticsearch hot/warm/cold, seed 000 · Hot-Warm-Cold Architecture). */
export const TIERS = ['hot', 'warm', 'cold'] as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** One price of the book. Capacity fields describe what a node-hour or month entry buys. */
export const PriceEntrySchema = z
  .object({
    /** Unique id, e.g. "aws-elasticache-cache.r6g.large". */
    id: z.string().trim().min(1),
    provider: z.string().trim().min(1),
    /** The product; entries of one product are priced together (an instance plus its storage). */
    product: z.string().trim().min(1),
    /** The capbench stores the product can host. */
    stores: z.array(z.enum(STORES)).min(1),
    /** The instance type, plan or charge: "cache.r6g.large", "Fixed 250MB", "gp3 storage". */
    offer: z.string().trim().min(1),
    unit: z.enum(PRICE_UNITS),
    /** Price per unit, USD. */
    priceUsd: z.number().nonnegative(),
    region: z.string().trim().min(1),
    /** The public page the price comes from. */
    source: z.url({ protocol: /^https?$/ }),
    /** The date the price was read, YYYY-MM-DD. */
    readAt: z.string().regex(ISO_DATE, 'a date YYYY-MM-DD'),
    /** Memory of a node or plan, GiB. */
    memoryGiB: z.number().positive().optional(),
    /** Share of memoryGiB the data may use (ElastiCache reserves 25% by default: 0.75). */
    usableMemoryFraction: z.number().positive().max(1).optional(),
    vcpu: z.number().positive().optional(),
    /** Storage included with a node or plan (local NVMe, an Atlas tier's disk, a plan's data limit), GB. */
    storageGB: z.number().positive().optional(),
    /** Copies of the data one billed unit holds (an Atlas cluster is a 3-member replica set: 3). */
    copiesIncluded: z.number().int().positive().optional(),
    /** GB-month / IOPS-month / million-requests entries: quantity included at no charge (per node where nodes are billed). */
    freeQuantity: z.number().nonnegative().optional(),
    /** GB-month entries: the least that is billed per node (RDS: 20 GB). */
    minQuantity: z.number().nonnegative().optional(),
    /** GB-month entries of serverless products: the most the product holds, GB. */
    maxQuantity: z.number().positive().optional(),
    /** million-requests entries: which requests the price is for. */
    requests: z.enum(['read', 'write', 'any']).optional(),
    /** Tiered stores: the tier this offer serves; only untiered and hot offers are sized for a store. */
    tier: z.enum(TIERS).optional(),
    note: z.string().optional(),
  })
  .strict();
export type PriceEntry = z.infer<typeof PriceEntrySchema>;

export const PriceBookSchema = z
  .object({
    /** Always USD. */
    currency: z.literal('USD'),
    entries: z.array(PriceEntrySchema).min(1),
  })
  .strict();
export type PriceBookData = z.infer<typeof PriceBookSchema>;

/** A validated price book and where it came from. */
export interface PriceBook extends PriceBookData {
  /** "built-in (reports/cost/price-book.yaml)" or the user's path. */
  source: string;
}

/** The built-in price book (read from the source tree: dist/reports/cost/ -> reports/cost/). */
export const DEFAULT_PRICE_BOOK = fileURLToPath(new URL('../../../reports/cost/price-book.yaml', import.meta.url));
const DEFAULT_LABEL = 'built-in (reports/cost/price-book.yaml)';

/**
 * Read and validate a price book.
 *
 * @param path a YAML or JSON file; undefined for the built-in book.
 * @throws UsageError, one line: the file is missing or not YAML/JSON, or an entry is invalid
 *   (the message names the entry by id or position and the field: no source, no readAt, a
 *   negative price, an unknown unit, a duplicate id).
 */
export async function loadPriceBook(path?: string): Promise<PriceBook> {
  const file = path ?? DEFAULT_PRICE_BOOK;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new UsageError(`Price book ${file} cannot be read (${typeof code === 'string' ? code : 'read failed'}).`, {
      hint: path ? 'Check the path given to --price-book.' : 'The capbench checkout is incomplete: restore reports/cost/price-book.yaml.',
      cause: err,
    });
  }
  return parsePriceBook(text, path ?? DEFAULT_LABEL);
}

/**
 * Parse and validate the text of a price book (YAML; JSON is YAML too).
 *
 * @param text the file's text.
 * @param source what to call it in messages and in results.json.
 * @throws UsageError as described for {@link loadPriceBook}.
 */
export function parsePriceBook(text: string, source: string): PriceBook {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : 'parse error';
    throw new UsageError(`Price book ${source} is not valid YAML or JSON (${why}).`, { cause: err });
  }
  const parsed = PriceBookSchema.safeParse(data);
  if (!parsed.success) throw new UsageError(`Price book ${source}: ${describeIssue(parsed.error.issues[0]!, data)}.`, { hint: HINT, cause: parsed.error });
  const seen = new Set<string>();
  for (const e of parsed.data.entries) {
    if (seen.has(e.id)) throw new UsageError(`Price book ${source}: entry "${e.id}" appears twice.`, { hint: 'Give every entry its own id.' });
    seen.add(e.id);
  }
  return { ...parsed.data, source };
}

const HINT = 'Each entry needs id, provider, product, stores, offer, unit, priceUsd >= 0, region, source (the pricing page URL) and readAt (YYYY-MM-DD); see docs/cost.md.';

/** One line for the first zod issue, naming the entry by id (or position) and the field. */
function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const [top, index, field] = issue.path;
  if (top !== 'entries' || typeof index !== 'number') {
    if (issue.code === 'unrecognized_keys') return `unknown field "${issue.keys[0]}" (fields: currency, entries)`;
    return `${issue.path.length ? issue.path.map(String).join('.') : '(top level)'}: ${issue.message}`;
  }
  const raw = (data as { entries: unknown[] }).entries[index] as Record<string, unknown> | undefined;
  const id = typeof raw?.id === 'string' && raw.id.trim() ? `"${raw.id}"` : `#${index + 1}`;
  const entry = `entry ${id}`;
  if (issue.code === 'unrecognized_keys') return `${entry} has an unknown field "${issue.keys[0]}"`;
  const name = String(field ?? '');
  const value = raw?.[name];
  if (value === undefined) {
    if (name === 'source') return `${entry} has no source (the public pricing page it comes from)`;
    if (name === 'readAt') return `${entry} has no readAt (the date the price was read)`;
    return `${entry} has no ${name}`;
  }
  if (name === 'unit') return `${entry} has an unknown unit ${JSON.stringify(value)} (units: ${PRICE_UNITS.join(', ')})`;
  if (name === 'priceUsd' && typeof value === 'number' && value < 0) return `${entry} has a negative price (${value} USD)`;
  if (name === 'source') return `${entry} has a source that is not an http(s) URL (${JSON.stringify(value)})`;
  if (name === 'stores') return `${entry}: stores must list some of ${STORES.join(', ')}`;
  return `${entry}: ${issue.path.slice(2).map(String).join('.')}: ${issue.message}`;
}
