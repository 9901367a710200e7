/**
 * search.es: posts in Elasticsearch with the seed's settings and mappings (seed 000,
 * "Elasticsearch Storage Optimization Strategy" §2.A "Index Compression" and §2.B "Field
 * Optimization"), bulk indexing with backpressure and zero-downtime reindex through an alias
 * (seed 000, pitfall 4 "Elasticsearch Indexing Backpressure": "Use Index Aliases"), match /
 * recency / title / author queries (seed 002, inverted index).
 *
 * Names: reads and writes go through the alias `<namespace>-<name>` (default
 * "capbench-search-posts"); the indices behind it are `<namespace>-<name>_v<N>`. Only indices
 * of that pattern are ever created or deleted.
 *
 * Deviations from the seed (docs/errata.md): one primary shard and no replica (the seed's 3
 * shards / 1 replica is for a 3-node cluster; a replica can never be allocated on one node);
 * the seed's comment "No norms" on `index_options: positions` is wrong (index_options does not
 * touch norms), the mapping keeps the seed's index_options and the norms default.
 *
 * Backpressure: documents go through the official client's bulk helper (bounded concurrency,
 * flush size), which retries documents rejected with 429 after `waitMs`; documents still
 * rejected after its retries, and whole requests refused with 429, are retried in further
 * rounds with exponential backoff (waitMs × 2^round). Any other item error, or a 429 past the
 * last round, rejects indexPosts() with BulkIndexError: no document is dropped silently.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import { InvalidArgumentError, UsageError } from '../../core/errors.js';
import { clientOf, defineStoragePath } from '../path.js';
import {
  BulkIndexError,
  UnsupportedQueryError,
  type IndexOutcome,
  type PostSearch,
  type PostSearchOptions,
  type SearchKind,
  type SearchPost,
  type SearchQuery,
  type SearchResult,
} from './types.js';

/** Path id. */
const PATH_ID = 'search.es';

/** Index codecs capbench offers (Elasticsearch 8 `index.codec`): the LZ4 default, and DEFLATE "best_compression" (seed: "40% smaller"). */
export const ES_CODECS = ['default', 'best_compression'] as const;
/** An `index.codec` value. */
export type EsCodec = (typeof ES_CODECS)[number];

/** What makes two indices of the path differ: codec and the storage options the seed's table names. */
export interface EsIndexShape {
  /** `index.codec`; default "default" (LZ4). */
  codec: EsCodec;
  /** Keep `_source` (default true; seed: "Disabling `_source` | Requires reindexing | 30%"). */
  source: boolean;
  /**
   * `ignore_above` of the title's keyword sub-field (seed: 256); null = no keyword sub-field at
   * all (the baseline of the seed's "Keyword `ignore_above` | 20%").
   */
  titleKeywordIgnoreAbove: number | null;
}

/** The seed's shape: default codec unless asked, `_source` kept, title.keyword with ignore_above 256. */
export const SEED_SHAPE: EsIndexShape = { codec: 'default', source: true, titleKeywordIgnoreAbove: 256 };

/** Bulk indexing knobs (backpressure). */
export interface EsBulkOptions {
  /** Bulk request body size at which the helper sends, bytes (default 1 MiB). */
  flushBytes: number;
  /** Bulk requests in flight at once (default 2: one per core here). */
  concurrency: number;
  /** The helper's own retries of 429-rejected documents, each after waitMs (default 3). */
  helperRetries: number;
  /** First wait before a retry, ms; rounds after the helper's retries double it (default 100). */
  waitMs: number;
  /** Rounds of retrying 429-rejected documents past the helper's own retries (default 8). */
  rounds: number;
}

/** Options of search.es (PostSearchOptions plus the index shape, name and bulk knobs). */
export interface EsSearchOptions extends PostSearchOptions {
  /** Base name after the namespace (default "posts"); lets one run keep variants side by side. */
  name?: string;
  /** Shape of a newly created index (default SEED_SHAPE). An existing index must have it, or setup() refuses. */
  shape?: Partial<EsIndexShape>;
  bulk?: Partial<EsBulkOptions>;
}

