/**
 * The run phase of a workload file, one per engine thread: opens each path of the workload on
 * this thread's clients, draws each operation's keys from its distribution (workloads/keys.ts,
 * seeded from --seed, the thread and the operation), and picks the operation of each arrival by
 * its share of the arrival rate. The first thread also runs what a path needs beside the load
 * (feed: a fan-out worker), on connections of its own.
 */
import { mulberry32 } from '../engine/schedule.js';
import type { Operation, OpStatus, Workload } from '../engine/types.js';
import { getStoragePath, openStoragePath, storesOf } from '../reference-impl/registry.js';
import { openStoreClients } from '../targets/clients.js';
import { vocabulary, QUERY_SKIP_RANKS } from '../scenarios/search/corpus.js';
import type { WorkloadArgs } from '../scenarios/types.js';
import type { WorkloadOptions } from './file.js';
import { WORD_KEYS } from './file.js';
import { keyChooser } from './keys.js';
import { familyOps } from './ops/index.js';
import type { OpEnv } from './ops/types.js';
import { pathsOf } from './scenario.js';

/**
 * Create this thread's workload (called by the engine in the thread).
 * @throws TargetUnreachableError when a store does not answer; the path's error when setup fails.
 */
export async function createWorkload(args: WorkloadArgs<WorkloadOptions>, thread: { index: number; count: number }): Promise<Workload> {
  const w = args.options;
  const paths = pathsOf(w);
  const clients = await openStoreClients(args.connections, storesOf(paths.map((p) => p.path)), { pgPoolSize: 16 });
  const impls = new Map<string, unknown>();
  const stops: (() => Promise<void>)[] = [];
  try {
    for (const p of paths) {
      const options = familyOps(p.family).pathOptions(w.namespace) as never;
      impls.set(p.path, await openStoragePath(p.family, p.path, clients, options));
      const background = familyOps(p.family).background;
      if (thread.index !== 0 || !background) continue;
      // Its own connections: a fan-out worker's blocking XREADGROUP must not queue the measured operations behind it.
      const own = await openStoreClients(args.connections, getStoragePath(p.path).stores);
      const bg = background((await openStoragePath(p.family, p.path, own, options)) as never, 'wl-run');
      if (!bg) await own.close();
      else
        stops.push(async () => {
          await bg();
          await own.close();
        });
    }
  } catch (err) {
    for (const s of stops) await s();
    await clients.close();
    throw err;
  }
  const rand = mulberry32((args.seed * 7919 + thread.index * 104_729) ^ 0x2545f491);
  const counters = { post: 0, user: 0 };
  const needsWords = w.operations.some((o) => o.entity === 'word');
  const words = needsWords ? vocabulary() : [];
  const env: OpEnv = {
    rand,
    users: w.data.users,
    posts: w.data.posts,
    newId: (entity) => (entity === 'post' ? w.data.posts : w.data.users) + thread.index + thread.count * counters[entity]++,
    word: (k) => words[Math.min(words.length - 1, QUERY_SKIP_RANKS + k)]!,
  };
  const operations: Operation[] = w.operations.map((o, i) => {
    const n = o.entity === 'post' ? w.data.posts : o.entity === 'user' ? w.data.users : Math.min(WORD_KEYS, words.length - QUERY_SKIP_RANKS);
    const keys = keyChooser(o.keys, n, args.seed * 7919 + thread.index * 131 + i * 104_729, thread);
    const def = familyOps(o.family).ops.find((d) => d.name === o.op)!;
    const impl = impls.get(o.path);
    return { name: o.name, path: o.path, run: (): Promise<OpStatus | void> => def.run(impl as never, keys.next(), env) };
  });
  const cumulative: number[] = [];
  w.operations.reduce((acc, o, i) => (cumulative[i] = acc + o.share), 0);
  cumulative[cumulative.length - 1] = 1;
  return {
    operations,
    pick() {
      const u = rand();
      let k = 0;
      while (k < cumulative.length - 1 && u >= cumulative[k]!) k++;
      return operations[k]!;
    },
    close: async () => {
      for (const s of stops) await s();
      await clients.close();
    },
  };
}
