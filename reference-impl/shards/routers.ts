/**
 * The three shard routers (reference-impl/shards/types.ts), each one registered path:
 * - shards.hash-mod: shard = key % N (seed 001 "Shard Selection: post_id % 2000", "user_id % 200";
 *   004 tweet_id % 1000, user_id % 100). Changing N moves about N/(N+1) of the keys.
 * - shards.range: N equal ranges of 0..keySpace-1 (seed 002 "RANGE-BASED SHARDING"; 003
 *   "Range-Based"): new ids all land on the last shard, resizing re-cuts every boundary.
 * - shards.consistent-hash: a ring of N x vnodes points (32-bit FNV-1a of "shard#vnode",
 *   avalanched), a key (hashed the same way) goes to the next point clockwise (seed 002
 *   "CONSISTENT HASHING ... only moves ~1/N of the data"; 003 "Virtual nodes improve distribution").
 */
import { InvalidArgumentError } from '../../core/errors.js';
import { defineStoragePath } from '../path.js';
import type { ShardRouter, ShardRouterOptions } from './types.js';

function checkInt(path: string, name: string, v: number, lo: number, hi: number): number {
  if (!Number.isSafeInteger(v) || v < lo || v > hi) throw new InvalidArgumentError(path, `${name} must be an integer in ${lo}..${hi}, got ${v}`);
  return v;
}

function checkKey(path: string, key: number): void {
  if (!Number.isSafeInteger(key) || key < 0) throw new InvalidArgumentError(path, `key must be a non-negative safe integer, got ${key}`);
}

/** 32-bit FNV-1a of a string's UTF-16 code units, finished with murmur3's fmix32 (so nearby inputs spread). */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** shards.hash-mod: key % N. */
export class HashModRouter implements ShardRouter {
  readonly path = 'shards.hash-mod';
  readonly shards: number;
  constructor(private readonly o: ShardRouterOptions = {}) {
    this.shards = checkInt(this.path, 'shards', o.shards ?? 2000, 1, 100_000);
  }
  async setup(): Promise<void> {}
  shardOf(key: number): number {
    checkKey(this.path, key);
    return key % this.shards;
  }
  resized(shards: number): ShardRouter {
    return new HashModRouter({ ...this.o, shards });
  }
}

/** shards.range: N equal ranges of [0, keySpace). */
export class RangeRouter implements ShardRouter {
  readonly path = 'shards.range';
  readonly shards: number;
  readonly keySpace: number;
  constructor(private readonly o: ShardRouterOptions = {}) {
    this.shards = checkInt(this.path, 'shards', o.shards ?? 2000, 1, 100_000);
    this.keySpace = checkInt(this.path, 'keySpace', o.keySpace ?? 1_000_000, this.shards, Number.MAX_SAFE_INTEGER);
  }
  async setup(): Promise<void> {}
  shardOf(key: number): number {
    checkKey(this.path, key);
    if (key >= this.keySpace) throw new InvalidArgumentError(this.path, `key ${key} is outside the key space 0..${this.keySpace - 1}`);
    return Math.floor((key * this.shards) / this.keySpace);
  }
  resized(shards: number): ShardRouter {
    return new RangeRouter({ ...this.o, shards });
  }
}

/** shards.consistent-hash: a ring with `vnodes` points per shard; a key goes to the first point at or after its hash (wrapping). */
export class ConsistentHashRouter implements ShardRouter {
  readonly path = 'shards.consistent-hash';
  readonly shards: number;
  readonly vnodes: number;
  private readonly points: Uint32Array;
  private readonly owner: Int32Array;
  constructor(private readonly o: ShardRouterOptions = {}) {
    this.shards = checkInt(this.path, 'shards', o.shards ?? 2000, 1, 100_000);
    this.vnodes = checkInt(this.path, 'vnodes', o.vnodes ?? 100, 1, 1000);
    const n = this.shards * this.vnodes;
    const pts: Array<[number, number]> = new Array(n);
    for (let s = 0, i = 0; s < this.shards; s++) for (let v = 0; v < this.vnodes; v++) pts[i++] = [hash32(`shard-${s}#${v}`), s];
    pts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    this.points = Uint32Array.from(pts, (p) => p[0]);
    this.owner = Int32Array.from(pts, (p) => p[1]);
  }
  async setup(): Promise<void> {}
  shardOf(key: number): number {
    checkKey(this.path, key);
    const h = hash32(String(key));
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.points[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    return this.owner[lo === this.points.length ? 0 : lo]!;
  }
  resized(shards: number): ShardRouter {
    return new ConsistentHashRouter({ ...this.o, shards });
  }
}

const SEED_SHARDING = { doc: '001', section: 'Database Sharding Strategy' };

/** The registration of shards.hash-mod. */
export const hashModPath = defineStoragePath({
  id: 'shards.hash-mod',
  family: 'shards',
  stores: [],
  seed: [SEED_SHARDING, { doc: '004', section: 'Database Sharding Strategy' }],
  summary: 'no store: shard = key % N (post_id % 2000, user_id % 200)',
  open: (_clients, o = {}) => new HashModRouter(o),
});

/** The registration of shards.range. */
export const rangePath = defineStoragePath({
  id: 'shards.range',
  family: 'shards',
  stores: [],
  seed: [{ doc: '002', section: 'Sharding / Sharding Strategies (range-based)' }, { doc: '003', section: 'Sharding / Hash-Based vs Range-Based Sharding' }],
  summary: 'no store: N equal ranges of the key space',
  open: (_clients, o = {}) => new RangeRouter(o),
});

/** The registration of shards.consistent-hash. */
export const consistentHashPath = defineStoragePath({
  id: 'shards.consistent-hash',
  family: 'shards',
  stores: [],
  seed: [{ doc: '002', section: 'Sharding / Sharding Strategies (consistent hashing)' }, { doc: '003', section: 'Sharding / Consistent Hashing' }],
  summary: 'no store: hash ring with virtual nodes (100 per shard by default), next point clockwise',
  open: (_clients, o = {}) => new ConsistentHashRouter(o),
});
