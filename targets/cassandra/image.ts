/**
 * The one place where the Cassandra container image is pinned (testcontainers;
 * docker-compose.yml repeats the same tag): the same release as the local server
 * (targets/cassandra/local.ts), heap and data center alike.
 */
import type { DockerSpec } from '../docker/spec.js';

/** Apache Cassandra, the release the local server runs. */
export const CASSANDRA_IMAGE = 'cassandra:5.0.9';

/** Cassandra as a container: single node, 2 GB heap, no auth, CQL on 9042, data center "datacenter1". */
export const CASSANDRA_DOCKER: DockerSpec = {
  store: 'cassandra',
  image: CASSANDRA_IMAGE,
  ports: [9042],
  env: {
    MAX_HEAP_SIZE: '2G',
    HEAP_NEWSIZE: '512M',
    CASSANDRA_CLUSTER_NAME: 'capbench',
    CASSANDRA_DC: 'datacenter1',
    JVM_EXTRA_OPTS: '-Dcassandra.skip_wait_for_gossip_to_settle=0 -Dcassandra.ring_delay_ms=1000',
  },
  ready: { kind: 'log', pattern: /Starting listening for CQL clients/ },
};
