/** PostgreSQL health check and identity: connect, `SHOW server_version`. */
import type { Connection, ServerInfo } from '../../core/target.js';
import { addressOf } from '../local/net.js';
import { connectPostgresClient, mapPostgresError } from './client.js';

/**
 * Health check plus identity. `version` is the first word of `SHOW server_version`
 * (e.g. "15.18" of "15.18 (Debian 15.18-0+deb12u1)").
 * @param timeoutMs connect timeout, ms (default 5000).
 * @throws TargetUnreachableError naming "postgres" and host:port.
 */
export async function probePostgres(conn: Connection, timeoutMs = 5000): Promise<ServerInfo> {
  const client = await connectPostgresClient(conn, timeoutMs);
  try {
    const res = await client.query<{ server_version: string }>('SHOW server_version');
    const full = res.rows[0]?.server_version ?? 'unknown';
    return { store: 'postgres', product: 'PostgreSQL', version: full.split(/\s+/)[0] ?? full, address: addressOf(conn) };
  } catch (err) {
    throw mapPostgresError(conn, err, timeoutMs);
  } finally {
    await client.end().catch(() => undefined);
  }
}
