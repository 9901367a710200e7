/**
 * What the reference service measures about itself: Prometheus text for /metrics (prom-client:
 * request counts and latency histograms per route) and, per operation, HDR histograms of the
 * time spent in the storage path's own call (the driver-level service time of the same
 * request), which `capbench run --via http` subtracts from its HTTP latency to show the HTTP
 * overhead per operation.
 */
import * as hdr from 'hdr-histogram-js';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Bucket bounds of the Prometheus latency histograms, seconds (0.1 ms .. 5 s). */
export const LATENCY_BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Driver-level latency of one operation as the service measured it (store call only), ms. */
export interface StoreCallStats {
  /** Operation name the client sent (x-capbench-op header), or the route when it sent none. */
  op: string;
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

/** Per-service metrics: one registry (never the global one, so two services in a test do not clash). */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'method' | 'status'>;
  private readonly duration: Histogram<'route' | 'method'>;
  private readonly storeDuration: Histogram<'route'>;
  private readonly storeHdr = new Map<string, hdr.Histogram>();

  constructor(opts: { processMetrics?: boolean } = {}) {
    this.requests = new Counter({ name: 'capbench_http_requests_total', help: 'HTTP requests answered, by route, method and status code', labelNames: ['route', 'method', 'status'], registers: [this.registry] });
    this.duration = new Histogram({ name: 'capbench_http_request_duration_seconds', help: 'Time from request received to response sent, seconds, by route', labelNames: ['route', 'method'], buckets: LATENCY_BUCKETS_S, registers: [this.registry] });
    this.storeDuration = new Histogram({ name: 'capbench_store_call_duration_seconds', help: 'Time spent in the storage path call of a request, seconds, by route', labelNames: ['route'], buckets: LATENCY_BUCKETS_S, registers: [this.registry] });
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'capbench_service_' });
  }

  /** Count one answered request and its duration (seconds). */
  observeRequest(route: string, method: string, status: number, seconds: number): void {
    this.requests.inc({ route, method, status: String(status) });
    this.duration.observe({ route, method }, seconds);
  }

  /** Record one store call of `route`, `ns` nanoseconds long, under operation `op`. */
  observeStoreCall(route: string, op: string, ns: number): void {
    this.storeDuration.observe({ route }, ns / 1e9);
    let h = this.storeHdr.get(op);
    if (!h) {
      h = hdr.build({ bitBucketSize: 64, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
      this.storeHdr.set(op, h);
    }
    h.recordValue(Math.max(1, Math.round(ns / 1000)));
  }

  /** Driver-level store-call percentiles per operation (µs histograms read out in ms). */
  storeCalls(): StoreCallStats[] {
    return [...this.storeHdr.entries()].map(([op, h]) => ({
      op,
      count: h.totalCount,
      p50Ms: h.totalCount ? h.getValueAtPercentile(50) / 1000 : null,
      p99Ms: h.totalCount ? h.getValueAtPercentile(99) / 1000 : null,
    }));
  }

  /** Forget the store-call histograms (e.g. after a warmup). */
  resetStoreCalls(): void {
    this.storeHdr.clear();
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of text(). */
  get contentType(): string {
    return this.registry.contentType;
  }
}
