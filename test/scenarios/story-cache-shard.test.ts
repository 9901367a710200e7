/**
 * stories, caches, shard-sim and mixed-social beyond the smoke matrix: shard-sim's figures on
 * known inputs (pure), the mix picker's shares, and bad options refused in one line with exit 2
 * before any work starts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { balanceOf, graphPerShard, likesPerShard, movedOnAdd } from '../../scenarios/shard-sim/analysis.js';
import { ConsistentHashRouter, HashModRouter, RangeRouter } from '../../reference-impl/shards/routers.js';
import { FanOutGraph } from '../../scenarios/fan-out/graph.js';
import { mixPicker, normaliseMix } from '../../scenarios/common/mix.js';
import { driven, mixedOperations, MixedSocialOptions } from '../../scenarios/mixed-social/options.js';
import { capbench } from '../fixtures/cli.js';

test('balanceOf: max/mean, hottest shard and its share', () => {
  const b = balanceOf([1, 1, 6, 0]);
  assert.equal(b.max, 6);
  assert.equal(b.mean, 2);
  assert.equal(b.maxOverMean, 3);
  assert.equal(b.hottest, 2);
  assert.equal(b.hottestShare, 0.75);
  assert.deepEqual(b.sorted, [6, 1, 1, 0]);
});

test('shard-sim figures: posts even under % N, zipfian likes not; range moves half when N grows by one at N = 1; the celebrity is one hot shard', () => {
  const mod = new HashModRouter({ shards: 10 });
  const range = new RangeRouter({ shards: 10, keySpace: 10_000 });
  const r = likesPerShard([mod, range], { posts: 10_000, likes: 20_000, zipfS: 0.99, seed: 3 });
  assert.equal(r.data[0]!.maxOverMean, 1, 'post ids 0..9999 % 10: 1000 each');
  assert.equal(r.data[1]!.maxOverMean, 1);
  assert.ok(r.load[0]!.maxOverMean > 1.2, `zipfian likes are uneven: ${r.load[0]!.maxOverMean}`);
  assert.ok(r.load[1]!.hottestShare > r.load[0]!.hottestShare, 'range puts the hottest (lowest) ids on one shard');
  assert.ok(Math.abs(movedOnAdd(new HashModRouter({ shards: 1 }), 10_000, 10_000) - 0.5) < 0.01, '1 → 2 shards under % N moves the odd keys');
  const ring = movedOnAdd(new ConsistentHashRouter({ shards: 50, vnodes: 100 }), 100_000, 20_000);
  assert.ok(ring > 0.005 && ring < 0.05, `ring 50 → 51 moves about 2%: ${ring}`);
  const g = new FanOutGraph({ users: 3000, authors: 50, celebrityFollowers: 2000, minFollowers: 5, maxFollowers: 100, alpha: 2.276, seed: 1 });
  const s = graphPerShard(new HashModRouter({ shards: 20 }), g);
  assert.equal(s.celebrityShard, 0);
  assert.equal(s.edges, g.edges());
  assert.ok(s.followersRows.sorted[0]! >= 2000, 'the celebrity\'s 2000 followers rows sit on its shard');
  assert.ok(s.fanoutWrites.maxOverMean < 1.5, `fan-out writes spread: ${s.fanoutWrites.maxOverMean}`);
});

test('the mix picker keeps every operation near its share in any window', () => {
  const mix = normaliseMix([{ op: 'a', share: 90 }, { op: 'b', share: 9 }, { op: 'c', share: 1 }, { op: 'd', share: 0 }]);
  assert.deepEqual(mix.map((m) => m.op), ['a', 'b', 'c']);
  const pick = mixPicker(mix, 0.3);
  const n = [0, 0, 0];
  for (let i = 0; i < 1000; i++) n[pick(i)]!++;
  assert.ok(Math.abs(n[0]! - 900) <= 3 && Math.abs(n[1]! - 90) <= 3 && Math.abs(n[2]! - 10) <= 3, `counts ${n}`);
});

test('mixed-social declares one operation per (driven op, step)', () => {
  const o = MixedSocialOptions.parse({ scales: '0.01,0.02' });
  const ops = mixedOperations(o);
  assert.equal(ops.length, driven().ops.length * 2);
  assert.ok(ops.some((x) => x.name === 'like_s2' && x.path === 'likes.redis-counter'));
});

test('bad options: one line, exit 2, before any work', async () => {
  for (const [scenario, opt, word] of [
    ['stories', 'ttlS=0', 'ttlS'],
    ['stories', 'hllViewers=10,abc', 'hllViewers'],
    ['caches', 'path=caches.nope', 'path'],
    ['shard-sim', 'celebrityFollowers=5000000', 'celebrityFollowers'],
    ['mixed-social', 'scales=0', 'scales'],
  ] as const) {
    const r = await capbench(['run', scenario, '-o', opt, '--duration', '1s']);
    assert.equal(r.code, 2, `${scenario} -o ${opt}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(word));
    assert.equal(r.stderr.trim().split('\n').length <= 2, true, `one line (and a hint): ${r.stderr}`);
  }
});
