/**
 * The paths of mixed-social opened on one client bag (one connection per store, a PostgreSQL
 * pool of pgPoolSize), each through the registry with the scenario's names. Only the paths
 * that are registered are opened.
 */
import type { LikeCounter } from '../../reference-impl/likes/types.js';
import type { FollowGraph } from '../../reference-impl/follows/types.js';
import type { BookmarkStore } from '../../reference-impl/bookmarks/types.js';
import type { PostStore } from '../../reference-impl/posts/types.js';
import type { CommentStore } from '../../reference-impl/comments/types.js';
import type { CacheLayer } from '../../reference-impl/caches/types.js';
import type { StoryStore } from '../../reference-impl/stories/types.js';
import type { PostSearch } from '../../reference-impl/search/types.js';
import { STORAGE_PATHS, openStoragePath, storesOf, type PathFamily } from '../../reference-impl/registry.js';
import { openStoreClients, type StoreClients } from '../../targets/clients.js';
import type { Connection, StoreName } from '../../core/target.js';
import { driven, pathOptions, type MixedSocialOptions } from './options.js';

/** The opened paths (undefined: not registered, so not driven). */
export interface MixedPaths {
  clients: StoreClients;
  likes?: LikeCounter;
  follows?: FollowGraph;
  bookmarks?: BookmarkStore;
  posts?: PostStore;
  comments?: CommentStore;
  caches?: CacheLayer;
  stories?: StoryStore;
  search?: PostSearch;
  /** Close what setup opened and the clients. */
  close(): Promise<void>;
}

/**
 * Open every driven path (setup included).
 * @throws TargetUnreachableError when a store does not answer; the drivers' errors from setup.
 */
export async function openMixedPaths(o: MixedSocialOptions, connections: Partial<Record<StoreName, Connection>>, pgPoolSize = o.pgPoolSize): Promise<MixedPaths> {
  const ids = [...new Set(driven().ops.map((d) => d.path))];
  const clients = await openStoreClients(connections, storesOf(ids), { pgPoolSize });
  const opts = pathOptions(o);
  const open = async <T>(id: string): Promise<T | undefined> => {
    const p = STORAGE_PATHS.get(id);
    if (!p || !ids.includes(id)) return undefined;
    return (await openStoragePath(p.family as PathFamily, id, clients, opts[id] as never)) as T;
  };
  try {
    const m: MixedPaths = {
      clients,
      likes: await open<LikeCounter>('likes.redis-counter'),
      follows: await open<FollowGraph>('follows.pg'),
      bookmarks: await open<BookmarkStore>('bookmarks.pg'),
      posts: await open<PostStore>('posts.mongo'),
      comments: await open<CommentStore>('comments.cassandra'),
      caches: await open<CacheLayer>('caches.cache-aside'),
      stories: await open<StoryStore>('stories.cassandra-redis'),
      search: await open<PostSearch>('search.es'),
      close: async () => {
        await m.caches?.close().catch(() => undefined);
        await clients.close();
      },
    };
    return m;
  } catch (err) {
    await clients.close();
    throw err;
  }
}

/** Words the search posts and queries are made of. */
export const WORDS = ['travel', 'food', 'music', 'photo', 'sunset', 'coffee', 'city', 'beach', 'mountain', 'friends', 'party', 'design', 'code', 'books', 'movie', 'art', 'sport', 'game', 'night', 'morning'];
