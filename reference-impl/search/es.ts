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
 * Backpressure: documents go through the official client's bulk API with bounded concurrency
 * and flush size; documents rejected with 429 (per item, or the whole request when the write
 * queue is full) are re-sent with exponential backoff (EsPostSearch.indexInto). Any other item
 * error, or a 429 past the last attempt, rejects indexPosts() with BulkIndexError: no document
 * is dropped silently.
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
  /** Most NDJSON bytes of one bulk request (default 1 MiB). */
  flushBytes: number;
  /** Bulk requests in flight at once (default 2: one per core here). */
  concurrency: number;
  /** First wait before re-sending 429-rejected documents, ms; each further attempt doubles it (default 100). */
  waitMs: number;
  /** Re-sends of 429-rejected documents before giving up with BulkIndexError (default 10). */
  rounds: number;
  /** Longest wait between rounds, ms (default 5000). */
  maxWaitMs: number;
  /**
   * Time one bulk request may take before it is re-sent, ms (default 120 000: a 1 MiB request
   * into a large index on a busy machine can outlast the client's 10 s default). A timed-out
   * request is re-sent whole like a 429-refused one (writes by id: a document applied twice is
   * the same document; `create` counts it as a conflict).
   */
  requestTimeoutMs: number;
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
  /** Documents copied; of them, those already written to the new index during the copy (kept, not overwritten). */
  copied: number;
  conflicts: number;
  copyMs: number;
  /** When the alias moved (one atomic _aliases call), epoch ms. */
  swappedAtMs: number;
}

const NAMESPACE_RE = /^[a-z0-9][a-z0-9_.-]{0,60}$/;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The `_meta.created_by` mark of every index search.es creates: reset() deletes only indices that carry it. */
export const CREATED_BY = 'capbench search.es';

/** The index settings of a shape (pure): one shard, no replica (one node), the codec. */
export function esSettingsOf(shape: EsIndexShape): Record<string, unknown> {
  return { number_of_shards: 1, number_of_replicas: 0, ...(shape.codec === 'default' ? {} : { 'index.codec': shape.codec }) };
}

