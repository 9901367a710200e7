/**
 * Workload operations of the search family (reference-impl/search/types.ts PostSearch; seed 000
 * "Elasticsearch Storage Optimization Strategy"): search (match), search-recent, search-title,
 * search-author. Word keys are drawn over the search scenario's vocabulary (SUBTLEX-US ranks,
 * scenarios/search/corpus.ts, without its 100 most frequent words); author keys are users.
 * Load phase: data.posts posts from the search scenario's corpus generator (authors u_0..,
 * zipfian words), indexed in bulk batches of 1000, then refresh(). Verify: posts searchable ==
 * posts seeded (none dropped), as the search scenario's "not indexed" check.
 */
import { PostGenerator } from '../../scenarios/search/corpus.js';
import { defineFamilyOps, zeroCheck, type FamilyCheck } from './types.js';

const BATCH = 1000;
/** "Recent": the last 7 days. */
const RECENT_S = 7 * 86_400;

/** The search family's workload operations, load phase and checks (see the module comment); listed in workloads/ops/index.ts. */
export const searchOps = defineFamilyOps({
  family: 'search',
  ops: [
    { name: 'search', entities: ['word'], summary: 'PostSearch.search({ kind: match, text: word })', run: (s, k, e) => s.search({ kind: 'match', text: e.word(k) }).then(() => undefined) },
    { name: 'search-recent', entities: ['word'], summary: 'PostSearch.search({ kind: recent, text: word, since 7 days })', run: (s, k, e) => s.search({ kind: 'recent', text: e.word(k), sinceS: Math.floor(Date.now() / 1000) - RECENT_S }).then(() => undefined) },
    { name: 'search-title', entities: ['word'], summary: 'PostSearch.search({ kind: title, text: word })', run: (s, k, e) => s.search({ kind: 'title', text: e.word(k) }).then(() => undefined) },
    { name: 'search-author', entities: ['user'], summary: 'PostSearch.search({ kind: author, author: u_<user> })', run: (s, k) => s.search({ kind: 'author', author: `u_${k}` }).then(() => undefined) },
  ],
  pathOptions: (ns) => ({ namespace: `${ns}_search` }),
  reset: (s) => s.reset(),
  async seed(s, x) {
    x.log(`search: indexing ${x.posts} posts (${s.path})`);
    const gen = new PostGenerator({ authors: Math.max(1, x.users), contentWords: 30, zipfS: 1, seed: x.seed, nowS: Math.floor(Date.now() / 1000) });
    for (let first = 0; first < x.posts; first += BATCH) {
      const batch = [];
      for (let id = first; id < Math.min(x.posts, first + BATCH); id++) batch.push(gen.post(id));
      await s.indexPosts(batch);
    }
    await s.refresh();
  },
  async verify(s, path, { ops, seeded }): Promise<FamilyCheck[]> {
    await s.refresh();
    const n = await s.count();
    return [{ ...zeroCheck(`${path}: posts not indexed == 0`, ops.map((o) => o.name).join('+'), 'not_indexed', 'posts', Math.max(0, seeded.posts - n)), detail: `${seeded.posts} seeded, ${n} searchable` } as FamilyCheck];
  },
});
