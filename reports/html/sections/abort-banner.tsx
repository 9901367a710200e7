import type { RunResult } from '../../../core/results.js';

/** A red banner on an aborted run: the figures cover only the part that ran. Nothing otherwise. */
export function AbortBanner({ r }: { r: RunResult }) {
  if (r.status !== 'aborted') return null;
  return (
    <section class="banner abort" role="alert">
      <h2>ABORTED — partial results</h2>
      <p>
        The run stopped before the end of its schedule
        {r.abortReason ? (
          <>
            : <strong>{r.abortReason}</strong>
          </>
        ) : null}
        . Every figure below covers only the part that ran; do not compare it with a completed run.
      </p>
    </section>
  );
}
