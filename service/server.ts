/**
 * The reference HTTP service (issue 12; DESIGN.md "Reliability and security"): Fastify in front
 * of every served storage path, with JSON-schema validation of every request (ajv, no type
 * coercion of objects, unknown fields refused), parameterised queries only (the storage paths
 * never build SQL from input), 127.0.0.1 by default, a body limit, /healthz and /metrics
 * (Prometheus text, prom-client). Routes come from one module per path family
 * (service/routes/index.ts).
 *
 * Answers: 400 JSON for a bad request (schema), 404 for an unknown route or id, 413 for an
 * oversized body, 503 naming the store when it is unreachable or does not answer within the
 * store timeout, 500 otherwise; every error body is { error, message, store? }.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { UsageError } from '../core/errors.js';
import type { Connection, StoreName } from '../core/target.js';
import { getStoragePath, openStoragePath, storesOf, type PathFamily } from '../reference-impl/registry.js';
import { openStoreClients, type StoreClients } from '../targets/clients.js';
import { isLoopbackHost } from '../targets/local/net.js';
import { StoreTimeoutError, httpErrorOf, type ErrorBody } from './errors.js';
import { ServiceMetrics, type StoreCallStats } from './metrics.js';
import { routeFor } from './routes/index.js';
import type { RouteContext } from './routes/types.js';

/** Request header naming the scenario operation a request belongs to (keys the store-call histograms). */
export const OP_HEADER = 'x-capbench-op';
/** Test hook (only with testHooks): hold this request this many ms before its store call. */
export const DELAY_HEADER = 'x-capbench-delay-ms';
/** Default largest request body, bytes: every route's body is two integers. */
export const DEFAULT_BODY_LIMIT = 4096;
/** Default time a store call may take before the request is answered 503, ms. */
export const DEFAULT_STORE_TIMEOUT_MS = 5000;

/** A path to serve and the options it is opened with (reference-impl/<family>/types.ts). */
export interface ServedPath {
  id: string;
  options?: Record<string, unknown>;
}

/** Options of startService(). */
export interface ServiceOptions {
  /** Storage paths to serve (each needs a route module: service/routes/index.ts). */
  paths: readonly ServedPath[];
  /** Resolved connections of (at least) the stores those paths need. */
  connections: Partial<Record<StoreName, Connection>>;
  /** Interface to bind; default 127.0.0.1. Another than loopback needs allowRemoteBind. */
  host?: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  allowRemoteBind?: boolean;
  /** PostgreSQL connections of the service's pool (default 32). */
  pgPoolSize?: number;
  /** A store call running longer is answered 503, ms (default 5000). */
  storeTimeoutMs?: number;
  /** Largest request body, bytes (default 4096); larger is 413. */
  bodyLimitBytes?: number;
  /** Honour the x-capbench-delay-ms header and allow hold(): for tests of measurement truth only. */
  testHooks?: boolean;
}

/** A running service. Dispose (or close()) to stop it and close its store clients. */
export interface StartedService extends AsyncDisposable {
  /** "http://127.0.0.1:<port>". */
  url: string;
  port: number;
  /** Served path ids. */
  paths: string[];
  metrics: ServiceMetrics;
  /** Driver-level store-call percentiles per operation since start (or the last reset). */
  storeCalls(): StoreCallStats[];
  /** Test hook (testHooks only): every request arriving in the next `ms` waits until they have passed. */
  hold(ms: number): void;
  close(): Promise<void>;
}

/** An answer decided by a route (error mapped by service/errors.ts). */
class HttpAnswer extends Error {
  constructor(readonly status: number, readonly body: ErrorBody) {
    super(body.message);
  }
}

const OP_NAME = /^[A-Za-z][\w.-]{0,39}$/;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Open the stores, open every path (setup() included), register its family's routes and listen.
 * @throws UsageError for an unknown path, a path with no HTTP route yet, a non-loopback host
 *   without allowRemoteBind, or a port in use; TargetUnreachableError when a store does not answer.
 */
