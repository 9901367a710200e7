/**
 * The run phase of bookmarks, one per thread, on bookmarks.pg (seed 000 "Bookmarks System"):
 * add and remove bookmarks, read "my bookmarked posts" (the join) and counts.
 *
 * Outcomes: add 'ok' when it created the bookmark, 'not_found' when it existed; remove 'ok'
 * when it removed one, 'not_found' when there was none; list and counts 'ok'. A rejection is
 * the driver's error.
 *
 * Keys: thread i adds and removes only for users u with u % threads == i (so no two threads
 * race on one pair and the ledger is exact); posts uniform among the bookmarkable 1% (ids that
 * are multiples of bookmarkStep). A remove takes a pair this thread bookmarked, when it has
 * one, else a random pair. Lists and counts read any user. The mix is the golden-ratio
 * sequence of follow-queries (each window of N arrivals holds every share to a couple of ops).
 */
import { bindOperations, type OpStatus, type OperationFn, type Workload } from '../../engine/types.js';
import { mulberry32 } from '../../engine/schedule.js';
import { pgBookmarksPath } from '../../reference-impl/bookmarks/index.js';
import { quoteSchema } from '../../reference-impl/common/pg.js';
import { clientOf } from '../../reference-impl/path.js';
import { openStoreClients } from '../../targets/clients.js';
import type { WorkloadArgs } from '../types.js';
import { bookmarkOperations, bookmarkStep, bookmarkablePosts, mixOf, type BookmarkOp, type BookmarksOptions } from './options.js';
import { emptyTally, ensureLedger, writeLedger } from './ledger.js';
import { mixPicker } from '../common/mix.js';


/** Per pair this thread touched: operations in flight, and the end state its acknowledged operations determine (undefined once undetermined). */
interface PairState {
  inFlight: number;
  expected: 0 | 1 | undefined;
  undetermined: boolean;
}

/**
 * Create this thread's workload (called by the engine, in the thread): a pool of pgPoolSize connections.
 * @throws TargetUnreachableError when PostgreSQL does not answer.
 */
export async function createWorkload(args: WorkloadArgs<BookmarksOptions>, thread: { index: number; count: number }): Promise<Workload> {
  const o = args.options;
  const clients = await openStoreClients(args.connections, ['postgres'], { pgPoolSize: o.pgPoolSize });
  const pool = clientOf(clients, 'postgres', pgBookmarksPath.id);
  const s = quoteSchema(o.schema);
  const bm = pgBookmarksPath.open(clients, { schema: o.schema });
  try {
    await bm.setup();
    await ensureLedger(pool, s);
  } catch (err) {
    await clients.close();
    throw err;
  }
  const rand = mulberry32((args.seed * 7919 + thread.index) ^ 0x6b6d6b21);
  const mix = mixOf(o);
  const slice = mixPicker(mix, rand());
  const step = bookmarkStep(o);
  const nPosts = bookmarkablePosts(o);
  const myUsers = Math.max(1, Math.floor((o.users - 1 - thread.index) / thread.count) + 1);
  const myUser = () => Math.min(o.users - 1, thread.index + thread.count * Math.floor(rand() * myUsers));
  const post = () => step * Math.floor(rand() * nPosts);
  const tally = emptyTally();
  const pairs = new Map<string, PairState>();
  const mine: { userId: number; postId: number }[] = [];
  let pending = 0;

  async function change(add: boolean, userId: number, postId: number): Promise<OpStatus> {
    const key = `${userId}:${postId}`;
    let st = pairs.get(key);
    if (!st) pairs.set(key, (st = { inFlight: 0, expected: undefined, undetermined: false }));
    if (st.inFlight > 0) st.undetermined = true;
    st.inFlight++;
    pending++;
    try {
      const changed = add ? await bm.add(userId, postId) : await bm.remove(userId, postId);
      if (add) {
        if (changed) {
          tally.created++;
          mine.push({ userId, postId });
        } else tally.duplicate++;
      } else if (changed) tally.removed++;
      else tally.missing++;
      st.expected = add ? 1 : 0;
      return changed ? 'ok' : 'not_found';
    } catch (err) {
      tally.failed++;
      st.undetermined = true;
      throw err;
    } finally {
      st.inFlight--;
      pending--;
    }
  }

  const run: Record<BookmarkOp, OperationFn> = {
    add: () => change(true, myUser(), post()),
    remove: () => {
      if (mine.length > 0) {
        const i = Math.floor(rand() * mine.length);
        const p = mine[i]!;
        mine[i] = mine[mine.length - 1]!;
        mine.pop();
        return change(false, p.userId, p.postId);
      }
      return change(false, myUser(), post());
    },
    list: () => bm.list(Math.floor(rand() * o.users), { limit: o.pageSize }).then(() => undefined),
    counts: () => Promise.all([bm.userCount(Math.floor(rand() * o.users)), bm.postCount(post())]).then(() => undefined),
  };
  const operations = bindOperations(bookmarkOperations(o), run);
  return {
    operations,
    pick: (seq) => operations[slice(seq)]!,
    async close() {
      tally.unsettled += pending;
      const determined: { userId: number; postId: number; expected: 0 | 1 }[] = [];
      for (const [k, st] of pairs) {
        if (st.undetermined || st.inFlight > 0 || st.expected === undefined) continue;
        const [u, p] = k.split(':');
        determined.push({ userId: Number(u), postId: Number(p), expected: st.expected });
      }
      await writeLedger(pool, s, thread.index, tally, determined).catch(() => undefined);
      await clients.close();
    },
  };
}
