/**
 * The contract of the posts family (seed 001 "2. Post Database (Cassandra)": Posts Table, User
 * Posts Table; 004 "Author Timeline Table"): store a post, read it by id, an author's latest N.
 * One conformance suite (test/reference-impl/posts.conformance.test.ts) runs every registered
 * posts path. The paths are listed in reference-impl/registry.ts.
 */

/** One post's metadata. Ids are non-negative safe integers; createdAt is ms since the epoch. */
export interface Post {
  postId: number;
  authorId: number;
  /** Creation time, ms since the Unix epoch (Cassandra `timestamp`: ms precision). */
  createdAt: number;
}

/** Options a posts path may be opened with. */
export interface PostStoreOptions {
  /** Cassandra keyspace (created if missing); default "capbench_fanout" (the feed paths' keyspace: the same posts and user_posts tables). */
  keyspace?: string;
  /** MongoDB database of posts.mongo (created on first write); default "cb_posts". Ignored by posts.cassandra. */
  database?: string;
}

/** A post store. Semantics: create is idempotent per postId (same post written twice is one post); latest() is newest first (created_at, then post id, descending). */
export interface PostStore {
  /** Storage path id, e.g. "posts.cassandra". */
  readonly path: string;
  /** Create what the path needs. Idempotent. */
  setup(): Promise<void>;
  /** Store a post (by id and in its author's timeline). @throws InvalidArgumentError for bad ids or time. */
  create(post: Post): Promise<void>;
  /** The post with this id, or undefined. */
  get(postId: number): Promise<Post | undefined>;
  /** The author's newest `limit` posts (1..1000, default 20), newest first. @throws InvalidArgumentError for a bad limit. */
  latest(authorId: number, limit?: number): Promise<Post[]>;
  /** Remove every post of this path's keyspace/tables, nothing else. */
  reset(): Promise<void>;
}
