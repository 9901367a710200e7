/**
 * search.mongo-text: the seed's title search with a MongoDB text index (seed 000,
 * "Elasticsearch Storage Optimization Strategy" §5 "Hybrid Approach with MongoDB": "Simple
 * title searches (`db.posts.createIndex({title: "text"})`)"), plus posts by author on an
 * ordinary index {author: 1, created_at: -1}.
 *
 * Collection `posts` in database `<namespace>` (default "capbench_search"). setup() creates
 * the text index and runs one `$text` query; a server that refuses either (FerretDB 1.24, the
 * local stand-in, answers createIndex with code 27 "can't find index with key: { title: "text" }"
 * and `$text` with code 2 "unknown top level operator: $text") makes setup() reject with
 * TextSearchUnsupportedError quoting the server: the path is never replaced by something else.
 */
import type { Collection, MongoClient } from 'mongodb';
import { CapbenchError, InvalidArgumentError } from '../../core/errors.js';
import { clientOf, defineStoragePath } from '../path.js';
import {
  TextSearchUnsupportedError,
  UnsupportedQueryError,
  type IndexOutcome,
  type PostSearch,
  type PostSearchOptions,
  type SearchKind,
  type SearchPost,
  type SearchQuery,
  type SearchResult,
} from './types.js';

const PATH_ID = 'search.mongo-text';
/** Documents per insert batch. */
const BATCH = 1000;

/** Longest wait for one index build in setup(), ms. */
const SETUP_TIMEOUT_MS = 30_000;

/** `p`, or a CapbenchError naming `what` after SETUP_TIMEOUT_MS. */
async function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CapbenchError(`${PATH_ID}: the MongoDB server did not answer ${what} within ${SETUP_TIMEOUT_MS / 1000} s.`)), SETUP_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A post document (the post with _id = id). */
type PostDoc = Omit<SearchPost, 'id'> & { _id: number };

/** What the server says it is: "MongoDB 7.0.5" or "FerretDB v1.24.0 (MongoDB 7.0.42 wire protocol)". */
async function serverName(client: MongoClient): Promise<string> {
  const b = (await client.db('admin').command({ buildInfo: 1 }).catch(() => ({}))) as { version?: string; ferretdbVersion?: string };
  return b.ferretdbVersion ? `FerretDB ${b.ferretdbVersion} (MongoDB stand-in)` : `MongoDB ${b.version ?? '?'}`;
}

/** The server's error as "code N CodeName: message". */
function quote(err: unknown): string {
  const e = err as { code?: number; codeName?: string; message?: string };
  return `code ${e.code ?? '?'}${e.codeName ? ` ${e.codeName}` : ''}: ${e.message ?? String(err)}`;
}

/** search.mongo-text (module comment). Open through mongoTextSearchPath.open(); call setup() first. */
export class MongoTextSearch implements PostSearch {
  readonly path = PATH_ID;
  readonly kinds: readonly SearchKind[] = ['title', 'author'];
  private readonly posts: Collection<PostDoc>;
  /** Database name. */
  readonly db: string;

  /** @throws InvalidArgumentError for a database name MongoDB would refuse. */
  constructor(
    private readonly client: MongoClient,
    opts: PostSearchOptions = {},
  ) {
    this.db = opts.namespace ?? 'capbench_search';
    if (!/^[A-Za-z0-9_-]{1,60}$/.test(this.db)) throw new InvalidArgumentError(PATH_ID, `namespace "${this.db}" is not a valid database name (letters, digits, _ -).`);
    this.posts = client.db(this.db).collection<PostDoc>('posts');
  }

  /**
   * Create the indexes and probe `$text`.
   * @throws TextSearchUnsupportedError when the server refuses the text index or `$text`;
   *   CapbenchError when the server does not answer within SETUP_TIMEOUT_MS (seen on a wedged FerretDB).
   */
  async setup(): Promise<void> {
    await withTimeout(this.posts.createIndex({ author: 1, created_at: -1 }), 'createIndex {author: 1, created_at: -1}');
    try {
      await withTimeout(this.posts.createIndex({ title: 'text' }), 'createIndex {title: "text"}');
      await this.posts.find({ $text: { $search: 'probe' } }).limit(1).toArray();
    } catch (err) {
      if (err instanceof CapbenchError) throw err;
      throw new TextSearchUnsupportedError(PATH_ID, await serverName(this.client), quote(err));
    }
  }

  async indexPosts(posts: readonly SearchPost[]): Promise<IndexOutcome> {
    const t0 = performance.now();
    let bytes = 0;
    for (let i = 0; i < posts.length; i += BATCH) {
      const ops = posts.slice(i, i + BATCH).map((p) => {
        const { id, ...rest } = p;
        bytes += JSON.stringify(rest).length;
        return { replaceOne: { filter: { _id: id }, replacement: rest, upsert: true } };
      });
      await this.posts.bulkWrite(ops, { ordered: false });
    }
    return { indexed: posts.length, rejected429: 0, elapsedMs: performance.now() - t0, serverTookMs: 0, bytes };
  }

  async refresh(): Promise<void> {}

  async search(q: SearchQuery): Promise<SearchResult> {
    const size = q.size ?? 10;
    if (q.kind === 'title') {
      const filter = { $text: { $search: q.text } };
      const docs = await this.posts
        .find(filter, { projection: { _id: 1, score: { $meta: 'textScore' } } })
        .sort({ score: { $meta: 'textScore' } })
        .limit(size)
        .toArray();
      return { ids: docs.map((d) => d._id), total: await this.posts.countDocuments(filter, { limit: 10_000 }) };
    }
    if (q.kind === 'author') {
      const docs = await this.posts.find({ author: q.author }, { projection: { _id: 1 } }).sort({ created_at: -1 }).limit(size).toArray();
      return { ids: docs.map((d) => d._id), total: await this.posts.countDocuments({ author: q.author }, { limit: 10_000 }) };
    }
    throw new UnsupportedQueryError(PATH_ID, q.kind);
  }

  async count(): Promise<number> {
    return this.posts.countDocuments();
  }

  /** Collection size figures from collStats (bytes): data, all indexes, and the text index alone. */
  async sizes(): Promise<{ dataBytes: number; indexBytes: number; textIndexBytes: number | null }> {
    const s = (await this.client.db(this.db).command({ collStats: 'posts' })) as { size?: number; totalIndexSize?: number; indexSizes?: Record<string, number> };
    return { dataBytes: s.size ?? 0, indexBytes: s.totalIndexSize ?? 0, textIndexBytes: s.indexSizes?.['title_text'] ?? null };
  }

  async reset(): Promise<void> {
    await this.posts.drop().catch(() => undefined);
  }
}

/** Registration of search.mongo-text (reference-impl/registry.ts). */
export const mongoTextSearchPath = defineStoragePath({
  id: PATH_ID,
  family: 'search',
  stores: ['mongodb'],
  seed: [{ doc: '000', section: 'Elasticsearch Storage Optimization Strategy / Hybrid Approach with MongoDB' }],
  summary: 'posts collection with a text index on title ($text, by textScore) and {author, created_at}; refused on FerretDB (no $text)',
  open: (clients, options) => new MongoTextSearch(clientOf(clients, 'mongodb', PATH_ID), options),
});
