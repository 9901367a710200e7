/**
 * The cost model on fixed fixtures and a fixed small price book: the expected $/month is worked
 * out by hand in each test (730 h a month; GB = 2^30 bytes; 1.25x overhead; Redis: 2 copies,
 * one command thread a shard; PostgreSQL: 1 copy, one I/O per write).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CostSchema } from '../../core/results.js';
import { applyCost, loadPriceBook, measureEntity, measureRate, projectCost } from '../../reports/cost/index.js';
import { followsRun, likesRun, smallBook, storesOfPath } from './helpers.js';

test('posts only: the smallest fitting node, with a replica; a request-priced product without a rate is not priced', () => {
  const cost = projectCost(likesRun(), smallBook(), { posts: 10_000_000 }, { storesOfPath });
  CostSchema.parse(cost);
  // 10M x 80 B = 8e8 B of data, sized 1e9 B. a.small gives 0.375 GiB = 402,653,184 B usable: 3 shards;
  // a.large 3 GiB usable: 1 shard. Fewest shards first: a.large x 2 copies x 730 h x $0.10 = $146.00.
  assert.deepEqual(cost.needs[0], { store: 'redis', dataBytes: 8e8, sizedBytes: 1e9, copies: 2, opsPerSec: 0, cores: null, iops: 0 });
  const cache = cost.lines.find((l) => l.product === 'Cache A')!;
  assert.equal(cache.offer, 'a.large');
  assert.equal(cache.shards, 1);
  assert.equal(cache.nodes, 2);
  assert.equal(cache.monthlyUsd, 146);
  assert.equal(cache.chosen, true);
  assert.deepEqual(cache.items.map((i) => [i.entry, i.quantity, i.monthlyUsd, i.source, i.readAt]), [['a.large', 1460, 146, 'https://example.com/pricing', '2026-01-15']]);
  const srv = cost.lines.find((l) => l.product === 'Serverless')!;
  assert.equal(srv.monthlyUsd, null);
  assert.match(srv.why!, /priced per request, and the scale names no rate served by redis/);
  assert.equal(cost.totalMonthlyUsd, 146);
  assert.equal(cost.hoursPerMonth, 730);
  assert.deepEqual(cost.priceBook, { source: 'small-book.json', entries: 8, readFrom: '2026-01-15', readTo: '2026-01-15', regions: ['test-1'] });
  assert.ok(cost.assumptions.some((a) => /^posts: 10,000,000 × 80 B = 763 MiB on redis; bytes per entity measured: the run's "bytes per post counter" = 80 B/.test(a)), cost.assumptions.join('\n'));
  assert.ok(cost.assumptions.some((a) => /copies: 2, a primary and one failover replica per shard \(seed 000/.test(a)));
});

test('posts and a like rate: cores from the best measured second shard Redis; the serverless product is priced per command', () => {
  const cost = projectCost(likesRun(), smallBook(), { posts: 10_000_000, likesPerSec: 10_000 }, { storesOfPath });
  // like peaked at 4,000 ops/s on one core: 10,000 likes/s need 2.5 cores -> 3 shards (one command thread each).
  // a.small: max(3 data shards, 3) = 3 shards x 2 copies = 6 x 730 h x $0.01 = $43.80; a.large: 3 shards x 2 x 730 x $0.10 = $438.
  assert.equal(cost.needs[0]!.cores, 2.5);
  const cache = cost.lines.find((l) => l.product === 'Cache A')!;
  assert.deepEqual([cache.offer, cache.shards, cache.nodes, cache.monthlyUsd], ['a.small', 3, 6, 43.8]);
  // Serverless: 8e8 B = 0.745 GB stored, under the free 1 GB: $0; 10,000/s x 2,628,000 s = 26,280 million commands x $1.
  const srv = cost.lines.find((l) => l.product === 'Serverless')!;
  assert.equal(srv.monthlyUsd, 26_280);
  assert.deepEqual(srv.items.map((i) => [i.entry, i.quantity, i.monthlyUsd]), [['srv.data', 0, 0], ['srv.cmd', 26_280, 26_280]]);
  assert.equal(cost.totalMonthlyUsd, 43.8);
  assert.ok(cost.assumptions.some((a) => /^likesPerSec: 10,000 ops\/s on redis needs 2\.5 server cores at 4,000 ops\/s per core \(like: highest 4,000 ops\/s/.test(a)), cost.assumptions.join('\n'));
});

test('PostgreSQL: storage with its minimum, IOPS above the baseline, vCPUs for the rate; follows from users x followsPerUser', () => {
  const r = followsRun();
  // follows = 1e9 edges x 100 B = 1e11 B, sized 1.25e11 B = 116.4 GiB -> a 117 GB volume x $0.10 = $11.70.
  // 5,000 follows/s at 1,000 per core = 5 cores: db.small (2 vCPU) takes 3 shards, db.big (8 vCPU) one: 730 h x $0.20 = $146.
  // One I/O per follow: 5,000 IOPS, 2,000 above the 3,000 baseline x $0.01 = $20. Total $177.70.
  const cost = projectCost(r, smallBook(), { follows: 1e9, followsPerSec: 5000 }, { storesOfPath });
  const db = cost.lines.find((l) => l.product === 'DB')!;
  assert.deepEqual([db.offer, db.shards, db.nodes, db.monthlyUsd], ['db.big', 1, 1, 177.7]);
  assert.deepEqual(db.items.map((i) => [i.entry, i.quantity, i.monthlyUsd]), [['db.big', 730, 146], ['db.storage', 117, 11.7], ['db.iops', 2000, 20]]);
  assert.deepEqual(cost.needs[0], { store: 'postgres', dataBytes: 1e11, sizedBytes: 1.25e11, copies: 1, opsPerSec: 5000, cores: 5, iops: 5000 });
  assert.equal(cost.totalMonthlyUsd, 177.7);

  // users: (users + user_stats tables and their indexes, 200,000 B) / 1,000 users = 200 B; follows not named: 1e6 x 10.
  // 2e8 + 1e9 x ... : 1e6 users x 200 B + 1e7 edges x 100 B = 1.2e9 B, sized 1.5e9 B = 1.397 GiB -> the 20 GB minimum x $0.10 = $2;
  // no rate: the smallest node, db.small 730 h x $0.02 = $14.60. Total $16.60.
  const small = projectCost(r, smallBook(), { users: 1e6 }, { storesOfPath });
  assert.equal(small.needs[0]!.dataBytes, 1.2e9);
  const line = small.lines.find((l) => l.product === 'DB')!;
  assert.deepEqual([line.offer, line.monthlyUsd], ['db.small', 16.6]);
  assert.ok(small.assumptions.some((a) => /^follows: not named, so users × the run's followsPerUser \(10\) = 10,000,000 edges\./.test(a)));
  assert.ok(small.assumptions.some((a) => /^users: 1,000,000 × 200 B .*users \+ user_stats tables and their indexes after seeding/.test(a)));
  assert.equal(small.scale.follows, undefined, 'the scale records what the user named');
});

test('what a run did not measure is said, not projected', () => {
  const run = likesRun(-12.5);
  const cost = projectCost(run, smallBook(), { posts: 1e6, users: 1e6, followsPerSec: 10 }, { storesOfPath });
  assert.deepEqual(cost.lines, []);
  assert.equal(cost.totalMonthlyUsd, 0);
  assert.ok(cost.assumptions.some((a) => /^posts: not projected: the run's "bytes per post counter" is -12\.5 B, not above 0/.test(a)), cost.assumptions.join('\n'));
  assert.ok(cost.assumptions.some((a) => /^users: not projected: this run \(viral-like-spike\) does not exercise follows paths/.test(a)));
  assert.ok(cost.assumptions.some((a) => /^followsPerSec: not projected: this run \(viral-like-spike\) has no follow operation/.test(a)));
  assert.ok(cost.assumptions.some((a) => /^no store was projected/.test(a)));
  assert.equal(measureEntity(followsRun(), 'posts', storesOfPath).store, null);
  assert.equal(measureRate(likesRun(), 'likesPerSec', storesOfPath).opsPerCore, 4000);
});

test('a store no product fits is a line with the reason; the built-in book sizes ElastiCache with its 25 % reserve', async () => {
  const book = smallBook();
  // A book with only a request-priced product and a scale without a rate: one line saying why, nothing counted.
  const huge = projectCost(likesRun(), { ...book, entries: book.entries.filter((e) => e.id === 'srv.cmd' || e.id === 'srv.data') }, { posts: 1e11 }, { storesOfPath });
  assert.equal(huge.lines.length, 1);
  assert.match(huge.lines[0]!.why!, /priced per request/);
  assert.equal(huge.totalMonthlyUsd, 0);
  const builtIn = await loadPriceBook();
  const cost = projectCost(likesRun(), builtIn, { posts: 1e6 }, { storesOfPath });
  // 1M x 80 B = 8e7 B, sized 1e8 B: cache.t4g.micro (0.5 GiB x 0.75 = 402,653,184 B) fits one shard; 2 nodes x 730 h x $0.016 = $23.36.
  const ec = cost.lines.find((l) => /ElastiCache/.test(l.product))!;
  assert.deepEqual([ec.offer, ec.nodes, ec.monthlyUsd, ec.chosen], ['cache.t4g.micro', 2, 23.36, true]);
  // Redis Cloud Essentials 250 MB ($5) is cheaper, but keeps one copy where the model asks for two: not counted.
  const rc = cost.lines.find((l) => l.product === 'Redis Cloud Essentials')!;
  assert.deepEqual([rc.offer, rc.monthlyUsd, rc.chosen], ['Essentials 250 MB', 5, false]);
  assert.match(rc.why!, /^keeps 1 copy of the data where the model asks for 2: not like for like/);
  assert.equal(cost.totalMonthlyUsd, 23.36);
  // With nothing else priced, the one-copy plan is counted (and says why it is not like for like).
  const plansOnly = projectCost(likesRun(), { ...builtIn, entries: builtIn.entries.filter((e) => e.product === 'Redis Cloud Essentials') }, { posts: 1e6 }, { storesOfPath });
  assert.deepEqual([plansOnly.lines[0]!.chosen, plansOnly.totalMonthlyUsd], [true, 5]);
});

test('applyCost adds the cost and replaces earlier cost claims, leaving the others', () => {
  const r = likesRun();
  r.claims.push({ id: 'cost.likes-upstash-1m', source: 'old', claim: 'old', measured: 'old', verdict: 'holds' });
  const out = applyCost(r, { priceBook: smallBook(), scale: { posts: 1e6 }, storesOfPath });
  assert.ok(out.cost);
  assert.equal(out.claims.filter((c) => c.id === 'cost.likes-upstash-1m').length, 1);
  assert.notEqual(out.claims.find((c) => c.id === 'cost.likes-upstash-1m')!.source, 'old');
  assert.ok(out.claims.some((c) => c.id === 'viral-spike-10k'), 'the scenario claims stay');
  const noScale = applyCost(out, { priceBook: smallBook(), storesOfPath });
  assert.deepEqual(noScale.cost, out.cost, 'without a scale the cost is kept');
});
