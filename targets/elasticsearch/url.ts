/**
 * Elasticsearch connection URLs: `http[s]://[user[:password]@]host[:port][/<index prefix>]`.
 * The optional path is an index-name prefix (Connection.database): footprints then cover only
 * the indices whose names start with it.
 */
import { UsageError, redactUrl } from '../../core/errors.js';
import type { Connection } from '../../core/target.js';

/** Default URL: the local server capbench provisions (security off, plain HTTP). */
export const ELASTICSEARCH_DEFAULT_URL = 'http://127.0.0.1:9200';
/** Environment variable that overrides the Elasticsearch URL. */
export const ELASTICSEARCH_URL_ENV = 'CAPBENCH_ELASTICSEARCH_URL';
/** Default HTTP port of Elasticsearch. */
export const ELASTICSEARCH_DEFAULT_PORT = 9200;

/**
 * Parse and validate an Elasticsearch URL into the uniform Connection shape. Port defaults to
 * 9200 (for https too: Elasticsearch serves both on the same port). The canonical `url` is the
 * node's base URL with credentials and without the prefix (what the client's `node` takes).
 * @throws UsageError one line naming the (redacted) URL and what is wrong.
 */
export function parseElasticsearchUrl(url: string): Connection {
  const bad = (why: string) =>
    new UsageError(`Invalid Elasticsearch URL "${redactUrl(url)}": ${why}.`, {
      hint: 'Expected http://[user:password@]host[:port][/index-prefix], e.g. http://127.0.0.1:9200.',
    });
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw bad(`scheme must be http:// or https://, not ${u.protocol}//`);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw bad('the host is missing');
  // WHATWG URL drops the default port of the scheme (80/443): keep what the user wrote
  const written = /^[a-z]+:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d+)/i.exec(url.trim())?.[1];
  const port = written ? Number(written) : ELASTICSEARCH_DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`port ${written} is out of range`);
  let username: string | undefined;
  let password: string | undefined;
  let prefix: string | undefined;
  try {
    username = u.username ? decodeURIComponent(u.username) : undefined;
    password = u.password ? decodeURIComponent(u.password) : undefined;
    const p = u.pathname.replace(/^\/+|\/+$/g, '');
    prefix = p ? decodeURIComponent(p) : undefined;
  } catch {
    throw bad('the user, password or index prefix is not properly percent-encoded');
  }
  if (prefix !== undefined && (!/^[a-z0-9][a-z0-9_.-]*$/.test(prefix) || prefix.includes('/'))) {
    throw bad(`"${prefix}" is not a valid index prefix (lowercase letters, digits, _ . -)`);
  }
  if (u.search || u.hash) throw bad('query strings and fragments are not supported');
  const auth = u.username || u.password ? `${u.username}${u.password ? `:${u.password}` : ''}@` : '';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    store: 'elasticsearch',
    url: `${u.protocol}//${auth}${hostPart}:${port}`,
    host,
    port,
    username,
    password,
    database: prefix,
  };
}
