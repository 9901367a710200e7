/**
 * Redis health check and identity: PING, then INFO server (redis_version; server_name for
 * forks such as Valkey, which are named as what they are).
 */
import type { Connection, ServerInfo } from '../../core/target.js';
import { addressOf } from '../local/net.js';
import { closeRedis, connectRedis, mapRedisError, type NodeRedisClient } from './client.js';

/** Parse the text of INFO into a field map ("# Section" headers and blank lines skipped). */
export function parseInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return out;
}

/** ServerInfo of an already connected client (INFO server). */
export async function redisServerInfo(client: NodeRedisClient, conn: Connection): Promise<ServerInfo> {
  const info = parseInfo(await client.info('server'));
  const version = info.get('valkey_version') ?? info.get('redis_version') ?? 'unknown';
  const serverName = info.get('server_name');
  const isFork = serverName !== undefined && serverName.toLowerCase() !== 'redis';
  return {
    store: 'redis',
    product: isFork ? serverName.charAt(0).toUpperCase() + serverName.slice(1) : 'Redis',
    version,
    address: addressOf(conn),
    ...(isFork ? { standInFor: 'Redis' } : {}),
  };
}

/**
 * Health check plus identity: connect, PING, INFO server, close.
 * @param timeoutMs connect timeout, ms (default 5000).
 * @throws TargetUnreachableError naming "redis" and host:port.
 */
export async function probeRedis(conn: Connection, timeoutMs = 5000): Promise<ServerInfo> {
  const client = await connectRedis(conn, { connectTimeoutMs: timeoutMs, reconnect: false, name: 'capbench-probe' });
  try {
    await client.ping();
    return await redisServerInfo(client, conn);
  } catch (err) {
    throw mapRedisError(conn, err, timeoutMs);
  } finally {
    closeRedis(client);
  }
}
