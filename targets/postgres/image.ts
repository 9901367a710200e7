/**
 * The one place where the PostgreSQL container image is pinned (docker-compose.yml repeats the
 * same tag), and how it runs under Docker: the official testcontainers module
 * (PostgreSqlContainer, ready when pg_isready answers over TCP), with the same major as the
 * Debian 12 package (15) and the same role/password/database and settings as the local server.
 */
import type { DockerSpec } from '../docker/spec.js';
import { forCapbench } from '../docker/module-class.js';
import { POSTGRES_SETTINGS } from './local.js';
import { POSTGRES_CAPBENCH_DATABASE, POSTGRES_CAPBENCH_PASSWORD, POSTGRES_CAPBENCH_ROLE, POSTGRES_DEFAULT_PORT } from './url.js';

/** PostgreSQL, the major of the Debian 12 package the local server runs. */
export const POSTGRES_IMAGE = 'postgres:15.8';

/** PostgreSQL as a container: port 5432, capbench/capbench/capbench, POSTGRES_SETTINGS as -c flags, 1 GiB /dev/shm. */
export const POSTGRES_DOCKER: DockerSpec = {
  store: 'postgres',
  image: POSTGRES_IMAGE,
  ports: [POSTGRES_DEFAULT_PORT],
  async build() {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    return new (forCapbench(PostgreSqlContainer))(POSTGRES_IMAGE)
      .withUsername(POSTGRES_CAPBENCH_ROLE)
      .withPassword(POSTGRES_CAPBENCH_PASSWORD)
      .withDatabase(POSTGRES_CAPBENCH_DATABASE)
      .withCommand(['postgres', ...Object.entries(POSTGRES_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`])])
      // shared_buffers of 3 GB needs more than Docker's 64 MB default /dev/shm for parallel workers
      .withSharedMemorySize(1024 * 1024 * 1024);
  },
};
