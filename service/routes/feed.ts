/**
 * HTTP routes of the feed family (seeds 001 "User Feed Table (Fan-out on Write)", 004 "User
 * Timeline Table (Fan-out on Write)" and "Author Timeline Table", 003 "The Hybrid Approach"):
 *   POST /v1/paths/<feed path>/posts   body { postId, authorId, createdAt?, track? } -> 200 { stored: true }
 *        (stored and its fan-out queued, not done; createdAt ms since the epoch, default now)
 *   GET  .../users/:userId/home?limit=                 -> 200 { entries: FeedEntry[] }  (newest first, limit 1..1000, default 50)
 *   GET  .../users/:authorId/posts?limit=              -> 200 { entries: FeedEntry[] }  (the author's user_posts, limit 1..1000, default 20)
 *   POST .../follows   body { follower, followee }     -> 200 { ok: true }
 *   POST .../unfollows body { follower, followee }     -> 200 { ok: true }
 *   GET  .../posts/:postId/delivery                    -> 200 { entries, doneAt? }  (a post queued with track: true)
 *   GET  .../backlog                                   -> 200 { backlog }  (fan-out tasks not yet acknowledged)
 * Ids are non-negative safe integers (anything else, or an unknown field, is 400).
 */
import type { Feed, FeedEntry } from '../../reference-impl/feed/types.js';
import { ERROR_SCHEMA, ID_SCHEMA, type FamilyRoutes } from './types.js';

const errors = { '4xx': ERROR_SCHEMA, '5xx': ERROR_SCHEMA } as const;
const noQuery = { type: 'object', additionalProperties: false, properties: {} } as const;
const limitQuery = { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } }, additionalProperties: false } as const;
const pair = { type: 'object', properties: { follower: ID_SCHEMA, followee: ID_SCHEMA }, required: ['follower', 'followee'], additionalProperties: false } as const;
const newPost = {
  type: 'object',
  properties: { postId: ID_SCHEMA, authorId: ID_SCHEMA, createdAt: ID_SCHEMA, track: { type: 'boolean' } },
  required: ['postId', 'authorId'],
  additionalProperties: false,
} as const;
const entry = { type: 'object', properties: { postId: { type: 'integer' }, authorId: { type: 'integer' }, createdAt: { type: 'integer' } }, required: ['postId', 'authorId', 'createdAt'] } as const;
const entries = { 200: { type: 'object', properties: { entries: { type: 'array', items: entry } }, required: ['entries'] }, ...errors } as const;
const ok = { 200: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] }, ...errors } as const;
const userParams = (name: string) => ({ type: 'object', properties: { [name]: ID_SCHEMA }, required: [name], additionalProperties: false }) as const;

/** The feed family's routes. */
export const feedRoutes: FamilyRoutes<'feed'> = {
  family: 'feed',
  operations: [
    { name: 'post', method: 'POST', url: '/posts', body: { postId: '{postId}', authorId: '{authorId}' } },
    { name: 'home', method: 'GET', url: '/users/{userId}/home?limit={limit}' },
    { name: 'userPosts', method: 'GET', url: '/users/{authorId}/posts?limit={limit}' },
    { name: 'follow', method: 'POST', url: '/follows', body: { follower: '{follower}', followee: '{followee}' } },
    { name: 'unfollow', method: 'POST', url: '/unfollows', body: { follower: '{follower}', followee: '{followee}' } },
  ],
  register({ app, base, call }, feed: Feed) {
    app.post<{ Body: { postId: number; authorId: number; createdAt?: number; track?: boolean } }>(
      `${base}/posts`,
      { schema: { body: newPost, querystring: noQuery, response: { 200: { type: 'object', properties: { stored: { type: 'boolean' } }, required: ['stored'] }, ...errors } } },
      async (req) => {
        const { postId, authorId, createdAt, track } = req.body;
        const p: FeedEntry = { postId, authorId, createdAt: createdAt ?? Date.now() };
        await call(req, () => feed.post(p, { track: track === true }));
        return { stored: true };
      },
    );
    app.get<{ Params: { userId: number }; Querystring: { limit?: number } }>(`${base}/users/:userId/home`, { schema: { params: userParams('userId'), querystring: limitQuery, response: entries } }, async (req) => {
      return { entries: await call(req, () => feed.home(req.params.userId, req.query.limit ?? 50)) };
    });
    app.get<{ Params: { authorId: number }; Querystring: { limit?: number } }>(`${base}/users/:authorId/posts`, { schema: { params: userParams('authorId'), querystring: limitQuery, response: entries } }, async (req) => {
      return { entries: await call(req, () => feed.userPosts(req.params.authorId, req.query.limit ?? 20)) };
    });
    app.post<{ Body: { follower: number; followee: number } }>(`${base}/follows`, { schema: { body: pair, querystring: noQuery, response: ok } }, async (req) => {
      const { follower, followee } = req.body;
      await call(req, () => feed.follow(follower, followee));
      return { ok: true };
    });
    app.post<{ Body: { follower: number; followee: number } }>(`${base}/unfollows`, { schema: { body: pair, querystring: noQuery, response: ok } }, async (req) => {
      const { follower, followee } = req.body;
      await call(req, () => feed.unfollow(follower, followee));
      return { ok: true };
    });
    app.get<{ Params: { postId: number } }>(
      `${base}/posts/:postId/delivery`,
      { schema: { params: userParams('postId'), querystring: noQuery, response: { 200: { type: 'object', properties: { entries: { type: 'integer' }, doneAt: { type: 'integer' } }, required: ['entries'] }, ...errors } } },
      async (req) => {
        const d = await call(req, () => feed.deliveryOf(req.params.postId));
        return d.doneAt === undefined ? { entries: d.entries } : { entries: d.entries, doneAt: d.doneAt };
      },
    );
    app.get(`${base}/backlog`, { schema: { querystring: noQuery, response: { 200: { type: 'object', properties: { backlog: { type: 'integer' } }, required: ['backlog'] }, ...errors } } }, async (req) => {
      return { backlog: await call(req, () => feed.backlog()) };
    });
  },
};
