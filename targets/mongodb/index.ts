/**
 * The MongoDB target: URL parsing, probe (buildInfo; FerretDB named as what it is), footprint
 * (dbStats + collStats), the official driver (`mongodb` v6), and the local server (FerretDB
 * 1.x on SQLite, built from its Go module; a real MongoDB with Docker).
 */
import type { TargetModule } from '../../core/target.js';
import { mongoFootprint } from './footprint.js';
import { mongodbLocal } from './local.js';
import { probeMongo } from './probe.js';
import { MONGODB_DEFAULT_URL, MONGODB_URL_ENV, parseMongoUrl } from './url.js';

export { connectMongo, mapMongoError, type ConnectMongoOptions } from './client.js';
export { mongoFootprint, type MongoFootprintOptions } from './footprint.js';
export { MONGODB_DOCKER, MONGODB_IMAGE } from './image.js';
export {
  ferretdbArgs,
  ferretdbBinary,
  FERRETDB_COMMIT,
  FERRETDB_MODULE,
  FERRETDB_PROGRAM,
  FERRETDB_VERSION,
  mongodbLocal,
  MONGODB_LOCAL_HOST,
  MONGODB_LOCAL_PORT,
} from './local.js';
export { ferretdbProduct, mongoServerInfo, probeMongo, serverInfoFromBuildInfo, type BuildInfo } from './probe.js';
export { MONGODB_DEFAULT_DATABASE, MONGODB_DEFAULT_PORT, MONGODB_DEFAULT_URL, MONGODB_URL_ENV, parseMongoUrl } from './url.js';

/** The MongoDB TargetModule (registered in targets/registry.ts). */
export const mongodbTarget: TargetModule = {
  store: 'mongodb',
  defaultUrl: MONGODB_DEFAULT_URL,
  urlEnv: MONGODB_URL_ENV,
  parseUrl: parseMongoUrl,
  probe: probeMongo,
  footprint: (conn) => mongoFootprint(conn),
  local: mongodbLocal,
};

export default mongodbTarget;
