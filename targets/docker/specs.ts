/**
 * Every store's DockerSpec, by store name. Redis and PostgreSQL pin theirs in
 * targets/<store>/image.ts; the specs of MongoDB, Cassandra and Elasticsearch live here until
 * their folders pin them (move each to targets/<store>/image.ts and import it here, one line).
 * docker-compose.yml repeats the same tags, ports and credentials.
 */
import type { StoreName } from '../../core/target.js';
import { POSTGRES_DOCKER } from '../postgres/image.js';
import { REDIS_DOCKER } from '../redis/image.js';
import type { DockerSpec } from './spec.js';

/** Real MongoDB (the local provisioner runs FerretDB instead): no auth, port 27017. */
export const MONGODB_DOCKER: DockerSpec = {
  store: 'mongodb',
  image: 'mongo:7.0.14',
  ports: [27017],
  ready: { kind: 'log', pattern: /Waiting for connections/ },
};

/** Apache Cassandra, single node, small heap, no auth, CQL on 9042. */
export const CASSANDRA_DOCKER: DockerSpec = {
  store: 'cassandra',
  image: 'cassandra:4.1.5',
  ports: [9042],
  env: { MAX_HEAP_SIZE: '1G', HEAP_NEWSIZE: '256M', CASSANDRA_CLUSTER_NAME: 'capbench', CASSANDRA_DC: 'datacenter1' },
  ready: { kind: 'log', pattern: /Starting listening for CQL clients/ },
};

/** Elasticsearch single node, security off, 1 GB heap, HTTP on 9200. */
export const ELASTICSEARCH_DOCKER: DockerSpec = {
  store: 'elasticsearch',
  image: 'elasticsearch:8.15.0',
  ports: [9200],
  env: {
    'discovery.type': 'single-node',
    'xpack.security.enabled': 'false',
    'cluster.name': 'capbench',
    ES_JAVA_OPTS: '-Xms1g -Xmx1g',
  },
  ready: { kind: 'http', path: '/_cluster/health?wait_for_status=yellow&timeout=1s', port: 9200 },
};

/** DockerSpec by store. */
export const DOCKER_SPECS: Record<StoreName, DockerSpec> = {
  redis: REDIS_DOCKER,
  postgres: POSTGRES_DOCKER,
  mongodb: MONGODB_DOCKER,
  cassandra: CASSANDRA_DOCKER,
  elasticsearch: ELASTICSEARCH_DOCKER,
};
