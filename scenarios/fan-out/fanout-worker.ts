/**
 * A fan-out worker thread of the fan-out scenario (seed 001/004 "Fan-out on Write"): connects
 * to Cassandra and Redis and runs the push strategies' FanoutWorker.step() in turn until told
 * to stop. Started (and, for the kill/restart check, terminated mid-task and replaced) by the
 * first workload thread (workload.ts); a terminated worker's unacknowledged tasks stay in the
 * stream's pending list and are claimed by the others after CLAIM_IDLE_MS.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Connection, StoreName } from '../../core/target.js';
import { CassandraRedisFeed, type FeedOptions, type FeedStrategy } from '../../reference-impl/feed/index.js';
import { openStoreClients } from '../../targets/clients.js';

/** workerData of a fan-out worker thread. */
export interface FanoutWorkerInit {
  connections: Partial<Record<StoreName, Connection>>;
  feed: FeedOptions;
  strategies: FeedStrategy[];
  consumer: string;
}

/** Tasks left pending this long by a dead worker are taken over, ms. */
export const CLAIM_IDLE_MS = 3000;

async function main(init: FanoutWorkerInit): Promise<void> {
  const clients = await openStoreClients(init.connections, ['redis', 'cassandra']);
  let stop = false;
  parentPort?.on('message', (m: { type?: string }) => {
    if (m?.type === 'stop') stop = true;
  });
  const workers = init.strategies.map((s) => new CassandraRedisFeed(s, clients.cassandra!, clients.redis!, init.feed).worker(init.consumer)!);
  parentPort?.postMessage({ type: 'ready' });
  let claimed = 0;
  let lastClaim = 0;
  try {
    while (!stop) {
      let done = 0;
      // Look for a dead worker's pending tasks once a second, not on every step (XAUTOCLAIM scans the pending list).
      const claim = Date.now() - lastClaim >= 1000;
      if (claim) lastClaim = Date.now();
      for (const w of workers) done += await w.step({ max: 16, claimIdleMs: claim ? CLAIM_IDLE_MS : undefined });
      claimed += done;
      if (done === 0) await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await clients.close();
    parentPort?.postMessage({ type: 'stopped', tasks: claimed });
  }
}

main(workerData as FanoutWorkerInit).catch((err: unknown) => {
  parentPort?.postMessage({ type: 'error', message: String((err as Error)?.message ?? err) });
});
