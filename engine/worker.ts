/**
 * Worker-thread entry: loads the workload module named by the parent, runs its share of
 * the schedule, and streams encoded per-second deltas back (engine/run.ts is the parent).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runThread } from './runner.js';
import { loadWorkload, specsOf, threadPlan, type ThreadInit, type ToParent, type ToWorker } from './protocol.js';

const init = workerData as ThreadInit;
const port = parentPort!;
const post = (m: ToParent) => port.postMessage(m);
const abort = new AbortController();

async function main(): Promise<void> {
  const workload = await loadWorkload(init);
  post({ type: 'ready', operations: specsOf(workload) });
  const startEpochMs = await new Promise<number>((resolve) => {
    port.on('message', (m: ToWorker) => {
      if (m.type === 'start') resolve(m.startEpochMs);
      else if (m.type === 'abort') abort.abort();
    });
  });
  const plan = threadPlan(init.plan, init.index, init.count, startEpochMs);
  let summary;
  try {
    summary = await runThread(workload, plan, (tick) => post({ type: 'tick', tick }), abort.signal);
  } finally {
    // Close before reporting done: a workload may write what verify reads when it closes.
    await workload.close().catch(() => undefined);
  }
  post({ type: 'done', summary });
  // The message listener would keep this thread alive; closing the port lets it exit.
  port.close();
}

main().catch((err: unknown) => {
  post({ type: 'error', message: err instanceof Error ? err.message : String(err), name: err instanceof Error ? err.name : 'Error', hint: (err as { hint?: string })?.hint });
  port.close();
});
