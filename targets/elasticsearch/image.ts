/**
 * The one place where the Elasticsearch container image is pinned (docker-compose.yml repeats
 * the same tag), and how it runs under Docker: the official testcontainers module
 * (ElasticsearchContainer), the Docker official image of the release the local server runs
 * (targets/elasticsearch/local.ts), with the same settings. Unlike the local integ-test-zip,
 * the image is the full distribution (all modules, x-pack ILM included).
 */
import type { DockerSpec } from '../docker/spec.js';
import { forCapbench } from '../docker/module-class.js';
import { ELASTICSEARCH_DEFAULT_PORT } from './url.js';

/** Elasticsearch, the release the local server runs. */
export const ELASTICSEARCH_IMAGE = 'elasticsearch:8.19.21';

/** Path the container's readiness check polls until it answers 200: a yellow (or green) cluster. */
export const ELASTICSEARCH_READY_PATH = '/_cluster/health?wait_for_status=yellow&timeout=1s';

/** Elasticsearch as a container: single node, security off (no credentials), 2 GB heap, HTTP on 9200. */
export const ELASTICSEARCH_DOCKER: DockerSpec = {
  store: 'elasticsearch',
  image: ELASTICSEARCH_IMAGE,
  ports: [ELASTICSEARCH_DEFAULT_PORT],
  async build() {
    const [{ ElasticsearchContainer }, { Wait }] = await Promise.all([import('@testcontainers/elasticsearch'), import('testcontainers')]);
    return (
      new (forCapbench(ElasticsearchContainer))(ELASTICSEARCH_IMAGE)
        // the module sets single-node discovery and the heap; security goes off as on the local server
        .withEnvironment({
          'xpack.security.enabled': 'false',
          'cluster.name': 'capbench',
          'cluster.routing.allocation.disk.threshold_enabled': 'false',
          ES_JAVA_OPTS: '-Xms2g -Xmx2g',
        })
        // The module waits for `GET /` to answer, which the node does before it has elected
        // itself master; capbench's probe needs cluster health (503 without a master), so the
        // container counts as ready once the cluster is yellow.
        .withWaitStrategy(Wait.forHttp(ELASTICSEARCH_READY_PATH, ELASTICSEARCH_DEFAULT_PORT).forStatusCode(200))
    );
  },
};
