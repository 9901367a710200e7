/**
 * Live progress in the terminal: a cli-progress bar on a TTY, a plain line every 5 s
 * elsewhere (CI logs). Both on stderr so stdout stays clean for the summary.
 */
import cliProgress from 'cli-progress';
import { fmtRateCompact } from '../core/format.js';
import type { LoadProgress } from '../engine/run.js';

/** What the run command drives. */
export interface ProgressView {
  start(totalS: number): void;
  update(p: LoadProgress): void;
  stop(): void;
}


/** A progress view for this terminal (or none with `quiet`). */
export function createProgress(opts: { quiet: boolean; tty: boolean }): ProgressView {
  if (opts.quiet) return { start() {}, update() {}, stop() {} };
  if (!opts.tty) {
    let last = -Infinity;
    return {
      start(totalS) {
        process.stderr.write(`run phase: ${totalS.toFixed(0)} s\n`);
      },
      update(p) {
        if (p.elapsedS - last < 5) return;
        last = p.elapsedS;
        // Past the schedule's end the run only waits for operations still in flight.
        const when = p.elapsedS > p.totalS ? `${p.totalS.toFixed(0)} s + finishing` : `${Math.max(0, p.elapsedS).toFixed(0)}/${p.totalS.toFixed(0)} s`;
        process.stderr.write(
          `  ${when}  target ${fmtRateCompact(p.targetRate)} ops/s  last second: ${fmtRateCompact(p.lastSecondOps)} ops/s, p99 ${p.lastSecondP99Ms ?? '—'} ms  errors ${p.errors}  in-flight ${p.inFlight}\n`,
        );
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: ' {bar} {elapsed}/{totalS} s | target {target} ops/s | last second: {done} ops/s, p99 {p99} ms | errors {errors} | in-flight {inflight}',
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start(totalS) {
      bar.start(Math.max(1, Math.round(totalS)), 0, { elapsed: 0, totalS: Math.round(totalS), target: '-', done: '-', p99: '-', errors: 0, inflight: 0 });
    },
    update(p) {
      bar.update(Math.min(Math.round(p.elapsedS), Math.round(p.totalS)), {
        elapsed: Math.round(p.elapsedS),
        totalS: Math.round(p.totalS),
        target: fmtRateCompact(p.targetRate),
        done: fmtRateCompact(p.lastSecondOps),
        p99: p.lastSecondP99Ms ?? '—',
        errors: p.errors,
        inflight: p.inFlight,
      });
    },
    stop() {
      bar.stop();
    },
  };
}
