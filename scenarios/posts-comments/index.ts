/**
 * posts-comments: new posts at ~1K/s with nested comments and reads on posts.mongo (seed 000
 * "Posts & Comments": MongoDB, "~1K/sec", Markdown and embedded images, "Nested comments (for
 * fast reads)") beside comments and replies in Cassandra on comments.cassandra (001 "Comments
 * Table"). Verifies every acknowledged post and comment is stored and comment counts agree;
 * measures the bytes rewritten per comment as a post's array grows (000 "Write Amplification in
 * MongoDB", "Pre-allocate Document Growth"). MongoDB here is FerretDB 1.24 (a stand-in): the
 * claims about MongoDB itself say so.
 */
import type { ClaimResult, DerivedFigure, OperationResult, ThresholdResult } from '../../core/results.js';
import { cassandraCommentsPath, type CassandraComments } from '../../reference-impl/comments/index.js';
import { mongoPostsPath, type GrowthPoint, type MongoPosts } from '../../reference-impl/posts/mongo.js';
import { clientOf } from '../../reference-impl/path.js';
import { openStoreClients, type StoreClients } from '../../targets/clients.js';
import type { Scenario, ScenarioContext } from '../types.js';
import { CLAIMED_POSTS_PER_S, PostsCommentsOptions, markdownBody, mediaOf, postsCommentsOperations, totalRate } from './options.js';
import { postsCommentsSection, type AuditRow } from './section.js';
import { RUN_COMMENT_BASE, type PostsCommentsLedger } from './workload.js';

export { PostsCommentsOptions } from './options.js';
type O = PostsCommentsOptions;

const round1 = (x: number) => Math.round(x * 10) / 10;
const usesCql = (o: O) => postsCommentsOperations(o).some((x) => x.path === cassandraCommentsPath.id);

/** Run `f` with posts.mongo (and comments.cassandra when the mix uses it) opened; always closes the clients. */
async function withPaths<T>(o: O, ctx: ScenarioContext, f: (p: MongoPosts, c: CassandraComments | undefined, clients: StoreClients) => Promise<T>): Promise<T> {
  const cql = usesCql(o);
  const clients = await openStoreClients(ctx.connections, cql ? ['mongodb', 'cassandra'] : ['mongodb'], { mongoPoolSize: 8 });
  try {
    const p = mongoPostsPath.open(clients, { database: o.database });
    await p.setup();
    const c = cql ? cassandraCommentsPath.open(clients, { keyspace: o.keyspace }) : undefined;
    await c?.setup();
    return await f(p, c, clients);
  } finally {
    await clients.close();
  }
}

/** Scratch post ids of the growth profile (far above any run's ids; deleted after). */
const GROWTH_POST = 9_000_000_000_000;

const ledgerOf = (clients: StoreClients, o: O) => clientOf(clients, 'mongodb', mongoPostsPath.id).db(o.database).collection<PostsCommentsLedger>('posts_comments_ledger');
const zero = (expression: string, operation: string, metric: string, unit: string, actual: number | null): ThresholdResult => ({ expression, operation, metric, unit, limit: 0, actual, passed: actual === 0 });

