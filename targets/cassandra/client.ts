/**
 * The official Cassandra driver (`cassandra-driver` 4.x Client), connected, with connection
 * failures mapped to one-line TargetUnreachableError.
 */
import cassandra from 'cassandra-driver';
import { CapbenchError, TargetUnreachableError } from '../../core/errors.js';
import type { Connection } from '../../core/target.js';
import { addressOf, describeNetworkError } from '../local/net.js';
import { cassandraDataCenter } from './url.js';

/** The client type connectCassandra() returns. */
export type CassandraClient = cassandra.Client;

/** Options of connectCassandra(). */
export interface ConnectCassandraOptions {
  /** TCP connect timeout and first-request timeout, ms (default 5000). */
  timeoutMs?: number;
  /**
   * Bind the client to the URL's keyspace (default false: the keyspace may not exist yet;
   * storage paths create it, then qualify table names or call `client.execute('USE ...')`).
   */
  useKeyspace?: boolean;
  /** More driver options; they win over the defaults above. */
  driver?: Partial<cassandra.ClientOptions>;
}

/**
 * Open a connected Client for `conn` (contact point host:port, local data center from the
 * URL's `dc`, plain-text credentials when the URL has a user). Close with `await client.shutdown()`.
 * @throws TargetUnreachableError "cassandra at <address> is unreachable: <reason>." when no
 *   node answers, the credentials are refused, or (with useKeyspace) the keyspace does not exist.
 */
export async function connectCassandra(conn: Connection, opts: ConnectCassandraOptions = {}): Promise<CassandraClient> {
  const timeout = opts.timeoutMs ?? 5000;
  const client = new cassandra.Client({
    contactPoints: [`${conn.host.includes(':') ? `[${conn.host}]` : conn.host}:${conn.port}`],
    localDataCenter: cassandraDataCenter(conn),
    keyspace: opts.useKeyspace ? conn.database : undefined,
    credentials: conn.username ? { username: conn.username, password: conn.password ?? '' } : undefined,
    socketOptions: { connectTimeout: timeout, readTimeout: Math.max(12_000, timeout) },
    ...opts.driver,
  });
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.shutdown().catch(() => undefined);
    throw mapCassandraError(conn, err, timeout);
  }
}

/**
 * Map an error from connecting to (or talking to) Cassandra to a one-line CapbenchError:
 * TargetUnreachableError naming the store and address, with a hint that fits the cause.
 * A CapbenchError is returned as is.
 */
export function mapCassandraError(conn: Connection, err: unknown, timeoutMs?: number): CapbenchError {
  if (err instanceof CapbenchError) return err;
  const address = addressOf(conn);
  const e = err as { name?: string; message?: string; innerErrors?: Record<string, unknown> };
  const msg = e?.message ?? String(err);
  const inner = e?.innerErrors ? Object.values(e.innerErrors)[0] : undefined;
  const innerMsg = inner instanceof Error ? inner.message : inner ? String(inner) : '';
  if (err instanceof cassandra.errors.AuthenticationError || /AuthenticationError|Authentication|credentials/i.test(`${msg} ${innerMsg}`)) {
    return new TargetUnreachableError('cassandra', address, 'authentication failed', {
      cause: err,
      hint: 'Check the user and password in the Cassandra URL (--cassandra-url or CAPBENCH_CASSANDRA_URL).',
    });
  }
  if (/Keyspace .* does not exist/i.test(`${msg} ${innerMsg}`)) {
    return new TargetUnreachableError('cassandra', address, `keyspace ${conn.database ?? '?'} does not exist`, {
      cause: err,
      hint: 'Create it first (the storage paths do), or name an existing keyspace in the URL path.',
    });
  }
  if (/localDataCenter|data center|datacenter/i.test(`${msg} ${innerMsg}`)) {
    return new TargetUnreachableError('cassandra', address, `local data center "${cassandraDataCenter(conn)}" not found: ${msg.split('\n')[0]}`, {
      cause: err,
      hint: 'Name the server\'s data center with ?dc=<name> in the Cassandra URL.',
    });
  }
  if (err instanceof cassandra.errors.OperationTimedOutError || /timed? ?out/i.test(`${msg} ${innerMsg}`)) {
    return new TargetUnreachableError('cassandra', address, `no answer within ${Math.round((timeoutMs ?? 5000) / 100) / 10} s`, { cause: err });
  }
  if (err instanceof cassandra.errors.NoHostAvailableError) {
    return new TargetUnreachableError('cassandra', address, inner ? describeNetworkError(inner, timeoutMs) : 'no node answers', { cause: err });
  }
  return new TargetUnreachableError('cassandra', address, describeNetworkError(err, timeoutMs), { cause: err });
}
