/** Messages between the parent (engine/run.ts) and worker threads (engine/worker.ts). */
import { availableParallelism } from 'node:os';
import type { Stage } from '../core/results.js';
import type { Pacing, ThreadPlan, ThreadSummary, ThreadTick } from './runner.js';
import { ArrivalSchedule, type Arrival } from './schedule.js';
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
  /**
   * Open loop: how threads wait for arrivals (runner.ts Pacing); 'auto' (the default) lets
   * resolvePacing() choose from the worker count and the machine's cores.
   */
  pacing?: PacingChoice;
}

/** A pacing a user may ask for: one of runner.ts's, or 'auto'. */
export type PacingChoice = 'auto' | Pacing;

/**
 * The pacing a thread uses. 'auto': spin while the worker threads leave a core free for
 * everything else on the machine (workers < cores: one thread on two cores keeps the other for
 * the server it drives), else batch, so that threads never spin each other (and the server)
 * off the cores — with two workers on two cores, spinning threads halved capacity (issue 7).
 */
export function resolvePacing(choice: PacingChoice | undefined, workers: number, cores: number): Pacing {
  if (choice === 'spin' || choice === 'batch') return choice;
  return workers < cores ? 'spin' : 'batch';
}

/**
 * What load thread `index` of `count` runs, whether inline (engine/run.ts) or as a worker
 * thread (engine/worker.ts): open loop, every count-th arrival of the schedule from `index` on,
 * with its own seed; closed loop, its share of the virtual users (at least 1); the pacing
 * resolvePacing() gives for `count` threads on this machine; the shared start, epoch ms.
 */
export function threadPlan(plan: LoadPlan, index: number, count: number, startEpochMs: number): ThreadPlan {
  return {
    ...plan,
    startEpochMs,
    pacing: resolvePacing(plan.pacing, count, availableParallelism()),
    schedule: plan.loop === 'open' ? new ArrivalSchedule(plan.stages, plan.arrival, 1 / count, index / count, plan.seed + index) : undefined,
    concurrency: plan.concurrency === undefined ? undefined : Math.max(1, Math.round(plan.concurrency / count)),
  };
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
