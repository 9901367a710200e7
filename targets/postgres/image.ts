/**
 * The one place where the PostgreSQL container image is pinned (testcontainers;
 * docker-compose.yml repeats the same tag), and how it runs: same major as the Debian 12
 * package (15), same role/password/database and settings as the local server.
 */
import type { DockerSpec } from '../docker/spec.js';
import { POSTGRES_SETTINGS } from './local.js';
import { POSTGRES_CAPBENCH_DATABASE, POSTGRES_CAPBENCH_PASSWORD, POSTGRES_CAPBENCH_ROLE } from './url.js';

export const POSTGRES_IMAGE = 'postgres:15.8';

/** PostgreSQL as a container: port 5432, capbench/capbench/capbench, POSTGRES_SETTINGS as -c flags. */
export const POSTGRES_DOCKER: DockerSpec = {
  store: 'postgres',
  image: POSTGRES_IMAGE,
  ports: [5432],
  env: { POSTGRES_USER: POSTGRES_CAPBENCH_ROLE, POSTGRES_PASSWORD: POSTGRES_CAPBENCH_PASSWORD, POSTGRES_DB: POSTGRES_CAPBENCH_DATABASE },
  command: ['postgres', ...Object.entries(POSTGRES_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`])],
  shmBytes: 1024 * 1024 * 1024,
  // the image's entrypoint runs a temporary server for initialisation first, then the real one
  ready: { kind: 'log', pattern: /database system is ready to accept connections/, times: 2 },
};
