/**
 * What the engine needs from a scenario, and nothing more (YCSB's DB / Workload /
 * Measurements split, ../shared/STYLE.md). Scenarios implement Workload; the engine
 * schedules, times and records it.
 */

/**
 * Outcome of one operation. An operation that resolves (with nothing or 'ok') is ok;
 * one that resolves 'not_found' is counted apart; one that rejects is an error whose kind
 * is the error's `code` (driver error codes such as ECONNREFUSED) or its class name.
 */
export type OpStatus = 'ok' | 'not_found';

/**
 * One thread's view of a scenario's run phase. Methods are on the hot path (up to 100K+
 * calls/s): no per-call allocations beyond what the storage path needs.
 */
export interface Workload {
  /** Operation names, indexed by the numbers pick() returns, e.g. ["like", "read"]. */
  readonly operations: readonly string[];
  /** Storage path id of each operation, same order, e.g. ["likes.redis-counter", ...]. */
  readonly paths: readonly string[];
  /**
   * Which operation the seq-th arrival is (0-based index into `operations`).
   * @param seq arrival number within this thread, from 0.
   * @param tS intended start, seconds since the run phase began (lets a scenario change its mix over time).
   */
  pick(seq: number, tS: number): number;
  /** Run operation `op` for arrival `seq`. Rejects on error; never retries. */
  execute(op: number, seq: number, tS: number): Promise<OpStatus | void>;
  /** Release connections. */
  close(): Promise<void>;
}

/** Error kind used in results: the driver's code, else the class name, else "error". */
export function errorKind(err: unknown): string {
  if (err && typeof err === 'object') {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0 && code.length < 40) return code;
    const name = (err as { name?: unknown }).name;
    if (typeof name === 'string' && name !== 'Error') return name;
  }
  return 'error';
}
