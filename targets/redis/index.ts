/**
 * The Redis target: URL parsing, probe (INFO server), footprint (INFO memory + MEMORY USAGE
 * per key pattern), the official client (`redis` v5), and the local server (Debian redis-server).
 */
import type { TargetModule } from '../../core/target.js';
import { redisFootprint } from './footprint.js';
import { redisLocal } from './local.js';
import { probeRedis } from './probe.js';
import { parseRedisUrl, REDIS_DEFAULT_URL, REDIS_URL_ENV } from './url.js';

export { closeRedis, connectRedis, mapRedisError, type ConnectRedisOptions, type NodeRedisClient } from './client.js';
export { DEFAULT_REDIS_DRIVER, redisDriverLabel, REDIS_DRIVERS, redisDriverOf, type RedisClient, type RedisDriverName, type RedisMulti } from './driver.js';
export { openRedisClient } from './open.js';
export { keyPattern, redisFootprint, type RedisFootprintOptions } from './footprint.js';
export { REDIS_DOCKER, REDIS_IMAGE } from './image.js';
export { redisConfig, redisLocal, REDIS_LOCAL_HOST, REDIS_LOCAL_PORT, REDIS_PACKAGES } from './local.js';
export { parseInfo, probeRedis, redisServerInfo } from './probe.js';
export { parseRedisUrl, REDIS_DEFAULT_PORT, REDIS_DEFAULT_URL, REDIS_URL_ENV } from './url.js';

/** The Redis TargetModule (registered in targets/registry.ts). */
export const redisTarget: TargetModule = {
  store: 'redis',
  defaultUrl: REDIS_DEFAULT_URL,
  urlEnv: REDIS_URL_ENV,
  parseUrl: parseRedisUrl,
  probe: probeRedis,
  footprint: (conn) => redisFootprint(conn),
  local: redisLocal,
};

export default redisTarget;
