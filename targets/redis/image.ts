/**
 * The one place where the Redis container image is pinned (testcontainers; docker-compose.yml
 * repeats the same tag), and how it runs. Same major.minor as the Debian 12 package
 * redis-server (7.0.x), and the same settings as the local server (targets/redis/local.ts).
 */
import type { DockerSpec } from '../docker/spec.js';

export const REDIS_IMAGE = 'redis:7.0.15';

/** Redis as a container: port 6379, no persistence, 8 GB noeviction, like the local server. */
export const REDIS_DOCKER: DockerSpec = {
  store: 'redis',
  image: REDIS_IMAGE,
  ports: [6379],
  command: ['redis-server', '--protected-mode', 'no', '--save', '', '--appendonly', 'no', '--maxmemory', '8gb', '--maxmemory-policy', 'noeviction'],
  ready: { kind: 'log', pattern: /Ready to accept connections/ },
};
