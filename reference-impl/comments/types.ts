/**
 * The contract of the comments family (seed 001 "Comments Table": comments by (post_id,
 * created_at DESC, comment_id DESC), parent_comment_id for replies): add a comment, read a
 * post's comments newest first a page at a time, read the replies to a comment, count a post's
 * comments. One conformance suite (test/reference-impl/comments.conformance.test.ts) runs
 * every registered comments path; the paths are listed in reference-impl/registry.ts.
 */

/** One comment. Ids are non-negative safe integers; createdAt is ms since the Unix epoch. */
export interface Comment {
  postId: number;
  commentId: number;
  authorId: number;
  /** Creation time, ms since the epoch (Cassandra `timestamp`: ms precision). */
  createdAt: number;
  /** UTF-8 text. */
  text: string;
  /** The comment this one replies to (same post), if any. */
  parentId?: number;
}

/** Where the next page starts: the last comment of the previous page (exclusive). */
export interface CommentCursor {
  createdAt: number;
  commentId: number;
}

/** One page of comments, newest first, and the cursor of the next page (absent on the last page). */
export interface CommentPage {
  comments: Comment[];
  next?: CommentCursor;
}

/** Options a comments path may be opened with. */
export interface CommentStoreOptions {
  /** Cassandra keyspace (created if missing); default "cb_posts". */
  keyspace?: string;
}

/**
 * A comment store. Semantics: add() is idempotent per (postId, createdAt, commentId) (the
 * same comment written twice is one comment); pages are newest first (created_at, then
 * comment id, descending) and never repeat or skip a comment between pages; replies are
 * newest first too.
 */
export interface CommentStore {
  /** Storage path id, e.g. "comments.cassandra". */
  readonly path: string;
  /** Create what the path needs. Idempotent. */
  setup(): Promise<void>;
  /** Store a comment (and, when it has a parent, in the parent's replies). @throws InvalidArgumentError for bad ids or time. */
  add(c: Comment): Promise<void>;
  /** A page of `limit` (1..1000, default 20) of the post's comments, newest first, after `after`. @throws InvalidArgumentError for a bad limit. */
  page(postId: number, opts?: { limit?: number; after?: CommentCursor }): Promise<CommentPage>;
  /** The newest `limit` (1..1000, default 20) replies to comment `parentId` of the post. @throws InvalidArgumentError for a bad limit. */
  replies(postId: number, parentId: number, limit?: number): Promise<Comment[]>;
  /** How many comments the post has. */
  count(postId: number): Promise<number>;
  /** Remove every comment of this path's keyspace, nothing else. */
  reset(): Promise<void>;
}