export async function startService(opts: ServiceOptions): Promise<StartedService> {
  const host = opts.host ?? '127.0.0.1';
  if (!opts.allowRemoteBind && !isLoopbackHost(host)) {
    throw new UsageError(`The service binds to loopback only; ${host} is not.`, { hint: 'Pass --allow-remote-bind to bind elsewhere (only on a network you own).' });
  }
  if (opts.paths.length === 0) throw new UsageError('No storage path to serve.', { hint: 'Give --paths with at least one id (capbench paths lists them).' });
  // Every path checked before anything is opened: an unknown one or one without routes is one line.
  for (const p of opts.paths) routeFor(p.id);
  const ids = opts.paths.map((p) => p.id);
  const storeTimeoutMs = opts.storeTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
  const clients = await openStoreClients(opts.connections, storesOf(ids), { pgPoolSize: opts.pgPoolSize ?? 32 });
  let app: FastifyInstance | undefined;
  try {
    const metrics = new ServiceMetrics({ processMetrics: true });
    let holdUntil = 0;
    app = Fastify({
      logger: false,
      bodyLimit: opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
      // Validation: no removal of unknown fields (they are refused), scalars coerced from URL text only.
      ajv: { customOptions: { removeAdditional: false, coerceTypes: true, useDefaults: false, allErrors: false } },
      return503OnClosing: true,
    });
    app.addHook('onResponse', async (req, reply) => {
      metrics.observeRequest(req.routeOptions.url ?? 'unmatched', req.method, reply.statusCode, reply.elapsedTime / 1000);
    });
    if (opts.testHooks) {
      app.addHook('preHandler', async (req) => {
        const wait = Math.max(0, holdUntil - Date.now());
        const header = Number(req.headers[DELAY_HEADER]);
        const delay = Math.max(wait, Number.isFinite(header) && header > 0 ? Math.min(header, 60_000) : 0);
        if (delay > 0) await sleep(delay);
      });
    }
    app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown; code?: string }, _req, reply) => {
      if (err instanceof HttpAnswer) return reply.code(err.status).send(err.body);
      if (err.validation) return reply.code(400).send({ error: 'bad request', message: err.message });
      if (err.statusCode === 413) return reply.code(413).send({ error: 'payload too large', message: `${err.message} (limit ${opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT} bytes)` });
      if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return reply.code(err.statusCode).send({ error: 'bad request', message: err.message });
      return reply.code(500).send({ error: 'internal', message: err.message.split('\n')[0] ?? 'error' });
    });
    app.setNotFoundHandler((req, reply) => {
      reply.code(404).send({ error: 'not found', message: `no route ${req.method} ${req.url.split('?')[0]}; this service serves ${ids.join(', ')} under /v1/paths/<path id>/` });
    });
    app.get('/healthz', async () => ({ status: 'ok', paths: ids }));
    app.get('/metrics', async (_req, reply) => {
      reply.header('content-type', metrics.contentType);
      return metrics.text();
    });

    for (const p of opts.paths) {
      const reg = getStoragePath(p.id);
      const store = reg.stores[0]!;
      const impl = await openStoragePath(reg.family as PathFamily, p.id, clients as StoreClients, p.options as never);
      const ctx: RouteContext = {
        app,
        pathId: p.id,
        base: `/v1/paths/${p.id}`,
        async call<T>(req: FastifyRequest, f: () => Promise<T>): Promise<T> {
          const header = req.headers[OP_HEADER];
          const route = req.routeOptions.url ?? 'unmatched';
          const op = typeof header === 'string' && OP_NAME.test(header) ? header : route;
          let timer: NodeJS.Timeout | undefined;
          const t0 = process.hrtime.bigint();
          try {
            return await Promise.race([
              f(),
              new Promise<never>((_, reject) => {
                timer = setTimeout(() => reject(new StoreTimeoutError(store, storeTimeoutMs)), storeTimeoutMs);
              }),
            ]);
          } catch (err) {
            const { status, body } = httpErrorOf(err, store);
            throw new HttpAnswer(status, body);
          } finally {
            clearTimeout(timer);
            metrics.observeStoreCall(route, op, Number(process.hrtime.bigint() - t0));
          }
        },
      };
      routeFor(p.id).register(ctx, impl as never);
    }

    try {
      await app.listen({ host, port: opts.port ?? 0 });
    } catch (err) {
      if ((err as { code?: string }).code === 'EADDRINUSE') {
        throw new UsageError(`Port ${opts.port} on ${host} is in use.`, { hint: 'Pick another with --port (0 picks a free one) or stop what listens there.' });
      }
      throw err;
    }
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0);
    const shown = host.includes(':') ? `[${host}]` : host;
    const server = app;
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await server.close();
      // A client whose store went away may wait for a reconnect that never comes: give it 2 s.
      let t: NodeJS.Timeout | undefined;
      await Promise.race([clients.close(), new Promise<void>((r) => (t = setTimeout(r, 2000)))]);
      clearTimeout(t);
    };
    return {
      url: `http://${shown}:${port}`,
      port,
      paths: ids,
      metrics,
      storeCalls: () => metrics.storeCalls(),
      hold(ms: number) {
        if (!opts.testHooks) throw new Error('hold() needs a service started with testHooks');
        holdUntil = Date.now() + ms;
      },
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (err) {
    await app?.close().catch(() => undefined);
    await clients.close();
    throw err;
  }
}
