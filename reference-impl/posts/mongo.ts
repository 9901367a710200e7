/**
 * posts.mongo: posts as MongoDB documents with their Markdown body, embedded media and nested
 * comments (seed 000 "Posts & Comments": "Post content (Markdown, embedded images)", "Nested
 * comments (for fast reads)", "~1K/sec"; "Compose Indexes makes the query faster"; pitfalls
 * "Write Amplification in MongoDB" / "Pre-allocate Document Growth").
 *
 * Collection `posts` in database `<database>` (default "cb_posts"), one document per post:
 *   { _id: postId, author, created_at: Date, body, media: [{ url, kind, width, height }],
 *     comments: [{ id, author, created_at: Date, body, parent? }], comment_count }
 * Compound indexes (setup()): { author: 1, created_at: -1, _id: -1 } for an author's latest
 * posts, and { "comments.author": 1, "comments.created_at": -1 } for a user's comments.
 *
 * Semantics: create() inserts and ignores a duplicate _id (idempotent; the first body wins and
 * the comments stay). addComment() pushes the comment and increments comment_count in one
 * update whose filter skips a post that already holds that comment id (idempotent per comment
 * id, so a retry never counts twice). comments() is newest first: with MongoDB, a $slice
 * projection reads only the page; FerretDB 1.24 (the local stand-in) refuses $slice
 * projections (code 238 NotImplemented), so setup() probes once and, on that answer, pages are
 * cut from the whole array on the client: `pagingOnServer` says which, and reports name it.
 *
 * Every write rewrites the whole document in both WiredTiger and FerretDB's SQLite backend, so
 * the bytes written per comment grow with the array: growthProfile() measures them (BSON size
 * of the document after each comment) with and without the seed's pre-allocated slots.
 */
import type { Collection, MongoClient } from 'mongodb';
import { BSON } from 'mongodb';
import { InvalidArgumentError } from '../../core/errors.js';
import { clientOf, defineStoragePath } from '../path.js';
import type { Post, PostStore, PostStoreOptions } from './types.js';

const PATH_ID = 'posts.mongo';
/** Largest latest() / comments() page. */
const MAX_LIMIT = 1000;
/** Database names this path accepts. */
const DB_RE = /^[A-Za-z0-9_]{1,60}$/;

/** An embedded image or video of a post (seed 000: "embedded images"). */
export interface PostMedia {
  url: string;
  kind: 'image' | 'video';
  /** Pixels. */
  width: number;
  height: number;
}

/** A post with its content: Post plus the Markdown body and embedded media. */
export interface PostContent extends Post {
  /** Markdown text, UTF-8. */
  body: string;
  media: PostMedia[];
}

/** A nested comment. Ids are non-negative safe integers; createdAt is ms since the epoch. */
export interface NestedComment {
  commentId: number;
  authorId: number;
  createdAt: number;
  body: string;
  /** The comment this one replies to, if any. */
  parentId?: number;
}

/** What addComment() did: stored it, found it already stored (a retry), or found no such post. */
export type AddCommentOutcome = 'added' | 'duplicate' | 'no-post';

/** One comment's write in growthProfile(). */
export interface GrowthPoint {
  /** Comments in the array after this write (1-based). */
  comments: number;
  /** BSON size of the whole document after the write, bytes: what a whole-document rewrite writes. */
  documentBytes: number;
  /** BSON size of the comment itself, bytes. */
  commentBytes: number;
  /** Round trip of the update, ms. */
  updateMs: number;
}

interface CommentDoc {
  id: number;
  author: number;
  created_at: Date;
  body: string;
  parent?: number;
}
interface PostDoc {
  _id: number;
  author: number;
  created_at: Date;
  body: string;
  media: PostMedia[];
  comments: (CommentDoc | null)[];
  comment_count: number;
}

const nonNeg = (x: number) => Number.isSafeInteger(x) && x >= 0;

/** The MongoDB duplicate-key error (11000). */
const isDuplicateKey = (e: unknown) => (e as { code?: number }).code === 11000;

