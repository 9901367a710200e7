/**
 * The official MongoDB driver (`mongodb` v6 MongoClient), connected and checked, with
 * connection failures mapped to one-line TargetUnreachableError. The same client talks to the
 * local FerretDB and to a real MongoDB.
 */
import { MongoClient, type MongoClientOptions } from 'mongodb';
import { CapbenchError, TargetUnreachableError } from '../../core/errors.js';
import type { Connection } from '../../core/target.js';
import { addressOf, describeNetworkError } from '../local/net.js';

/** Options of connectMongo(). */
export interface ConnectMongoOptions {
  /** How long to wait for the server to answer (serverSelectionTimeoutMS and connectTimeoutMS), ms; default 5000. */
  timeoutMs?: number;
  /** Application name shown in the server's logs (default "capbench"). */
  appName?: string;
  /** More driver options (pool size, write concern, ...); they win over the defaults above. */
  driver?: MongoClientOptions;
}

/**
 * Open a connected MongoClient for `conn` (credentials, database and options from the URL) and
 * check it with a `ping`. Use `client.db()` for the URL's database; close with `await client.close()`.
 * @throws TargetUnreachableError "mongodb at <address> is unreachable: <reason>." when the
 *   server does not answer in time or refuses the credentials.
 */
export async function connectMongo(conn: Connection, opts: ConnectMongoOptions = {}): Promise<MongoClient> {
  const timeout = opts.timeoutMs ?? 5000;
  const client = new MongoClient(conn.url, {
    serverSelectionTimeoutMS: timeout,
    connectTimeoutMS: timeout,
    appName: opts.appName ?? 'capbench',
    ...opts.driver,
  });
  try {
    await client.connect();
    await client.db(conn.database).command({ ping: 1 });
    return client;
  } catch (err) {
    await client.close(true).catch(() => undefined);
    throw mapMongoError(conn, err, timeout);
  }
}

/**
 * Map an error from connecting to (or talking to) MongoDB to a one-line CapbenchError:
 * TargetUnreachableError naming the store and address, with a hint that fits the cause.
 * A CapbenchError is returned as is.
 */
export function mapMongoError(conn: Connection, err: unknown, timeoutMs?: number): CapbenchError {
  if (err instanceof CapbenchError) return err;
  const address = addressOf(conn);
  const e = err as { name?: string; message?: string; code?: number; cause?: unknown; reason?: { servers?: Map<string, { error?: unknown }> } };
  const msg = e?.message ?? String(err);
  if (e?.code === 18 || /Authentication failed|auth.*fail/i.test(msg)) {
    return new TargetUnreachableError('mongodb', address, 'authentication failed', {
      cause: err,
      hint: 'Check the user and password in the MongoDB URL (--mongodb-url or CAPBENCH_MONGODB_URL).',
    });
  }
  if (e?.name === 'MongoServerSelectionError' || e?.name === 'MongoNetworkError' || e?.name === 'MongoNetworkTimeoutError') {
    // the driver wraps the socket error; find it for a precise reason
    let inner: unknown = e.cause;
    for (const s of e.reason?.servers?.values() ?? []) inner ??= s.error;
    const innerCause = (inner as { cause?: unknown })?.cause ?? inner;
    const reason = innerCause ? describeNetworkError(innerCause, timeoutMs) : `no answer within ${Math.round((timeoutMs ?? 5000) / 100) / 10} s`;
    return new TargetUnreachableError('mongodb', address, /timed out/i.test(reason) || !innerCause ? `no answer within ${Math.round((timeoutMs ?? 5000) / 100) / 10} s` : reason, { cause: err });
  }
  return new TargetUnreachableError('mongodb', address, describeNetworkError(err, timeoutMs), { cause: err });
}