/** Sizes and merge figures of one index, from `_stats`. Bytes; ms. */
export interface EsIndexStats {
  index: string;
  /** Documents (Lucene live docs of primaries: refreshed ones). */
  docs: number;
  /** Store size of the primaries, bytes. */
  storeBytes: number;
  /** Segments of the primaries. */
  segments: number;
  /** Merges done and their total time, ms. */
  merges: number;
  mergeTimeMs: number;
  /** Time merges were throttled, ms (seed 000: "merge_throttle_time (indexing backpressure)"). */
  mergeThrottledMs: number;
}

/** What reindex() did. Times: epoch ms and ms. */
export interface ReindexOutcome {
  from: string;
  to: string;
  /** Documents copied before the swap, and written to the old index during the copy and copied after it. */
  copied: number;
  caughtUp: number;
  copyMs: number;
  /** When the alias moved (one atomic _aliases call), epoch ms. */
  swappedAtMs: number;
}

const NAMESPACE_RE = /^[a-z0-9][a-z0-9_.-]{0,60}$/;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The index settings of a shape (pure): one shard, no replica (one node), the codec. */
export function esSettingsOf(shape: EsIndexShape): Record<string, unknown> {
  return { number_of_shards: 1, number_of_replicas: 0, ...(shape.codec === 'default' ? {} : { 'index.codec': shape.codec }) };
}

/** The mappings of a shape (pure): seed 000 §2.B plus author and hashtags keywords; `dynamic: strict`. */
export function esMappingsOf(shape: EsIndexShape): estypes.MappingTypeMapping {
  return {
    dynamic: 'strict',
    ...(shape.source ? {} : { _source: { enabled: false } }),
    properties: {
      title:
        shape.titleKeywordIgnoreAbove === null
          ? { type: 'text' }
          : { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: shape.titleKeywordIgnoreAbove } } },
      content: { type: 'text', index_options: 'positions' },
      likes: { type: 'short' },
      created_at: { type: 'date', format: 'epoch_second' },
      author: { type: 'keyword' },
      hashtags: { type: 'keyword' },
    },
  };
}

/** Stable JSON of a value with sorted keys, for comparing mappings read back with the expected ones. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Status code of a client error, if any. */
const statusOf = (err: unknown): number | undefined => (err as { meta?: { statusCode?: number }; statusCode?: number }).meta?.statusCode ?? (err as { statusCode?: number }).statusCode;

/** The document body of a post (everything but its id, which is the _id). */
function bodyOf(p: SearchPost): Omit<SearchPost, 'id'> {
  return { author: p.author, title: p.title, content: p.content, hashtags: p.hashtags, likes: p.likes, created_at: p.created_at };
}

/**
 * search.es (see the module comment). Open through esSearchPath.open() or the constructor;
 * call setup() first.
 */
export class EsPostSearch implements PostSearch {
  readonly path = PATH_ID;
  readonly kinds: readonly SearchKind[] = ['match', 'recent', 'title', 'author'];
  /** The alias every read and write goes through. */
  readonly alias: string;
  readonly shape: EsIndexShape;
  readonly bulk: EsBulkOptions;

  /**
   * @throws InvalidArgumentError for a bad namespace/name, an unknown codec, or bulk knobs out of range.
   */
  constructor(
    private readonly es: Client,
    opts: EsSearchOptions = {},
  ) {
    const ns = opts.namespace ?? 'capbench-search';
    const name = opts.name ?? 'posts';
    if (!NAMESPACE_RE.test(ns)) throw new InvalidArgumentError(PATH_ID, `namespace "${ns}" is not a valid index-name prefix (lower-case letters, digits, _ . -).`);
    if (!/^[a-z0-9_]{1,40}$/.test(name)) throw new InvalidArgumentError(PATH_ID, `name "${name}" must be lower-case letters, digits or _.`);
    this.alias = `${ns}-${name}`;
    this.shape = { ...SEED_SHAPE, ...opts.shape };
    if (!(ES_CODECS as readonly string[]).includes(this.shape.codec)) {
      throw new InvalidArgumentError(PATH_ID, `codec "${this.shape.codec}" does not exist.`, { hint: `Use one of: ${ES_CODECS.join(', ')}.` });
    }
    this.bulk = { flushBytes: 1 << 20, concurrency: 2, helperRetries: 3, waitMs: 100, rounds: 8, ...opts.bulk };
    if (this.bulk.concurrency < 1 || this.bulk.flushBytes < 1024 || this.bulk.rounds < 0) throw new InvalidArgumentError(PATH_ID, 'bulk concurrency must be ≥ 1, flushBytes ≥ 1024, rounds ≥ 0.');
  }

