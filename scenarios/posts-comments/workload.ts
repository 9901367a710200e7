/**
 * The run phase of posts-comments, one per thread (seed 000 "Posts & Comments", 001
 * "Comments Table"):
 * - post: posts.mongo createPost of a new post (id posts + thread + threads·k, a Markdown body
 *   and embedded media); 'ok' when inserted, 'not_found' when the id existed.
 * - comment: posts.mongo addComment on a post this thread owns (id % threads = thread: a
 *   seeded one or one it created), comment ids unique across threads; 'ok' added,
 *   'not_found' duplicate or no post. Comments on one post are chained (one write at a time
 *   per post): FerretDB 1.24, the local MongoDB stand-in, loses concurrent updates of one
 *   document (docs/errata.md), and addComment's idempotence there needs one writer per post.
 *   A comment picks a post with no comment in flight (up to 8 draws) so chains stay short.
 * - read: posts.mongo getContent + the first page of comments of a uniform seeded post.
 * - cql-comment: comments.cassandra add on a uniform post of 0..cqlPosts-1, a fifth of them
 *   replies to a seeded comment; cql-page: the first page of such a post.
 * At close each thread writes what it acknowledged to the `posts_comments_ledger` collection
 * of the same database (verify() checks it against the stores).
 */
import { bindOperations, type OpStatus, type OperationFn, type Workload } from '../../engine/types.js';
import { mulberry32 } from '../../engine/schedule.js';
import { cassandraCommentsPath } from '../../reference-impl/comments/index.js';
import { mongoPostsPath } from '../../reference-impl/posts/mongo.js';
import { clientOf } from '../../reference-impl/path.js';
import { openStoreClients } from '../../targets/clients.js';
import type { WorkloadArgs } from '../types.js';
import { markdownBody, mediaOf, mixOf, postsCommentsOperations, type PostsCommentsOp, type PostsCommentsOptions } from './options.js';
import { mixPicker } from '../common/mix.js';

/** First comment id of the run (seeded comments are 0..n-1). */
export const RUN_COMMENT_BASE = 1_000_000;

/** One thread's ledger document. */
export interface PostsCommentsLedger {
  _id: number;
  /** Post ids acknowledged created. */
  postsAcked: number[];
  /** Post ids whose create failed or was in flight at close. */
  postsUncertain: number[];
  commentsAdded: number;
  commentsDuplicate: number;
  commentsUncertain: number;
  /** Cassandra comments acknowledged: post id, createdAt (ms), comment id (objects: FerretDB 1.24 refuses nested arrays). */
  cqlAcked: { p: number; t: number; c: number }[];
  cqlUncertain: number;
}

