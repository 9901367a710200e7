/**
 * The one place where the Cassandra container image is pinned (docker-compose.yml repeats the
 * same tag), and how it runs under Docker: the official testcontainers module
 * (CassandraContainer: single token, no wait for gossip, ready when cqlsh answers), with the
 * same release as the local server (targets/cassandra/local.ts), heap and data center alike.
 */
import type { DockerSpec } from '../docker/spec.js';
import { forCapbench } from '../docker/module-class.js';
import { CASSANDRA_DEFAULT_DC, CASSANDRA_DEFAULT_PORT } from './url.js';

/** Apache Cassandra, the release the local server runs. */
export const CASSANDRA_IMAGE = 'cassandra:5.0.9';

/**
 * Cassandra as a container: single node, 2 GB heap, CQL on 9042, data center "datacenter1",
 * no authentication (the image's AllowAllAuthenticator, like the local server: the user and
 * password the module passes to cqlsh are accepted and ignored).
 */
export const CASSANDRA_DOCKER: DockerSpec = {
  store: 'cassandra',
  image: CASSANDRA_IMAGE,
  ports: [CASSANDRA_DEFAULT_PORT],
  async build() {
    const { CassandraContainer } = await import('@testcontainers/cassandra');
    return new (forCapbench(CassandraContainer))(CASSANDRA_IMAGE)
      .withDatacenter(CASSANDRA_DEFAULT_DC)
      .withEnvironment({ MAX_HEAP_SIZE: '2G', HEAP_NEWSIZE: '512M', CASSANDRA_CLUSTER_NAME: 'capbench' });
  },
};
