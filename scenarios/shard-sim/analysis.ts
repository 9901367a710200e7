/**
 * shard-sim's figures, computed in process over the scenarios' key streams (pure; no I/O):
 * load and data per shard under each router (max/mean), keys moved when a shard is added, and
 * the celebrity's hot shard under user_id % N (seeds 001/004 "Database Sharding Strategy";
 * 002 "Sharding Strategies", "The Pain Points of Sharding"; 003 "Consistent Hashing").
 */
import type { ShardRouter } from '../../reference-impl/shards/types.js';
import { zipfian } from '../common/zipf.js';
import { CELEBRITY, FanOutGraph } from '../fan-out/graph.js';

/** Balance of one distribution over shards. */
export interface Balance {
  /** Items on the busiest shard. */
  max: number;
  /** Mean items per shard. */
  mean: number;
  /** max / mean: 1 is perfectly even. */
  maxOverMean: number;
  /** Index of the busiest shard. */
  hottest: number;
  /** Share of all items on the busiest shard, 0..1. */
  hottestShare: number;
  /** Per-shard counts, descending (for the chart). */
  sorted: number[];
}

/** Balance of per-shard counts. */
export function balanceOf(counts: ArrayLike<number>): Balance {
  let max = -1;
  let hottest = 0;
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    total += counts[i]!;
    if (counts[i]! > max) {
      max = counts[i]!;
      hottest = i;
    }
  }
  const mean = total / counts.length;
  const sorted = Array.from(counts).sort((a, b) => b - a);
  return { max, mean, maxOverMean: mean > 0 ? max / mean : 0, hottest, hottestShare: total > 0 ? max / total : 0, sorted };
}

/** Likes (zipfian over posts 0..posts-1) and posts (each id once) per shard, for each router. */
export function likesPerShard(routers: readonly ShardRouter[], o: { posts: number; likes: number; zipfS: number; seed: number }): { load: Balance[]; data: Balance[]; hottestPostShare: number } {
  const load = routers.map((r) => new Float64Array(r.shards));
  const data = routers.map((r) => new Float64Array(r.shards));
  const keys = zipfian(o.posts, o.zipfS, o.seed);
  let top = 0;
  for (let i = 0; i < o.likes; i++) {
    const k = keys.next();
    if (k === 0) top++;
    routers.forEach((r, j) => load[j]![r.shardOf(k)]!++);
  }
  for (let k = 0; k < o.posts; k++) routers.forEach((r, j) => data[j]![r.shardOf(k)]!++);
  return { load: load.map(balanceOf), data: data.map(balanceOf), hottestPostShare: top / o.likes };
}

/** Share of `keys` (sampled evenly from 0..keySpace-1) whose shard changes from N to N+1 shards. */
export function movedOnAdd(router: ShardRouter, keySpace: number, sample: number): number {
  const next = router.resized(router.shards + 1);
  let moved = 0;
  const step = keySpace / sample;
  for (let i = 0; i < sample; i++) {
    const k = Math.floor(i * step);
    if (router.shardOf(k) !== next.shardOf(k)) moved++;
  }
  return moved / sample;
}

/** The fan-out graph's rows and writes per user shard. */
export interface GraphShards {
  /** followers rows per shard, partitioned by the followee's user_id (001 "Followers Table"). */
  followersRows: Balance;
  /** user_feed rows written when every author (celebrity included) posts once, partitioned by the follower (fan-out on write). */
  fanoutWrites: Balance;
  /** Shard of the celebrity (its profile, followers partition and every read of them). */
  celebrityShard: number;
  edges: number;
}

/** Route the fan-out graph's partitions (scenarios/fan-out/graph.ts) through a user router. */
export function graphPerShard(router: ShardRouter, g: FanOutGraph): GraphShards {
  const rows = new Float64Array(router.shards);
  const writes = new Float64Array(router.shards);
  let edges = 0;
  for (let a = 0; a <= g.authors; a++) {
    const d = g.followerCount(a);
    rows[router.shardOf(a)]! += d;
    for (let i = 0; i < d; i++) writes[router.shardOf(g.follower(a, i))]!++;
    edges += d;
  }
  return { followersRows: balanceOf(rows), fanoutWrites: balanceOf(writes), celebrityShard: router.shardOf(CELEBRITY), edges };
}
