/**
 * `capbench run <scenario> --via http` (issue 12): checks that the scenario and each of its
 * paths have HTTP routes (before any work), starts the reference service in a worker thread of
 * this process (its own event loop) on a free loopback port (or uses --service-url), and after the run adds the "HTTP overhead"
 * section: per operation, capbench's HTTP latency (from the intended start, open loop) beside
 * the driver-level time the service measured around the same requests' store calls.
 */
import { UsageError } from '../../core/errors.js';
import type { RunResult, ScenarioSection } from '../../core/results.js';
import type { RunSettings } from '../../scenarios/settings.js';
import type { HttpVia } from '../../service/client.js';
import type { StoreCallStats } from '../../service/metrics.js';
import { routeFor } from '../../service/routes/index.js';
import { startServiceThread, type ServiceThread } from '../../service/thread.js';

/**
 * Refuse `--via http` for a scenario that does not run over HTTP or a path without a route.
 * @throws UsageError naming the scenario, or the path (and family) that lacks a route.
 */
export function checkHttpSupport(settings: RunSettings): void {
  const { scenario, operations } = settings;
  // A path without routes first: the line names it (and its family), which says what to add.
  for (const op of operations) routeFor(op.path);
  if (!scenario.http) {
    throw new UsageError(`Scenario ${scenario.id} does not run over HTTP yet (its workload has no --via http).`, { hint: 'Run it with --via driver.' });
  }
}

/** The service a `--via http` run drives, and how the workload reaches it. */
export interface RunService {
  via: HttpVia;
  /** Set when this process started the service (in a worker thread; closed by close()); unset with --service-url. */
  service?: ServiceThread;
  close(): Promise<void>;
}

/**
 * Start the reference service for the run's paths (opened with the scenario's path options), or
 * point at --service-url.
 * @throws UsageError for a service URL that is not http(s); TargetUnreachableError when a store does not answer.
 */
export async function startRunService(settings: RunSettings, serviceUrl?: string, opts: { testHooks?: boolean } = {}): Promise<RunService> {
  if (serviceUrl) {
    let u: URL;
    try {
      u = new URL(serviceUrl);
    } catch {
      throw new UsageError(`Bad --service-url "${serviceUrl}".`, { hint: 'Give the URL `capbench serve` printed, e.g. http://127.0.0.1:8080.' });
    }
    if (u.protocol !== 'http:') throw new UsageError(`Bad --service-url "${serviceUrl}": only http:// is supported.`);
    return { via: { kind: 'http', url: u.origin }, close: async () => undefined };
  }
  const pathOptions = settings.scenario.http?.pathOptions(settings.options) ?? {};
  const ids = [...new Set(settings.operations.map((o) => o.path))];
  const service = await startServiceThread({
    paths: ids.map((id) => ({ id, options: pathOptions })),
    connections: settings.connections,
    port: 0,
    testHooks: opts.testHooks,
  });
  return { via: { kind: 'http', url: service.url }, service, close: () => service.close() };
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The "HTTP overhead" section: per operation, HTTP p50/p99 (capbench, latency from the intended
 * start) minus the driver-level p50/p99 the service measured around the store call of the same
 * requests. Without store-call figures (an external --service-url) the driver columns are empty.
 */
export function httpOverheadSection(result: RunResult, storeCalls: readonly StoreCallStats[] | undefined, serviceUrl: string, generator: 'capbench' | 'k6' = 'capbench'): ScenarioSection {
  const rows = result.operations.map((op) => {
    const s = storeCalls?.find((c) => c.op === op.name);
    const hp50 = op.latencyMs.p50;
    const hp99 = op.latencyMs.p99;
    const d50 = s?.p50Ms ?? null;
    const d99 = s && s.count >= 100 ? s.p99Ms : null;
    return [op.name, op.path, op.count, hp50, hp99, s?.count ?? null, d50 === null ? null : r3(d50), d99 === null ? null : r3(d99), hp50 !== null && d50 !== null ? r3(hp50 - d50) : null, hp99 !== null && d99 !== null ? r3(hp99 - d99) : null];
  });
  return {
    id: 'http-overhead',
    title: 'HTTP overhead per operation',
    intro: `This run drove the reference service (${serviceUrl}) over HTTP ${generator === 'k6' ? 'with k6 (its HTTP latency counts from each request\'s send)' : 'with capbench\'s open loop (undici, keep-alive; HTTP latency counts from each request\'s intended start)'}; the driver-level figures are the time the service spent in the storage path's own call for the same requests (its service time at driver level). The overhead is HTTP minus driver-level, per percentile.`,
    tables: [
      {
        caption: 'HTTP latency vs driver-level store call, ms',
        columns: ['operation', 'path', 'HTTP requests', 'HTTP p50 ms', 'HTTP p99 ms', 'store calls', 'driver p50 ms', 'driver p99 ms', 'overhead p50 ms', 'overhead p99 ms'],
        rows,
        note: storeCalls ? 'store calls include warmup requests; a p99 needs at least 100 of them' : 'the service ran elsewhere (--service-url): its driver-level figures are at its /metrics (capbench_store_call_duration_seconds)',
      },
    ],
    charts: [
      {
        id: 'http-overhead',
        title: 'p99: HTTP vs driver level',
        kind: 'bar',
        xLabel: 'operation',
        yLabel: 'ms',
        categories: rows.map((r) => String(r[0])),
        series: [
          { label: 'HTTP p99', points: rows.map((r, i): [number, number | null] => [i, r[4] as number | null]) },
          { label: 'driver-level p99', points: rows.map((r, i): [number, number | null] => [i, r[7] as number | null]) },
        ],
      },
    ],
  };
}