/**
 * posts.mongo on a connected MongoClient (never closed here). Open through mongoPostsPath.open(); call setup() first.
 * @throws InvalidArgumentError (constructor) for a database name MongoDB would refuse.
 */
export class MongoPosts implements PostStore {
  readonly path = PATH_ID;
  readonly database: string;
  /** True when comments() pages with a $slice projection on the server; false once setup() saw the server refuse it (FerretDB). */
  pagingOnServer = true;
  /**
   * True when the server evaluates `{ "comments.id": { $ne: id } }` as MongoDB does (no element
   * has that id), so addComment() is one atomic conditional update. False once setup() saw the
   * server match a document whose array holds that id beside another (FerretDB 1.24 does): addComment() then
   * checks for the id with a positive match first and pushes after, two round trips that are
   * idempotent only while one writer at a time touches a post (docs/errata.md, "posts.mongo").
   */
  dedupOnServer = true;
  /** "MongoDB 7.0.5" or "FerretDB v1.24.0 (MongoDB stand-in)", set by setup(). */
  server = 'unknown';
  readonly posts: Collection<PostDoc>;

  constructor(
    private readonly client: MongoClient,
    o: PostStoreOptions = {},
  ) {
    const db = o.database ?? 'cb_posts';
    if (!DB_RE.test(db)) throw new InvalidArgumentError(PATH_ID, `database "${db}" is not a valid MongoDB database name`, { hint: 'Use letters, digits and _, at most 60 characters.' });
    this.database = db;
    this.posts = client.db(db).collection<PostDoc>('posts');
  }

  /** Create the compound indexes (idempotent) and probe whether the server pages with $slice. */
  async setup(): Promise<void> {
    await this.posts.createIndex({ author: 1, created_at: -1, _id: -1 }, { name: 'author_created' });
    await this.posts.createIndex({ 'comments.author': 1, 'comments.created_at': -1 }, { name: 'comment_author_created' });
    const b = (await this.client.db('admin').command({ buildInfo: 1 }).catch(() => ({}))) as { version?: string; ferretdbVersion?: string };
    this.server = b.ferretdbVersion ? `FerretDB ${b.ferretdbVersion} (MongoDB stand-in)` : `MongoDB ${b.version ?? '?'}`;
    // Probe the array filter addComment() relies on, on a scratch document of a scratch collection.
    const probe = this.client.db(this.database).collection<{ _id: string; comments: { id: number }[] }>('capbench_probe');
    const id = `${process.pid}-${Math.random()}`;
    await probe.insertOne({ _id: id, comments: [{ id: 1 }, { id: 2 }] });
    try {
      this.dedupOnServer = (await probe.countDocuments({ _id: id, 'comments.id': { $ne: 1 } })) === 0;
    } finally {
      await probe.deleteOne({ _id: id });
    }
    try {
      await this.posts.findOne({ _id: -1 }, { projection: { comments: { $slice: [0, 1] } } });
      this.pagingOnServer = true;
    } catch (err) {
      if ((err as { code?: number }).code !== 238) throw err;
      this.pagingOnServer = false;
    }
  }

  /** PostStore.create: a post with an empty body and no media. */
  async create(post: Post): Promise<void> {
    await this.createPost({ ...post, body: '', media: [] });
  }

