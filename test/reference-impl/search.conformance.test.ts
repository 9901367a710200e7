/**
 * The search family's conformance suite: every path registered with family "search"
 * (reference-impl/registry.ts) runs the same cases against its real store, through the
 * PostSearch contract only: each query kind it declares returns the expected posts of a small
 * fixed corpus, every indexed post is searchable after refresh (none dropped), unsupported
 * kinds are refused, reset removes only the path's own data. A path whose server refuses it
 * (search.mongo-text on FerretDB: no $text) must say so with TextSearchUnsupportedError in
 * setup(); its other cases are then skipped with that one line as the reason.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pathsOf } from '../../reference-impl/registry.js';
import { TextSearchUnsupportedError, UnsupportedQueryError, SEARCH_KINDS, type PostSearch, type SearchPost, type SearchQuery } from '../../reference-impl/search/index.js';
import type { StoreClients } from '../../targets/clients.js';
import { TEST_TAG, testClients } from './env.js';

const NOW = Math.floor(Date.now() / 1000);
const DAY = 86_400;
const post = (id: number, author: string, title: string, content: string, ageS: number, hashtags: string[] = []): SearchPost => ({ id, author, title, content, hashtags, likes: id * 3, created_at: NOW - ageS });

/** The fixed corpus: "harbor" is in titles 1, 2; in contents 4, 5. */
export const FIXED_CORPUS: readonly SearchPost[] = [
  post(1, 'alice', 'Sunset over the harbor', 'we walked along the water at dusk', 10 * DAY, ['sunset']),
  post(2, 'bob', 'Harbor fish market guide', 'fresh fish every morning before seven', 1 * DAY, ['food']),
  post(3, 'alice', 'Learning rust ownership', 'the borrow checker explained with examples', 2 * 3600, ['rust']),
  post(4, 'carol', 'Coffee roasting at home', 'a guide to roasting beans for a harbor blend', 20 * DAY),
  post(5, 'bob', 'Mountain trail running', 'the trail climbs above the harbor town', 3 * DAY, ['running']),
  post(6, 'dave', 'Quiet library afternoon', 'reading old maps of the coast', 5 * 3600),
];

/** Each kind's query and the ids it must return: a set (relevance order) or a list (newest first). */
const EXPECTED: Record<string, { q: SearchQuery; ids: number[]; ordered: boolean }> = {
  match: { q: { kind: 'match', text: 'harbor' }, ids: [1, 2, 4, 5], ordered: false },
  recent: { q: { kind: 'recent', text: 'harbor', sinceS: NOW - 5 * DAY }, ids: [2, 5], ordered: true },
  title: { q: { kind: 'title', text: 'harbor' }, ids: [1, 2], ordered: false },
  author: { q: { kind: 'author', author: 'alice' }, ids: [3, 1], ordered: true },
};

for (const path of pathsOf('search')) {
  describe(`search conformance: ${path.id}`, () => {
    let clients: StoreClients;
    let s: PostSearch;
    let refused: TextSearchUnsupportedError | undefined;
    const ns = path.stores.includes('elasticsearch') ? `${TEST_TAG.replace(/_/g, '-')}-sc` : `${TEST_TAG}_sc`;

    before(async () => {
      clients = await testClients(path.stores);
      s = path.open(clients, { namespace: ns });
      await s.reset();
      try {
        // Concurrent setup calls must neither fail nor create two indices.
        await Promise.all([s.setup(), s.setup()]);
      } catch (err) {
        if (!(err instanceof TextSearchUnsupportedError)) throw err;
        refused = err;
      }
    });
    after(async () => {
      await s?.reset().catch(() => undefined);
      await clients?.close();
    });

    test('setup succeeds, or the server refuses the path in one line quoting its own error', () => {
      if (!refused) return;
      assert.match(refused.message, /^search\.[a-z-]+: .+ refuses MongoDB text search \(code \d+/);
      assert.match(refused.message, /not measurable here \(FerretDB lacks \$text\)/);
      assert.ok(!refused.message.includes('\n'));
    });

    test('each declared query kind returns the expected posts of the fixed corpus', async (t) => {
      if (refused) return t.skip(refused.message);
      const out = await s.indexPosts(FIXED_CORPUS);
      assert.equal(out.indexed, FIXED_CORPUS.length);
      await s.refresh();
      assert.ok(s.kinds.length > 0);
      for (const kind of s.kinds) {
        const e = EXPECTED[kind]!;
        const r = await s.search(e.q);
        if (e.ordered) assert.deepEqual(r.ids, e.ids, `${kind} returns ${e.ids.join(', ')} in order`);
        else assert.deepEqual([...r.ids].sort(), [...e.ids].sort(), `${kind} returns ${e.ids.join(', ')}`);
        assert.equal(r.total, e.ids.length, `${kind} total`);
        const one = await s.search({ ...e.q, size: 1 });
        assert.equal(one.ids.length, 1, `${kind} honours size`);
      }
    });

    test('a kind the path does not declare is refused with UnsupportedQueryError', async (t) => {
      if (refused) return t.skip(refused.message);
      const missing = SEARCH_KINDS.filter((k) => !s.kinds.includes(k));
      if (missing.length === 0) return t.skip(`${path.id} answers every kind`);
      for (const k of missing) await assert.rejects(s.search(EXPECTED[k]!.q), UnsupportedQueryError);
    });

    test('every indexed post is searchable after refresh; re-indexing an id replaces it', async (t) => {
      if (refused) return t.skip(refused.message);
      const many: SearchPost[] = [];
      for (let i = 0; i < 600; i++) many.push(post(1000 + i, `u${i % 7}`, `batch title ${i} harbor`, `body ${i}`, i));
      const out = await s.indexPosts(many);
      assert.equal(out.indexed, 600);
      assert.ok(out.elapsedMs > 0 && out.bytes > 0);
      await s.indexPosts([post(1000, 'u0', 'renamed entirely', 'nothing', 0)]);
      await s.refresh();
      assert.equal(await s.count(), FIXED_CORPUS.length + 600);
      const r = await s.search({ kind: 'author', author: 'u3', size: 1000 });
      assert.equal(r.ids.length, many.filter((p) => p.author === 'u3').length);
      const renamed = await s.search({ kind: 'title', text: 'renamed', size: 10 });
      assert.deepEqual(renamed.ids, [1000]);
    });

    test('reset removes the path’s posts and nothing of another namespace', async (t) => {
      if (refused) return t.skip(refused.message);
      const other = path.open(clients, { namespace: `${ns}2` });
      await other.setup();
      try {
        await other.indexPosts(FIXED_CORPUS.slice(0, 2));
        await s.reset();
        await s.setup();
        await s.refresh();
        await other.refresh();
        assert.equal(await s.count(), 0);
        assert.equal(await other.count(), 2);
      } finally {
        await other.reset();
      }
    });
  });
}
