/**
 * Open capbench's RedisClient (targets/redis/driver.ts) with the driver a connection names
 * (`Connection.redisDriver`, set from `--redis-driver`; absent: DEFAULT_REDIS_DRIVER).
 */
import type { Connection } from '../../core/target.js';
import { redisDriverOf, type OpenRedisOptions, type RedisClient, type RedisDriverName } from './driver.js';
import { openIoRedis } from './ioredis-driver.js';
import { openNodeRedis } from './node-redis-driver.js';

/**
 * A connected, ready RedisClient for `conn` with `driver` (default: the connection's, else the
 * default driver). Close it with `await client.close()` (or `destroy()`).
 * @throws TargetUnreachableError "redis at <address> is unreachable: <reason>." when the
 *   server does not answer, refuses the password, or the database does not exist.
 */
export function openRedisClient(conn: Connection, opts: OpenRedisOptions & { driver?: RedisDriverName } = {}): Promise<RedisClient> {
  const driver = opts.driver ?? redisDriverOf(conn);
  return driver === 'ioredis' ? openIoRedis(conn, opts) : openNodeRedis(conn, opts);
}
