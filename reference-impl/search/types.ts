/**
 * The contract of the search family (DESIGN.md "Storage paths": search.es, search.mongo-text),
 * so that the search scenario and one conformance suite (test/reference-impl/search.conformance.test.ts)
 * drive both alike. Seed 000, "Elasticsearch Storage Optimization Strategy" (mappings,
 * compression, "Hybrid Approach with MongoDB") and "Elasticsearch Indexing Backpressure";
 * seed 002, inverted index. The paths are listed in reference-impl/registry.ts.
 */
import { CapbenchError } from '../../core/errors.js';

/** One post as the search paths store it (seed 000's posts mapping plus author and hashtags). */
export interface SearchPost {
  /** Post id, a non-negative safe integer (the document _id / MongoDB _id as a string). */
  id: number;
  /** Author handle, e.g. "u_1234" (keyword; exact-match "by author" queries). */
  author: string;
  /** Title, a few words (text, with a keyword sub-field `ignore_above: 256` on search.es). */
  title: string;
  /** Body text (text, `index_options: positions` on search.es). */
  content: string;
  /** Hashtags without "#", e.g. ["travel", "food"] (keyword). */
  hashtags: string[];
  /** Likes, 0..32767 (the seed's `short`: "2 bytes vs 8 (long)"). */
  likes: number;
  /** Creation time, seconds since the epoch (the seed's `epoch_second`). */
  created_at: number;
}

/** The query kinds of the family (docs/storage-paths.md lists which path answers which). */
export type SearchKind = 'match' | 'recent' | 'title' | 'author';
/** Every query kind, in the order reports list them. */
export const SEARCH_KINDS: readonly SearchKind[] = ['match', 'recent', 'title', 'author'];

/**
 * A query. `match`: words in title or content, by relevance; `recent`: the same words, only
 * posts created at or after `sinceS`, newest first; `title`: words in the title only (the
 * seed's "Title-only → MongoDB Text Index"); `author`: the posts of `author`, newest first.
 */
export type SearchQuery =
  | { kind: 'match'; text: string; size?: number }
  | { kind: 'recent'; text: string; sinceS: number; size?: number }
  | { kind: 'title'; text: string; size?: number }
  | { kind: 'author'; author: string; size?: number };

/** What a query returns: the ids of the hits (at most `size`, default 10) and the total hits the store counted (a lower bound where it stops counting). */
export interface SearchResult {
  ids: number[];
  total: number;
}

/** What indexing a batch of posts did. Times in ms, sizes in bytes. */
export interface IndexOutcome {
  /** Posts acknowledged by the store (never fewer than given: a post that cannot be stored is an error, not a silent drop). */
  indexed: number;
  /** 429 rejections (document or request) the path retried with backoff (backpressure). */
  rejected429: number;
  /** Bulk requests refused whole with HTTP 429 (their documents are among rejected429); absent where the store has no such figure. */
  requestRejects?: number;
  /** Wall-clock time of the whole batch, ms. */
  elapsedMs: number;
  /** Sum of the server's own `took` of the bulk requests that succeeded, ms (0 where the store has no such figure). */
  serverTookMs: number;
  /** Request body bytes sent (NDJSON for search.es; an estimate of the documents for MongoDB). */
  bytes: number;
}

/** Options a search path may be opened with; each path reads its own fields. */
export interface PostSearchOptions {
  /**
   * search.es: index-name prefix; the read alias is `<prefix>-posts`, indices `<prefix>-posts_v<N>`.
   * search.mongo-text: the database name. Default "capbench-search" / "capbench_search".
   */
  namespace?: string;
}

/**
 * Posts searchable by the query kinds a path declares. Semantics every implementation keeps
 * (the conformance suite checks them): every post given to indexPosts() is searchable after
 * refresh(), or indexPosts() rejects — none is dropped silently; a query kind the path does
 * not list in `kinds` rejects with UnsupportedQueryError.
 */
export interface PostSearch {
  /** Storage path id, e.g. "search.es". */
  readonly path: string;
  /** The query kinds this path answers. */
  readonly kinds: readonly SearchKind[];
  /**
   * Create the index / collection and its indexes if missing and check what exists.
   * @throws UsageError when an index left there has other mappings (one line, exit 2);
   *   TextSearchUnsupportedError when the server refuses a text index (FerretDB).
   */
  setup(): Promise<void>;
  /** Store posts (upsert by id). @throws BulkIndexError when a post could not be stored after retries. */
  indexPosts(posts: readonly SearchPost[]): Promise<IndexOutcome>;
  /** Make everything indexed so far searchable (Elasticsearch refresh; a no-op where writes are visible at once). */
  refresh(): Promise<void>;
  /** Run one query. @throws UnsupportedQueryError for a kind not in `kinds`. */
  search(q: SearchQuery): Promise<SearchResult>;
  /** Posts stored (searchable ones on Elasticsearch: after refresh()). */
  count(): Promise<number>;
  /** Remove everything this path created under its namespace (never anything else). */
  reset(): Promise<void>;
}

/** A query kind the path does not answer (a bug in the caller: paths list their kinds). */
export class UnsupportedQueryError extends CapbenchError {
  constructor(path: string, kind: string) {
    super(`${path} does not answer "${kind}" queries.`);
  }
}

/**
 * The MongoDB server refuses text indexes or `$text` (FerretDB 1.x, the stand-in capbench runs
 * locally: "not measurable here (FerretDB lacks $text)"). `serverError` quotes the server.
 */
export class TextSearchUnsupportedError extends CapbenchError {
  readonly serverError: string;
  constructor(path: string, server: string, serverError: string) {
    super(`${path}: ${server} refuses MongoDB text search (${serverError}); not measurable here (FerretDB lacks $text).`, {
      hint: 'Point capbench at a real MongoDB with --mongodb-url (or run it in Docker) to measure the title search.',
    });
    this.serverError = serverError;
  }
}

/** Posts the bulk indexer could not store (non-429 item errors, or 429s past the last retry). */
export class BulkIndexError extends CapbenchError {
  readonly failed: number;
  constructor(path: string, failed: number, firstReason: string) {
    super(`${path}: ${failed} post(s) could not be indexed; first error: ${firstReason}.`);
    this.failed = failed;
  }
}