/** The posts-comments scenario (docs/scenarios.md). Registered in scenarios/registry.ts. */
export const postsComments: Scenario<O> = {
  id: 'posts-comments',
  description: 'Posts at ~1K/s with nested comments and reads on posts.mongo (FerretDB stand-in locally), comments and replies on comments.cassandra; write amplification per comment (seed 000 Posts & Comments, 001 Comments Table).',
  options: PostsCommentsOptions,
  smokeOptions: { posts: 200, authors: 20, cqlPosts: 20, seedCqlComments: 3, growthComments: 30, database: 'cbsmoke_posts', keyspace: 'cbsmoke_posts' },
  operations: postsCommentsOperations,
  defaultStages: (o) => [{ durationS: o.durationS, rate: totalRate(o), label: 'steady' }],
  defaultRate: (o) => totalRate(o),
  defaultWarmupS: (o) => Math.min(2, o.durationS / 5),
  defaultThresholds: (o) => [...(o.postShare > 0 ? ['post:p99<50ms'] : []), '*:error_rate<1%'],
  workloadModule: new URL('./workload.js', import.meta.url).href,

  async reset(o, ctx) {
    await withPaths(o, ctx, async (p, c, clients) => {
      await p.reset();
      await c?.reset();
      await ledgerOf(clients, o).deleteMany({});
    });
  },

  async seed(o, ctx) {
    await withPaths(o, ctx, async (p, c) => {
      const t0 = Date.now();
      ctx.log(`seeding ${o.posts} posts with ${o.seedComments} nested comments each (posts.mongo, database ${o.database}, ${p.server})`);
      const n = await p.seedPosts({ first: 0, count: o.posts, authors: o.authors, createdAt: Date.parse('2025-01-01T00:00:00Z'), body: (id) => markdownBody(id, o.bodyBytes), media: (id) => mediaOf(id, o.mediaPerPost), comments: o.seedComments, commentBytes: o.commentBytes });
      if (n !== o.posts) throw new Error(`seeding inserted ${n} posts, expected ${o.posts} (was the collection reset?)`);
      if (c) {
        ctx.log(`seeding ${o.cqlPosts * o.seedCqlComments} comments in Cassandra (comments.cassandra, keyspace ${o.keyspace})`);
        const text = 'c'.repeat(o.commentBytes);
        const all: Promise<void>[] = [];
        for (let post = 0; post < o.cqlPosts; post++) {
          for (let k = 0; k < o.seedCqlComments; k++) {
            all.push(c.add({ postId: post, commentId: k, authorId: (post + k) % o.authors, createdAt: Date.parse('2025-01-01T00:00:00Z') + k * 1000, text }));
            if (all.length >= 64) await Promise.all(all.splice(0));
          }
        }
        await Promise.all(all);
      }
      ctx.log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });
  },

  async verify(o, ctx, { outcome }) {
    const derived: DerivedFigure[] = [];
    const claims: ClaimResult[] = [];
    const notes: string[] = [];
    const checks: ThresholdResult[] = [];
    const workers = outcome.schedule.workers;
    const op = (name: string): OperationResult | undefined => outcome.operations.find((x) => x.name === name);

    const got = await withPaths(o, ctx, async (p, c, clients) => {
      const col = ledgerOf(clients, o);
      let ledgers: PostsCommentsLedger[] = [];
      const deadline = Date.now() + 5000;
      for (;;) {
        ledgers = await col.find({}).toArray();
        if (ledgers.length >= workers || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const acked = ledgers.flatMap((l) => l.postsAcked);
      const uncertain = new Set(ledgers.flatMap((l) => l.postsUncertain));
      const stored = new Set<number>((await p.posts.find({ _id: { $gte: o.posts } }, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
      const postsLost = acked.filter((id) => !stored.has(id)).length;
      const ackedSet = new Set(acked);
      const postsUnexpected = [...stored].filter((id) => !ackedSet.has(id) && !uncertain.has(id)).length;
      const audit = await p.audit();
      const cqlAcked = ledgers.flatMap((l) => l.cqlAcked);
      const cqlFound = c ? await c.present(cqlAcked.map((k) => ({ postId: k.p, createdAt: k.t, commentId: k.c }))) : 0;
      let growth: { plain: GrowthPoint[]; pre: GrowthPoint[]; preallocate: number } | null = null;
      let growthError: string | undefined;
      if (o.growthComments > 0) {
        ctx.log(`write amplification: ${o.growthComments} comments one by one, grown and with ${o.growthPreallocate} pre-allocated slots`);
        try {
          const plain = await p.growthProfile({ postId: GROWTH_POST, comments: o.growthComments, bodyBytes: o.commentBytes, preallocate: 0 });
          const pre = await p.growthProfile({ postId: GROWTH_POST + 1, comments: o.growthComments, bodyBytes: o.commentBytes, preallocate: o.growthPreallocate });
          growth = { plain, pre, preallocate: o.growthPreallocate };
        } catch (err) {
          growthError = `the write-amplification profile failed: ${(err as Error).message}`;
        }
      }
      const explain = await p.explainLatest(1).catch(() => null);
      return { growthError, ledgers, acked, uncertain, stored, postsLost, postsUnexpected, audit, cqlAcked, cqlFound, growth, explain, server: p.server, pagingOnServer: p.pagingOnServer, dedupOnServer: p.dedupOnServer };
    });
    const complete = got.ledgers.length >= workers;
    const sum = (f: (l: PostsCommentsLedger) => number) => got.ledgers.reduce((a, l) => a + f(l), 0);
    const added = sum((l) => l.commentsAdded);
    const cUncertain = sum((l) => l.commentsUncertain);
    const cqlUncertain = sum((l) => l.cqlUncertain);
    const seededComments = o.posts * o.seedComments;
    const expComments = seededComments + added;
    const commentsOff = got.audit.comments < expComments ? expComments - got.audit.comments : got.audit.comments > expComments + cUncertain ? got.audit.comments - expComments - cUncertain : 0;
    const cqlLost = got.cqlAcked.length - got.cqlFound;
    checks.push(zero('acknowledged posts lost == 0', 'post', 'posts_lost', 'posts', complete ? got.postsLost : null));
    checks.push(zero('unaccounted posts == 0', 'post', 'posts_unaccounted', 'posts', complete ? got.postsUnexpected : null));
    checks.push(zero('unaccounted nested comments == 0', 'comment', 'comments_unaccounted', 'comments', complete ? commentsOff : null));
    checks.push(zero('comment_count mismatches == 0', 'comment', 'comment_count_mismatches', 'posts', got.audit.countMismatches));
    if (usesCql(o)) checks.push(zero('acknowledged Cassandra comments lost == 0', 'cql-comment', 'cql_comments_lost', 'comments', complete ? cqlLost : null));
    if (!complete) notes.push(`the ledger was found for ${got.ledgers.length} of ${workers} threads; the lost checks have no figure`);

    const post = op('post');
    const comment = op('comment');
    const cqlc = op('cql-comment');
    const postRate = post?.achievedOpsPerSec ?? 0;
    const writeRate = postRate + (comment?.achievedOpsPerSec ?? 0);
    derived.push({ name: 'posts per second achieved', value: round1(postRate), unit: 'posts/s', note: `posts.mongo createPost on ${got.server}` });
    derived.push({ name: 'posts and nested comments per second', value: round1(writeRate), unit: 'writes/s', note: 'post + comment operations completed per measured second' });
    if (cqlc) derived.push({ name: 'Cassandra comments per second', value: round1(cqlc.achievedOpsPerSec), unit: 'comments/s', note: 'comments.cassandra add' });
    derived.push({ name: 'posts after the run', value: got.audit.posts, unit: 'posts', note: `${o.posts} seeded + ${got.acked.length} acknowledged (${got.uncertain.size} uncertain)` });
    derived.push({ name: 'nested comments after the run', value: got.audit.comments, unit: 'comments', note: `${seededComments} seeded + ${added} acknowledged (${cUncertain} uncertain)` });
    for (const x of outcome.operations) derived.push({ name: `${x.name} p99`, value: x.latencyMs.p99, unit: 'ms', note: `${x.path}; ${x.latencyMs.count} measured` });
    const g = got.growth;
    if (g && g.plain.length > 0) {
      const last = g.plain[g.plain.length - 1]!;
      derived.push({ name: `document bytes written by comment ${last.comments}`, value: last.documentBytes, unit: 'bytes', note: `${round1(last.documentBytes / last.commentBytes)}x the ${last.commentBytes}-byte comment (whole-document rewrite)` });
      derived.push({ name: `bytes written for ${last.comments} comments`, value: g.plain.reduce((a, p) => a + p.documentBytes, 0), unit: 'bytes', note: 'sum of the document sizes after each comment (grows with the square of the comment count)' });
    }

    // Claims. posts.mongo runs on whatever answers the MongoDB wire protocol; FerretDB is not MongoDB.
    const ferret = got.server.startsWith('FerretDB');
    const standIn = `posts.mongo ran on ${got.server}; MongoDB itself (WiredTiger) is not measured here`;
    const tp = { id: 'posts.throughput-1k', source: '000 · Posts & Comments', claim: 'Posts and comments at ~1K/s on MongoDB, real-time' };
    const tpMeasured = `${round1(postRate)} posts/s and ${round1(writeRate)} posts + nested comments/s${outcome.rate.targetOpsPerSec !== null ? ` (target ${round1(outcome.rate.targetOpsPerSec)} ops/s, ${CLAIMED_POSTS_PER_S} posts/s at the default mix)` : ''}, post p99 ${post?.latencyMs.p99 ?? '—'} ms${outcome.rate.flagged ? ` (run flagged: ${outcome.rate.reasons.join('; ')})` : ''}`;
    if (!post) claims.push({ ...tp, measured: 'this run had no posts (postShare 0)', verdict: 'not-measurable' });
    else if (ferret) claims.push({ ...tp, measured: tpMeasured, verdict: 'not-measurable', note: `${standIn}: the figure is the stand-in's (SQLite backend), not MongoDB's` });
    else claims.push({ ...tp, measured: tpMeasured, verdict: writeRate >= 0.95 * CLAIMED_POSTS_PER_S ? 'holds' : outcome.harness.bottleneck ? 'not-measurable' : 'refuted' });

    const wa = { id: 'posts.write-amplification', source: '000 · Write Amplification in MongoDB', claim: 'WiredTiger can suffer write stalls during compaction with frequent updates (likes/comments)' };
    const growthLine = g && g.plain.length > 0 ? `each comment rewrites the whole post: ${g.plain[0]!.documentBytes} bytes at comment 1, ${g.plain[g.plain.length - 1]!.documentBytes} bytes at comment ${g.plain.length} (${round1(g.plain[g.plain.length - 1]!.documentBytes / g.plain[0]!.commentBytes)}x the comment)` : 'growth profile skipped (growthComments 0)';
    claims.push({ ...wa, measured: growthLine, verdict: 'not-measurable', note: ferret ? `${standIn}: FerretDB has no WiredTiger cache, checkpoints or compaction to stall; the document bytes per write are a property of the document model and are shown as measured` : 'write stalls during compaction need a long soak with WiredTiger statistics, which this scenario does not read' });

    const pa = { id: 'posts.preallocate-growth', source: '000 · Write Amplification in MongoDB / Pre-allocate Document Growth', claim: 'Reserve space for arrays (20 null slots) to avoid document moves' };
    if (g && g.pre.length > 0 && g.plain.length > 0) {
      const k = Math.min(g.preallocate, g.plain.length);
      const cumPlain = g.plain.slice(0, k).reduce((a, p) => a + p.documentBytes, 0);
      const cumPre = g.pre.slice(0, k).reduce((a, p) => a + p.documentBytes, 0);
      claims.push({ ...pa, measured: `over the first ${k} comments the pre-allocated post rewrote ${cumPre} bytes against ${cumPlain} grown (${round1(cumPre / Math.max(1, cumPlain))}x)`, verdict: 'not-measurable', note: `document moves are an MMAPv1 behaviour (WiredTiger, MongoDB's engine since 3.2, writes every updated document anew and never moves one in place); ${ferret ? `${standIn}, which has no moves either` : 'no move counter exists to read'}` });
    } else claims.push({ ...pa, measured: 'growth profile not run', verdict: 'not-measurable', note: got.growthError ?? 'growthComments is 0' });

    const ci = { id: 'posts.compound-index-faster', source: '000 · Compose Indexes makes the query faster', claim: 'Compound indexes turn in-memory sorts/filters into index lookups' };
    const ex = got.explain;
    if (!ex) claims.push({ ...ci, measured: 'explain failed', verdict: 'not-measurable' });
    else if (ferret || !ex.usesIndex) claims.push({ ...ci, measured: `explain of latest(author) with the (author, created_at, _id) index: ${ex.plan}`, verdict: 'not-measurable', note: ferret ? `${got.server} does not use secondary indexes for this filter and sort (its plan is a SCAN with filterPushdown false), so an index cannot be compared here` : 'the server did not use the index' });
    else claims.push({ ...ci, measured: `explain of latest(author): ${ex.plan}`, verdict: 'not-measurable', note: 'the plan uses the index; a timed comparison without it is not run by this scenario' });

    if (got.growthError) notes.push(got.growthError);
    notes.push(`${standIn}. comments() pages ${got.pagingOnServer ? 'with $slice on the server' : 'on the client (the server refused $slice projections)'}; addComment ${got.dedupOnServer ? 'is one conditional update' : 'checks the comment id first (the server mis-evaluates $ne on arrays), so comments on one post are written one at a time'}`);
    const audit: AuditRow[] = [
      ['posts created and acknowledged', got.acked.length, null],
      ['acknowledged posts missing', got.postsLost, 0],
      ['stored posts nobody acknowledged (outside failed/in-flight)', got.postsUnexpected, 0],
      ['nested comments stored', got.audit.comments, cUncertain > 0 ? `${expComments}..${expComments + cUncertain}` : expComments],
      ['posts whose comment_count differs from their array', got.audit.countMismatches, 0],
      ...(usesCql(o) ? ([['Cassandra comments acknowledged', got.cqlAcked.length, null], ['acknowledged Cassandra comments missing', cqlLost, 0]] as AuditRow[]) : []),
    ];
    const sections = [
      postsCommentsSection({
        audit,
        auditNote: `Each thread wrote what it acknowledged to the ledger (${got.ledgers.length} of ${workers} threads); ${got.uncertain.size} posts, ${cUncertain} comments and ${cqlUncertain} Cassandra comments failed or were in flight at the end and may or may not be stored. Run comment ids start at ${RUN_COMMENT_BASE}.`,
        operations: outcome.operations,
        growth: got.growth,
        server: got.server,
      }),
    ];
    return { derived, claims, notes, checks, sections };
  },
};
