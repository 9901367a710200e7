/**
 * The bookmarks scenario: options (pure), the ledger's lost/undone detection, and a run end to
 * end in seconds on the real PostgreSQL (reset, seed, an open-loop run, verify with the index
 * experiments on a small table), in schemas of its own.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { pgBookmarksPath } from '../../reference-impl/bookmarks/index.js';
import { bookmarks } from '../../scenarios/bookmarks/index.js';
import { clearLedger, readLedger, writeLedger, emptyTally } from '../../scenarios/bookmarks/ledger.js';
import { BookmarksOptions, bookmarkStep, bookmarkablePosts, mixOf, totalRate } from '../../scenarios/bookmarks/options.js';
import { runScenario } from '../../scenarios/run.js';
import { parseLayer, resolveRunSettings } from '../../scenarios/settings.js';
import { openStoreClients } from '../../targets/clients.js';
import { resolveConnection } from '../../targets/registry.js';

const TAG = `cbtest_${process.pid}`;

describe('bookmarks scenario', () => {
  const schemas = [`${TAG}_bk`, `${TAG}_bkl`, `${TAG}_bki`];
  after(async () => {
    const c = await openStoreClients({ postgres: resolveConnection('postgres') }, ['postgres'], { pgPoolSize: 1 });
    for (const s of schemas) await c.postgres!.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await c.close();
  });

  test('defaults: adds at 10/s (20 ops/s under the mix), 1% of posts bookmarkable, 1M-row index experiments', () => {
    const o = BookmarksOptions.parse({});
    assert.equal(totalRate(o), 20);
    assert.deepEqual(mixOf(o).map((m) => m.op), ['add', 'remove', 'list', 'counts']);
    assert.equal(bookmarkStep(o), 100);
    assert.equal(bookmarkablePosts(o), 1000);
    assert.equal(o.indexRows, 1_000_000);
    assert.ok(bookmarks.operations(o).every((x) => x.path === 'bookmarks.pg'));
    assert.equal(BookmarksOptions.safeParse({ schema: 'x; drop' }).success, false);
    assert.equal(BookmarksOptions.safeParse({ addShare: 0, removeShare: 0, listShare: 0, countsShare: 0 }).success, false);
  });

  test('the ledger finds an acknowledged bookmark that is missing and a removal that came back', async () => {
    const schema = schemas[1]!;
    const clients = await openStoreClients({ postgres: resolveConnection('postgres') }, ['postgres'], { pgPoolSize: 2 });
    try {
      const b = pgBookmarksPath.open(clients, { schema });
      await b.setup();
      await b.reset({ posts: true });
      await b.addPosts([1, 2, 3].map((p) => ({ postId: p, authorId: 1, title: 't', createdAt: 0 })));
      await clearLedger(b.pool, b.s);
      await b.add(10, 1); // acknowledged and there
      await b.add(10, 3); // "removed" per the ledger, but there
      await writeLedger(b.pool, b.s, 0, { ...emptyTally(), created: 2 }, [
        { userId: 10, postId: 1, expected: 1 },
        { userId: 10, postId: 2, expected: 1 },
        { userId: 10, postId: 3, expected: 0 },
      ]);
      const r = await readLedger(b.pool, b.s, 1);
      assert.deepEqual([r.threads, r.checked, r.lost, r.resurrected, r.tally.created], [1, 3, 1, 1, 2]);
      assert.deepEqual(r.lostExamples, ['10:2']);
    } finally {
      await clients.close();
    }
  });

  test('end to end in seconds: checks pass, the section has its tables, the index claims get verdicts', { timeout: 120_000 }, async () => {
    const settings = resolveRunSettings(bookmarks, {
      flags: parseLayer({ options: { posts: 3000, users: 300, indexRows: 20000, indexRepeats: 3, schema: schemas[0], indexSchema: schemas[2] }, rate: 40, duration: 2, warmup: 0, thresholds: ['*:error_rate<1%'] }, { kind: 'flags' }),
    });
    const result = await runScenario({ settings, log: () => undefined });
    assert.equal(result.status, 'completed', result.abortReason);
    assert.deepEqual(result.thresholds.filter((t) => !t.passed).map((t) => t.expression), []);
    const check = (e: string) => result.thresholds.find((t) => t.expression === e);
    assert.equal(check('acknowledged bookmarks lost == 0')?.actual, 0);
    assert.equal(check('bookmark_count mismatches == 0')?.actual, 0);
    const verdict = (id: string) => result.claims.find((c) => c.id === id)?.verdict;
    assert.equal(verdict('pg.full-scan-1m-200ms'), 'not-measurable', '20K rows are not the claim\'s 1M');
    for (const id of ['pg.covering-index-2-10x', 'pg.partial-index-smaller-faster', 'pg.gin-jsonb-containment']) assert.ok(['holds', 'refuted'].includes(verdict(id) ?? ''), `${id} measured`);
    assert.ok(verdict('bookmarks.throughput-10'));
    const sec = result.sections?.find((s) => s.id === 'bookmarks');
    assert.ok(sec);
    assert.equal(sec.tables.length, 3, 'audit, latency, index experiments');
    assert.equal(sec.tables[2]!.rows.length, 4);
  });
});
