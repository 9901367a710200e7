/**
 * HTTP routes of the follows family (seed 000, "Follows System"; 001 "User Database").
 *   POST /v1/paths/<follows path>/follows     body { follower, followee } -> 200 { created }
 *   POST /v1/paths/<follows path>/unfollows   body { follower, followee } -> 200 { removed }
 *   GET  .../users/:follower/following/:followee          -> 200 { following }
 *   GET  .../users/:userId/followers?limit=&after=        -> 200 { ids, next? }   (keyset page)
 *   GET  .../users/:userId/following?limit=&after=        -> 200 { ids, next? }
 *   GET  .../users/:a/mutuals/:b?limit=&after=            -> 200 { ids, next? }   (common followers)
 *   GET  .../users/:userId/counts                         -> 200 { followers, following }
 * A follow of a user the store does not know is 404 (follows.pg: foreign key 23503); a
 * self-follow is 400; ids are non-negative safe integers, limit 1..10000.
 */
import type { FollowGraph } from '../../reference-impl/follows/types.js';
import { ERROR_SCHEMA, ID_SCHEMA, type FamilyRoutes } from './types.js';

const pair = { type: 'object', properties: { follower: ID_SCHEMA, followee: ID_SCHEMA }, required: ['follower', 'followee'], additionalProperties: false } as const;
const user = { type: 'object', properties: { userId: ID_SCHEMA }, required: ['userId'], additionalProperties: false } as const;
const two = { type: 'object', properties: { a: ID_SCHEMA, b: ID_SCHEMA }, required: ['a', 'b'], additionalProperties: false } as const;
const pageQuery = { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 10_000 }, after: ID_SCHEMA }, additionalProperties: false } as const;
const noQuery = { type: 'object', additionalProperties: false, properties: {} } as const;
const errors = { '4xx': ERROR_SCHEMA, '5xx': ERROR_SCHEMA } as const;
const pageAnswer = { 200: { type: 'object', properties: { ids: { type: 'array', items: { type: 'integer' } }, next: { type: 'integer' } }, required: ['ids'] }, ...errors } as const;

type Page = { limit?: number; after?: number };

/** The follows family's routes. */
export const followsRoutes: FamilyRoutes<'follows'> = {
  family: 'follows',
  operations: [
    { name: 'follow', method: 'POST', url: '/follows', body: { follower: '{follower}', followee: '{followee}' } },
    { name: 'unfollow', method: 'POST', url: '/unfollows', body: { follower: '{follower}', followee: '{followee}' } },
    { name: 'followers', method: 'GET', url: '/users/{userId}/followers?limit={limit}' },
    { name: 'following', method: 'GET', url: '/users/{userId}/following?limit={limit}' },
    { name: 'mutuals', method: 'GET', url: '/users/{a}/mutuals/{b}?limit={limit}' },
    { name: 'counts', method: 'GET', url: '/users/{userId}/counts' },
  ],
  register({ app, base, call }, graph: FollowGraph) {
    app.post<{ Body: { follower: number; followee: number } }>(`${base}/follows`, { schema: { body: pair, querystring: noQuery, response: { 200: { type: 'object', properties: { created: { type: 'boolean' } }, required: ['created'] }, ...errors } } }, async (req) => {
      const { follower, followee } = req.body;
      return { created: await call(req, () => graph.follow(follower, followee)) };
    });
    app.post<{ Body: { follower: number; followee: number } }>(`${base}/unfollows`, { schema: { body: pair, querystring: noQuery, response: { 200: { type: 'object', properties: { removed: { type: 'boolean' } }, required: ['removed'] }, ...errors } } }, async (req) => {
      const { follower, followee } = req.body;
      return { removed: await call(req, () => graph.unfollow(follower, followee)) };
    });
    app.get<{ Params: { follower: number; followee: number } }>(`${base}/users/:follower/following/:followee`, { schema: { params: pair, querystring: noQuery, response: { 200: { type: 'object', properties: { following: { type: 'boolean' } }, required: ['following'] }, ...errors } } }, async (req) => {
      const { follower, followee } = req.params;
      return { following: await call(req, () => graph.isFollowing(follower, followee)) };
    });
    app.get<{ Params: { userId: number }; Querystring: Page }>(`${base}/users/:userId/followers`, { schema: { params: user, querystring: pageQuery, response: pageAnswer } }, async (req) => {
      return call(req, () => graph.followers(req.params.userId, req.query));
    });
    app.get<{ Params: { userId: number }; Querystring: Page }>(`${base}/users/:userId/following`, { schema: { params: user, querystring: pageQuery, response: pageAnswer } }, async (req) => {
      return call(req, () => graph.following(req.params.userId, req.query));
    });
    app.get<{ Params: { a: number; b: number }; Querystring: Page }>(`${base}/users/:a/mutuals/:b`, { schema: { params: two, querystring: pageQuery, response: pageAnswer } }, async (req) => {
      return call(req, () => graph.mutuals(req.params.a, req.params.b, req.query));
    });
    app.get<{ Params: { userId: number } }>(`${base}/users/:userId/counts`, { schema: { params: user, querystring: noQuery, response: { 200: { type: 'object', properties: { followers: { type: 'integer' }, following: { type: 'integer' } }, required: ['followers', 'following'] }, ...errors } } }, async (req) => {
      return call(req, () => graph.counts(req.params.userId));
    });
  },
};
