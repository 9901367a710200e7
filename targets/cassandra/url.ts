/**
 * Cassandra connection URLs: `cassandra://[user[:password]@]host[:port][/keyspace][?dc=<local data center>]`.
 * The keyspace lands in Connection.database; `dc` (default "datacenter1", what a single node
 * with SimpleSnitch calls itself) stays in the URL for the driver's load-balancing policy.
 */
import { UsageError, redactUrl } from '../../core/errors.js';
import type { Connection } from '../../core/target.js';

/** Keyspace capbench uses when the URL names none. */
export const CASSANDRA_DEFAULT_KEYSPACE = 'capbench';
/** Local data center name of a single node with SimpleSnitch (and of the Docker image). */
export const CASSANDRA_DEFAULT_DC = 'datacenter1';
/** Default URL: the local server capbench provisions (no authentication). */
export const CASSANDRA_DEFAULT_URL = 'cassandra://127.0.0.1:9042/capbench';
/** Environment variable that overrides the Cassandra URL. */
export const CASSANDRA_URL_ENV = 'CAPBENCH_CASSANDRA_URL';
/** Default CQL native transport port. */
export const CASSANDRA_DEFAULT_PORT = 9042;

/**
 * Parse and validate a Cassandra URL into the uniform Connection shape. Port defaults to 9042,
 * the keyspace to "capbench". Only the query parameter `dc` is accepted.
 * @throws UsageError one line naming the (redacted) URL and what is wrong.
 */
export function parseCassandraUrl(url: string): Connection {
  const bad = (why: string) =>
    new UsageError(`Invalid Cassandra URL "${redactUrl(url)}": ${why}.`, {
      hint: 'Expected cassandra://[user:password@]host[:port][/keyspace][?dc=datacenter1], e.g. cassandra://127.0.0.1:9042/capbench.',
    });
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol !== 'cassandra:') throw bad(`scheme must be cassandra://, not ${u.protocol}//`);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw bad('the host is missing');
  const port = u.port ? Number(u.port) : CASSANDRA_DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`port ${u.port} is out of range`);
  let username: string | undefined;
  let password: string | undefined;
  let keyspace: string;
  try {
    username = u.username ? decodeURIComponent(u.username) : undefined;
    password = u.password ? decodeURIComponent(u.password) : undefined;
    const p = u.pathname.replace(/^\//, '');
    keyspace = p ? decodeURIComponent(p) : CASSANDRA_DEFAULT_KEYSPACE;
  } catch {
    throw bad('the user, password or keyspace is not properly percent-encoded');
  }
  if (!/^[A-Za-z0-9_]{1,48}$/.test(keyspace)) throw bad(`"${keyspace}" is not a valid keyspace name (letters, digits and _; at most 48)`);
  for (const key of u.searchParams.keys()) if (key !== 'dc') throw bad(`unknown parameter "${key}" (only dc is accepted)`);
  const dc = u.searchParams.get('dc');
  if (dc !== null && !dc.trim()) throw bad('dc is empty');
  if (u.hash) throw bad('fragments are not supported');
  const auth = u.username || u.password ? `${u.username}${u.password ? `:${u.password}` : ''}@` : '';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    store: 'cassandra',
    url: `cassandra://${auth}${hostPart}:${port}/${keyspace}${dc ? `?dc=${encodeURIComponent(dc)}` : ''}`,
    host,
    port,
    username,
    password,
    database: keyspace,
  };
}

/** The local data center named by the URL's `dc` parameter, else "datacenter1". */
export function cassandraDataCenter(conn: Pick<Connection, 'url'>): string {
  try {
    return new URL(conn.url).searchParams.get('dc') || CASSANDRA_DEFAULT_DC;
  } catch {
    return CASSANDRA_DEFAULT_DC;
  }
}
