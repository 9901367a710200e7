/**
 * HTTP routes of the users family (seed 001 / 004 "1. User Database (PostgreSQL)": Users Table,
 * User Stats Table):
 *   POST /v1/paths/<users path>/users  body { userId, username, email, fullName, bio? } -> 200 { created }
 *        (false: the userId existed; a username or email taken by another user is 409)
 *   GET  .../users/:userId                          -> 200 UserProfile (profile with its counters), 404 unknown user
 *   POST .../users/:userId/stats body { followersCount?, followingCount?, postsCount? } (deltas)
 *                                                   -> 200 UserStats (new counters), 404 unknown user
 * Strings are bounded as the seed bounds them (username ≤ 30, email ≤ 255, full name ≤ 100,
 * bio ≤ 1000 characters); ids non-negative safe integers; deltas integers within ±1e9.
 */
import type { UserStore } from '../../reference-impl/users/types.js';
import { UnknownIdError } from '../errors.js';
import { ERROR_SCHEMA, ID_SCHEMA, type FamilyRoutes } from './types.js';

const errors = { '4xx': ERROR_SCHEMA, '5xx': ERROR_SCHEMA } as const;
const noQuery = { type: 'object', additionalProperties: false, properties: {} } as const;
const params = { type: 'object', properties: { userId: ID_SCHEMA }, required: ['userId'], additionalProperties: false } as const;
const str = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const newUser = {
  type: 'object',
  properties: { userId: ID_SCHEMA, username: str(30), email: str(255), fullName: str(100), bio: { type: 'string', maxLength: 1000 } },
  required: ['userId', 'username', 'email', 'fullName'],
  additionalProperties: false,
} as const;
const delta = { type: 'integer', minimum: -1_000_000_000, maximum: 1_000_000_000 } as const;
const stats = { type: 'object', properties: { followersCount: { type: 'integer' }, followingCount: { type: 'integer' }, postsCount: { type: 'integer' } }, required: ['followersCount', 'followingCount', 'postsCount'] } as const;
const profile = {
  type: 'object',
  properties: {
    userId: { type: 'integer' },
    username: { type: 'string' },
    email: { type: 'string' },
    fullName: { type: 'string' },
    bio: { type: ['string', 'null'] },
    verified: { type: 'boolean' },
    createdAt: { type: 'integer' },
    ...stats.properties,
  },
  required: ['userId', 'username', 'email', 'fullName', 'bio', 'verified', 'createdAt', ...stats.required],
} as const;

type Deltas = { followersCount?: number; followingCount?: number; postsCount?: number };

/** The users family's routes. */
export const usersRoutes: FamilyRoutes<'users'> = {
  family: 'users',
  operations: [
    { name: 'create', method: 'POST', url: '/users', body: { userId: '{userId}', username: '{username}', email: '{email}', fullName: '{fullName}' } },
    { name: 'profile', method: 'GET', url: '/users/{userId}' },
    { name: 'bump', method: 'POST', url: '/users/{userId}/stats', body: { postsCount: '{delta}' } },
  ],
  register({ app, base, call }, users: UserStore) {
    app.post<{ Body: { userId: number; username: string; email: string; fullName: string; bio?: string } }>(
      `${base}/users`,
      { schema: { body: newUser, querystring: noQuery, response: { 200: { type: 'object', properties: { created: { type: 'boolean' } }, required: ['created'] }, ...errors } } },
      async (req) => ({ created: await call(req, () => users.create(req.body)) }),
    );
    app.get<{ Params: { userId: number } }>(`${base}/users/:userId`, { schema: { params, querystring: noQuery, response: { 200: profile, ...errors } } }, async (req) => {
      const { userId } = req.params;
      return call(req, async () => {
        const p = await users.profile(userId);
        if (!p) throw new UnknownIdError(`unknown user ${userId}`);
        return p;
      });
    });
    app.post<{ Params: { userId: number }; Body: Deltas }>(
      `${base}/users/:userId/stats`,
      { schema: { params, querystring: noQuery, body: { type: 'object', properties: { followersCount: delta, followingCount: delta, postsCount: delta }, additionalProperties: false }, response: { 200: stats, ...errors } } },
      async (req) => {
        const { userId } = req.params;
        return call(req, async () => {
          const s = await users.bump(userId, req.body);
          if (!s) throw new UnknownIdError(`unknown user ${userId}`);
          return s;
        });
      },
    );
  },
};
