/**
 * The storage paths by id: the one list scenarios, the CLI's --path validation, `capbench
 * paths`, the docs table and the conformance suites read. Adding a path: its module under
 * reference-impl/<family>/ exporting a defineStoragePath(...), and one line in PATHS below.
 */
import { UsageError } from '../core/errors.js';
import { STORES, type StoreName } from '../core/target.js';
import type { StoreClients } from '../targets/clients.js';
import { PATH_FAMILIES, type PathFamilies, type PathFamily, type StoragePath } from './path.js';
import { redisCounterPath } from './likes/redis-counter.js';
import { redisHashPath } from './likes/redis-hash.js';
import { pgDirectLikesPath } from './likes/pg-direct.js';
import { mongoDirectLikesPath } from './likes/mongo-direct.js';
import { batchSyncLikesPath } from './likes/batch-sync.js';
import { hotColdLikesPath } from './likes/hot-cold.js';
import { perUserLikesPath } from './likes/per-user.js';
import { pgFollowsPath } from './follows/pg.js';
import { esSearchPath } from './search/es.js';
import { mongoTextSearchPath } from './search/mongo-text.js';
import { cassandraFollowsPath } from './follows/cassandra.js';
import { redisCacheFollowsPath } from './follows/redis-cache.js';
import { cassandraPostsPath } from './posts/cassandra.js';
import { pgUsersPath } from './users/pg.js';
import { mongoPostsPath } from './posts/mongo.js';
import { cassandraCommentsPath } from './comments/cassandra.js';
import { pgBookmarksPath } from './bookmarks/pg.js';
import { cassandraRedisStoriesPath } from './stories/cassandra-redis.js';
import { cacheAsidePath } from './caches/cache-aside.js';
import { writeThroughPath } from './caches/write-through.js';
import { pubsubL1Path } from './caches/pubsub-l1.js';
import { consistentHashPath, hashModPath, rangePath } from './shards/routers.js';
import { fanoutReadPath, fanoutWritePath, hybridPath, redisTimelinePath } from './feed/index.js';

export { PATH_FAMILIES, formatSeedSources, type PathFamilies, type PathFamily, type SeedSource, type StoragePath } from './path.js';

/** Every registered path, in listing order. One line per path. */
const PATHS: readonly StoragePath[] = [
  redisCounterPath,
  redisHashPath,
  pgDirectLikesPath,
  mongoDirectLikesPath,
  batchSyncLikesPath,
  hotColdLikesPath,
  perUserLikesPath,
  pgFollowsPath,
  cassandraFollowsPath,
  redisCacheFollowsPath,
  fanoutWritePath,
  redisTimelinePath,
  fanoutReadPath,
  hybridPath,
  cassandraPostsPath,
  pgUsersPath,
  esSearchPath,
  mongoTextSearchPath,
  mongoPostsPath,
  cassandraCommentsPath,
  pgBookmarksPath,
  cassandraRedisStoriesPath,
  cacheAsidePath,
  writeThroughPath,
  pubsubL1Path,
  hashModPath,
  rangePath,
  consistentHashPath,
];

/**
 * Build the id index, refusing a duplicate id or an unknown family.
 * @throws Error at import time: a duplicate is a bug in this file, not a user error.
 */
function index(paths: readonly StoragePath[]): ReadonlyMap<string, StoragePath> {
  const m = new Map<string, StoragePath>();
  for (const p of paths) {
    if (m.has(p.id)) throw new Error(`storage path "${p.id}" is registered twice`);
    if (!PATH_FAMILIES.includes(p.family)) throw new Error(`storage path "${p.id}" has unknown family "${p.family}"`);
    m.set(p.id, p);
  }
  return m;
}

/** Registered paths by id. */
export const STORAGE_PATHS: ReadonlyMap<string, StoragePath> = index(PATHS);

/** The paths of one family, in registration order. */
export function pathsOf<F extends PathFamily>(family: F): StoragePath<F>[] {
  return PATHS.filter((p): p is StoragePath<F> => p.family === family);
}

/** The ids of one family's paths, as a non-empty tuple (for zod enums). */
export function pathIdsOf(family: PathFamily): [string, ...string[]] {
  const ids = pathsOf(family).map((p) => p.id);
  if (ids.length === 0) throw new Error(`no storage path is registered for family "${family}"`);
  return ids as [string, ...string[]];
}

/**
 * The path with this id, optionally required to be of `family`.
 * @throws UsageError for an unknown id (listing the known ones of the family, or all) or a path of another family.
 */
export function getStoragePath<F extends PathFamily>(id: string, family?: F): StoragePath<F> {
  const p = STORAGE_PATHS.get(id);
  const known = family ? pathsOf(family).map((x) => x.id) : [...STORAGE_PATHS.keys()];
  if (!p) throw new UsageError(`Unknown storage path "${id}".`, { hint: `Use one of: ${known.join(', ')} (capbench paths lists them).` });
  if (family && p.family !== family) {
    throw new UsageError(`Storage path ${id} is a ${p.family} path; a ${family} path is needed here.`, { hint: `Use one of: ${known.join(', ')}.` });
  }
  return p as StoragePath<F>;
}

/** The stores a set of paths needs, each once, in the order core/target.ts lists stores. */
export function storesOf(ids: readonly string[]): StoreName[] {
  const need = new Set<StoreName>();
  for (const id of ids) for (const s of getStoragePath(id).stores) need.add(s);
  return STORES.filter((s) => need.has(s));
}

/**
 * Open a path of `family` on connected clients and run its setup() (schema, configuration
 * checks). The result owns nothing: close the clients to release it.
 * @throws UsageError for an unknown id or a path of another family; InvalidArgumentError for a
 *   bad option; the driver's error when setup fails.
 */
export async function openStoragePath<F extends PathFamily>(
  family: F,
  id: string,
  clients: StoreClients,
  options?: PathFamilies[F]['options'],
): Promise<PathFamilies[F]['impl']> {
  const impl = getStoragePath(id, family).open(clients, options);
  await impl.setup();
  return impl;
}
