/**
 * The one Ctrl-C / SIGTERM handler of every long-running command (`capbench run`, the
 * benches, later `capbench capacity`): the first signal aborts the command's AbortController
 * so that it stops, keeps what it measured and writes it; a second signal exits 130 at once.
 */

/** Exit code after an interrupt (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT = 130;

/** The part of `process` onInterrupt() uses, injectable for tests. */
export interface InterruptHost {
  on(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  exit(code: number): never;
}

/** Options of onInterrupt(). */
export interface InterruptOptions {
  /** Where the one line goes (default stderr). */
  write?: (text: string) => void;
  /** Start the line on a fresh line (default: when stderr is a terminal, where a progress bar may be mid-line). */
  newlineFirst?: boolean;
  /** Default `process`. */
  host?: InterruptHost;
}

/**
 * Listen for SIGINT and SIGTERM until the returned dispose is called. The first signal prints
 * `message` as one line and aborts `controller` with the reason "interrupted (Ctrl-C)" (or
 * "interrupted (SIGTERM)"); the command is expected to finish its current unit of work, write
 * partial results and exit 130 itself. A second signal exits 130 at once. Never throws.
 * @returns dispose: removes both listeners (idempotent).
 */
export function onInterrupt(controller: AbortController, message: string, opts: InterruptOptions = {}): () => void {
  const host = opts.host ?? (process as unknown as InterruptHost);
  const write = opts.write ?? ((t: string) => void process.stderr.write(t));
  const newlineFirst = opts.newlineFirst ?? process.stderr.isTTY === true;
  let seen = false;
  const handler = (reason: string) => () => {
    if (seen) host.exit(INTERRUPTED_EXIT);
    seen = true;
    write(`${newlineFirst ? '\n' : ''}${message}\n`);
    controller.abort(reason);
  };
  const onInt = handler('interrupted (Ctrl-C)');
  const onTerm = handler('interrupted (SIGTERM)');
  host.on('SIGINT', onInt);
  host.on('SIGTERM', onTerm);
  return () => {
    host.off('SIGINT', onInt);
    host.off('SIGTERM', onTerm);
  };
}
