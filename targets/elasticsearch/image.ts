/**
 * The one place where the Elasticsearch container image is pinned (testcontainers;
 * docker-compose.yml repeats the same tag): the Docker official image of the release the local
 * server runs (targets/elasticsearch/local.ts), with the same settings. Unlike the local
 * integ-test-zip, the image is the full distribution (all modules, x-pack ILM included).
 */
import type { DockerSpec } from '../docker/spec.js';

/** Elasticsearch, the release the local server runs. */
export const ELASTICSEARCH_IMAGE = 'elasticsearch:8.19.21';

/** Elasticsearch as a container: single node, security off, 2 GB heap, HTTP on 9200. */
export const ELASTICSEARCH_DOCKER: DockerSpec = {
  store: 'elasticsearch',
  image: ELASTICSEARCH_IMAGE,
  ports: [9200],
  env: {
    'discovery.type': 'single-node',
    'xpack.security.enabled': 'false',
    'cluster.name': 'capbench',
    'cluster.routing.allocation.disk.threshold_enabled': 'false',
    ES_JAVA_OPTS: '-Xms2g -Xmx2g',
  },
  ready: { kind: 'http', path: '/_cluster/health?wait_for_status=yellow&timeout=1s', port: 9200 },
};