  /** The Elasticsearch client (for the scenario's stats and forcemerge). */
  get client(): Client {
    return this.es;
  }

  /** Index name of version n. */
  indexName(n: number): string {
    return `${this.alias}_v${n}`;
  }

  /** The index the alias points to now, or undefined when there is no alias. @throws UsageError when a concrete index holds the alias's name. */
  async current(): Promise<string | undefined> {
    try {
      const r = await this.es.indices.getAlias({ name: this.alias });
      const names = Object.keys(r);
      if (names.length !== 1) throw new UsageError(`Elasticsearch alias ${this.alias} points to ${names.length} indices (${names.join(', ')}); search.es expects one.`, { hint: `Remove the extra ones from the alias, or reset with capbench run search (it deletes ${this.alias}_v*).` });
      return names[0];
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
      if (await this.es.indices.exists({ index: this.alias })) {
        throw new UsageError(`Elasticsearch index ${this.alias} exists as a plain index, where search.es keeps an alias.`, { hint: `Delete it (curl -X DELETE 127.0.0.1:9200/${this.alias}) or use another namespace.` });
      }
      return undefined;
    }
  }

  /** Existing versions of the path's indices, ascending. */
  async versions(): Promise<number[]> {
    const rows = (await this.es.cat.indices({ index: `${this.alias}_v*`, format: 'json', h: 'index', expand_wildcards: 'all' })) as Array<{ index?: string }>;
    const re = new RegExp(`^${this.alias.replace(/[.]/g, '\\.')}_v(\\d+)$`);
    return rows
      .map((r) => re.exec(r.index ?? '')?.[1])
      .filter((x): x is string => x !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  /** Create index `name` with `shape` (and the alias on it when `alias`). Idempotent against a racing create. */
  private async createIndex(name: string, shape: EsIndexShape, alias: boolean, extraSettings: Record<string, unknown> = {}): Promise<void> {
    try {
      await this.es.indices.create({
        index: name,
        settings: { ...esSettingsOf(shape), ...extraSettings },
        mappings: esMappingsOf(shape),
        ...(alias ? { aliases: { [this.alias]: {} } } : {}),
      });
    } catch (err) {
      const type = (err as { body?: { error?: { type?: string } } }).body?.error?.type;
      if (type !== 'resource_already_exists_exception') throw err;
    }
  }

  /**
   * Check that index `name` has `shape`'s mappings and codec (read back from the server).
   * @throws UsageError naming the index and the first difference (exit 2).
   */
  async checkIndex(name: string, shape: EsIndexShape = this.shape): Promise<void> {
    const m = await this.es.indices.getMapping({ index: name });
    const got = m[name]?.mappings ?? {};
    const want = esMappingsOf(shape);
    const diff: string[] = [];
    const gotProps = (got.properties ?? {}) as Record<string, unknown>;
    // Elasticsearch omits a default when it reads a mapping back: index_options "positions" is
    // the default of text fields, so the seed's setting is a no-op (docs/errata.md).
    const norm = (x: unknown) => {
      if (!x || typeof x !== 'object') return x;
      const { index_options, ...rest } = x as Record<string, unknown>;
      return index_options === 'positions' ? rest : x;
    };
    for (const [field, spec] of Object.entries(want.properties ?? {})) {
      if (canonical(norm(gotProps[field])) !== canonical(norm(spec))) diff.push(`${field} is ${JSON.stringify(gotProps[field] ?? null)}, expected ${JSON.stringify(spec)}`);
    }
    for (const field of Object.keys(gotProps)) if (!(field in (want.properties ?? {}))) diff.push(`extra field ${field}`);
    if ((got._source?.enabled ?? true) !== shape.source) diff.push(`_source is ${got._source?.enabled === false ? 'disabled' : 'enabled'}, expected ${shape.source ? 'enabled' : 'disabled'}`);
    if (String(got.dynamic ?? 'true') !== 'strict') diff.push(`dynamic is ${String(got.dynamic ?? 'true')}, expected strict`);
    const s = await this.es.indices.getSettings({ index: name, name: 'index.codec' });
    const codec = (s[name]?.settings as { index?: { codec?: string } } | undefined)?.index?.codec ?? 'default';
    if (codec !== shape.codec) diff.push(`index.codec is ${codec}, expected ${shape.codec}`);
    if (diff.length > 0) {
      throw new UsageError(`Elasticsearch index ${name} was left with other mappings: ${diff[0]}${diff.length > 1 ? ` (and ${diff.length - 1} more)` : ''}.`, {
        hint: `Delete it (curl -X DELETE 127.0.0.1:9200/${name}) or give another namespace.`,
      });
    }
  }

  async setup(): Promise<void> {
    let cur = await this.current();
    if (cur === undefined) {
      const v = await this.versions();
      const n = (v.at(-1) ?? 0) + 1;
      await this.createIndex(this.indexName(n), this.shape, true);
      cur = await this.current();
      if (cur === undefined) throw new UsageError(`Elasticsearch alias ${this.alias} could not be created.`);
    }
    await this.checkIndex(cur);
  }

  async indexPosts(posts: readonly SearchPost[]): Promise<IndexOutcome> {
    return this.indexInto(this.alias, posts.map((p) => [String(p.id), bodyOf(p)] as const));
  }

  /**
   * Bulk-index [id, body] pairs into `target` (an index or the alias) with backpressure (module
   * comment). @throws BulkIndexError when a document cannot be stored; the client's error for a
   * request that fails otherwise.
   */
  async indexInto(target: string, docs: readonly (readonly [string, object])[]): Promise<IndexOutcome> {
    const t0 = performance.now();
    const tag = { bulk: Symbol('bulk') };
    let serverTookMs = 0;
    let requestRejects = 0;
    const onResponse = (err: unknown, result: { body?: unknown; statusCode?: number | null; meta?: { context?: unknown } } | null) => {
      if (result?.meta?.context !== tag) return;
      if (result.statusCode === 429) requestRejects++;
      else if (!err) serverTookMs += (result.body as { took?: number } | undefined)?.took ?? 0;
    };
    this.es.diagnostic.on('response', onResponse as never);
    const idOf = new WeakMap<object, string>();
    let pending = docs.map(([id, body]) => {
      const copy = { ...body };
      idOf.set(copy, id);
      return copy;
    });
    let indexed = 0;
    let rejected429 = 0;
    let bytes = 0;
    try {
      for (let round = 0; pending.length > 0; round++) {
        const done = new Set<string>();
        const retry = new Set<string>();
        const failed: string[] = [];
        const byId = new Map<string, object>();
        for (const d of pending) byId.set(idOf.get(d)!, d);
        try {
          const stats = await this.es.helpers.bulk(
            {
              datasource: pending,
              onDocument: (d: object) => ({ index: { _index: target, _id: idOf.get(d)! } }),
              onSuccess: ({ result }) => void done.add(String((result as { index?: { _id?: string } }).index?._id)),
              onDrop: (d) => {
                const id = String((d.operation as { index?: { _id?: string } }).index?._id);
                if (d.status === 429) retry.add(id);
                else failed.push(`${id}: HTTP ${d.status} ${(d.error as { type?: string; reason?: string } | null)?.type ?? ''} ${(d.error as { reason?: string } | null)?.reason ?? ''}`.trim());
              },
              flushBytes: this.bulk.flushBytes,
              concurrency: this.bulk.concurrency,
              retries: this.bulk.helperRetries,
              wait: this.bulk.waitMs,
              refreshOnCompletion: false,
            },
            { context: tag },
          );
          rejected429 += stats.retry;
          bytes += stats.bytes;
        } catch (err) {
          // A whole request refused with 429 aborts the helper: retry what was not acknowledged.
          if (statusOf(err) !== 429) throw err;
        }
        if (failed.length > 0) throw new BulkIndexError(PATH_ID, failed.length, failed[0]!);
        indexed += done.size;
        const left = pending.filter((d) => !done.has(idOf.get(d)!));
        for (const d of left) retry.add(idOf.get(d)!);
        rejected429 += retry.size; // re-sent in the next round
        if (retry.size === 0) break;
        if (round >= this.bulk.rounds) throw new BulkIndexError(PATH_ID, retry.size, `still rejected with 429 after ${round + 1} rounds of backoff`);
        pending = [...retry].map((id) => byId.get(id)!);
        await sleep(this.bulk.waitMs * 2 ** (round + 1));
      }
    } finally {
      this.es.diagnostic.off('response', onResponse as never);
    }
    return { indexed, rejected429, requestRejects, elapsedMs: performance.now() - t0, serverTookMs, bytes };
  }

  async refresh(): Promise<void> {
    await this.es.indices.refresh({ index: this.alias });
  }

  async search(q: SearchQuery): Promise<SearchResult> {
    return this.searchIn(this.alias, q);
  }

  /** Run `q` on `index` (an index or the alias): the query bodies are the ones docs/storage-paths.md lists. */
  async searchIn(index: string, q: SearchQuery): Promise<SearchResult> {
    const size = q.size ?? 10;
    let body: estypes.SearchRequest;
    switch (q.kind) {
      case 'match':
        body = { query: { multi_match: { query: q.text, fields: ['title', 'content'] } } };
        break;
      case 'recent':
        body = {
          query: { bool: { must: [{ multi_match: { query: q.text, fields: ['title', 'content'] } }], filter: [{ range: { created_at: { gte: String(q.sinceS), format: 'epoch_second' } } }] } },
          sort: [{ created_at: 'desc' }],
        };
        break;
      case 'title':
        body = { query: { match: { title: q.text } } };
        break;
      case 'author':
        body = { query: { term: { author: q.author } }, sort: [{ created_at: 'desc' }] };
        break;
      default:
        throw new UnsupportedQueryError(PATH_ID, (q as { kind: string }).kind);
    }
    const r = await this.es.search({ index, ...body, size, _source: false, track_total_hits: 10_000 });
    const total = typeof r.hits.total === 'number' ? r.hits.total : (r.hits.total?.value ?? 0);
    return { ids: r.hits.hits.map((h) => Number(h._id)), total };
  }

  async count(): Promise<number> {
    return (await this.es.count({ index: this.alias })).count;
  }

  /**
   * Zero-downtime reindex (seed 000, "Use Index Aliases"): create `<alias>_v<N+1>` with `shape`,
   * copy every document from the current index with a point-in-time and search_after (the
   * local integ-test-zip distribution has no reindex module, so the copy is client-side), swap
   * the alias in one atomic _aliases call, then copy the documents written to the old index
   * during the copy (created_at ≥ copy start − 1 s). Reads never see an empty or missing alias.
   * @throws UsageError when the current index has `_source` disabled (it cannot be copied:
   *   "Requires reindexing" from the primary store); the client's error otherwise.
   */
  async reindex(shape: Partial<EsIndexShape> = {}, opts: { pageSize?: number; onCopied?: (n: number) => void } = {}): Promise<ReindexOutcome> {
    const from = await this.current();
    if (from === undefined) throw new UsageError(`Elasticsearch alias ${this.alias} does not exist; call setup() first.`);
    const m = await this.es.indices.getMapping({ index: from });
    if (m[from]?.mappings._source?.enabled === false) throw new UsageError(`${from} has _source disabled: it cannot be reindexed from itself, only from the primary store.`);
    const next = { ...this.shape, ...shape };
    const v = await this.versions();
    const to = this.indexName((v.at(-1) ?? 0) + 1);
    await this.createIndex(to, next, false, { refresh_interval: '-1' });
    const t0 = performance.now();
    const startS = Math.floor(Date.now() / 1000) - 1;
    const copied = await this.copy(from, to, undefined, opts);
    await this.es.indices.putSettings({ index: to, settings: { refresh_interval: '1s' } });
    await this.es.indices.refresh({ index: to });
    const copyMs = performance.now() - t0;
    await this.es.indices.updateAliases({ actions: [{ remove: { index: from, alias: this.alias } }, { add: { index: to, alias: this.alias } }] });
    const swappedAtMs = Date.now();
    await sleep(500); // writes already routed to the old index settle
    await this.es.indices.refresh({ index: from });
    const caughtUp = await this.copy(from, to, { range: { created_at: { gte: String(startS), format: 'epoch_second' } } }, opts);
    await this.es.indices.refresh({ index: to });
    return { from, to, copied, caughtUp, copyMs, swappedAtMs };
  }

  /** Copy the documents of `from` matching `query` into `to` (PIT + search_after + bulk); resolves to how many. */
  private async copy(from: string, to: string, query: estypes.QueryDslQueryContainer | undefined, opts: { pageSize?: number; onCopied?: (n: number) => void }): Promise<number> {
    const pit = await this.es.openPointInTime({ index: from, keep_alive: '2m' });
    let n = 0;
    try {
      let after: estypes.SortResults | undefined;
      for (;;) {
        const r = await this.es.search({
          pit: { id: pit.id, keep_alive: '2m' },
          size: opts.pageSize ?? 2000,
          sort: [{ _shard_doc: 'asc' }],
          ...(query ? { query } : {}),
          ...(after ? { search_after: after } : {}),
        });
        const hits = r.hits.hits;
        if (hits.length === 0) break;
        await this.indexInto(to, hits.map((h) => [h._id!, h._source as object] as const));
        n += hits.length;
        opts.onCopied?.(n);
        after = hits.at(-1)!.sort;
      }
    } finally {
      await this.es.closePointInTime({ id: pit.id }).catch(() => undefined);
    }
    return n;
  }

  /** Sizes, segments and merge times of `index` (default: the alias's index). Primaries only. */
  async stats(index?: string): Promise<EsIndexStats> {
    const name = index ?? (await this.current()) ?? this.alias;
    const r = await this.es.indices.stats({ index: name, metric: ['store', 'docs', 'segments', 'merge'] });
    const p = r.indices?.[name]?.primaries;
    return {
      index: name,
      docs: p?.docs?.count ?? 0,
      storeBytes: p?.store?.size_in_bytes ?? 0,
      segments: p?.segments?.count ?? 0,
      merges: p?.merges?.total ?? 0,
      mergeTimeMs: p?.merges?.total_time_in_millis ?? 0,
      mergeThrottledMs: p?.merges?.total_throttled_time_in_millis ?? 0,
    };
  }

  /** Force-merge `index` to one segment (sizes compared at rest) and wait for it. */
  async forceMerge(index: string): Promise<void> {
    await this.es.indices.forcemerge({ index, max_num_segments: 1, wait_for_completion: true }, { requestTimeout: 600_000 });
  }

  async reset(): Promise<void> {
    for (const v of await this.versions()) await this.es.indices.delete({ index: this.indexName(v) }).catch((err) => (statusOf(err) === 404 ? undefined : Promise.reject(err)));
  }
}

/** Registration of search.es (reference-impl/registry.ts). */
export const esSearchPath = defineStoragePath({
  id: PATH_ID,
  family: 'search',
  stores: ['elasticsearch'],
  seed: [
    { doc: '000', section: 'Elasticsearch Storage Optimization Strategy' },
    { doc: '000', section: 'Elasticsearch Indexing Backpressure' },
    { doc: '002', section: 'Inverted index' },
  ],
  summary: 'posts index (seed mappings, codec option) behind an alias; bulk helper with 429 backoff; PIT copy + atomic alias swap; match, recent, title, author',
  open: (clients, options) => new EsPostSearch(clientOf(clients, 'elasticsearch', PATH_ID), options as EsSearchOptions | undefined),
});
