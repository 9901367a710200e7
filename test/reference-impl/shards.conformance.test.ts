/**
 * The shards family's conformance suite: every path registered with family "shards" (no store)
 * runs the same cases through the ShardRouter contract: shards in range and deterministic, all
 * shards used on a uniform key set, resized() keeps the options, argument errors. The
 * per-strategy figures (balance, keys moved, hot shards) are the shard-sim scenario's.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from '../../core/errors.js';
import { pathsOf } from '../../reference-impl/registry.js';
import { ConsistentHashRouter, HashModRouter } from '../../reference-impl/shards/routers.js';
import type { StoreClients } from '../../targets/clients.js';

const NO_CLIENTS = { close: async () => undefined } as StoreClients;

for (const path of pathsOf('shards')) {
  describe(`shards conformance: ${path.id}`, () => {
    test('shardOf is deterministic, in 0..N-1, and every shard gets keys of a uniform set', async () => {
      const r = path.open(NO_CLIENTS, { shards: 50, keySpace: 100_000 });
      await r.setup();
      assert.equal(r.shards, 50);
      const seen = new Set<number>();
      for (let k = 0; k < 100_000; k += 7) {
        const s = r.shardOf(k);
        assert.ok(Number.isInteger(s) && s >= 0 && s < 50, `shard ${s} of key ${k}`);
        assert.equal(r.shardOf(k), s);
        seen.add(s);
      }
      assert.equal(seen.size, 50);
    });

    test('resized() keeps the other options and changes N', () => {
      const r = path.open(NO_CLIENTS, { shards: 10, keySpace: 1000, vnodes: 20 }).resized(11);
      assert.equal(r.shards, 11);
      assert.equal(r.path, path.id);
      for (let k = 0; k < 1000; k++) assert.ok(r.shardOf(k) < 11);
    });

    test('bad keys and options are InvalidArgumentErrors naming the path', () => {
      const bad = (e: unknown) => e instanceof InvalidArgumentError && e.path === path.id;
      const r = path.open(NO_CLIENTS, { shards: 10, keySpace: 1000 });
      assert.throws(() => r.shardOf(-1), bad);
      assert.throws(() => r.shardOf(1.5), bad);
      assert.throws(() => path.open(NO_CLIENTS, { shards: 0 }), bad);
    });
  });
}

test('hash % N is the seed\'s post_id % 2000; consistent hashing moves about 1/(N+1) of keys when a shard is added, hash % N most of them', () => {
  const mod = new HashModRouter({ shards: 2000 });
  assert.equal(mod.shardOf(123_456_789), 123_456_789 % 2000);
  const ring = new ConsistentHashRouter({ shards: 20, vnodes: 100 });
  const ring2 = ring.resized(21);
  const mod20 = new HashModRouter({ shards: 20 });
  const mod21 = mod20.resized(21);
  let ringMoved = 0;
  let modMoved = 0;
  const n = 50_000;
  for (let k = 0; k < n; k++) {
    const a = ring.shardOf(k);
    const b = ring2.shardOf(k);
    if (a !== b) {
      ringMoved++;
      assert.equal(b, 20, 'a key only ever moves to the new shard');
    }
    if (mod20.shardOf(k) !== mod21.shardOf(k)) modMoved++;
  }
  assert.ok(ringMoved / n > 0.02 && ringMoved / n < 0.09, `ring moved ${ringMoved / n} (1/21 = 0.048)`);
  assert.ok(modMoved / n > 0.9, `hash % N moved ${modMoved / n}`);
});
