/**
 * The one place route modules are registered: one line per path family. A family without a
 * line here has no HTTP route yet; `capbench serve` and `--via http` name the path that lacks
 * one (routeFor()).
 */
import { UsageError } from '../../core/errors.js';
import { getStoragePath, type PathFamily } from '../../reference-impl/registry.js';
import type { FamilyRoutes } from './types.js';
import { likesRoutes } from './likes.js';
import { followsRoutes } from './follows.js';
import { feedRoutes } from './feed.js';
import { postsRoutes } from './posts.js';
import { usersRoutes } from './users.js';
import { searchRoutes } from './search.js';

export type { FamilyRoutes, HttpOperation, RouteContext } from './types.js';

/** Route modules by family. One line per family. */
export const ROUTES: Partial<Record<PathFamily, FamilyRoutes>> = {
  likes: likesRoutes as FamilyRoutes,
  follows: followsRoutes as FamilyRoutes,
  feed: feedRoutes as FamilyRoutes,
  posts: postsRoutes as FamilyRoutes,
  users: usersRoutes as FamilyRoutes,
  search: searchRoutes as FamilyRoutes,
};

/** True when the path's family has routes. */
export function hasRoute(pathId: string): boolean {
  return ROUTES[getStoragePath(pathId).family] !== undefined;
}

/**
 * The route module serving storage path `pathId`.
 * @throws UsageError for an unknown path, or one whose family has no HTTP route yet (naming the path and its family).
 */
export function routeFor(pathId: string): FamilyRoutes {
  const p = getStoragePath(pathId);
  const r = ROUTES[p.family];
  if (!r) {
    const served = Object.keys(ROUTES).join(', ');
    throw new UsageError(`Storage path ${pathId} has no HTTP route yet (family ${p.family}; the service has routes for ${served}).`, {
      hint: 'Run it with --via driver, or add service/routes/<family>.ts and its line in service/routes/index.ts.',
    });
  }
  return r;
}
