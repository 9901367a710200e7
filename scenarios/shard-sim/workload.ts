/**
 * The run phase of shard-sim: each arrival routes the next key of the zipfian likes stream
 * through one of the three routers (in turn), as an application's data-access layer does before
 * every query. No store: the latency is the router's (hash and ring lookup), for the report's
 * "what routing costs" line; the balance figures come from verify() over the whole streams.
 */
import { bindOperations, type Workload } from '../../engine/types.js';
import { openStoragePath } from '../../reference-impl/registry.js';
import type { ShardRouter } from '../../reference-impl/shards/types.js';
import { zipfian } from '../common/zipf.js';
import type { WorkloadArgs } from '../types.js';
import { ROUTERS, shardSimOperations, type ShardSimOptions } from './options.js';

/** This thread's workload (no connections). */
export async function createWorkload(args: WorkloadArgs<ShardSimOptions>, thread: { index: number; count: number }): Promise<Workload> {
  const o = args.options;
  const none = { close: async () => undefined };
  const routers: ShardRouter[] = [];
  for (const id of ROUTERS) routers.push(await openStoragePath('shards', id, none, { shards: o.postShards, keySpace: o.posts, vnodes: o.vnodes }));
  const keys = zipfian(o.posts, o.zipfS, args.seed * 7919 + thread.index);
  const route = (r: ShardRouter) => async () => {
    r.shardOf(keys.next());
  };
  const specs = shardSimOperations(o);
  const operations = bindOperations(specs, Object.fromEntries(specs.map((s, i) => [s.name, route(routers[i]!)])));
  return { operations, pick: (seq) => operations[seq % operations.length]!, close: async () => undefined };
}
