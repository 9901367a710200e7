/**
 * Workload operations of the bookmarks family (reference-impl/bookmarks/types.ts BookmarkStore;
 * seed 000 "Bookmarks System"): bookmark, unbookmark, my-bookmarks. Load phase: posts
 * 0..posts-1 (the rows bookmarks reference). Verify: not checked here (the bookmarks scenario
 * keeps a ledger of acknowledged bookmarks).
 * Added with issue 14 part B so every family has workload operations; the bookmarks path's
 * owner may extend it.
 */
import { defineFamilyOps, type FamilyCheck } from './types.js';

const BATCH = 5000;

/** The bookmarks family's workload operations; listed in workloads/ops/index.ts. */
export const bookmarksOps = defineFamilyOps({
  family: 'bookmarks',
  ops: [
    { name: 'bookmark', entities: ['post'], summary: 'BookmarkStore.add(a random user, post): not_found when already bookmarked', run: (b, k, e) => b.add(Math.floor(e.rand() * e.users), k).then((n) => (n ? 'ok' : 'not_found')) },
    { name: 'unbookmark', entities: ['post'], summary: 'BookmarkStore.remove(a random user, post): not_found when absent', run: (b, k, e) => b.remove(Math.floor(e.rand() * e.users), k).then((n) => (n ? 'ok' : 'not_found')) },
    { name: 'my-bookmarks', entities: ['user'], summary: "BookmarkStore.list(user): the user's bookmarked posts with the join; not_found when none", run: (b, k) => b.list(k).then((r) => (r.length > 0 ? 'ok' : 'not_found')) },
  ],
  pathOptions: (ns) => ({ schema: `${ns}_bookmarks` }),
  reset: (b) => b.reset({ posts: true }),
  async seed(b, x) {
    x.log(`bookmarks: seeding ${x.posts} bookmarkable posts (${b.path})`);
    for (let start = 0; start < x.posts; start += BATCH) {
      await b.addPosts(Array.from({ length: Math.min(BATCH, x.posts - start) }, (_, i) => ({ postId: start + i, authorId: (start + i) % Math.max(1, x.users), title: `post ${start + i}`, createdAt: Date.now() - (x.posts - start - i) * 60_000 })));
    }
  },
  async verify(_b, path): Promise<FamilyCheck[]> {
    return [{ kind: 'not-checked', expression: `${path}: bookmarks acknowledged == stored`, why: 'workloads keep no ledger of bookmarks; the bookmarks scenario does' }];
  },
});
