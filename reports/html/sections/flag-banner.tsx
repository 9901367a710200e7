import type { RunResult } from '../../../core/results.js';
import { fmtInt, fmtNum, fmtRate, fmtRatioPct } from '../../format.js';
import { List, Pct } from '../common.js';

/**
 * An amber banner when the figures are not what the schedule asked for: the run fell short of
 * its target rate (achieved vs target in ops/s, operations never started), or the client
 * itself was the bottleneck (its CPU in % of one core, event-loop lag in ms). Nothing otherwise.
 */
export function FlagBanner({ r }: { r: RunResult }) {
  const { rate, harness } = r;
  if (!rate.flagged && !harness.bottleneck) return null;
  const target = rate.targetOpsPerSec;
  const lag = harness.eventLoopLagMs;
  return (
    <section class="banner flag" role="alert" id="flags">
      {rate.flagged && (
        <>
          <h2>Flagged: the run fell short of its schedule</h2>
          <p>
            Achieved <strong>{fmtRate(rate.achievedOpsPerSec)}</strong>
            {target !== null && (
              <>
                {' '}
                of a <strong>{fmtRate(target)}</strong> target ({fmtRatioPct(rate.achievedOpsPerSec / target)})
              </>
            )}
            {rate.notStarted > 0 && `; ${fmtInt(rate.notStarted)} intended operations never started`}. The figures are not at the target
            rate.
          </p>
          <List items={rate.reasons} />
        </>
      )}
      {harness.bottleneck && (
        <>
          <h2>Flagged: the harness, not the target, was the bottleneck</h2>
          <p>
            Client CPU {fmtNum(harness.cpuPct.mean)} % mean, {fmtNum(harness.cpuPct.max)} % max (of one core); event-loop lag p99{' '}
            <Pct p={lag} k="p99" />, max <Pct p={lag} k="max" />. Latency and throughput here describe this client as much as the target.
          </p>
          <List items={harness.notes} />
        </>
      )}
    </section>
  );
}
