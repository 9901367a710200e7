/**
 * The Cassandra target: URL parsing, probe (system.local release_version), footprint (table
 * disk space and partition counts from nodetool tablestats over JMX, or CQL virtual tables),
 * the official driver (`cassandra-driver` 4.x), and the local server (Apache Cassandra 5.0 from
 * Maven Central on Java 17).
 */
import type { TargetModule } from '../../core/target.js';
import { cassandraFootprint } from './footprint.js';
import { cassandraLocal } from './local.js';
import { probeCassandra } from './probe.js';
import { CASSANDRA_DEFAULT_URL, CASSANDRA_URL_ENV, parseCassandraUrl } from './url.js';

export { connectCassandra, mapCassandraError, type CassandraClient, type ConnectCassandraOptions } from './client.js';
export { cassandraFootprint, CASSANDRA_SYSTEM_KEYSPACES, type CassandraFootprintOptions } from './footprint.js';
export { CASSANDRA_DOCKER, CASSANDRA_IMAGE } from './image.js';
export {
  cassandraDirs,
  cassandraHeap,
  cassandraInstallDir,
  cassandraJava,
  cassandraJvmArgs,
  cassandraLocal,
  cassandraYaml,
  installCassandra,
  CASSANDRA_DEFAULT_HEAP,
  CASSANDRA_JAVA,
  CASSANDRA_JMX_PORT,
  CASSANDRA_JPMS_OPTIONS,
  CASSANDRA_LOCAL_HOST,
  CASSANDRA_LOCAL_PORT,
  CASSANDRA_MAVEN,
  CASSANDRA_STORAGE_PORT,
  CASSANDRA_VERSION,
  type CassandraDirs,
} from './local.js';
export { nodetool, nodetoolAvailable, parseTablestats, type NodetoolResult, type TableStats } from './nodetool.js';
export { cassandraServerInfo, probeCassandra } from './probe.js';
export {
  cassandraDataCenter,
  parseCassandraUrl,
  CASSANDRA_DEFAULT_DC,
  CASSANDRA_DEFAULT_KEYSPACE,
  CASSANDRA_DEFAULT_PORT,
  CASSANDRA_DEFAULT_URL,
  CASSANDRA_URL_ENV,
} from './url.js';

/** The Cassandra TargetModule (registered in targets/registry.ts). */
export const cassandraTarget: TargetModule = {
  store: 'cassandra',
  defaultUrl: CASSANDRA_DEFAULT_URL,
  urlEnv: CASSANDRA_URL_ENV,
  parseUrl: parseCassandraUrl,
  probe: probeCassandra,
  footprint: (conn) => cassandraFootprint(conn),
  local: cassandraLocal,
};

export default cassandraTarget;
