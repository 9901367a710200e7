/**
 * Ctrl-C for long commands (run, claims): the first SIGINT/SIGTERM aborts the returned signal so
 * the command stops and still writes its (partial) reports; a second one quits at once (exit 130).
 */

/** An AbortSignal that the first Ctrl-C aborts, and `dispose()` to stop listening. */
export interface Interrupt {
  signal: AbortSignal;
  dispose(): void;
}

/**
 * Listen for Ctrl-C (SIGINT) and SIGTERM until dispose().
 * @param what what the first Ctrl-C does, for the line on stderr ("stopping the run and writing partial results").
 */
export function listenForInterrupt(what: string): Interrupt {
  const ac = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(`\ninterrupted: ${what} (Ctrl-C again to quit at once)\n`);
    ac.abort('interrupted (Ctrl-C)');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: ac.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
