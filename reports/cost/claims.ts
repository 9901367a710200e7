/**
 * Seed 000's cost tables as claims with verdicts (docs/cost.md): the likes table (ElastiCache,
 * Redis Cloud, Upstash for 1M keys) is checked by projecting the run's measured bytes per like
 * counter to 1M keys with the cost model; the Elasticsearch table by pricing the search
 * scenario's measured index bytes per post at 1M posts.
 */
import type { ClaimResult, RunResult } from '../../core/results.js';
import { fmtNum, fmtUsd, humanBytes } from '../../core/format.js';
import { measureEntity, type StoresOfPath } from './measure.js';
import { HOURS_PER_MONTH, projectCost } from './model.js';
import type { PriceBook, PriceEntry } from './price-book.js';

/**
 * A cost claim holds when the projected $/month is within this factor of the seed's figure,
 * either way (seed / 1.5 <= projected <= seed x 1.5): the seed writes "~$300/mo".
 */
export const COST_CLAIM_TOLERANCE = 1.5;

/** The keys seed 000's likes cost table is for ("1M Keys"). */
const KEYS = 1_000_000;

/** The posts seed 000's storage table is for ("1M Posts Example"). */
const POSTS_1M = 1_000_000;

const LIKES_SOURCE = '000 · Cost Comparison (Cloud Pricing)';
const ES_SOURCE = '000 · Storage Calculations (1M Posts Example) / Cost Comparison (AWS)';

interface LikesClaim {
  id: string;
  claim: string;
  seedUsd: number;
  /** Which price book products the claim is about (matched on "provider product"). */
  product: RegExp;
  label: string;
}

/** Seed 000 · Cost Comparison (Cloud Pricing): "| AWS ElastiCache | ~$300/mo | ... | Based on cache.r6g.large |" and the two rows below it. */
const LIKES_CLAIMS: readonly LikesClaim[] = [
  { id: 'cost.likes-elasticache-1m', claim: 'AWS ElastiCache ~$300/mo for 1M keys (based on cache.r6g.large)', seedUsd: 300, product: /elasticache/i, label: 'ElastiCache' },
  { id: 'cost.likes-redis-labs-1m', claim: 'Redis Labs ~$250/mo for 1M keys (1GB RAM plan)', seedUsd: 250, product: /redis cloud|redis labs/i, label: 'Redis Cloud' },
  { id: 'cost.likes-upstash-1m', claim: 'Upstash ~$50/mo for 1M keys (serverless pricing)', seedUsd: 50, product: /upstash/i, label: 'Upstash' },
];

const within = (projected: number, seed: number) => projected >= seed / COST_CLAIM_TOLERANCE && projected <= seed * COST_CLAIM_TOLERANCE;
/** The verdict rule in words, for a seed figure. */
const rule = (seed: number) =>
  `Holds when the projection from the measured footprint is within a factor of ${COST_CLAIM_TOLERANCE} of the seed's ${fmtUsd(seed)} (${fmtUsd(seed / COST_CLAIM_TOLERANCE)} to ${fmtUsd(seed * COST_CLAIM_TOLERANCE)}/month).`;

/**
 * The cost claims of a run: the three likes claims when the run exercised a likes path; the two
 * Elasticsearch claims with them and in every run with an Elasticsearch target (measurable only
 * in a search run); none otherwise.
 *
 * @param r the run.
 * @param book the price book the verdicts are priced with.
 * @returns ClaimResults with ids (likes runs) cost.likes-elasticache-1m, cost.likes-redis-labs-1m,
 *   cost.likes-upstash-1m, cost.es-all-hot-1tb, cost.es-optimized.
 */
export function costClaims(r: RunResult, book: PriceBook, opts: { storesOfPath?: StoresOfPath } = {}): ClaimResult[] {
  const likes = r.operations.some((o) => o.path.startsWith('likes.')) || r.scenario.paths.some((p) => p.startsWith('likes.'));
  const es = r.targets.some((t) => t.store === 'elasticsearch');
  if (!likes && !es) return [];
  return [...(likes ? LIKES_CLAIMS.map((c) => likesClaim(r, book, c, opts)) : []), ...esClaims(r, book)];
}

