/**
 * Cassandra health check and identity: `SELECT release_version FROM system.local`.
 */
import type { Connection, ServerInfo } from '../../core/target.js';
import { addressOf } from '../local/net.js';
import { connectCassandra, mapCassandraError, type CassandraClient } from './client.js';

/** ServerInfo of an already connected client (system.local release_version). */
export async function cassandraServerInfo(client: CassandraClient, conn: Connection): Promise<ServerInfo> {
  const rs = await client.execute('SELECT release_version FROM system.local');
  const version = String(rs.first()?.get('release_version') ?? 'unknown');
  return { store: 'cassandra', product: 'Apache Cassandra', version, address: addressOf(conn) };
}

/**
 * Health check plus identity: connect, read system.local, shut down.
 * @param timeoutMs connect timeout, ms (default 5000).
 * @throws TargetUnreachableError naming "cassandra" and host:port.
 */
export async function probeCassandra(conn: Connection, timeoutMs = 5000): Promise<ServerInfo> {
  const client = await connectCassandra(conn, {
    timeoutMs,
    driver: { pooling: { coreConnectionsPerHost: { 0: 1, 1: 1, 2: 0 } } },
  });
  try {
    return await cassandraServerInfo(client, conn);
  } catch (err) {
    throw mapCassandraError(conn, err, timeoutMs);
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}