  /**
   * Insert the post document (comments empty, or `preallocate` null slots as the seed's
   * pitfall suggests); a post whose id exists is left as it is.
   * @returns true when inserted, false when the id existed.
   * @throws InvalidArgumentError for ids or createdAt that are not non-negative safe integers, or preallocate outside 0..1000.
   */
  async createPost(post: PostContent, opts: { preallocate?: number } = {}): Promise<boolean> {
    if (![post.postId, post.authorId, post.createdAt].every(nonNeg)) {
      throw new InvalidArgumentError(PATH_ID, `postId, authorId and createdAt must be non-negative safe integers, got ${post.postId}, ${post.authorId}, ${post.createdAt}`);
    }
    const pre = opts.preallocate ?? 0;
    if (!Number.isSafeInteger(pre) || pre < 0 || pre > MAX_LIMIT) throw new InvalidArgumentError(PATH_ID, `preallocate must be an integer in 0..${MAX_LIMIT}, got ${pre}`);
    const doc: PostDoc = {
      _id: post.postId,
      author: post.authorId,
      created_at: new Date(post.createdAt),
      body: post.body,
      media: post.media,
      comments: pre > 0 ? new Array<null>(pre).fill(null) : [],
      comment_count: 0,
    };
    try {
      await this.posts.insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /**
   * Bulk-insert posts first..first+count-1 (insertMany, 1000 a batch, unordered; existing ids
   * are left as they are): author = id % authors, a body of `body(id)`, `media(id)`, and
   * `comments` nested comments (ids 0..comments-1) of `commentBytes` each, comment_count set.
   * @returns documents inserted.
   */
  async seedPosts(o: { first: number; count: number; authors: number; createdAt: number; body: (id: number) => string; media: (id: number) => PostMedia[]; comments: number; commentBytes: number }): Promise<number> {
    let inserted = 0;
    const text = 'c'.repeat(o.commentBytes);
    for (let at = 0; at < o.count; at += 1000) {
      const docs: PostDoc[] = [];
      for (let i = at; i < Math.min(o.count, at + 1000); i++) {
        const id = o.first + i;
        const created = new Date(o.createdAt + i);
        docs.push({
          _id: id,
          author: id % o.authors,
          created_at: created,
          body: o.body(id),
          media: o.media(id),
          comments: Array.from({ length: o.comments }, (_, k) => ({ id: k, author: (id + k) % o.authors, created_at: new Date(o.createdAt + i + k + 1), body: text })),
          comment_count: o.comments,
        });
      }
      try {
        inserted += (await this.posts.insertMany(docs, { ordered: false })).insertedCount;
      } catch (err) {
        if (!isDuplicateKey(err) && !((err as { writeErrors?: unknown[] }).writeErrors !== undefined)) throw err;
        inserted += (err as { insertedCount?: number }).insertedCount ?? 0;
      }
    }
    return inserted;
  }

  /** The query plan the server reports for latest(author) (explain of find + sort), as JSON text of its queryPlanner, and whether it names an index. */
  async explainLatest(authorId: number): Promise<{ plan: string; usesIndex: boolean }> {
    const e = (await this.posts.find({ author: authorId }).sort({ created_at: -1, _id: -1 }).limit(20).explain()) as Record<string, unknown>;
    const plan = JSON.stringify(e.queryPlanner ?? e).slice(0, 400);
    return { plan, usesIndex: /IXSCAN|author_created|USING INDEX/i.test(plan) };
  }

  /** The post by id (its metadata), or undefined. */
  async get(postId: number): Promise<Post | undefined> {
    const d = await this.posts.findOne({ _id: postId }, { projection: { author: 1, created_at: 1 } });
    return d ? { postId: d._id, authorId: d.author, createdAt: d.created_at.getTime() } : undefined;
  }

  /** The post with its body, media and comment count (no comments), or undefined. */
  async getContent(postId: number): Promise<(PostContent & { commentCount: number }) | undefined> {
    const d = await this.posts.findOne({ _id: postId }, { projection: { comments: 0 } });
    return d ? { postId: d._id, authorId: d.author, createdAt: d.created_at.getTime(), body: d.body, media: d.media, commentCount: d.comment_count } : undefined;
  }

  /**
   * The author's newest `limit` posts, newest first (created_at, then post id, descending), on the author_created index.
   * @throws InvalidArgumentError for a limit outside 1..1000.
   */
  async latest(authorId: number, limit = 20): Promise<Post[]> {
    checkLimit(limit);
    const docs = await this.posts.find({ author: authorId }, { projection: { author: 1, created_at: 1 } }).sort({ created_at: -1, _id: -1 }).limit(limit).toArray();
    return docs.map((d) => ({ postId: d._id, authorId: d.author, createdAt: d.created_at.getTime() }));
  }

  /**
   * Push a comment onto the post's array and increment comment_count, in one update that
   * skips a post already holding this comment id (see dedupOnServer for servers that cannot).
   * @throws InvalidArgumentError for ids or createdAt that are not non-negative safe integers; the driver's error.
   */
  async addComment(postId: number, c: NestedComment): Promise<AddCommentOutcome> {
    if (![postId, c.commentId, c.authorId, c.createdAt].every(nonNeg) || (c.parentId !== undefined && !nonNeg(c.parentId))) {
      throw new InvalidArgumentError(PATH_ID, `post, comment, author and parent ids and createdAt must be non-negative safe integers, got post ${postId}, comment ${c.commentId}`);
    }
    const doc: CommentDoc = { id: c.commentId, author: c.authorId, created_at: new Date(c.createdAt), body: c.body, ...(c.parentId !== undefined ? { parent: c.parentId } : {}) };
    if (this.dedupOnServer) {
      const r = await this.posts.updateOne({ _id: postId, 'comments.id': { $ne: c.commentId } }, { $push: { comments: doc }, $inc: { comment_count: 1 } });
      if (r.modifiedCount === 1) return 'added';
      return (await this.posts.countDocuments({ _id: postId }, { limit: 1 })) > 0 ? 'duplicate' : 'no-post';
    }
    if ((await this.posts.countDocuments({ _id: postId, 'comments.id': c.commentId }, { limit: 1 })) > 0) return 'duplicate';
    const r = await this.posts.updateOne({ _id: postId }, { $push: { comments: doc }, $inc: { comment_count: 1 } });
    return r.matchedCount === 1 ? 'added' : 'no-post';
  }

  /**
   * A page of the post's comments, newest first: comments [offset, offset + limit) of the
   * newest-first order. A $slice projection on MongoDB; the whole array cut on the client when
   * the server refused $slice (pagingOnServer false).
   * @returns undefined when the post does not exist.
   * @throws InvalidArgumentError for a limit outside 1..1000 or a negative offset.
   */
  async comments(postId: number, page: { offset?: number; limit?: number } = {}): Promise<NestedComment[] | undefined> {
    const limit = page.limit ?? 20;
    const offset = page.offset ?? 0;
    checkLimit(limit);
    if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidArgumentError(PATH_ID, `offset must be a non-negative integer, got ${offset}`);
    let arr: (CommentDoc | null)[];
    if (this.pagingOnServer) {
      // Comments are stored oldest first; the newest-first page [offset, offset+limit) is the
      // array's slice ending `offset` from the end; comment_count (the array's length
      // for posts made without pre-allocation) locates it.
      const head = await this.posts.findOne({ _id: postId }, { projection: { comment_count: 1 } });
      if (!head) return undefined;
      const n = head.comment_count; // posts made by createPost without preallocation: array length = comment_count
      const end = n - offset;
      if (end <= 0) return [];
      const start = Math.max(0, end - limit);
      const d = await this.posts.findOne({ _id: postId }, { projection: { comments: { $slice: [start, end - start] }, author: 1 } });
      arr = d?.comments ?? [];
    } else {
      const d = await this.posts.findOne({ _id: postId }, { projection: { comments: 1 } });
      if (!d) return undefined;
      const all = d.comments.filter((c): c is CommentDoc => c !== null);
      const end = all.length - offset;
      arr = end <= 0 ? [] : all.slice(Math.max(0, end - limit), end);
    }
    return arr
      .filter((c): c is CommentDoc => c !== null)
      .reverse()
      .map((c) => ({ commentId: c.id, authorId: c.author, createdAt: c.created_at.getTime(), body: c.body, ...(c.parent !== undefined ? { parentId: c.parent } : {}) }));
  }

  /** The post's comment_count, or undefined when the post does not exist. */
  async commentCount(postId: number): Promise<number | undefined> {
    const d = await this.posts.findOne({ _id: postId }, { projection: { comment_count: 1 } });
    return d?.comment_count;
  }

  /**
   * Audit: posts, the sum of comment_count, the comments actually in the arrays, and posts
   * whose comment_count differs from their array (read in batches of the whole collection).
   */
  async audit(): Promise<{ posts: number; commentCountSum: number; comments: number; countMismatches: number }> {
    let posts = 0;
    let commentCountSum = 0;
    let comments = 0;
    let countMismatches = 0;
    for await (const d of this.posts.find({}, { projection: { comments: 1, comment_count: 1 } })) {
      posts++;
      commentCountSum += d.comment_count;
      const n = d.comments.filter((c) => c !== null).length;
      comments += n;
      if (n !== d.comment_count) countMismatches++;
    }
    return { posts, commentCountSum, comments, countMismatches };
  }

  /** Which of `postIds` exist (one $in query). */
  async existing(postIds: readonly number[]): Promise<Set<number>> {
    const docs = await this.posts.find({ _id: { $in: [...postIds] } }, { projection: { _id: 1 } }).toArray();
    return new Set(docs.map((d) => d._id));
  }

  /**
   * The write-amplification figure (seed 000 "Write Amplification in MongoDB", "Pre-allocate
   * Document Growth"): add `comments` comments of `bodyBytes` one by one to a fresh post
   * `postId` (created with `preallocate` null slots that the first comments fill with $set)
   * and record, per comment, the BSON size of the whole document after the write (what a
   * whole-document rewrite writes) beside the comment's own size, and the update's round trip.
   * The post is deleted afterwards.
   * @throws InvalidArgumentError for comments outside 1..10000 or bodyBytes outside 0..100000.
   */
  async growthProfile(o: { postId: number; comments: number; bodyBytes: number; preallocate: number }): Promise<GrowthPoint[]> {
    if (!Number.isSafeInteger(o.comments) || o.comments < 1 || o.comments > 10_000) throw new InvalidArgumentError(PATH_ID, `comments must be an integer in 1..10000, got ${o.comments}`);
    if (!Number.isSafeInteger(o.bodyBytes) || o.bodyBytes < 0 || o.bodyBytes > 100_000) throw new InvalidArgumentError(PATH_ID, `bodyBytes must be an integer in 0..100000, got ${o.bodyBytes}`);
    await this.posts.deleteOne({ _id: o.postId });
    await this.createPost({ postId: o.postId, authorId: 0, createdAt: Date.now(), body: 'growth profile', media: [] }, { preallocate: o.preallocate });
    const out: GrowthPoint[] = [];
    const body = 'c'.repeat(o.bodyBytes);
    try {
      for (let i = 0; i < o.comments; i++) {
        const c: CommentDoc = { id: i, author: i % 97, created_at: new Date(), body };
        const t0 = performance.now();
        if (i < o.preallocate) await this.posts.updateOne({ _id: o.postId }, { $set: { [`comments.${i}`]: c }, $inc: { comment_count: 1 } });
        else await this.posts.updateOne({ _id: o.postId }, { $push: { comments: c }, $inc: { comment_count: 1 } });
        const updateMs = performance.now() - t0;
        const d = await this.posts.findOne({ _id: o.postId });
        out.push({ comments: i + 1, documentBytes: d ? BSON.calculateObjectSize(d) : 0, commentBytes: BSON.calculateObjectSize(c), updateMs });
      }
    } finally {
      await this.posts.deleteOne({ _id: o.postId });
    }
    return out;
  }

  /** Delete every post of this database's posts collection (indexes stay). */
  async reset(): Promise<void> {
    await this.posts.deleteMany({});
  }
}

/** @throws InvalidArgumentError for a page size outside 1..1000. */
function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new InvalidArgumentError(PATH_ID, `limit must be an integer in 1..${MAX_LIMIT}, got ${limit}`);
}

/** The registration of posts.mongo (reference-impl/registry.ts). */
export const mongoPostsPath = defineStoragePath<'posts', MongoPosts>({
  id: PATH_ID,
  family: 'posts',
  stores: ['mongodb'],
  seed: [
    { doc: '000', section: 'Posts & Comments' },
    { doc: '000', section: 'Compose Indexes makes the query faster' },
  ],
  summary: 'post documents with Markdown body, embedded media and nested comments ($push + comment_count); compound index (author, created_at)',
  open: (clients, o = {}) => new MongoPosts(clientOf(clients, 'mongodb', PATH_ID), o),
});