function likesClaim(r: RunResult, book: PriceBook, c: LikesClaim, opts: { storesOfPath?: StoresOfPath }): ClaimResult {
  const base = { id: c.id, source: LIKES_SOURCE, claim: c.claim };
  const m = measureEntity(r, 'posts', opts.storesOfPath);
  const path = r.operations.find((o) => o.path.startsWith('likes.'))?.path ?? r.scenario.paths.find((p) => p.startsWith('likes.')) ?? 'no likes path';
  if (m.store !== 'redis') return { ...base, measured: `like counters in ${m.store ?? 'no store'} (${path})`, verdict: 'not-measurable', note: 'the table prices Redis: run viral-like-spike on a Redis likes path' };
  if (m.bytesPerEntity === null) return { ...base, measured: 'bytes per like counter not measured', verdict: 'not-measurable', note: m.basis };
  const entries = book.entries.filter((e) => e.stores.includes('redis') && c.product.test(`${e.provider} ${e.product}`));
  if (entries.length === 0) return { ...base, measured: `${fmtNum(m.bytesPerEntity)} B per counter`, verdict: 'not-measurable', note: `the price book ${book.source} has no ${c.label} entry` };
  const cost = projectCost(r, { ...book, entries }, { posts: KEYS }, opts);
  const need = cost.needs.find((n) => n.store === 'redis');
  const line = cost.lines.find((l) => l.chosen);
  const footprint = `1M posts × ${fmtNum(m.bytesPerEntity)} B (${path}) = ${humanBytes(need?.dataBytes)}, sized at ${humanBytes(need?.sizedBytes)}`;
  const extra = notes(c, book, entries);
  if (!line || line.monthlyUsd === null) {
    const why = cost.lines.map((l) => `${l.product}: ${l.why ?? 'not priced'}`).join('; ');
    return { ...base, measured: `${footprint}: no ${c.label} offer in the price book fits`, verdict: 'not-measurable', note: [why, ...extra].join(' ') };
  }
  const layout = line.nodes > 1 ? `${line.nodes} × ${line.offer}` : line.offer;
  return {
    ...base,
    measured: `${footprint} → ${layout} = ${fmtUsd(line.monthlyUsd)}/month${line.why ? ` (${line.why.split(':')[0]})` : ''}`,
    verdict: within(line.monthlyUsd, c.seedUsd) ? 'holds' : 'refuted',
    note: [rule(c.seedUsd), ...extra].join(' '),
  };
}

/** What the seed's own choice costs at this price book, for the note. */
function notes(c: LikesClaim, book: PriceBook, entries: PriceEntry[]): string[] {
  if (c.id === 'cost.likes-elasticache-1m') {
    const r6g = entries.find((e) => e.offer === 'cache.r6g.large' && e.unit === 'node-hour');
    if (r6g) return [`The seed's cache.r6g.large: ${fmtUsd(r6g.priceUsd * HOURS_PER_MONTH)}/month a node, ${fmtUsd(2 * r6g.priceUsd * HOURS_PER_MONTH)} for a primary and a replica (${book.source}).`];
  }
  if (c.id === 'cost.likes-redis-labs-1m' && !entries.some((e) => e.memoryGiB !== undefined && e.memoryGiB >= 0.9)) return [`The price book has no Redis Cloud plan of 1 GB to price the seed's plan with.`];
  if (c.id === 'cost.likes-upstash-1m') {
    const cmd = entries.find((e) => e.unit === 'million-requests');
    if (cmd) return [`Pay-as-you-go is priced per command and the seed gives no rate: each sustained like/s adds ${fmtUsd((cmd.priceUsd * HOURS_PER_MONTH * 3600) / 1e6)}/month.`];
  }
  return [];
}

/** The seed's tier sizes for its 300 GB compressed index (000 · Storage Calculations, "With Tiering": hot 50 GB, warm 100 GB, cold 150 GB), as shares of the index. */
const SEED_TIER_SHARES = { hot: 50 / 300, warm: 100 / 300, cold: 150 / 300 } as const;

/** The derived figure the search scenario reports (scenarios/search/index.ts): primaries' bytes / documents of the posts index. */
export const ES_BYTES_PER_POST = 'bytes per post (index)';

/**
 * Seed 000's Elasticsearch cost lines (000 · Storage Calculations (1M Posts Example) / Cost
 * Comparison (AWS)), priced from the search scenario's measured index bytes per post (the
 * derived figure ES_BYTES_PER_POST) scaled to 1M posts, one copy (one node, no replica):
 * - all hot: the cheapest hot-tier node of the book whose local storage holds that index,
 *   against the seed's ~$300 (i3.2xlarge for its 1 TB);
 * - optimized: the seed's own layout (one i3.large hot, one d2.xlarge warm, the cold share on
 *   S3 Standard, the tiers split as the seed splits its 300 GB), against its ~$90.
 * Not measurable in a run without that figure (every run but `capbench run search`).
 */
