/**
 * MongoDB health check and identity: `ping`, then `buildInfo`. FerretDB answers buildInfo with
 * the MongoDB version it emulates (`version`, e.g. "7.0.42") and its own version
 * (`ferretdbVersion`, e.g. "v1.24.0"); capbench reports FerretDB as what it is.
 */
import type { MongoClient } from 'mongodb';
import type { Connection, ServerInfo } from '../../core/target.js';
import { addressOf } from '../local/net.js';
import { connectMongo, mapMongoError } from './client.js';

/** Product name of FerretDB as reports and `services status` show it: "FerretDB 1.24.0 (MongoDB wire protocol)". */
export function ferretdbProduct(version: string): string {
  return `FerretDB ${version} (MongoDB wire protocol)`;
}

/** The fields of buildInfo capbench reads. */
export interface BuildInfo {
  version?: string;
  ferretdbVersion?: string;
}

/** ServerInfo from a buildInfo reply (pure; exported for tests). */
export function serverInfoFromBuildInfo(info: BuildInfo, conn: Pick<Connection, 'host' | 'port'>): ServerInfo {
  const address = addressOf(conn);
  if (info.ferretdbVersion) {
    const version = info.ferretdbVersion.replace(/^v/, '');
    return { store: 'mongodb', product: ferretdbProduct(version), version, address, standInFor: 'MongoDB' };
  }
  return { store: 'mongodb', product: 'MongoDB', version: info.version ?? 'unknown', address };
}

/** ServerInfo of an already connected client (buildInfo on the admin database). */
export async function mongoServerInfo(client: MongoClient, conn: Connection): Promise<ServerInfo> {
  const info = (await client.db('admin').command({ buildInfo: 1 })) as BuildInfo;
  return serverInfoFromBuildInfo(info, conn);
}

/**
 * Health check plus identity: connect, ping, buildInfo, close.
 * @param timeoutMs how long the server may take to answer, ms (default 5000).
 * @throws TargetUnreachableError naming "mongodb" and host:port.
 */
export async function probeMongo(conn: Connection, timeoutMs = 5000): Promise<ServerInfo> {
  const client = await connectMongo(conn, { timeoutMs, appName: 'capbench-probe', driver: { maxPoolSize: 1 } });
  try {
    return await mongoServerInfo(client, conn);
  } catch (err) {
    throw mapMongoError(conn, err, timeoutMs);
  } finally {
    await client.close(true).catch(() => undefined);
  }
}
