/**
 * Elasticsearch health check and identity: cluster health (must not be red) and the local
 * node's version from `GET /_nodes/_local`. (`GET /` would be simpler, but the integ-test-zip
 * distribution capbench runs locally lacks the module that serves it.) Also what the server
 * can do: its modules, and the features the storage paths care about.
 */
import type { Client } from '@elastic/elasticsearch';
import { TargetUnreachableError } from '../../core/errors.js';
import type { Connection, ServerInfo } from '../../core/target.js';
import { addressOf } from '../local/net.js';
import { connectElasticsearch, mapElasticsearchError } from './client.js';

/** ServerInfo of an already connected client: the local node's version; product "Elasticsearch" (or "OpenSearch"). */
export async function elasticsearchServerInfo(client: Client, conn: Connection): Promise<ServerInfo> {
  const res = await client.nodes.info({ node_id: '_local', metric: '_none' });
  const node = Object.values((res as { nodes?: Record<string, { version?: string; build_flavor?: string }> }).nodes ?? {})[0];
  return { store: 'elasticsearch', product: 'Elasticsearch', version: node?.version ?? 'unknown', address: addressOf(conn) };
}

/**
 * Health check plus identity: cluster health must be green or yellow (a single node's indices
 * with replicas are yellow), then the node's version.
 * @param timeoutMs request timeout, ms (default 5000).
 * @throws TargetUnreachableError naming "elasticsearch" and host:port (also when health is red).
 */
export async function probeElasticsearch(conn: Connection, timeoutMs = 5000): Promise<ServerInfo> {
  const client = await connectElasticsearch(conn, { timeoutMs });
  try {
    const health = await client.cluster.health({ timeout: '1s' });
    if (health.status === 'red') {
      throw new TargetUnreachableError('elasticsearch', addressOf(conn), 'cluster health is red (a primary shard is not allocated)', {
        hint: 'Look at the server log; `GET /_cluster/allocation/explain` says which shard and why.',
      });
    }
    return await elasticsearchServerInfo(client, conn);
  } catch (err) {
    throw mapElasticsearchError(conn, err, timeoutMs);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Which optional server features are present, from the node's module and plugin list. */
export interface ElasticsearchCapabilities {
  /** Modules and plugins of the local node, by name. */
  modules: string[];
  /** `_reindex`, `_update_by_query`, `_delete_by_query` (module reindex). */
  reindexApi: boolean;
  /** Index lifecycle management, `_ilm/*` (module x-pack-ilm). */
  ilm: boolean;
  /** Language analyzers ("english") and filters such as asciifolding, stop, stemmer (module analysis-common). */
  analysisCommon: boolean;
  /** Painless scripts (module lang-painless). */
  painless: boolean;
  /** `GET /` server info (module rest-root). */
  rootEndpoint: boolean;
  /** Ingest pipelines with processors (module ingest-common). */
  ingestCommon: boolean;
}

/** Read the node's modules and plugins (`GET /_nodes/_local/plugins`) and derive its capabilities. */
export async function elasticsearchCapabilities(client: Client): Promise<ElasticsearchCapabilities> {
  const res = await client.nodes.info({ node_id: '_local', metric: 'plugins' });
  const node = Object.values((res as { nodes?: Record<string, { modules?: Array<{ name: string }>; plugins?: Array<{ name: string }> }> }).nodes ?? {})[0];
  const modules = [...(node?.modules ?? []), ...(node?.plugins ?? [])].map((m) => m.name).sort();
  const has = (m: string) => modules.includes(m);
  return {
    modules,
    reindexApi: has('reindex'),
    ilm: has('x-pack-ilm'),
    analysisCommon: has('analysis-common'),
    painless: has('lang-painless'),
    rootEndpoint: has('rest-root'),
    ingestCommon: has('ingest-common'),
  };
}
