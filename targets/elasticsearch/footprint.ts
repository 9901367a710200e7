/**
 * Elasticsearch footprint per index: store size (bytes on disk, primaries and replicas), the
 * number of documents (`_count`: top-level documents, not Lucene's nested ones), and segments
 * (count, and the sum of their sizes from `_cat/segments`).
 */
import type { Client } from '@elastic/elasticsearch';
import type { Connection, Footprint, FootprintItem } from '../../core/target.js';
import { connectElasticsearch, mapElasticsearchError } from './client.js';

/** Options of elasticsearchFootprint(). */
export interface ElasticsearchFootprintOptions {
  /** Index pattern to measure (default: `<prefix>*` when the URL has an index prefix, else `*`); hidden and dot-indices are skipped. */
  index?: string;
  /** Refresh the indices first so that recent writes are counted (default false: a refresh would disturb a running benchmark). */
  refresh?: boolean;
  /** Request timeout, ms (default 30 000). */
  timeoutMs?: number;
  /** An open client to use instead of connecting (it is not closed). */
  client?: Client;
}

interface IndexStats {
  primaries?: { store?: { size_in_bytes?: number }; docs?: { count?: number }; segments?: { count?: number } };
  total?: { store?: { size_in_bytes?: number }; segments?: { count?: number } };
}

/**
 * Read the footprint of capbench's indices. totalBytes is the sum of the indices' store size
 * (all shard copies); items per index: "index <name>" (kind search-index, bytes = store size,
 * count = documents) and "segments <name>" (kind segments, bytes = sum of segment sizes,
 * count = segments).
 * @throws TargetUnreachableError naming elasticsearch and host:port.
 */
export async function elasticsearchFootprint(conn: Connection, opts: ElasticsearchFootprintOptions = {}): Promise<Footprint> {
  const timeout = opts.timeoutMs ?? 30_000;
  const client = opts.client ?? (await connectElasticsearch(conn, { timeoutMs: timeout }));
  const pattern = opts.index ?? (conn.database ? `${conn.database}*` : '*');
  try {
    const takenAt = new Date().toISOString();
    if (opts.refresh) await client.indices.refresh({ index: pattern, expand_wildcards: 'open', allow_no_indices: true, ignore_unavailable: true });
    const stats = await client.indices.stats({ index: pattern, metric: ['store', 'docs', 'segments'], expand_wildcards: 'open' }).catch((err: unknown) => {
      if ((err as { statusCode?: number }).statusCode === 404) return { indices: {} };
      throw err;
    });
    const indices = Object.entries((stats.indices ?? {}) as Record<string, IndexStats>)
      .filter(([name]) => !name.startsWith('.'))
      .sort(([a], [b]) => a.localeCompare(b));
    const segSizes = new Map<string, number>();
    if (indices.length > 0) {
      const rows = (await client.cat.segments({ index: indices.map(([n]) => n).join(','), format: 'json', bytes: 'b', h: 'index,size' })) as unknown as Array<{ index?: string; size?: string }>;
      for (const r of rows) if (r.index) segSizes.set(r.index, (segSizes.get(r.index) ?? 0) + Number(r.size ?? 0));
    }
    const items: FootprintItem[] = [];
    let totalBytes = 0;
    for (const [name, s] of indices) {
      const store = s.total?.store?.size_in_bytes ?? s.primaries?.store?.size_in_bytes ?? 0;
      const primaryStore = s.primaries?.store?.size_in_bytes ?? store;
      const docs = (await client.count({ index: name })).count;
      const segments = s.total?.segments?.count ?? s.primaries?.segments?.count ?? 0;
      totalBytes += store;
      items.push({
        name: `index ${name}`,
        kind: 'search-index',
        bytes: store,
        count: docs,
        countUnit: 'docs',
        note: `_stats store.size_in_bytes (all shard copies; primaries ${primaryStore} B); docs from _count (refreshed documents only)`,
      });
      items.push({
        name: `segments ${name}`,
        kind: 'segments',
        bytes: segSizes.get(name) ?? 0,
        count: segments,
        countUnit: 'segments',
        note: '_stats segments.count; bytes = sum of _cat/segments size',
      });
    }
    return { store: 'elasticsearch', takenAt, totalBytes, items };
  } catch (err) {
    throw mapElasticsearchError(conn, err, timeout);
  } finally {
    if (!opts.client) await client.close().catch(() => undefined);
  }
}
