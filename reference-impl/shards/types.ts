/**
 * The contract of the shards family: a shard router, the piece of an application (or proxy)
 * that maps a key to one of N shards (seed 001 "Database Sharding Strategy": post_id % 2000,
 * user_id % 200; 002 "Sharding Strategies": hash, range, consistent hashing; 003 "Consistent
 * Hashing ... Virtual nodes improve distribution"). No store: the paths run in process, and the
 * shard-sim scenario measures their balance, resharding moves and hot shards over the
 * scenarios' key streams. One conformance suite (test/reference-impl/shards.conformance.test.ts).
 */

/** Options a shard router is opened with. */
export interface ShardRouterOptions {
  /** Shards, 1..100000; default 2000 (seed 001: post_id % 2000). */
  shards?: number;
  /** shards.range: keys are 0..keySpace-1, cut into `shards` equal ranges; default 1000000. */
  keySpace?: number;
  /** shards.consistent-hash: positions of each shard on the ring, 1..1000; default 100. */
  vnodes?: number;
}

/** A key-to-shard map. Semantics: shardOf is a pure function of (options, key), in 0..shards-1. */
export interface ShardRouter {
  /** Storage path id, e.g. "shards.hash-mod". */
  readonly path: string;
  /** Shards this router maps to. */
  readonly shards: number;
  /** Nothing to create; resolves at once (the family contract's shape). */
  setup(): Promise<void>;
  /** The shard of a non-negative integer key (post_id, user_id). @throws InvalidArgumentError for a key that is not a non-negative safe integer (range: or >= keySpace). */
  shardOf(key: number): number;
  /** The same router with `shards` shards (everything else equal): for "keys moved when adding a shard". */
  resized(shards: number): ShardRouter;
}
