/**
 * Options of the posts-comments scenario. Figures from seed 000, "Posts & Comments": MongoDB,
 * "~1K/sec", "Post content (Markdown, embedded images)", "Nested comments (for fast reads)";
 * seed 001 "Comments Table" for the Cassandra comments.
 */
import { z } from 'zod';
import type { OperationSpec } from '../../engine/types.js';
import { cassandraCommentsPath } from '../../reference-impl/comments/index.js';
import { mongoPostsPath } from '../../reference-impl/posts/mongo.js';

const share = (d: number) => z.coerce.number().min(0).max(1).default(d);

/** The options schema (zod, strict; numbers coerced from -o strings). PostsCommentsOptions.parse({}) gives the defaults. */
export const PostsCommentsOptions = z
  .object({
    /** Posts 0..posts-1 seeded in MongoDB (posts.mongo) before the run. */
    posts: z.coerce.number().int().min(10).max(10_000_000).default(10_000),
    /** Authors of the seeded and new posts (author = post id % authors). */
    authors: z.coerce.number().int().min(1).max(10_000_000).default(1000),
    /** Nested comments seeded per post. */
    seedComments: z.coerce.number().int().min(0).max(1000).default(5),
    /** Posts 0..cqlPosts-1 that also have comments in Cassandra (comments.cassandra); the Cassandra operations use these. */
    cqlPosts: z.coerce.number().int().min(1).max(1_000_000).default(200),
    /** Comments seeded in Cassandra per cqlPost (ids 0..n-1; replies in the run answer them). */
    seedCqlComments: z.coerce.number().int().min(1).max(10_000).default(10),
    /** Markdown body of a post, bytes. */
    bodyBytes: z.coerce.number().int().min(0).max(100_000).default(500),
    /** Embedded media items per post. */
    mediaPerPost: z.coerce.number().int().min(0).max(20).default(2),
    /** Comment text, bytes. */
    commentBytes: z.coerce.number().int().min(0).max(10_000).default(120),
    /** Arrival rate of all operations, ops/s; default: what makes posts 1000/s under the mix (seed 000: "~1K/sec"). */
    rate: z.coerce.number().positive().optional(),
    /** Length of the default schedule, s. */
    durationS: z.coerce.number().positive().default(20),
    /** Mix: new posts (posts.mongo createPost). */
    postShare: share(0.5),
    /** Mix: nested comments pushed onto a post (posts.mongo addComment). */
    commentShare: share(0.3),
    /** Mix: a post read with its first page of comments (posts.mongo). */
    readShare: share(0.1),
    /** Mix: a comment (or reply) in Cassandra (comments.cassandra add). */
    cqlCommentShare: share(0.07),
    /** Mix: a page of a post's Cassandra comments (comments.cassandra page). */
    cqlPageShare: share(0.03),
    /** Comments page size. */
    pageSize: z.coerce.number().int().min(1).max(1000).default(20),
    /** Comments in the write-amplification profile run after the run phase (0 skips it). */
    growthComments: z.coerce.number().int().min(0).max(10_000).default(200),
    /** Pre-allocated slots of the profile's second post (seed 000: `new Array(20).fill(null)`). */
    growthPreallocate: z.coerce.number().int().min(0).max(1000).default(20),
    /** MongoDB connections per worker thread (4: FerretDB 1.24, the local stand-in, serialises writes on SQLite and stalls under many concurrent ones). */
    mongoPoolSize: z.coerce.number().int().min(1).max(500).default(4),
    /** MongoDB database of posts.mongo. */
    database: z.string().regex(/^[A-Za-z0-9_]{1,60}$/, 'letters, digits and _, at most 60 characters').default('cb_posts'),
    /** Cassandra keyspace of comments.cassandra. */
    keyspace: z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'a lower-case identifier, at most 48 characters').default('cb_posts'),
  })
  .strict()
  .refine((o) => o.postShare + o.commentShare + o.readShare + o.cqlCommentShare + o.cqlPageShare > 0, { message: 'the mix is empty: give at least one *Share above 0', path: ['postShare'] });
/** Validated options. */
export type PostsCommentsOptions = z.infer<typeof PostsCommentsOptions>;

/** Operation names in workload order. */
export type PostsCommentsOp = 'post' | 'comment' | 'read' | 'cql-comment' | 'cql-page';

/** The mix: operations with a share above 0, shares normalised to sum to 1. */
export function mixOf(o: PostsCommentsOptions): { op: PostsCommentsOp; share: number }[] {
  const raw: [PostsCommentsOp, number][] = [
    ['post', o.postShare],
    ['comment', o.commentShare],
    ['read', o.readShare],
    ['cql-comment', o.cqlCommentShare],
    ['cql-page', o.cqlPageShare],
  ];
  const sum = raw.reduce((a, [, s]) => a + s, 0);
  return raw.filter(([, s]) => s > 0).map(([op, s]) => ({ op, share: s / sum }));
}

/** Posts per second the seed claims (000 · Posts & Comments: "~1K/sec"). */
export const CLAIMED_POSTS_PER_S = 1000;

/** Total arrival rate: `rate`, else posts at 1000/s under the mix (2000 ops/s by default), else 1000. */
export function totalRate(o: PostsCommentsOptions): number {
  if (o.rate !== undefined) return o.rate;
  const p = mixOf(o).find((m) => m.op === 'post')?.share ?? 0;
  return p > 0 ? Math.round((CLAIMED_POSTS_PER_S / p) * 10) / 10 : 1000;
}

/** The operations: post/comment/read on posts.mongo, cql-comment/cql-page on comments.cassandra. */
export function postsCommentsOperations(o: PostsCommentsOptions): OperationSpec[] {
  return mixOf(o).map((m) => ({ name: m.op, path: m.op.startsWith('cql') ? cassandraCommentsPath.id : mongoPostsPath.id }));
}

/** A post's Markdown body of about `bytes` bytes, with an embedded image reference (deterministic per id). */
export function markdownBody(postId: number, bytes: number): string {
  const head = `# Post ${postId}\n\n**Hello** from post ${postId}. ![photo](https://cdn.example.com/p/${postId}/0.jpg)\n\n`;
  return head.length >= bytes ? head.slice(0, bytes) : head + 'lorem ipsum '.repeat(Math.ceil((bytes - head.length) / 12)).slice(0, bytes - head.length);
}

/** The post's embedded media (n images). */
export function mediaOf(postId: number, n: number): { url: string; kind: 'image'; width: number; height: number }[] {
  return Array.from({ length: n }, (_, i) => ({ url: `https://cdn.example.com/p/${postId}/${i}.jpg`, kind: 'image' as const, width: 1080, height: 1350 }));
}
