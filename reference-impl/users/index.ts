/** reference-impl/users: the users family (seed 001 "User Database (PostgreSQL)"): users.pg and the UserStore interface. */
export type { NewUser, UserProfile, UserStats, UserStore, UserStoreOptions } from './types.js';
export { PgUsers, pgUsersPath } from './pg.js';
