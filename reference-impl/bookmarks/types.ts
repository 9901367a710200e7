/**
 * The contract of the bookmarks family (seed 000 "Bookmarks System": PostgreSQL, real-time,
 * "~10/sec", "Show my bookmarked posts (requires joins)", "~1% of posts get bookmarked"):
 * add and remove a bookmark idempotently, list a user's bookmarked posts (joined with the
 * posts), counts per user and per post. One conformance suite
 * (test/reference-impl/bookmarks.conformance.test.ts) runs every registered bookmarks path.
 */

/** A post as the bookmarks path knows it (the columns the join shows). createdAt: ms since the epoch. */
export interface BookmarkPost {
  postId: number;
  authorId: number;
  title: string;
  createdAt: number;
}

/** One row of "my bookmarked posts": the post and when the user bookmarked it (ms since the epoch). */
export interface BookmarkedPost extends BookmarkPost {
  bookmarkedAt: number;
}

/** Where the next page starts: the last row of the previous page (exclusive). */
export interface BookmarkCursor {
  bookmarkedAt: number;
  postId: number;
}

/** Options a bookmarks path may be opened with. */
export interface BookmarkStoreOptions {
  /** PostgreSQL schema of its tables (created if missing); default "cb_posts_bm". */
  schema?: string;
}

/**
 * A bookmark store. Semantics: add() of an existing bookmark and remove() of a missing one are
 * no-ops that say so (false); a post's bookmark count always equals its bookmark rows; a
 * bookmark of an unknown post is refused by the store (foreign key).
 */
export interface BookmarkStore {
  /** Storage path id, e.g. "bookmarks.pg". */
  readonly path: string;
  /** Create what the path needs. Idempotent. */
  setup(): Promise<void>;
  /** Store posts (an existing id is left as it is). @throws InvalidArgumentError for bad ids or time. */
  addPosts(posts: readonly BookmarkPost[]): Promise<void>;
  /**
   * Bookmark `postId` for `userId` at `at` (ms, default now).
   * @returns true when the bookmark was created, false when it existed.
   * @throws InvalidArgumentError for bad ids; the driver's error (PostgreSQL 23503) for an unknown post.
   */
  add(userId: number, postId: number, at?: number): Promise<boolean>;
  /** Remove the bookmark. @returns true when one was removed, false when there was none. */
  remove(userId: number, postId: number): Promise<boolean>;
  /** Whether the user has bookmarked the post. */
  has(userId: number, postId: number): Promise<boolean>;
  /** The user's bookmarked posts, most recently bookmarked first (then post id descending), `limit` 1..1000 (default 20), after `after`. @throws InvalidArgumentError for a bad limit. */
  list(userId: number, opts?: { limit?: number; after?: BookmarkCursor }): Promise<BookmarkedPost[]>;
  /** How many bookmarks the user has. */
  userCount(userId: number): Promise<number>;
  /** How many users bookmarked the post (its counter), 0 for an unknown post. */
  postCount(postId: number): Promise<number>;
  /** Remove every bookmark (and, with posts: true, every post) of this path's tables, nothing else. */
  reset(opts?: { posts?: boolean }): Promise<void>;
}
