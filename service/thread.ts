/**
 * The reference service in a worker thread of its own (its own event loop), so that a
 * `--via http` run does not share an event loop between the load generator and the service it
 * measures. startServiceThread() resolves once the service listens; the handle asks the thread
 * for its driver-level store-call figures, holds it (test hook) and stops it.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { CapbenchError, UsageError } from '../core/errors.js';
import type { StoreCallStats } from './metrics.js';
import { startService, type ServiceOptions, type StartedService } from './server.js';

type ToThread = { type: 'storeCalls' } | { type: 'hold'; ms: number } | { type: 'close' };
type FromThread =
  | { type: 'ready'; url: string; port: number; paths: string[] }
  | { type: 'failed'; message: string; hint?: string; usage: boolean }
  | { type: 'storeCalls'; stats: StoreCallStats[] }
  | { type: 'closed' };

/** A service running in a worker thread. */
export interface ServiceThread extends AsyncDisposable {
  url: string;
  port: number;
  paths: string[];
  /** Driver-level store-call percentiles per operation, from the thread. */
  storeCalls(): Promise<StoreCallStats[]>;
  /** Test hook (testHooks only): requests arriving in the next `ms` wait until they have passed. */
  hold(ms: number): void;
  close(): Promise<void>;
}

/**
 * Start the service in a worker thread.
 * @throws UsageError / CapbenchError with the thread's one-line reason (port in use, no route, store unreachable).
 */
export function startServiceThread(opts: ServiceOptions): Promise<ServiceThread> {
  const worker = new Worker(new URL(import.meta.url), { workerData: opts });
  return new Promise((resolve, reject) => {
    const pending: ((m: FromThread) => void)[] = [];
    worker.on('error', reject);
    worker.on('message', (m: FromThread) => {
      if (m.type === 'ready') {
        let closed = false;
        const close = async () => {
          if (closed) return;
          closed = true;
          const done = new Promise<void>((r) => worker.once('exit', () => r()));
          worker.postMessage({ type: 'close' } satisfies ToThread);
          await done;
        };
        resolve({
          url: m.url,
          port: m.port,
          paths: m.paths,
          storeCalls: () =>
            new Promise((r) => {
              pending.push((x) => r(x.type === 'storeCalls' ? x.stats : []));
              worker.postMessage({ type: 'storeCalls' } satisfies ToThread);
            }),
          hold: (ms) => worker.postMessage({ type: 'hold', ms } satisfies ToThread),
          close,
          [Symbol.asyncDispose]: close,
        });
      } else if (m.type === 'failed') {
        void worker.terminate();
        reject(m.usage ? new UsageError(m.message, { hint: m.hint }) : new CapbenchError(m.message, { hint: m.hint }));
      } else if (m.type === 'storeCalls') pending.shift()?.(m);
    });
  });
}

if (!isMainThread && parentPort && (workerData as ServiceOptions | undefined)?.paths) {
  const port = parentPort;
  let svc: StartedService | undefined;
  startService(workerData as ServiceOptions).then(
    (s) => {
      svc = s;
      port.postMessage({ type: 'ready', url: s.url, port: s.port, paths: s.paths } satisfies FromThread);
    },
    (err: unknown) => {
      const e = err as CapbenchError;
      port.postMessage({ type: 'failed', message: e instanceof Error ? e.message : String(e), hint: e.hint, usage: e instanceof UsageError } satisfies FromThread);
    },
  );
  port.on('message', (m: ToThread) => {
    if (m.type === 'storeCalls') port.postMessage({ type: 'storeCalls', stats: svc?.storeCalls() ?? [] } satisfies FromThread);
    else if (m.type === 'hold') svc?.hold(m.ms);
    else if (m.type === 'close') void (svc?.close() ?? Promise.resolve()).finally(() => port.close());
  });
}
