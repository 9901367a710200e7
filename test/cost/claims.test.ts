/** Seed 000's cost tables as claims: verdicts from the measured footprint at 1M keys, within a factor of 1.5. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COST_CLAIM_TOLERANCE, costClaims, loadPriceBook, parsePriceBook } from '../../reports/cost/index.js';
import { followsRun, likesRun, searchRun, storesOfPath } from './helpers.js';

const IDS = ['cost.likes-elasticache-1m', 'cost.likes-redis-labs-1m', 'cost.likes-upstash-1m', 'cost.es-all-hot-1tb', 'cost.es-optimized'];
const entry = (id: string, offer: string, priceUsd: number, memoryGiB: number) => ({
  id, provider: 'AWS', product: 'Amazon ElastiCache for Redis OSS', stores: ['redis'], offer, unit: 'node-hour', priceUsd, memoryGiB, usableMemoryFraction: 0.75, region: 'us-east-1', source: 'https://aws.amazon.com/elasticache/pricing/', readAt: '2026-11-29',
});
const bookOf = (...entries: unknown[]) => parsePriceBook(JSON.stringify({ currency: 'USD', entries }), 'claims-book.json');

test('a likes run gets the five cost claims with the ids the claims register uses', async () => {
  const claims = costClaims(likesRun(), await loadPriceBook(), { storesOfPath });
  assert.deepEqual(claims.map((c) => c.id), IDS);
  for (const c of claims) assert.ok(c.source.startsWith('000 · '), c.id);
  // 1M x 80 B: the built-in book's smallest fitting offers are far below the seed's figures.
  const ec = claims[0]!;
  assert.equal(ec.verdict, 'refuted');
  assert.equal(ec.measured, '1M posts × 80 B (likes.redis-counter) = 76.3 MiB, sized at 95.4 MiB → 2 × cache.t4g.micro = $23.36/month');
  assert.match(ec.note!, /within a factor of 1\.5 of the seed's \$300 \(\$200 to \$450\/month\)\. The seed's cache\.r6g\.large: \$150\/month a node, \$301 for a primary and a replica/);
  assert.match(claims[1]!.measured, /→ Essentials 250 MB = \$5\.00\/month \(keeps 1 copy of the data where the model asks for 2\)$/);
  assert.match(claims[2]!.measured, /→ Fixed 250MB = \$10\.00\/month \(keeps 1 copy/);
  assert.match(claims[2]!.note!, /each sustained like\/s adds \$5\.26\/month/);
  for (const c of claims.slice(3)) {
    assert.equal(c.verdict, 'not-measurable');
    assert.match(c.note!, /measured by the search scenario \(`capbench run search`\), and this run has none/);
  }
  assert.match(claims[3]!.note!, /The seed's i3\.2xlarge costs \$456\/month/);
  assert.match(claims[4]!.note!, /costs \$114 \+ \$504 \+ \$3\.45 = \$621\/month/);
});

test(`the verdict holds within a factor of ${COST_CLAIM_TOLERANCE} of the seed's figure and is refuted outside it`, () => {
  // Only cache.r6g.large in the book: 2 x 730 h x $0.206 = $300.76, the seed's ~$300.
  const only = bookOf(entry('r6g', 'cache.r6g.large', 0.206, 13.07));
  assert.equal(costClaims(likesRun(), only, { storesOfPath })[0]!.verdict, 'holds');
  // $0.31/h: 2 x 730 x 0.31 = $452.60, just above $450.
  assert.equal(costClaims(likesRun(), bookOf(entry('r6g', 'cache.r6g.large', 0.31, 13.07)), { storesOfPath })[0]!.verdict, 'refuted');
  // $0.137/h: $200.02, just inside.
  assert.equal(costClaims(likesRun(), bookOf(entry('r6g', 'cache.r6g.large', 0.137, 13.07)), { storesOfPath })[0]!.verdict, 'holds');
  // No Redis Cloud or Upstash entry in the book: not measurable, and the note says why.
  const rc = costClaims(likesRun(), only, { storesOfPath })[1]!;
  assert.equal(rc.verdict, 'not-measurable');
  assert.match(rc.note!, /has no Redis Cloud entry/);
});

test('without a measured footprint the likes claims are not measurable; a run without likes or search gets none', async () => {
  const book = await loadPriceBook();
  const noisy = costClaims(likesRun(-3), book, { storesOfPath });
  assert.deepEqual(noisy.slice(0, 3).map((c) => c.verdict), ['not-measurable', 'not-measurable', 'not-measurable']);
  assert.match(noisy[0]!.note!, /not above 0/);
  assert.deepEqual(costClaims(followsRun(), book, { storesOfPath }), []);
});

test('a search run prices the Elasticsearch claims from its index bytes per post at 1M posts, and gets no likes claims', async () => {
  const claims = costClaims(searchRun(420), await loadPriceBook(), { storesOfPath });
  assert.deepEqual(claims.map((c) => c.id), ['cost.es-all-hot-1tb', 'cost.es-optimized']);
  const [hot, tiered] = claims as [(typeof claims)[0], (typeof claims)[0]];
  // 1M x 420 B = 401 MiB: the cheapest hot i3 holding it is an i3.large, 730 h x $0.156.
  assert.equal(hot.measured, '1M posts × 420 B = 401 MiB of index (the seed: 1 TB) → one i3.large (442 GiB local) = $114/month');
  assert.equal(hot.verdict, 'refuted');
  assert.match(hot.note!, /The seed's i3\.2xlarge costs \$456\/month/);
  // The seed's layout: i3.large + d2.xlarge (730 h x $0.69) + half the index on S3 at $0.023/GB-month.
  assert.match(tiered.measured, /hot 66\.8 MiB, warm 134 MiB, cold 200 MiB\) → i3\.large \$114 \+ d2\.xlarge \$504 \+ S3 \$0\.00 = \$618\/month; one i3\.large alone holds the whole index for \$114\/month$/);
  assert.equal(tiered.verdict, 'refuted');
  // A hot node priced at ~$300/month that holds the index: the all-hot claim holds.
  const book = parsePriceBook(
    JSON.stringify({
      currency: 'USD',
      entries: [
        { id: 'h', provider: 'P', product: 'ES', stores: ['elasticsearch'], offer: 'h.big', unit: 'node-hour', priceUsd: 0.41, storageGB: 1000, tier: 'hot', region: 'r', source: 'https://example.com', readAt: '2026-01-15' },
        { id: 'h0', provider: 'P', product: 'ES', stores: ['elasticsearch'], offer: 'h.tiny', unit: 'node-hour', priceUsd: 0.01, storageGB: 0.1, tier: 'hot', region: 'r', source: 'https://example.com', readAt: '2026-01-15' },
      ],
    }),
    'es-book.json',
  );
  const [hot2, tiered2] = costClaims(searchRun(420), book, { storesOfPath });
  assert.equal(hot2!.verdict, 'holds', hot2!.measured);
  assert.match(hot2!.measured, /one h\.big \(1,000 GiB local\) = \$299\/month$/);
  assert.equal(tiered2!.verdict, 'not-measurable');
});
