/**
 * The workload of bench/engine-cost.ts: one operation whose "driver" answers every request of a
 * turn of the event loop together on the next setImmediate, as replies read from one socket
 * would arrive. It has no store behind it on purpose: it isolates what the engine itself costs
 * per operation (scheduling, the in-flight table, recording), which a real driver's cost hides.
 * Not a stand-in for any database, and never used by a scenario.
 */
import type { Workload } from '../engine/types.js';

let pending: (() => void)[] = [];
let scheduled = false;
const answerAll = () => {
  scheduled = false;
  const batch = pending;
  pending = [];
  for (const resolve of batch) resolve();
};

/** One request to the instant driver: resolves on the next setImmediate, with every other request of this turn. */
export function instantRequest(): Promise<void> {
  return new Promise<void>((resolve) => {
    pending.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(answerAll);
    }
  });
}

/** The engine's entry (engine/protocol.ts loadWorkload): one operation "op" over the instant driver. */
export async function createWorkload(): Promise<Workload> {
  const op = { name: 'op', path: 'bench.instant', run: instantRequest };
  return { operations: [op], pick: () => op, close: async () => undefined };
}
