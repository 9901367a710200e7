/**
 * The posts-comments scenario: options (pure) and a run end to end in seconds on the real
 * stores (MongoDB wire protocol — FerretDB 1.24 locally — and Cassandra): checks pass, the
 * ledger was found, the write-amplification profile grows with the array, the stand-in is named.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { postsComments } from '../../scenarios/posts-comments/index.js';
import { PostsCommentsOptions, markdownBody, mixOf, totalRate } from '../../scenarios/posts-comments/options.js';
import { runScenario } from '../../scenarios/run.js';
import { parseLayer, resolveRunSettings } from '../../scenarios/settings.js';
import { openStoreClients } from '../../targets/clients.js';
import { resolveConnection } from '../../targets/registry.js';

const NS = `cbtest_${process.pid}_pc`;

describe('posts-comments scenario', () => {
  after(async () => {
    const c = await openStoreClients({ mongodb: resolveConnection('mongodb'), cassandra: resolveConnection('cassandra') }, ['mongodb', 'cassandra']);
    await c.mongodb!.db(NS).dropDatabase();
    await c.cassandra!.execute(`DROP KEYSPACE IF EXISTS ${NS}`);
    await c.close();
  });

  test('defaults: posts at 1000/s (2000 ops/s under the mix); mongo and cassandra operations on their paths', () => {
    const o = PostsCommentsOptions.parse({});
    assert.equal(totalRate(o), 2000);
    assert.deepEqual(mixOf(o).map((m) => m.op), ['post', 'comment', 'read', 'cql-comment', 'cql-page']);
    assert.deepEqual(postsComments.operations(o).map((x) => x.path), ['posts.mongo', 'posts.mongo', 'posts.mongo', 'comments.cassandra', 'comments.cassandra']);
    assert.equal(markdownBody(7, 500).length, 500);
    assert.equal(PostsCommentsOptions.safeParse({ database: 'a b' }).success, false);
    assert.equal(PostsCommentsOptions.safeParse({ postShare: 0, commentShare: 0, readShare: 0, cqlCommentShare: 0, cqlPageShare: 0 }).success, false);
  });

  test('end to end in seconds: nothing lost, counts agree, bytes per comment grow with the array', { timeout: 120_000 }, async () => {
    const settings = resolveRunSettings(postsComments, {
      flags: parseLayer({ options: { posts: 300, authors: 30, cqlPosts: 20, seedCqlComments: 3, growthComments: 20, database: NS, keyspace: NS }, rate: 40, duration: 2, warmup: 0, thresholds: ['*:error_rate<1%'] }, { kind: 'flags' }),
    });
    const result = await runScenario({ settings, log: () => undefined });
    assert.equal(result.status, 'completed', result.abortReason);
    // The correctness checks must pass; error rates are not asserted here (the shared FerretDB stand-in
    // may time out a comment when the machine is busy: a failed comment widens the checks, it is not lost).
    assert.deepEqual(result.thresholds.filter((t) => !t.passed && !t.expression.includes('error_rate')).map((t) => t.expression), []);
    const check = (e: string) => result.thresholds.find((t) => t.expression === e)?.actual;
    assert.equal(check('acknowledged posts lost == 0'), 0, 'the ledger was found and checked');
    assert.equal(check('acknowledged Cassandra comments lost == 0'), 0);
    const sec = result.sections?.find((s) => s.id === 'posts-comments');
    assert.ok(sec);
    const growth = sec.charts.find((c) => c.id === 'growth-bytes');
    assert.ok(growth, 'the write-amplification chart');
    const pts = growth.series[0]!.points;
    assert.equal(pts.length, 20);
    assert.ok((pts[19]![1] as number) > 5 * (pts[0]![1] as number), "the 20th write rewrites a document over 5x the first one");
    const claim = result.claims.find((c) => c.id === 'posts.throughput-1k');
    assert.ok(claim);
    if (result.notes.some((n) => n.includes('FerretDB'))) assert.equal(claim.verdict, 'not-measurable', 'the stand-in gives no MongoDB verdict');
  });
});
