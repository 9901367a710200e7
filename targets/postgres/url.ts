/**
 * PostgreSQL connection URLs: `postgres://[user[:password]@]host[:port][/database][?param=value]`
 * (`postgresql://` too). Query parameters (sslmode, application_name, ...) are kept for `pg`.
 */
import { UsageError, redactUrl } from '../../core/errors.js';
import type { Connection } from '../../core/target.js';

/** Role, password and database of the local PostgreSQL capbench provisions. */
export const POSTGRES_CAPBENCH_ROLE = 'capbench';
export const POSTGRES_CAPBENCH_PASSWORD = 'capbench';
export const POSTGRES_CAPBENCH_DATABASE = 'capbench';
/** Default URL: the local server capbench provisions. */
export const POSTGRES_DEFAULT_URL = 'postgres://capbench:capbench@127.0.0.1:5432/capbench';
/** Environment variable that overrides the PostgreSQL URL. */
export const POSTGRES_URL_ENV = 'CAPBENCH_POSTGRES_URL';
/** Default TCP port of PostgreSQL. */
export const POSTGRES_DEFAULT_PORT = 5432;

/**
 * Parse and validate a PostgreSQL URL into the uniform Connection shape. Port defaults to 5432;
 * the database defaults, as in libpq, to the user name. The canonical `url` keeps the
 * credentials (redact with redactUrl() before printing).
 * @throws UsageError one line naming the (redacted) URL and what is wrong.
 */
export function parsePostgresUrl(url: string): Connection {
  const bad = (why: string) =>
    new UsageError(`Invalid PostgreSQL URL "${redactUrl(url)}": ${why}.`, {
      hint: 'Expected postgres://user:password@host[:port]/database, e.g. postgres://capbench:capbench@127.0.0.1:5432/capbench.',
    });
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw bad(`scheme must be postgres:// or postgresql://, not ${u.protocol}//`);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw bad('the host is missing');
  const port = u.port ? Number(u.port) : POSTGRES_DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`port ${u.port} is out of range`);
  let username: string | undefined;
  let password: string | undefined;
  let database: string | undefined;
  try {
    username = u.username ? decodeURIComponent(u.username) : undefined;
    password = u.password ? decodeURIComponent(u.password) : undefined;
    const path = u.pathname.replace(/^\//, '');
    if (path.includes('/')) throw bad(`the path must be one database name, not "/${path}"`);
    database = path ? decodeURIComponent(path) : username;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw bad('the user, password or database is not properly percent-encoded');
  }
  if (u.hash) throw bad('fragments are not supported');
  const auth = u.username || u.password ? `${u.username}${u.password ? `:${u.password}` : ''}@` : '';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const dbPart = database !== undefined ? `/${encodeURIComponent(database)}` : '';
  return {
    store: 'postgres',
    url: `postgres://${auth}${hostPart}:${port}${dbPart}${u.search}`,
    host,
    port,
    username,
    password,
    database,
  };
}
