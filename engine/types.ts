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

/** An operation as a scenario declares it: its name in results and thresholds, and the storage path it drives. */
export interface OperationSpec {
  /** e.g. "like"; unique within a workload. */
  readonly name: string;
  /** Storage path id, e.g. "likes.redis-counter" (reference-impl/registry.ts). */
  readonly path: string;
}

/**
 * Run one operation for arrival `seq` (0-based within the thread) whose intended start is `tS`
 * seconds after the run phase began. Resolves (nothing or 'ok') when it succeeded,
 * 'not_found' when the target had nothing to act on; rejects on error; never retries.
 */
export type OperationFn = (seq: number, tS: number) => Promise<OpStatus | void>;

/** A declared operation bound to the function that runs it (in one thread). */
export interface Operation extends OperationSpec {
  readonly run: OperationFn;
}

/**
 * One thread's view of a scenario's run phase. Methods are on the hot path (up to 100K+
 * calls/s): no per-call allocations beyond what the storage path needs.
 */
export interface Workload {
  /** The operations, declared once (bindOperations); results are keyed by their names. */
  readonly operations: readonly Operation[];
  /**
   * Which operation the seq-th arrival runs: one of `operations` (the same object).
   * @param seq arrival number within this thread, from 0.
   * @param tS intended start, seconds since the run phase began (lets a scenario change its mix over time).
   */
  pick(seq: number, tS: number): Operation;
  /** Release connections. */
  close(): Promise<void>;
}

/**
 * Bind declared operations to their functions by name: the scenario's declaration
 * (`operations(options)`, shared by the parent and the threads) stays the one list, and the
 * functions are matched by name, never by position. `run` may hold functions for operations
 * the options leave out (a mix share of 0); they are not bound.
 * @returns one Operation per spec, in the declaration's order.
 * @throws Error when a declared operation has no function or a name is declared twice (a bug in the scenario).
 */
export function bindOperations<N extends string>(specs: readonly OperationSpec[], run: Readonly<Record<N, OperationFn>>): Operation[] {
  const seen = new Set<string>();
  return specs.map((s) => {
    if (seen.has(s.name)) throw new Error(`operation "${s.name}" is declared twice`);
    seen.add(s.name);
    const fn = (run as Record<string, OperationFn | undefined>)[s.name];
    if (typeof fn !== 'function') throw new Error(`operation "${s.name}" is declared but the workload has no function for it (it has: ${Object.keys(run).join(', ')})`);
    return { name: s.name, path: s.path, run: fn };
  });
}

/** The bound operation with this name, or undefined when the options left it out. */
export function operationNamed(ops: readonly Operation[], name: string): Operation | undefined {
  return ops.find((o) => o.name === name);
}

/** "like (likes.redis-counter), read (likes.redis-counter)": an operation list in one line. */
export function describeOperations(ops: readonly OperationSpec[]): string {
  return ops.map((o) => `${o.name} (${o.path})`).join(', ');
}

/** True when both lists name the same operations on the same paths in the same order. */
export function sameOperations(a: readonly OperationSpec[], b: readonly OperationSpec[]): boolean {
  return a.length === b.length && a.every((o, i) => o.name === b[i]!.name && o.path === b[i]!.path);
}

/**
 * Error kind used in results, so errors are counted by what the driver said:
 * 1. the error's `code` (PostgreSQL SQLSTATE such as 25006, Node's ECONNREFUSED, ...);
 * 2. else the leading upper-case word of the message, the code of a Redis error reply
 *    (WRONGTYPE, NOPERM, OOM, LOADING, READONLY, ERR);
 * 3. else the error's name or class when it is not plain "Error" (ClientClosedError, ...);
 * 4. else "error".
 */
export function errorKind(err: unknown): string {
  if (err && typeof err === 'object') {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0 && code.length < 40) return code;
    const message = (err as { message?: unknown }).message;
    if (typeof message === 'string') {
      const m = /^([A-Z][A-Z_]{1,30})(?=\s|$)/.exec(message);
      if (m) return m[1]!;
    }
    const name = (err as { name?: unknown }).name;
    if (typeof name === 'string' && name !== 'Error') return name;
    const cls = (err as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof cls === 'string' && cls !== 'Error' && cls !== 'Object' && cls.length < 40) return cls;
  }
  return 'error';
}
