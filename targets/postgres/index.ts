/**
 * The PostgreSQL target: URL parsing, probe (SHOW server_version), footprint (relation sizes
 * per table and index), the official client (`pg` Pool), and the local server (Debian
 * postgresql, capbench's own cluster).
 */
import type { TargetModule } from '../../core/target.js';
import { postgresFootprint } from './footprint.js';
import { postgresLocal } from './local.js';
import { probePostgres } from './probe.js';
import { parsePostgresUrl, POSTGRES_DEFAULT_URL, POSTGRES_URL_ENV } from './url.js';

export { connectPostgres, connectPostgresClient, mapPostgresError, type ConnectPostgresOptions } from './client.js';
export { postgresFootprint, type PostgresFootprintOptions } from './footprint.js';
export { POSTGRES_DOCKER, POSTGRES_IMAGE } from './image.js';
export { postgresBinDir, postgresConfig, postgresLocal, POSTGRES_SETTINGS, POSTGRES_LOCAL_HOST, POSTGRES_LOCAL_PORT, POSTGRES_PACKAGES } from './local.js';
export { probePostgres } from './probe.js';
export {
  parsePostgresUrl,
  POSTGRES_CAPBENCH_DATABASE,
  POSTGRES_CAPBENCH_PASSWORD,
  POSTGRES_CAPBENCH_ROLE,
  POSTGRES_DEFAULT_PORT,
  POSTGRES_DEFAULT_URL,
  POSTGRES_URL_ENV,
} from './url.js';

/** The PostgreSQL TargetModule (registered in targets/registry.ts). */
export const postgresTarget: TargetModule = {
  store: 'postgres',
  defaultUrl: POSTGRES_DEFAULT_URL,
  urlEnv: POSTGRES_URL_ENV,
  parseUrl: parsePostgresUrl,
  probe: probePostgres,
  footprint: (conn) => postgresFootprint(conn),
  local: postgresLocal,
};

export default postgresTarget;