/** Create this thread's workload: a MongoDB client (mongoPoolSize) and a Cassandra session, as the operations need. */
export async function createWorkload(args: WorkloadArgs<PostsCommentsOptions>, thread: { index: number; count: number }): Promise<Workload> {
  const o = args.options;
  const ops = postsCommentsOperations(o);
  const stores = [...new Set(ops.flatMap((x) => (x.path === mongoPostsPath.id ? mongoPostsPath.stores : cassandraCommentsPath.stores)))];
  // The ledger lives in MongoDB, so MongoDB is always opened.
  const clients = await openStoreClients(args.connections, [...new Set(['mongodb' as const, ...stores])], { mongoPoolSize: o.mongoPoolSize });
  const posts = mongoPostsPath.open(clients, { database: o.database });
  const cql = stores.includes('cassandra') ? cassandraCommentsPath.open(clients, { keyspace: o.keyspace }) : undefined;
  try {
    await posts.setup();
    await cql?.setup();
  } catch (err) {
    await clients.close();
    throw err;
  }
  const ledgerCol = clientOf(clients, 'mongodb', mongoPostsPath.id).db(o.database).collection<PostsCommentsLedger>('posts_comments_ledger');
  const rand = mulberry32((args.seed * 7919 + thread.index) ^ 0x706f7374);
  const mix = mixOf(o);
  const slice = mixPicker(mix, rand());
  const T = thread.count;
  let nextPost = 0;
  let nextComment = 0;
  let nextCql = 0;
  const owned: number[] = []; // posts this thread created (acknowledged)
  const ownedSeeded = Math.max(1, Math.floor((o.posts - 1 - thread.index) / T) + 1);
  const chains = new Map<number, Promise<unknown>>();
  const ledger: PostsCommentsLedger = { _id: thread.index, postsAcked: [], postsUncertain: [], commentsAdded: 0, commentsDuplicate: 0, commentsUncertain: 0, cqlAcked: [], cqlUncertain: 0 };
  const inFlightPosts = new Set<number>();
  let commentsInFlight = 0;
  let cqlInFlight = 0;
  const commentText = 'c'.repeat(o.commentBytes);

  async function post(): Promise<OpStatus> {
    const id = o.posts + thread.index + T * nextPost++;
    inFlightPosts.add(id);
    try {
      const created = await posts.createPost({ postId: id, authorId: id % o.authors, createdAt: Date.now(), body: markdownBody(id, o.bodyBytes), media: mediaOf(id, o.mediaPerPost) });
      inFlightPosts.delete(id);
      if (created) {
        ledger.postsAcked.push(id);
        owned.push(id);
      }
      return created ? 'ok' : 'not_found';
    } catch (err) {
      inFlightPosts.delete(id);
      ledger.postsUncertain.push(id);
      throw err;
    }
  }

  function comment(): Promise<OpStatus> {
    // Half on this thread's own new posts (when it has some), half on its seeded ones.
    const draw = () => (owned.length > 0 && rand() < 0.5 ? owned[Math.max(0, owned.length - 1 - Math.floor(rand() * Math.min(owned.length, 1000)))]! : thread.index + T * Math.floor(rand() * ownedSeeded));
    // A post with no comment in flight when one of 8 draws finds it (chains stay short on a slow store), else the last draw, chained.
    let pid = draw();
    for (let i = 0; i < 7 && chains.has(pid); i++) pid = draw();
    const cid = RUN_COMMENT_BASE + thread.index + T * nextComment++;
    const prev = chains.get(pid) ?? Promise.resolve();
    commentsInFlight++;
    const p = prev
      .catch(() => undefined)
      .then(() => posts.addComment(pid, { commentId: cid, authorId: cid % o.authors, createdAt: Date.now(), body: commentText }))
      .then(
        (r) => {
          commentsInFlight--;
          if (r === 'added') ledger.commentsAdded++;
          else ledger.commentsDuplicate++;
          return r === 'added' ? ('ok' as const) : ('not_found' as const);
        },
        (err: unknown) => {
          commentsInFlight--;
          ledger.commentsUncertain++;
          throw err;
        },
      );
    chains.set(pid, p);
    void p.finally(() => {
      if (chains.get(pid) === p) chains.delete(pid);
    }).catch(() => undefined);
    return p;
  }

  async function cqlComment(): Promise<OpStatus> {
    const postId = Math.floor(rand() * o.cqlPosts);
    const commentId = RUN_COMMENT_BASE + thread.index + T * nextCql++;
    const createdAt = Date.now();
    const reply = rand() < 0.2;
    cqlInFlight++;
    try {
      await cql!.add({ postId, commentId, authorId: commentId % o.authors, createdAt, text: commentText, ...(reply ? { parentId: Math.floor(rand() * o.seedCqlComments) } : {}) });
      ledger.cqlAcked.push({ p: postId, t: createdAt, c: commentId });
      return 'ok';
    } catch (err) {
      ledger.cqlUncertain++;
      throw err;
    } finally {
      cqlInFlight--;
    }
  }

  const run: Record<PostsCommentsOp, OperationFn> = {
    post,
    comment,
    read: async () => {
      const id = Math.floor(rand() * o.posts);
      const [c] = await Promise.all([posts.getContent(id), posts.comments(id, { limit: o.pageSize })]);
      return c ? 'ok' : 'not_found';
    },
    'cql-comment': cqlComment,
    'cql-page': () => cql!.page(Math.floor(rand() * o.cqlPosts), { limit: o.pageSize }).then(() => undefined),
  };
  const operations = bindOperations(ops, run);
  return {
    operations,
    pick: (seq) => operations[slice(seq)]!,
    async close() {
      ledger.postsUncertain.push(...inFlightPosts);
      ledger.commentsUncertain += commentsInFlight;
      ledger.cqlUncertain += cqlInFlight;
      await ledgerCol.replaceOne({ _id: thread.index }, ledger, { upsert: true }).catch(() => undefined);
      await clients.close();
    },
  };
}
