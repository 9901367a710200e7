/**
 * HTTP routes of the posts family (seed 001 "2. Post Database (Cassandra)": Posts Table, User
 * Posts Table; 004 "Author Timeline Table"):
 *   POST /v1/paths/<posts path>/posts  body { postId, authorId, createdAt? } -> 200 { stored: true }
 *        (idempotent per postId; createdAt ms since the epoch, default now)
 *   GET  .../posts/:postId                        -> 200 Post, 404 unknown post
 *   GET  .../users/:authorId/posts?limit=         -> 200 { posts: Post[] }  (newest first, limit 1..1000, default 20)
 */
import type { Post, PostStore } from '../../reference-impl/posts/types.js';
import { UnknownIdError } from '../errors.js';
import { ERROR_SCHEMA, ID_SCHEMA, type FamilyRoutes } from './types.js';

const errors = { '4xx': ERROR_SCHEMA, '5xx': ERROR_SCHEMA } as const;
const noQuery = { type: 'object', additionalProperties: false, properties: {} } as const;
const post = { type: 'object', properties: { postId: { type: 'integer' }, authorId: { type: 'integer' }, createdAt: { type: 'integer' } }, required: ['postId', 'authorId', 'createdAt'] } as const;
const idParams = (name: string) => ({ type: 'object', properties: { [name]: ID_SCHEMA }, required: [name], additionalProperties: false }) as const;

/** The posts family's routes. */
export const postsRoutes: FamilyRoutes<'posts'> = {
  family: 'posts',
  operations: [
    { name: 'create', method: 'POST', url: '/posts', body: { postId: '{postId}', authorId: '{authorId}' } },
    { name: 'get', method: 'GET', url: '/posts/{postId}' },
    { name: 'latest', method: 'GET', url: '/users/{authorId}/posts?limit={limit}' },
  ],
  register({ app, base, call }, posts: PostStore) {
    app.post<{ Body: { postId: number; authorId: number; createdAt?: number } }>(
      `${base}/posts`,
      {
        schema: {
          body: { type: 'object', properties: { postId: ID_SCHEMA, authorId: ID_SCHEMA, createdAt: ID_SCHEMA }, required: ['postId', 'authorId'], additionalProperties: false },
          querystring: noQuery,
          response: { 200: { type: 'object', properties: { stored: { type: 'boolean' } }, required: ['stored'] }, ...errors },
        },
      },
      async (req) => {
        const p: Post = { postId: req.body.postId, authorId: req.body.authorId, createdAt: req.body.createdAt ?? Date.now() };
        await call(req, () => posts.create(p));
        return { stored: true };
      },
    );
    app.get<{ Params: { postId: number } }>(`${base}/posts/:postId`, { schema: { params: idParams('postId'), querystring: noQuery, response: { 200: post, ...errors } } }, async (req) => {
      const { postId } = req.params;
      return call(req, async () => {
        const p = await posts.get(postId);
        if (!p) throw new UnknownIdError(`unknown post ${postId}`);
        return p;
      });
    });
    app.get<{ Params: { authorId: number }; Querystring: { limit?: number } }>(
      `${base}/users/:authorId/posts`,
      { schema: { params: idParams('authorId'), querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } }, additionalProperties: false }, response: { 200: { type: 'object', properties: { posts: { type: 'array', items: post } }, required: ['posts'] }, ...errors } } },
      async (req) => ({ posts: await call(req, () => posts.latest(req.params.authorId, req.query.limit ?? 20)) }),
    );
  },
};
