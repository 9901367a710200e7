/**
 * HTTP routes of the search family (seed 000, "Elasticsearch Storage Optimization Strategy":
 * mappings, "Hybrid Approach with MongoDB"; "Elasticsearch Indexing Backpressure"):
 *   GET  /v1/paths/<search path>/search?kind=match|title&q=WORDS[&size=N]        -> 200 { ids, total }
 *   GET  .../search?kind=recent&q=WORDS&since=EPOCH_S[&size=N]                    -> 200 { ids, total }
 *   GET  .../search?kind=author&author=HANDLE[&size=N]                            -> 200 { ids, total }
 *   POST .../posts  body SearchPost { id, author, title, content, hashtags, likes, created_at }
 *                                           -> 200 { indexed, rejected429 }  (upsert by id; 429s retried with backoff)
 *   POST .../refresh                        -> 200 { ok: true }  (what is indexed becomes searchable)
 *   GET  .../count                          -> 200 { count }
 * The words are handed to the store as a match query's text (never as query syntax: no
 * query_string, no $where); size 1..100 (default 10); a kind the path does not answer
 * (search.mongo-text: recent, author) is 400.
 */
import type { PostSearch, SearchPost, SearchQuery } from '../../reference-impl/search/types.js';
import { ERROR_SCHEMA, ID_SCHEMA, type FamilyRoutes } from './types.js';

const errors = { '4xx': ERROR_SCHEMA, '5xx': ERROR_SCHEMA } as const;
const noQuery = { type: 'object', additionalProperties: false, properties: {} } as const;
const HANDLE = { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' } as const;
const searchQuery = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['match', 'recent', 'title', 'author'] },
    q: { type: 'string', minLength: 1, maxLength: 512 },
    since: ID_SCHEMA,
    author: HANDLE,
    size: { type: 'integer', minimum: 1, maximum: 100 },
  },
  required: ['kind'],
  additionalProperties: false,
  allOf: [
    { if: { properties: { kind: { const: 'author' } } }, then: { required: ['author'] }, else: { required: ['q'] } },
    { if: { properties: { kind: { const: 'recent' } } }, then: { required: ['since'] } },
  ],
} as const;
const searchPost = {
  type: 'object',
  properties: {
    id: ID_SCHEMA,
    author: HANDLE,
    title: { type: 'string', maxLength: 1000 },
    content: { type: 'string', maxLength: 100_000 },
    hashtags: { type: 'array', maxItems: 50, items: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
    likes: { type: 'integer', minimum: 0, maximum: 32_767 },
    created_at: ID_SCHEMA,
  },
  required: ['id', 'author', 'title', 'content', 'hashtags', 'likes', 'created_at'],
  additionalProperties: false,
} as const;

type Q = { kind: SearchQuery['kind']; q?: string; since?: number; author?: string; size?: number };

/** The SearchQuery a validated query string stands for. */
function queryOf(r: Q): SearchQuery {
  const size = r.size === undefined ? {} : { size: r.size };
  switch (r.kind) {
    case 'author':
      return { kind: 'author', author: r.author!, ...size };
    case 'recent':
      return { kind: 'recent', text: r.q!, sinceS: r.since!, ...size };
    default:
      return { kind: r.kind, text: r.q!, ...size };
  }
}

/** The search family's routes. */
export const searchRoutes: FamilyRoutes<'search'> = {
  family: 'search',
  operations: [
    { name: 'match', method: 'GET', url: '/search?kind=match&q={q}' },
    { name: 'recent', method: 'GET', url: '/search?kind=recent&q={q}&since={since}' },
    { name: 'title', method: 'GET', url: '/search?kind=title&q={q}' },
    { name: 'author', method: 'GET', url: '/search?kind=author&author={author}' },
    { name: 'index', method: 'POST', url: '/posts', body: { id: '{id}' } },
  ],
  register({ app, base, call }, search: PostSearch) {
    app.get<{ Querystring: Q }>(
      `${base}/search`,
      { schema: { querystring: searchQuery, response: { 200: { type: 'object', properties: { ids: { type: 'array', items: { type: 'integer' } }, total: { type: 'integer' } }, required: ['ids', 'total'] }, ...errors } } },
      async (req) => call(req, () => search.search(queryOf(req.query))),
    );
    app.post<{ Body: SearchPost }>(
      `${base}/posts`,
      { schema: { body: searchPost, querystring: noQuery, response: { 200: { type: 'object', properties: { indexed: { type: 'integer' }, rejected429: { type: 'integer' } }, required: ['indexed', 'rejected429'] }, ...errors } } },
      async (req) => {
        const r = await call(req, () => search.indexPosts([req.body]));
        return { indexed: r.indexed, rejected429: r.rejected429 };
      },
    );
    app.post(`${base}/refresh`, { schema: { querystring: noQuery, response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] }, ...errors } } }, async (req) => {
      await call(req, () => search.refresh());
      return { ok: true };
    });
    app.get(`${base}/count`, { schema: { querystring: noQuery, response: { 200: { type: 'object', properties: { count: { type: 'integer' } }, required: ['count'] }, ...errors } } }, async (req) => ({ count: await call(req, () => search.count()) }));
  },
};
