/**
 * The official PostgreSQL client (`pg`): a checked Pool, and the mapping of connection
 * failures to one-line TargetUnreachableError.
 */
import pg from 'pg';
import { CapbenchError, TargetUnreachableError } from '../../core/errors.js';
import type { Connection } from '../../core/target.js';
import { addressOf, describeNetworkError } from '../local/net.js';

/** Options of connectPostgres(): any pg.PoolConfig field except the connection string. */
export type ConnectPostgresOptions = Omit<pg.PoolConfig, 'connectionString' | 'host' | 'port' | 'user' | 'password' | 'database'>;

/**
 * Open a pg.Pool for `conn` and check it with one `SELECT 1`. Defaults: max 20 clients,
 * connectionTimeoutMillis 5000, application_name "capbench". Errors of idle clients are
 * swallowed (the next query fails and reports them); end it with `await pool.end()`.
 * @throws TargetUnreachableError "postgres at <address> is unreachable: <reason>." (refused,
 *   timeout, authentication failed, database does not exist, server starting up).
 */
export async function connectPostgres(conn: Connection, opts: ConnectPostgresOptions = {}): Promise<pg.Pool> {
  const pool = new pg.Pool({
    max: 20,
    connectionTimeoutMillis: 5000,
    application_name: 'capbench',
    ...opts,
    connectionString: conn.url,
  });
  pool.on('error', () => undefined);
  // A checked-out client that loses its server between two queries (a restart: 57P01) emits
  // 'error' with no listener, which would end the process: its next query fails instead.
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    await pool.query('SELECT 1');
    return pool;
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw mapPostgresError(conn, err, opts.connectionTimeoutMillis ?? 5000);
  }
}

/**
 * Open a single checked pg.Client for `conn` (for probes and one-off queries).
 * @throws TargetUnreachableError as connectPostgres().
 */
export async function connectPostgresClient(conn: Connection, timeoutMs = 5000): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: conn.url, connectionTimeoutMillis: timeoutMs, application_name: 'capbench' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw mapPostgresError(conn, err, timeoutMs);
  }
}

/**
 * Map an error from connecting to PostgreSQL to a one-line CapbenchError naming the store and
 * address, with a hint that fits the cause (SQLSTATE 28P01/28000 credentials, 3D000 missing
 * database, 57P03 starting up, network errors). A CapbenchError is returned as is.
 */
export function mapPostgresError(conn: Connection, err: unknown, timeoutMs?: number): CapbenchError {
  if (err instanceof CapbenchError) return err;
  const address = addressOf(conn);
  const code = (err as { code?: string } | undefined)?.code;
  const msg = err instanceof Error ? err.message : String(err);
  const urlHint = '(--postgres-url or CAPBENCH_POSTGRES_URL)';
  switch (code) {
    case '28P01':
    case '28000':
      return new TargetUnreachableError('postgres', address, `authentication failed for user "${conn.username ?? ''}"`, {
        cause: err,
        hint: `Check the user and password in the PostgreSQL URL ${urlHint}; the local server's are capbench/capbench.`,
      });
    case '3D000':
      return new TargetUnreachableError('postgres', address, `database "${conn.database ?? ''}" does not exist`, {
        cause: err,
        hint: `Create it, or name an existing database in the PostgreSQL URL ${urlHint}.`,
      });
    case '57P03':
      return new TargetUnreachableError('postgres', address, 'the server is starting up or shutting down', {
        cause: err,
        hint: 'Wait a few seconds and try again; `capbench services status postgres` shows its state.',
      });
    case '53300':
      return new TargetUnreachableError('postgres', address, 'too many connections', {
        cause: err,
        hint: 'Lower the benchmark concurrency or raise max_connections on the server.',
      });
  }
  if (/timeout/i.test(msg) && !code) {
    return new TargetUnreachableError('postgres', address, `no answer within ${Math.round((timeoutMs ?? 5000) / 100) / 10} s`, { cause: err });
  }
  return new TargetUnreachableError('postgres', address, describeNetworkError(err, timeoutMs), { cause: err });
}
