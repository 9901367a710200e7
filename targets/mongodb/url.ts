/**
 * MongoDB connection URLs: `mongodb://[user[:password]@]host[:port][/database][?options]`
 * (one host; `mongodb+srv://host/...` too). The options (authSource, tls, ...) are kept for
 * the driver. The same URL reaches the local FerretDB and a real MongoDB.
 */
import { UsageError, redactUrl } from '../../core/errors.js';
import type { Connection } from '../../core/target.js';

/** Database capbench uses when the URL names none. */
export const MONGODB_DEFAULT_DATABASE = 'capbench';
/** Default URL: the local FerretDB capbench provisions (no authentication). */
export const MONGODB_DEFAULT_URL = 'mongodb://127.0.0.1:27017/capbench';
/** Environment variable that overrides the MongoDB URL. */
export const MONGODB_URL_ENV = 'CAPBENCH_MONGODB_URL';
/** Default TCP port of MongoDB (and of FerretDB). */
export const MONGODB_DEFAULT_PORT = 27017;

/**
 * Parse and validate a MongoDB URL into the uniform Connection shape. Port defaults to 27017,
 * the database to "capbench". The canonical `url` keeps the credentials and options (redact
 * with redactUrl() before printing).
 * @throws UsageError one line naming the (redacted) URL and what is wrong.
 */
export function parseMongoUrl(url: string): Connection {
  const bad = (why: string) =>
    new UsageError(`Invalid MongoDB URL "${redactUrl(url)}": ${why}.`, {
      hint: 'Expected mongodb://[user:password@]host[:port][/database], e.g. mongodb://127.0.0.1:27017/capbench.',
    });
  const raw = url.trim();
  const scheme = /^([a-z+]+):\/\//i.exec(raw)?.[1]?.toLowerCase();
  if (!scheme) throw bad('not a URL');
  if (scheme !== 'mongodb' && scheme !== 'mongodb+srv') throw bad(`scheme must be mongodb:// or mongodb+srv://, not ${scheme}://`);
  const authority = raw.slice(scheme.length + 3).split(/[/?#]/)[0] ?? '';
  if (authority.slice(authority.lastIndexOf('@') + 1).includes(',')) throw bad('several hosts (a replica set seed list) are not supported; give one host');
  let u: URL;
  try {
    // WHATWG URL does not know mongodb:, so parse the same text under http: for its parts
    u = new URL(`http://${raw.slice(scheme.length + 3)}`);
  } catch {
    throw bad('not a URL');
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw bad('the host is missing');
  if (scheme === 'mongodb+srv' && u.port) throw bad('mongodb+srv:// URLs take no port');
  const port = u.port ? Number(u.port) : MONGODB_DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`port ${u.port} is out of range`);
  let username: string | undefined;
  let password: string | undefined;
  let database: string;
  try {
    username = u.username ? decodeURIComponent(u.username) : undefined;
    password = u.password ? decodeURIComponent(u.password) : undefined;
    const p = u.pathname.replace(/^\//, '');
    if (p.includes('/')) throw bad(`the path must be one database name, not "/${p}"`);
    database = p ? decodeURIComponent(p) : MONGODB_DEFAULT_DATABASE;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw bad('the user, password or database is not properly percent-encoded');
  }
  if (/[\s."$\\/]/.test(database) || database.length > 63) throw bad(`"${database}" is not a valid database name`);
  if (u.hash) throw bad('fragments are not supported');
  const auth = u.username || u.password ? `${u.username}${u.password ? `:${u.password}` : ''}@` : '';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const portPart = scheme === 'mongodb+srv' ? '' : `:${port}`;
  return {
    store: 'mongodb',
    url: `${scheme}://${auth}${hostPart}${portPart}/${encodeURIComponent(database)}${u.search}`,
    host,
    port,
    username,
    password,
    database,
  };
}