function esClaims(r: RunResult, book: PriceBook): ClaimResult[] {
  const node = (offer: string) => book.entries.find((e) => e.offer === offer && e.unit === 'node-hour');
  const s3 = book.entries.find((e) => e.unit === 'GB-month' && e.tier === 'cold');
  const i3x2 = node('i3.2xlarge');
  const i3 = node('i3.large');
  const d2 = node('d2.xlarge');
  const month = (e: PriceEntry) => e.priceUsd * HOURS_PER_MONTH;
  const seedOptimized = i3 && d2 && s3 ? month(i3) + month(d2) + 150 * s3.priceUsd : undefined;
  const seedAllHotNote = i3x2 ? ` The seed's i3.2xlarge costs ${fmtUsd(month(i3x2))}/month on demand at this price book.` : '';
  const seedOptimizedNote =
    seedOptimized !== undefined
      ? ` The seed's own layout as it sizes it (one i3.large hot, one d2.xlarge warm, 150 GB cold on S3 Standard) costs ${fmtUsd(month(i3!))} + ${fmtUsd(month(d2!))} + ${fmtUsd(150 * s3!.priceUsd)} = ${fmtUsd(seedOptimized)}/month on demand at this price book.`
      : '';
  const allHot = { id: 'cost.es-all-hot-1tb', source: ES_SOURCE, claim: 'All hot (1 TB): ~$300/month (i3.2xlarge)' };
  const optimized = { id: 'cost.es-optimized', source: ES_SOURCE, claim: 'Optimized: ~$90/month (hot i3.large, warm d2.xlarge, cold S3)' };
  const perPost = r.footprint.derived.find((d) => d.name === ES_BYTES_PER_POST)?.value ?? null;
  if (perPost === null || !(perPost > 0)) {
    const why = 'the Elasticsearch index footprint per post (which decides the 1 TB and the tier sizes) is measured by the search scenario (`capbench run search`), and this run has none';
    return [
      { ...allHot, measured: 'not measured in this run', verdict: 'not-measurable', note: `${why}.${seedAllHotNote}` },
      { ...optimized, measured: 'not measured in this run', verdict: 'not-measurable', note: `${why}.${seedOptimizedNote}` },
    ];
  }
  const indexBytes = perPost * POSTS_1M;
  const indexGiB = indexBytes / 2 ** 30;
  const footprint = `1M posts × ${fmtNum(perPost)} B = ${humanBytes(indexBytes)} of index (the seed: 1 TB)`;
  const basis = 'The index bytes per post are the run\'s posts index (primaries, as the run left it, one copy: one node, no replica) divided by its documents.';
  const hot = book.entries
    .filter((e) => e.stores.includes('elasticsearch') && e.unit === 'node-hour' && e.tier === 'hot' && e.storageGB !== undefined && e.storageGB >= indexGiB)
    .sort((a, b) => a.priceUsd - b.priceUsd)[0];
  const allHotClaim: ClaimResult = hot
    ? { ...allHot, measured: `${footprint} → one ${hot.offer} (${fmtNum(hot.storageGB!)} GiB local) = ${fmtUsd(month(hot))}/month`, verdict: within(month(hot), 300) ? 'holds' : 'refuted', note: `${rule(300)} ${basis}${seedAllHotNote}` }
    : { ...allHot, measured: `${footprint}: no hot-tier node in the price book holds it`, verdict: 'not-measurable', note: `${basis}${seedAllHotNote}` };
  let optimizedClaim: ClaimResult;
  if (i3 && d2 && s3) {
    const coldGiB = indexGiB * SEED_TIER_SHARES.cold;
    const usd = month(i3) + month(d2) + coldGiB * s3.priceUsd;
    const fitsOneNode = i3.storageGB !== undefined && i3.storageGB >= indexGiB;
    optimizedClaim = {
      ...optimized,
      measured: `${footprint}, tiered as the seed splits it (hot ${humanBytes(indexBytes * SEED_TIER_SHARES.hot)}, warm ${humanBytes(indexBytes * SEED_TIER_SHARES.warm)}, cold ${humanBytes(indexBytes * SEED_TIER_SHARES.cold)}) → i3.large ${fmtUsd(month(i3))} + d2.xlarge ${fmtUsd(month(d2))} + S3 ${fmtUsd(coldGiB * s3.priceUsd)} = ${fmtUsd(usd)}/month${fitsOneNode ? `; one i3.large alone holds the whole index for ${fmtUsd(month(i3))}/month` : ''}`,
      verdict: within(usd, 90) ? 'holds' : 'refuted',
      note: `${rule(90)} ${basis}${seedOptimizedNote}`,
    };
  } else {
    optimizedClaim = { ...optimized, measured: `${footprint}: the price book lacks i3.large, d2.xlarge or a cold GB-month entry`, verdict: 'not-measurable', note: basis };
  }
  return [allHotClaim, optimizedClaim];
}
