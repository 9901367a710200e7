/**
 * The run phase of viral-like-spike, one per thread: likes on a zipfian key set, and during
 * the spike window a share of them on the one viral post (seed 000, "Likes System").
 */
import { bindOperations, operationNamed, type Workload } from '../../engine/types.js';
import { mulberry32 } from '../../engine/schedule.js';
import { getStoragePath, openStoragePath } from '../../reference-impl/registry.js';
import { openStoreClients } from '../../targets/clients.js';
import { zipfian } from '../common/zipf.js';
import type { WorkloadArgs } from '../types.js';
import { BatchSyncLikes } from '../../reference-impl/likes/batch-sync.js';
import { ServiceClient, likesOverHttp, type LikeOps } from '../../service/client.js';
import { BATCH_SYNC_LOG, counterOptions, likeOperations, viralPostOf, type ViralLikeSpikeOptions } from './options.js';
import { spikeWindow } from './window.js';

/**
 * Create this thread's workload (called by the engine, in the thread): one connection per
 * store the path needs (a pool of pgPoolSize for PostgreSQL), or with `--via http` one keep-alive
 * HTTP client of the reference service (args.via).
 * @throws TargetUnreachableError when a store does not answer.
 */
export async function createWorkload(args: WorkloadArgs<ViralLikeSpikeOptions>, thread: { index: number; count: number }): Promise<Workload> {
  const o = args.options;
  // --via http: the same operations through the reference service (service/client.ts), no store client.
  const http = args.via ? new ServiceClient(args.via) : undefined;
  const clients = http ? undefined : await openStoreClients(args.connections, getStoragePath(o.path, 'likes').stores, { pgPoolSize: o.pgPoolSize });
  let counter: LikeOps;
  try {
    counter = http ? likesOverHttp(http, o.path) : await openStoragePath('likes', o.path, clients!, counterOptions(o));
  } catch (err) {
    await clients?.close();
    throw err;
  }
  const seed = args.seed * 7919 + thread.index;
  const keys = zipfian(o.posts, o.zipfS, seed);
  const rand = mulberry32(seed ^ 0x5bd1e995);
  const viral = viralPostOf(o);
  const w = spikeWindow(args.stages);
  const readRatio = o.readRatio;
  const post = (tS: number) => (tS >= w.fromS && tS < w.toS && rand() < w.share ? viral : keys.next());
  // likes.batch-sync: the first thread runs the flusher and logs each flush; every thread
  // samples one acknowledged like in lagSampleEvery (its ack time) for the sync lag.
  const bs = counter instanceof BatchSyncLikes ? counter : undefined;
  const redis = clients?.redis;
  let acks: string[] = [];
  let sinceSample = 0;
  const pushAcks = async () => {
    if (redis && acks.length > 0) {
      const batch = acks;
      acks = [];
      await redis.rPush(BATCH_SYNC_LOG.acks, batch);
    }
  };
  if (bs && redis && thread.index === 0) {
    bs.startFlusher((r) => void redis.rPush(BATCH_SYNC_LOG.flushes, JSON.stringify(r)).catch(noop));
  }
  const onAck = bs
    ? () => {
        if (++sinceSample < o.lagSampleEvery) return;
        sinceSample = 0;
        acks.push(String(Date.now()));
        if (acks.length >= 200) void pushAcks().catch(noop);
      }
    : noop;
  const operations = bindOperations(likeOperations(o), {
    like: (_seq, tS) => counter.like(post(tS)).then(onAck),
    read: (_seq, tS) => counter.count(post(tS)).then(noop),
  });
  const like = operationNamed(operations, 'like')!;
  const read = operationNamed(operations, 'read');
  return {
    operations,
    pick: () => (read !== undefined && rand() < readRatio ? read : like),
    close: async () => {
      if (bs) await bs.close?.();
      await pushAcks().catch(noop);
      await http?.close();
      await clients?.close();
    },
  };
}

function noop(): void {}