/** The mappings of a shape (pure): seed 000 §2.B plus author and hashtags keywords; `dynamic: strict`. */
export function esMappingsOf(shape: EsIndexShape): estypes.MappingTypeMapping {
  return {
    dynamic: 'strict',
    _meta: { created_by: CREATED_BY },
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
/** The client gave up waiting for the answer (@elastic/transport TimeoutError). */
const isTimeout = (err: unknown): boolean => (err as { name?: string })?.name === 'TimeoutError';
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
  /** The alias every read goes through. */
  readonly alias: string;
  /** The alias every write goes through (moved to the new index first during a reindex). */
  readonly writeAlias: string;
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
    this.writeAlias = `${ns}-${name}-write`;
    this.shape = { ...SEED_SHAPE, ...opts.shape };
    if (!(ES_CODECS as readonly string[]).includes(this.shape.codec)) {
      throw new InvalidArgumentError(PATH_ID, `codec "${this.shape.codec}" does not exist.`, { hint: `Use one of: ${ES_CODECS.join(', ')}.` });
    }
    this.bulk = { flushBytes: 1 << 20, concurrency: 2, waitMs: 100, rounds: 10, maxWaitMs: 5000, requestTimeoutMs: 120_000, ...opts.bulk };
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
        ...(alias ? { aliases: { [this.alias]: {}, [this.writeAlias]: {} } } : {}),
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
    const w = await this.es.indices.getAlias({ name: this.writeAlias }).catch((err) => (statusOf(err) === 404 ? {} : Promise.reject(err)));
    if (Object.keys(w).length === 0) await this.es.indices.putAlias({ index: cur, name: this.writeAlias });
  }

  async indexPosts(posts: readonly SearchPost[]): Promise<IndexOutcome> {
    return this.indexInto(this.writeAlias, posts.map((p) => [String(p.id), bodyOf(p)] as const));
  }

  /**
   * Bulk-index [id, body] pairs into `target` (an index or an alias) with backpressure:
   * batches of at most `flushBytes` of NDJSON, at most `concurrency` bulk requests in flight;
   * documents rejected with 429 (item status, or the whole request refused by a full write
   * queue) are re-sent after waitMs × 2^attempt (capped at maxWaitMs, with jitter), up to
   * `rounds` times, and each 429 halves the requests allowed in flight (one is added back per
   * clean response: AIMD), so the client slows down to what the server accepts. A request
   * that outlasts `requestTimeoutMs` is re-sent whole the same way (not counted as a 429). With `create`, a 409 (the document already exists) is kept as is and counted
   * in `conflicts`.
   * Why not the client's helpers.bulk: it retries item 429s but aborts the whole run on a
   * request-level 429 (the usual rejection when the write queue is full), losing track of the
   * requests in flight; this loop treats both alike.
   * @throws BulkIndexError when a document is refused otherwise, or still 429 after the last attempt;
   *   the client's error for any other failed request.
   */
  async indexInto(target: string, docs: readonly (readonly [string, object])[], opts: { create?: boolean } = {}): Promise<IndexOutcome & { conflicts: number }> {
    const t0 = performance.now();
    const op = opts.create ? 'create' : 'index';
    const b = this.bulk;
    let indexed = 0;
    let conflicts = 0;
    let rejected429 = 0;
    let requestRejects = 0;
    let serverTookMs = 0;
    let bytes = 0;
    // Batches of serialized [action, source] lines, each under flushBytes.
    type Line = { id: string; action: string; source: string };
    const batches: Line[][] = [];
    let cur: Line[] = [];
    let curBytes = 0;
    for (const [id, body] of docs) {
      const line = { id, action: JSON.stringify({ [op]: { _index: target, _id: id } }), source: JSON.stringify(body) };
      const size = line.action.length + line.source.length + 2;
      if (cur.length > 0 && curBytes + size > b.flushBytes) {
        batches.push(cur);
        cur = [];
        curBytes = 0;
      }
      cur.push(line);
      curBytes += size;
    }
    if (cur.length > 0) batches.push(cur);

    // AIMD window: a 429 halves the requests allowed in flight, a clean response adds one back.
    let window = b.concurrency;
    let inFlight = 0;
    const send = async (batch: Line[]): Promise<void> => {
      for (let attempt = 0; batch.length > 0; attempt++) {
        while (inFlight >= window) await sleep(5);
        inFlight++;
        const body = batch.flatMap((l) => [l.action, l.source]); // serialized lines: the transport joins them as NDJSON
        bytes += body.reduce((a, l) => a + l.length + 1, 0);
        let retry: Line[] = [];
        let timedOut = false;
        try {
          // require_alias: a write to a missing alias fails instead of auto-creating an index of that name.
          const r = await this.es.bulk({ body, refresh: false, require_alias: target.startsWith(this.alias) && !/_v\d+$/.test(target) } as never, { requestTimeout: b.requestTimeoutMs });
          serverTookMs += r.took;
          r.items.forEach((item, i) => {
            const res = Object.values(item)[0]!;
            const line = batch[i]!;
            if (res.status < 300) indexed++;
            else if (res.status === 429) retry.push(line);
            else if (res.status === 409 && opts.create) {
              conflicts++;
              indexed++;
            } else throw new BulkIndexError(PATH_ID, 1, `${line.id}: HTTP ${res.status} ${res.error?.type ?? ''} ${res.error?.reason ?? ''}`.trim());
          });
        } catch (err) {
          if (err instanceof BulkIndexError || (statusOf(err) !== 429 && !isTimeout(err))) throw err;
          if (statusOf(err) === 429) requestRejects++;
          else timedOut = true;
          retry = batch;
        } finally {
          inFlight--;
        }
        if (retry.length === 0) {
          window = Math.min(b.concurrency, window + 1);
          return;
        }
        window = Math.max(1, Math.floor(window / 2));
        if (attempt >= b.rounds) throw new BulkIndexError(PATH_ID, retry.length, `still ${timedOut ? `timing out (${b.requestTimeoutMs} ms)` : 'rejected with 429'} after ${attempt + 1} attempts with backoff`);
        if (!timedOut) rejected429 += retry.length;
        batch = retry;
        await sleep(Math.min(b.maxWaitMs, b.waitMs * 2 ** attempt) * (0.5 + Math.random()));
      }
    };
    let next = 0;
    let failed: unknown;
    const worker = async () => {
      while (next < batches.length && failed === undefined) {
        try {
          await send(batches[next++]!);
        } catch (err) {
          failed ??= err;
        }
      }
    };
    // Every worker settles before the call returns or throws: no request outlives it.
    await Promise.all(Array.from({ length: Math.min(b.concurrency, batches.length) }, worker));
    if (failed !== undefined) throw failed;
    return { indexed, conflicts, rejected429, requestRejects, elapsedMs: performance.now() - t0, serverTookMs, bytes };
  }

  async refresh(): Promise<void> {
    await this.es.indices.refresh({ index: this.alias });
  }

  async search(q: SearchQuery): Promise<SearchResult> {
    return this.searchIn(this.alias, q);
  }

  /** Run `q` on `index` (an index or the alias): the query bodies are the ones docs/storage-paths.md lists. */
  async searchIn(index: string, q: SearchQuery, opts: { source?: boolean } = {}): Promise<SearchResult> {
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
    const r = await this.es.search({ index, ...body, size, _source: opts.source ?? false, track_total_hits: 10_000 });
    const total = typeof r.hits.total === 'number' ? r.hits.total : (r.hits.total?.value ?? 0);
    return { ids: r.hits.hits.map((h) => Number(h._id)), total };
  }

  async count(): Promise<number> {
    return (await this.es.count({ index: this.alias })).count;
  }

  /**
   * Zero-downtime reindex (seed 000, "Use Index Aliases"): create `<alias>_v<N+1>` with `shape`,
   * move the write alias to it first (new and updated posts land there from now on), copy every
   * document of the current index with a point-in-time and search_after into it with op_type
   * `create` (a post written meanwhile is newer and wins: the copy's 409 is expected, counted in
   * `conflicts`) — the local integ-test-zip distribution has no reindex module, so the copy is
   * client-side — then move the read alias in one atomic _aliases call. Reads are served by the
   * old index until the swap (posts written during the copy show up after it), never by an
   * empty or missing alias. Deletes during the copy would come back (the path never deletes).
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
    await this.es.indices.updateAliases({ actions: [{ remove: { index: from, alias: this.writeAlias } }, { add: { index: to, alias: this.writeAlias } }] });
    await sleep(200); // bulk requests already routed to the old index settle before the PIT opens
    await this.es.indices.refresh({ index: from });
    const t0 = performance.now();
    const { copied, conflicts } = await this.copy(from, to, opts);
    await this.es.indices.putSettings({ index: to, settings: { refresh_interval: '1s' } });
    await this.es.indices.refresh({ index: to });
    const copyMs = performance.now() - t0;
    await this.es.indices.updateAliases({ actions: [{ remove: { index: from, alias: this.alias } }, { add: { index: to, alias: this.alias } }] });
    return { from, to, copied, conflicts, copyMs, swappedAtMs: Date.now() };
  }

  /** Copy every document of `from` into `to` with op_type create (PIT + search_after + bulk); resolves to how many. */
  private async copy(from: string, to: string, opts: { pageSize?: number; onCopied?: (n: number) => void }): Promise<{ copied: number; conflicts: number }> {
    const pit = await this.es.openPointInTime({ index: from, keep_alive: '2m' });
    let n = 0;
    let conflicts = 0;
    try {
      let after: estypes.SortResults | undefined;
      for (;;) {
        const r = await this.es.search({
          pit: { id: pit.id, keep_alive: '2m' },
          size: opts.pageSize ?? 2000,
          sort: [{ _shard_doc: 'asc' }],
          ...(after ? { search_after: after } : {}),
        });
        const hits = r.hits.hits;
        if (hits.length === 0) break;
        conflicts += (await this.indexInto(to, hits.map((h) => [h._id!, h._source as object] as const), { create: true })).conflicts;
        n += hits.length;
        opts.onCopied?.(n);
        after = hits.at(-1)!.sort;
      }
    } finally {
      await this.es.closePointInTime({ id: pit.id }).catch(() => undefined);
    }
    return { copied: n, conflicts };
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

  /**
   * Delete the path's indices `<alias>_v<N>` (their aliases go with them) — only those carrying
   * `_meta.created_by` = CREATED_BY. @throws UsageError when one of that name was not created by search.es.
   */
  async reset(): Promise<void> {
    const versions = await this.versions();
    for (const v of versions) {
      const name = this.indexName(v);
      const m = await this.es.indices.getMapping({ index: name });
      if ((m[name]?.mappings._meta as { created_by?: string } | undefined)?.created_by !== CREATED_BY) {
        throw new UsageError(`Elasticsearch index ${name} was left with other mappings (not created by search.es); capbench will not delete it.`, { hint: `Delete it yourself (curl -X DELETE 127.0.0.1:9200/${name}) or give another namespace.` });
      }
    }
    for (const v of versions) await this.es.indices.delete({ index: this.indexName(v) }).catch((err) => (statusOf(err) === 404 ? undefined : Promise.reject(err)));
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
  summary: 'posts index (seed mappings, codec option) behind an alias; bounded-concurrency bulk with 429 backoff; PIT copy + atomic alias swap; match, recent, title, author',
  open: (clients, options) => new EsPostSearch(clientOf(clients, 'elasticsearch', PATH_ID), options as EsSearchOptions | undefined),
});
