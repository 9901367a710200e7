/**
 * What a storage path is to the rest of capbench (../shared/STYLE.md, "Register once, look up
 * everywhere"): an id, the family whose contract it implements, the stores it needs, the seed
 * sections it comes from, and how to open it from connected clients. Each path module exports
 * one StoragePath made with defineStoragePath(); reference-impl/registry.ts lists them.
 *
 * Families: a family is a contract (an interface) that several paths implement and that one
 * conformance suite checks (test/reference-impl/<family>.conformance.ts). Adding a family adds
 * one line to PathFamilies.
 */
import { CapbenchError } from '../core/errors.js';
import type { StoreName } from '../core/target.js';
import type { StoreClients, StoreClientTypes } from '../targets/clients.js';
import type { LikeCounter, LikeCounterOptions } from './likes/types.js';
import type { FollowGraph, FollowGraphOptions } from './follows/types.js';
import type { PostSearch, PostSearchOptions } from './search/types.js';
import type { Feed, FeedOptions } from './feed/types.js';
import type { PostStore, PostStoreOptions } from './posts/types.js';
import type { UserStore, UserStoreOptions } from './users/types.js';
import type { CommentStore, CommentStoreOptions } from './comments/types.js';
import type { BookmarkStore, BookmarkStoreOptions } from './bookmarks/types.js';
import type { StoryStore, StoryStoreOptions } from './stories/types.js';
import type { CacheLayer, CacheOptions } from './caches/types.js';
import type { ShardRouter, ShardRouterOptions } from './shards/types.js';

/** Every family: the contract its paths implement and the options they accept when opened. */
export interface PathFamilies {
  /** Per-post like counters (seed 000, "Likes System"). */
  likes: { impl: LikeCounter; options: LikeCounterOptions };
  /** Follow graphs with counters (seed 000, "Follows System"; 001/004 social graph). */
  follows: { impl: FollowGraph; options: FollowGraphOptions };
  /** Post search: Elasticsearch, MongoDB text index (seed 000, "Elasticsearch Storage Optimization Strategy"). */
  search: { impl: PostSearch; options: PostSearchOptions };
  /** Home timelines: fan-out on write, on read, hybrid (seeds 001/004 "Fan-out on Write", 003 "The Hybrid Approach"). */
  feed: { impl: Feed; options: FeedOptions };
  /** Posts by id and per author (seed 001 "Post Database (Cassandra)"). */
  posts: { impl: PostStore; options: PostStoreOptions };
  /** Users and their counters (seed 001 "User Database (PostgreSQL)"). */
  users: { impl: UserStore; options: UserStoreOptions };
  /** Comments by post, newest first, with replies (seed 001 "Comments Table"). */
  comments: { impl: CommentStore; options: CommentStoreOptions };
  /** Bookmarks with "my bookmarked posts" and counts (seed 000 "Bookmarks System"). */
  bookmarks: { impl: BookmarkStore; options: BookmarkStoreOptions };
  /** Stories with a 24 h TTL and their views (seed 001 "Stories Database (Cassandra + Redis)"). */
  stories: { impl: StoryStore; options: StoryStoreOptions };
  /** Cache layers over PostgreSQL (seeds 001/004 "Caching Strategy"). */
  caches: { impl: CacheLayer; options: CacheOptions };
  /** Shard routers, no store (seeds 001/004 "Database Sharding Strategy", 002/003 "Sharding"). */
  shards: { impl: ShardRouter; options: ShardRouterOptions };
}
/** A family name, e.g. "likes". */
export type PathFamily = keyof PathFamilies;
/** The family names, in the order `capbench paths` lists them. */
export const PATH_FAMILIES: readonly PathFamily[] = ['likes', 'follows', 'feed', 'posts', 'users', 'search', 'comments', 'bookmarks', 'stories', 'caches', 'shards'];

/** Where a path comes from: a seed document (../shared/seeds, by number) and its section. */
export interface SeedSource {
  /** Seed document number, e.g. "000". */
  doc: string;
  /** Section title as the seed writes it, e.g. "Likes System". */
  section: string;
}

/**
 * The registration of one storage path of family `F`; `I` is the concrete type open() returns
 * (the family's contract by default), kept for the few callers that need a path's own extras.
 */
export interface StoragePath<F extends PathFamily = PathFamily, I extends PathFamilies[F]['impl'] = PathFamilies[F]['impl']> {
  /** Unique id, `<family>.<store>-<variant>` by convention, e.g. "likes.redis-counter". */
  readonly id: string;
  readonly family: F;
  /** Stores the path needs, each connected before open() is called. */
  readonly stores: readonly StoreName[];
  /** The seed sections it implements (one or more). */
  readonly seed: readonly SeedSource[];
  /** One line: what the path stores and how, e.g. "INCR on short keys p:{id}:l; GET". */
  readonly summary: string;
  /**
   * Build the path on already-connected clients (it never connects or closes them). Call
   * setup() on the result before use.
   * @throws InvalidArgumentError for a bad option (schema name, bucket size, ...).
   */
  open(clients: StoreClients, options?: PathFamilies[F]['options']): I;
}

/** Identity with type checking, so a path module reads as a declaration. */
export function defineStoragePath<F extends PathFamily, I extends PathFamilies[F]['impl']>(path: StoragePath<F, I>): StoragePath<F, I> {
  return path;
}

/**
 * The client of `store` from the bag, for a path's open().
 * @throws CapbenchError when the caller did not connect that store (a bug: the registry says which stores a path needs).
 */
export function clientOf<S extends StoreName>(clients: StoreClients, store: S, pathId: string): StoreClientTypes[S] {
  const c = clients[store] as StoreClientTypes[S] | undefined;
  if (c === undefined) throw new CapbenchError(`internal: storage path ${pathId} was opened without a ${store} client.`);
  return c;
}

/** "000 · Likes System; 001 · Engagement Database", for tables and reports. */
export function formatSeedSources(seed: readonly SeedSource[]): string {
  return seed.map((s) => `${s.doc} · ${s.section}`).join('; ');
}
