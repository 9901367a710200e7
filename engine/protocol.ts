/** Messages between the parent (engine/run.ts) and worker threads (engine/worker.ts). */
import type { Stage } from '../core/results.js';
import type { ThreadSummary, ThreadTick } from './runner.js';
import type { Arrival } from './schedule.js';
import type { OperationSpec, Workload } from './types.js';

/**
 * Where a thread finds its workload: an ES module URL exporting
 * `createWorkload(args, thread: { index, count }): Promise<Workload>`, and its arguments
 * (structured-cloneable). Passing a URL keeps the engine free of imports from scenarios/.
 */
export interface WorkloadRef {
  moduleUrl: string;
  args: unknown;
}

/** The load plan, as every thread receives it. */
export interface LoadPlan {
  loop: 'open' | 'closed';
  stages: Stage[];
  arrival: Arrival;
  warmupS: number;
  workers: number;
  maxInFlight: number;
  /** Closed loop: total virtual users (split between threads) and duration, s. */
  concurrency?: number;
  durationS?: number;
  graceS: number;
  opTimeoutS: number;
  /** Seed for Poisson arrivals and for workloads that draw random keys. */
  seed: number;
}

export interface ThreadInit {
  ref: WorkloadRef;
  plan: LoadPlan;
  index: number;
  count: number;
}

export type ToWorker = { type: 'start'; startEpochMs: number } | { type: 'abort' };
export type ToParent =
  | { type: 'ready'; operations: OperationSpec[] }
  | { type: 'tick'; tick: ThreadTick }
  | { type: 'done'; summary: ThreadSummary }
  | { type: 'error'; message: string; name: string; hint?: string };

/** Import the workload module and create this thread's workload. */
export async function loadWorkload(init: Pick<ThreadInit, 'ref' | 'index' | 'count'>): Promise<Workload> {
  const mod = (await import(init.ref.moduleUrl)) as {
    createWorkload?: (args: unknown, thread: { index: number; count: number }) => Promise<Workload>;
  };
  if (typeof mod.createWorkload !== 'function') throw new Error(`${init.ref.moduleUrl} does not export createWorkload()`);
  return mod.createWorkload(init.ref.args, { index: init.index, count: init.count });
}

/** The structured-cloneable declaration of a workload's operations (name and path, no functions). */
export function specsOf(workload: Workload): OperationSpec[] {
  return workload.operations.map((o) => ({ name: o.name, path: o.path }));
}
