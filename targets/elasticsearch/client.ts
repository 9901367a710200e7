/**
 * The official Elasticsearch client (`@elastic/elasticsearch` ~8.19, the server's major),
 * checked with a cluster health call, with connection failures mapped to one-line
 * TargetUnreachableError.
 */
import { Client, errors, type ClientOptions } from '@elastic/elasticsearch';
import { CapbenchError, TargetUnreachableError } from '../../core/errors.js';
import type { Connection } from '../../core/target.js';
import { addressOf, describeNetworkError } from '../local/net.js';

/** Options of connectElasticsearch(). */
export interface ConnectElasticsearchOptions {
  /** Request timeout, ms (default 10 000; bulk-heavy callers raise it through `driver`). */
  timeoutMs?: number;
  /** More client options; they win over the defaults. */
  driver?: Partial<ClientOptions>;
}

/** The client options capbench uses for `conn` (pure; exported for callers that build their own Client). */
export function elasticsearchClientOptions(conn: Connection, opts: ConnectElasticsearchOptions = {}): ClientOptions {
  const base = new URL(conn.url);
  base.username = '';
  base.password = '';
  return {
    node: base.toString().replace(/\/$/, ''),
    auth: conn.username ? { username: conn.username, password: conn.password ?? '' } : undefined,
    requestTimeout: opts.timeoutMs ?? 10_000,
    maxRetries: 0,
    ...opts.driver,
  };
}

/**
 * Open a Client for `conn` and check it answers (`GET /_cluster/health`). Close with
 * `await client.close()`. Note: the integ-test-zip distribution capbench runs locally has no
 * `GET /` handler (module rest-root), so `client.info()` fails there; use probeElasticsearch().
 * @throws TargetUnreachableError "elasticsearch at <address> is unreachable: <reason>."
 */
export async function connectElasticsearch(conn: Connection, opts: ConnectElasticsearchOptions = {}): Promise<Client> {
  const client = new Client(elasticsearchClientOptions(conn, opts));
  try {
    await client.cluster.health({ timeout: '1s' }, { requestTimeout: opts.timeoutMs ?? 10_000 });
    return client;
  } catch (err) {
    await client.close().catch(() => undefined);
    throw mapElasticsearchError(conn, err, opts.timeoutMs ?? 10_000);
  }
}

/**
 * Map an error from the client to a one-line CapbenchError: TargetUnreachableError naming the
 * store and address, with a hint that fits the cause. A CapbenchError is returned as is.
 */
export function mapElasticsearchError(conn: Connection, err: unknown, timeoutMs?: number): CapbenchError {
  if (err instanceof CapbenchError) return err;
  const address = addressOf(conn);
  if (err instanceof errors.ResponseError) {
    if (err.statusCode === 401 || err.statusCode === 403) {
      return new TargetUnreachableError('elasticsearch', address, `authentication failed (HTTP ${err.statusCode})`, {
        cause: err,
        hint: 'Check the user and password in the Elasticsearch URL (--elasticsearch-url or CAPBENCH_ELASTICSEARCH_URL).',
      });
    }
    const reason = (err.body as { error?: { reason?: string } | string } | undefined)?.error;
    const text = typeof reason === 'string' ? reason : (reason?.reason ?? err.message.split('\n')[0]);
    return new TargetUnreachableError('elasticsearch', address, `HTTP ${err.statusCode ?? '?'}: ${text}`, { cause: err });
  }
  if (err instanceof errors.TimeoutError) {
    return new TargetUnreachableError('elasticsearch', address, `no answer within ${Math.round((timeoutMs ?? 10_000) / 100) / 10} s`, { cause: err });
  }
  if (err instanceof errors.ProductNotSupportedError) {
    return new TargetUnreachableError('elasticsearch', address, 'the server there is not Elasticsearch', { cause: err });
  }
  if (err instanceof errors.ConnectionError) {
    const cause = (err as { cause?: unknown }).cause;
    const msg = err.message;
    const code = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ECONNRESET/.exec(msg)?.[0];
    const reason = cause ? describeNetworkError(cause, timeoutMs) : code ? describeNetworkError({ code }, timeoutMs) : msg.split('\n')[0] ?? 'connection failed';
    return new TargetUnreachableError('elasticsearch', address, reason, { cause: err });
  }
  return new TargetUnreachableError('elasticsearch', address, describeNetworkError(err, timeoutMs), { cause: err });
}
