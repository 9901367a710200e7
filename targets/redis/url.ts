/**
 * Redis connection URLs: `redis://[user[:password]@]host[:port][/db]` (or `rediss://` for TLS).
 */
import { UsageError, redactUrl } from '../../core/errors.js';
import type { Connection } from '../../core/target.js';

/** Default address of the local Redis capbench provisions. */
export const REDIS_DEFAULT_URL = 'redis://127.0.0.1:6379';
/** Environment variable that overrides the Redis URL. */
export const REDIS_URL_ENV = 'CAPBENCH_REDIS_URL';
/** Default TCP port of Redis. */
export const REDIS_DEFAULT_PORT = 6379;

/**
 * Parse and validate a Redis URL into the uniform Connection shape. Port defaults to 6379;
 * the path, if any, is the logical database number (0-15 by default) and lands in `database`.
 * The canonical `url` keeps the credentials (redact with redactUrl() before printing).
 * @throws UsageError one line naming the (redacted) URL and what is wrong.
 */
export function parseRedisUrl(url: string): Connection {
  const bad = (why: string) =>
    new UsageError(`Invalid Redis URL "${redactUrl(url)}": ${why}.`, {
      hint: 'Expected redis://[user:password@]host[:port][/db], e.g. redis://127.0.0.1:6379/0.',
    });
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw bad(`scheme must be redis:// or rediss://, not ${u.protocol}//`);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw bad('the host is missing');
  const port = u.port ? Number(u.port) : REDIS_DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`port ${u.port} is out of range`);
  const dbPath = u.pathname.replace(/^\/+|\/+$/g, '');
  let database: string | undefined;
  if (dbPath) {
    if (!/^\d{1,5}$/.test(dbPath)) throw bad(`the path must be a database number, not "/${dbPath}"`);
    database = String(Number(dbPath));
  }
  if (u.search || u.hash) throw bad('query strings and fragments are not supported');
  let username: string | undefined;
  let password: string | undefined;
  try {
    username = u.username ? decodeURIComponent(u.username) : undefined;
    password = u.password ? decodeURIComponent(u.password) : undefined;
  } catch {
    throw bad('the user or password is not properly percent-encoded');
  }
  const auth = u.username || u.password ? `${u.username}${u.password ? `:${u.password}` : ''}@` : '';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    store: 'redis',
    url: `${u.protocol}//${auth}${hostPart}:${port}${database !== undefined ? `/${database}` : ''}`,
    host,
    port,
    username,
    password,
    database,
  };
}
