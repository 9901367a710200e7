/**
 * HTTP routes of the likes family (seed 000, "Likes System"): like a post, read its count.
 *   POST /v1/paths/<likes path>/posts/:postId/likes   -> 200 { postId, count }  (count after this like)
 *   GET  /v1/paths/<likes path>/posts/:postId/likes   -> 200 { postId, count }  (0 for a post never liked)
 * postId: a non-negative safe integer in the URL, anything else is 400. No body is accepted.
 */
import type { LikeCounter } from '../../reference-impl/likes/types.js';
import { ERROR_SCHEMA, ID_SCHEMA, type FamilyRoutes } from './types.js';

const params = { type: 'object', properties: { postId: ID_SCHEMA }, required: ['postId'], additionalProperties: false } as const;
const answer = { 200: { type: 'object', properties: { postId: { type: 'integer' }, count: { type: 'integer' } }, required: ['postId', 'count'] }, '4xx': ERROR_SCHEMA, '5xx': ERROR_SCHEMA } as const;
const noQuery = { type: 'object', additionalProperties: false, properties: {} } as const;

/** The likes family's routes. */
export const likesRoutes: FamilyRoutes<'likes'> = {
  family: 'likes',
  operations: [
    { name: 'like', method: 'POST', url: '/posts/{postId}/likes' },
    { name: 'read', method: 'GET', url: '/posts/{postId}/likes' },
  ],
  register({ app, base, call }, counter: LikeCounter) {
    app.post<{ Params: { postId: number } }>(`${base}/posts/:postId/likes`, { schema: { params, querystring: noQuery, response: answer } }, async (req) => {
      const { postId } = req.params;
      return { postId, count: await call(req, () => counter.like(postId)) };
    });
    app.get<{ Params: { postId: number } }>(`${base}/posts/:postId/likes`, { schema: { params, querystring: noQuery, response: answer } }, async (req) => {
      const { postId } = req.params;
      return { postId, count: await call(req, () => counter.count(postId)) };
    });
  },
};
