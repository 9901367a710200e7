/**
 * The run phase of viral-like-spike, one per thread: likes on a zipfian key set, and during
 * the spike window a share of them on the one viral post (seed 000, "Likes System").
 */
import { createLikeCounter, type LikeCounter } from '../../reference-impl/likes/index.js';
import type { Workload } from '../../engine/types.js';
import { mulberry32 } from '../../engine/schedule.js';
import { openClients } from '../common/clients.js';
import { zipfian } from '../common/zipf.js';
import type { WorkloadArgs } from '../types.js';
import { viralPostOf, type ViralLikeSpikeOptions } from './options.js';
import { spikeWindow } from './window.js';

/** Create this thread's workload (called by the engine, in the thread). */
export async function createWorkload(args: WorkloadArgs<ViralLikeSpikeOptions>, thread: { index: number; count: number }): Promise<Workload> {
  const o = args.options;
  const store = o.path === 'likes.pg-direct' ? 'postgres' : 'redis';
  const clients = await openClients(args.connections, [store], o.pgPoolSize);
  const counter: LikeCounter = createLikeCounter(o.path, clients, { bucketSize: o.bucketSize, ttlSeconds: o.ttlS || undefined });
  await counter.setup();
  const seed = args.seed * 7919 + thread.index;
  const keys = zipfian(o.posts, o.zipfS, seed);
  const rand = mulberry32(seed ^ 0x5bd1e995);
  const viral = viralPostOf(o);
  const w = spikeWindow(args.stages);
  const readRatio = o.readRatio;
  const post = (tS: number) => (tS >= w.fromS && tS < w.toS && rand() < w.share ? viral : keys.next());
  return {
    operations: readRatio > 0 ? ['like', 'read'] : ['like'],
    paths: readRatio > 0 ? [o.path, o.path] : [o.path],
    pick: () => (readRatio > 0 && rand() < readRatio ? 1 : 0),
    execute(op, _seq, tS) {
      return op === 0 ? counter.like(post(tS)).then(noop) : counter.count(post(tS)).then(noop);
    },
    close: () => clients.close(),
  };
}

function noop(): void {}
