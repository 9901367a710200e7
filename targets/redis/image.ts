/**
 * The one place where the Redis container image is pinned (docker-compose.yml repeats the same
 * tag), and how it runs under Docker: the official testcontainers module (RedisContainer, which
 * waits for "Ready to accept connections"), with the same settings as the local server
 * (targets/redis/local.ts). Same major.minor as the Debian 12 package redis-server (7.0.x).
 */
import type { DockerSpec } from '../docker/spec.js';
import { forCapbench } from '../docker/module-class.js';
import { REDIS_DEFAULT_PORT } from './url.js';

/** Redis, the major.minor of the Debian 12 package the local server runs. */
export const REDIS_IMAGE = 'redis:7.0.15';

/** Redis as a container: port 6379, no password, no persistence, 8 GB noeviction, like the local server. */
export const REDIS_DOCKER: DockerSpec = {
  store: 'redis',
  image: REDIS_IMAGE,
  ports: [REDIS_DEFAULT_PORT],
  async build() {
    const { RedisContainer } = await import('@testcontainers/redis');
    // the module keeps a command it is given (it only appends --requirepass/--save when asked to)
    return new (forCapbench(RedisContainer))(REDIS_IMAGE).withCommand([
      'redis-server',
      ...['--protected-mode', 'no', '--save', '', '--appendonly', 'no', '--maxmemory', '8gb', '--maxmemory-policy', 'noeviction'],
    ]);
  },
};
