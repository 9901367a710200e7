/**
 * Every store's DockerSpec, by store name. Each store pins its image in
 * targets/<store>/image.ts; docker-compose.yml repeats the same tags, ports and credentials.
 */
import type { StoreName } from '../../core/target.js';
import { POSTGRES_DOCKER } from '../postgres/image.js';
import { REDIS_DOCKER } from '../redis/image.js';
import { MONGODB_DOCKER } from '../mongodb/image.js';
import { CASSANDRA_DOCKER } from '../cassandra/image.js';
import { ELASTICSEARCH_DOCKER } from '../elasticsearch/image.js';
import type { DockerSpec } from './spec.js';

/** DockerSpec by store. */
export const DOCKER_SPECS: Record<StoreName, DockerSpec> = {
  redis: REDIS_DOCKER,
  postgres: POSTGRES_DOCKER,
  mongodb: MONGODB_DOCKER,
  cassandra: CASSANDRA_DOCKER,
  elasticsearch: ELASTICSEARCH_DOCKER,
};
