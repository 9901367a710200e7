/**
 * The Elasticsearch target: URL parsing, probe (cluster health + node version), footprint
 * (store size, documents and segments per index), the official client (`@elastic/elasticsearch`
 * ~8.19), and the local server (the integ-test-zip distribution from Maven Central, run as the
 * user `elasticsearch`; see local.ts for the modules it lacks).
 */
import type { TargetModule } from '../../core/target.js';
import { elasticsearchFootprint } from './footprint.js';
import { elasticsearchLocal } from './local.js';
import { probeElasticsearch } from './probe.js';
import { ELASTICSEARCH_DEFAULT_URL, ELASTICSEARCH_URL_ENV, parseElasticsearchUrl } from './url.js';

export { connectElasticsearch, elasticsearchClientOptions, mapElasticsearchError, type ConnectElasticsearchOptions } from './client.js';
export { elasticsearchFootprint, type ElasticsearchFootprintOptions } from './footprint.js';
export { ELASTICSEARCH_DOCKER, ELASTICSEARCH_IMAGE } from './image.js';
export {
  elasticsearchDirs,
  elasticsearchHeap,
  elasticsearchHome,
  elasticsearchInstallDir,
  elasticsearchJava,
  elasticsearchJvmOptions,
  elasticsearchLocal,
  elasticsearchYml,
  installElasticsearch,
  ELASTICSEARCH_DEFAULT_HEAP,
  ELASTICSEARCH_JAVA,
  ELASTICSEARCH_LOCAL_HOST,
  ELASTICSEARCH_LOCAL_PORT,
  ELASTICSEARCH_MAVEN,
  ELASTICSEARCH_TRANSPORT_PORT,
  ELASTICSEARCH_USER,
  ELASTICSEARCH_VERSION,
  type ElasticsearchDirs,
} from './local.js';
export { elasticsearchCapabilities, elasticsearchServerInfo, probeElasticsearch, type ElasticsearchCapabilities } from './probe.js';
export { parseElasticsearchUrl, ELASTICSEARCH_DEFAULT_PORT, ELASTICSEARCH_DEFAULT_URL, ELASTICSEARCH_URL_ENV } from './url.js';

/** The Elasticsearch TargetModule (registered in targets/registry.ts). */
export const elasticsearchTarget: TargetModule = {
  store: 'elasticsearch',
  defaultUrl: ELASTICSEARCH_DEFAULT_URL,
  urlEnv: ELASTICSEARCH_URL_ENV,
  parseUrl: parseElasticsearchUrl,
  probe: probeElasticsearch,
  footprint: (conn) => elasticsearchFootprint(conn),
  local: elasticsearchLocal,
};

export default elasticsearchTarget;
