/**
 * Workload operations of the comments family (reference-impl/comments/types.ts CommentStore;
 * seed 001 "Comments Table"): add-comment, comments (first page), comment-count. Load phase:
 * nothing (posts start without comments). Verify: not checked here (the run's comments get ids
 * per thread; the comments conformance suite checks the path).
 * Added with issue 14 part B so every family has workload operations; the comments path's
 * owner may extend it.
 */
import { defineFamilyOps, type FamilyCheck } from './types.js';

/** The comments family's workload operations; listed in workloads/ops/index.ts. */
export const commentsOps = defineFamilyOps({
  family: 'comments',
  ops: [
    { name: 'add-comment', entities: ['post'], summary: 'CommentStore.add(a new comment on post)', run: (c, k, e) => c.add({ postId: k, commentId: e.newId('post'), authorId: Math.floor(e.rand() * e.users), createdAt: Date.now(), text: 'nice post' }) },
    { name: 'comments', entities: ['post'], summary: "CommentStore.page(post): the post's newest 20 comments; not_found when none", run: (c, k) => c.page(k).then((p) => (p.comments.length > 0 ? 'ok' : 'not_found')) },
    { name: 'comment-count', entities: ['post'], summary: 'CommentStore.count(post)', run: (c, k) => c.count(k).then(() => undefined) },
  ],
  pathOptions: (ns) => ({ keyspace: `${ns}_comments` }),
  reset: (c) => c.reset(),
  seed: async () => undefined,
  async verify(_c, path): Promise<FamilyCheck[]> {
    return [{ kind: 'not-checked', expression: `${path}: comments acknowledged == stored`, why: 'comment ids are per thread and not tallied in workloads; the comments conformance suite checks the path' }];
  },
});
