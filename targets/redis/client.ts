/**
 * The official Redis client (`redis` v5 createClient), connected and checked, with connection
 * failures mapped to one-line TargetUnreachableError.
 */
import { createClient, type RedisClientType } from 'redis';
import { CapbenchError, TargetUnreachableError } from '../../core/errors.js';
import type { Connection } from '../../core/target.js';
import { addressOf, describeNetworkError } from '../local/net.js';

/**
 * The client type connectRedis() returns (node-redis v5 with its default modules, RESP2). The
 * infrastructure (probe, footprint, faults, persistence) uses it directly; storage paths and
 * scenarios use capbench's RedisClient (targets/redis/driver.ts) over either driver.
 */
export type NodeRedisClient = RedisClientType;

/** Options of connectRedis(). */
export interface ConnectRedisOptions {
  /** TCP connect timeout, ms (default 5000). */
  connectTimeoutMs?: number;
  /**
   * Reconnect after the connection drops (default true: the client retries with a capped
   * backoff, which is what a benchmark that must survive a restarting target wants). The first
   * connection is never retried: a failure there is a TargetUnreachableError at once.
   */
  reconnect?: boolean;
  /** Client name shown by CLIENT LIST (default "capbench"). */
  name?: string;
  /** Called with errors the client emits after connecting (default: ignored; the failing command rejects anyway). */
  onError?: (err: Error) => void;
}

/**
 * Open a connected, ready Redis client for `conn` (credentials and database from the URL).
 * Close it with `await client.close()` (or `destroy()`).
 * @throws TargetUnreachableError "redis at <address> is unreachable: <reason>." when the
 *   server does not answer, refuses the password, or the database does not exist.
 */
export async function connectRedis(conn: Connection, opts: ConnectRedisOptions = {}): Promise<NodeRedisClient> {
  const timeout = opts.connectTimeoutMs ?? 5000;
  let connected = false;
  const client = createClient({
    url: conn.url,
    name: opts.name ?? 'capbench',
    socket: {
      connectTimeout: timeout,
      reconnectStrategy: (retries: number, cause: Error) => {
        if (!connected || opts.reconnect === false) return false;
        void cause;
        return Math.min(50 * 2 ** Math.min(retries, 6), 2000);
      },
    },
  }) as unknown as NodeRedisClient;
  client.on('error', (err: Error) => opts.onError?.(err));
  try {
    await client.connect();
    connected = true;
    return client;
  } catch (err) {
    closeRedis(client);
    throw mapRedisError(conn, err, timeout);
  }
}

/** Close a client at once (pending commands are rejected); never throws, even if already closed. */
export function closeRedis(client: NodeRedisClient): void {
  try {
    client.destroy();
  } catch {
    // already closed
  }
}

/**
 * Map an error from connecting to (or talking to) Redis to a one-line CapbenchError:
 * TargetUnreachableError naming the store and address, with a hint that fits the cause.
 * A CapbenchError is returned as is.
 */
export function mapRedisError(conn: Connection, err: unknown, timeoutMs?: number): CapbenchError {
  if (err instanceof CapbenchError) return err;
  const address = addressOf(conn);
  const msg = err instanceof Error ? err.message : String(err);
  const name = err instanceof Error ? err.constructor.name : '';
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(msg)) {
    return new TargetUnreachableError('redis', address, 'authentication failed', {
      cause: err,
      hint: 'Check the user and password in the Redis URL (--redis-url or CAPBENCH_REDIS_URL).',
    });
  }
  if (/DB index is out of range|invalid DB index/i.test(msg)) {
    return new TargetUnreachableError('redis', address, `database ${conn.database ?? '?'} does not exist`, {
      cause: err,
      hint: 'Use a database number the server has (0-15 by default) in the URL path.',
    });
  }
  if (name === 'ConnectionTimeoutError' || /timeout/i.test(msg)) {
    return new TargetUnreachableError('redis', address, `no answer within ${Math.round((timeoutMs ?? 5000) / 100) / 10} s`, { cause: err });
  }
  return new TargetUnreachableError('redis', address, describeNetworkError(err, timeoutMs), { cause: err });
}
