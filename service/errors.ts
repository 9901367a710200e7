/**
 * How the reference service turns what a storage path raised into an HTTP answer (issue 12,
 * "Bad requests get 400 with a JSON error, unknown ids 404, an unreachable store 503 with the
 * store named"). Every error body is JSON: { error, message, store? }.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { UnsupportedQueryError } from '../reference-impl/search/types.js';

/** The JSON body of every non-2xx answer. */
export interface ErrorBody {
  /** Short kind: "bad request", "not found", "store unavailable", "payload too large", "internal". */
  error: string;
  /** One line saying what was wrong (never a stack trace, never a password). */
  message: string;
  /** For 503: the store that did not answer ("redis", "postgres", ...). */
  store?: string;
}

/** A store call that did not finish within the service's store timeout (ms). */
export class StoreTimeoutError extends Error {
  readonly code = 'STORE_TIMEOUT';
  constructor(readonly store: string, readonly timeoutMs: number) {
    super(`${store} did not answer within ${timeoutMs} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/** A unique/foreign-key miss the route turns into 404 (an id the store does not know). */
export class UnknownIdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownIdError';
  }
}

const UNREACHABLE_NAMES = new Set(['ClientClosedError', 'ClientOfflineError', 'SocketClosedUnexpectedlyError', 'ConnectionTimeoutError', 'StoreTimeoutError', 'ReconnectStrategyError']);

/**
 * True when `err` says the store is unreachable rather than the request being wrong: network
 * codes (ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT, ...), PostgreSQL class 08 (connection
 * exception) and 57P01..57P03 (shutdown), node-redis' closed/offline errors, pg's "Connection
 * terminated", and the service's own store timeout.
 */
export function isUnreachable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; name?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (/^(ECONN|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|08|57P0)/.test(code) || code === 'STORE_TIMEOUT') return true;
  if (typeof e.name === 'string' && UNREACHABLE_NAMES.has(e.name)) return true;
  const msg = typeof e.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|Socket closed|The client is closed|ECONNREFUSED/i.test(msg);
}

/**
 * The HTTP status and body for an error a route's store call raised.
 * @param store the store the route's path uses (named in a 503).
 * @returns 400 for InvalidArgumentError (bad id, self-follow, bad page size) and
 *   UnsupportedQueryError (a query kind the search path does not answer); 409 for PostgreSQL
 *   23505 (a username or email taken by another user); 404 for
 *   UnknownIdError and PostgreSQL 23503 (a foreign key to a user that does not exist); 503
 *   naming the store when it is unreachable; 500 otherwise (message only, no stack).
 */
export function httpErrorOf(err: unknown, store: string): { status: number; body: ErrorBody } {
  const message = err instanceof Error ? (err.message.split('\n')[0] ?? err.name) : String(err);
  if (err instanceof InvalidArgumentError || err instanceof UnsupportedQueryError) return { status: 400, body: { error: 'bad request', message } };
  if (err instanceof UnknownIdError) return { status: 404, body: { error: 'not found', message } };
  if (err && typeof err === 'object' && (err as { code?: unknown }).code === '23503') {
    return { status: 404, body: { error: 'not found', message: 'unknown user id (the store has no such user)' } };
  }
  if (err && typeof err === 'object' && (err as { code?: unknown }).code === '23505') {
    return { status: 409, body: { error: 'conflict', message: 'a unique value (username or email) is taken by another id' } };
  }
  if (isUnreachable(err)) return { status: 503, body: { error: 'store unavailable', message: `${store} is unreachable: ${message}`, store } };
  return { status: 500, body: { error: 'internal', message } };
}
