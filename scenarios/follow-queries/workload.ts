/**
 * The run phase of follow-queries, one per thread: follows, unfollows (some on a few hot
 * race pairs, so duplicate follows race each other), followers/following/mutuals pages and
 * counts on follows.pg (seed 000, "Follows System").
 *
 * Operation outcomes (what the engine counts):
 * - follow: 'ok' when it created the follow; 'not_found' when the pair was already followed
 *   (a duplicate follow, turned into a no-op by the primary key) — so follow's not_found
 *   count is the number of duplicate follows the store rejected. A follow on a race pair is
 *   sent as raceBurst simultaneous requests (a double submit) on separate connections: it is
 *   'ok' when one of them created the follow, 'not_found' when none did, and rejects (after
 *   all settled) when one rejected; its latency is the slowest request's, waits on the
 *   racing transaction included.
 * - unfollow: 'ok' when it removed a follow; 'not_found' when there was none.
 * - followers, following, mutuals, counts: 'ok' (an empty page is a valid answer).
 * - any of them rejects with the driver's error (counted by its code, e.g. 57014, ECONNREFUSED).
 * not_found is not an error (engine/thresholds.ts leaves it out of error_rate).
 *
 * Mix: arrival `seq` of a thread is operation i where frac(offset + seq/φ) falls in i's
 * slice of [0, 1) (a golden-ratio low-discrepancy sequence; offset drawn from the thread's
 * PRNG). Deterministic like an i.i.d. draw, but every window of N arrivals holds each
 * operation's share to within a couple of operations, so the follow rate is the mix's share
 * of the arrival rate and not a sample of it (an i.i.d. mix moves a 5 s run's follow rate by
 * a few follows/s, enough to flip the "~100/s" verdict on noise).
 *
 * Keys: followees and profile reads are zipfian by user id (user 0 is the most followed),
 * followers and "following" reads uniform; unfollows remove a seeded edge of a uniform user
 * (GraphModel.followeesOf); a raceShare of follows and unfollows go to a race pair. The PRNG
 * is mulberry32 seeded with the run's seed and the thread index.
 */
import { bindOperations, type OpStatus, type OperationFn, type Workload } from '../../engine/types.js';
import { mulberry32 } from '../../engine/schedule.js';
import { quoteSchema } from '../../reference-impl/common/pg.js';
import { clientOf } from '../../reference-impl/path.js';
import { openStoreClients } from '../../targets/clients.js';
import type { WorkloadArgs } from '../types.js';
import { ServiceClient, followsOverHttp, type FollowOps } from '../../service/client.js';
import { GraphModel } from './graph.js';
import { followOperations, mixOf, openPgFollows, type FollowOp, type FollowQueriesOptions } from './options.js';
import { emptyTally, ensureTallyTable, writeTally } from './tally.js';
import { mixPicker } from '../common/mix.js';

/**
 * Create this thread's workload (called by the engine, in the thread). Opens a pool of
 * pgPoolSize connections and makes sure the tables exist.
 * @throws TargetUnreachableError when PostgreSQL does not answer.
 */
export async function createWorkload(args: WorkloadArgs<FollowQueriesOptions>, thread: { index: number; count: number }): Promise<Workload> {
  const o = args.options;
  // --via http: the graph operations go through the reference service; the tally (bookkeeping
  // for verify(), not a measured operation) still goes straight to PostgreSQL on a small pool.
  const http = args.via ? new ServiceClient({ ...args.via, connections: Math.max(args.via.connections ?? 0, o.pgPoolSize) }) : undefined;
  const clients = await openStoreClients(args.connections, ['postgres'], { pgPoolSize: http ? 2 : o.pgPoolSize });
  const pool = clientOf(clients, 'postgres', 'follows.pg');
  const s = quoteSchema(o.schema);
  let graph: FollowOps;
  try {
    if (http) graph = followsOverHttp(http, 'follows.pg');
    else {
      const pg = openPgFollows(o, clients);
      await pg.setup();
      graph = pg;
    }
    await ensureTallyTable(pool, s);
  } catch (err) {
    await http?.close();
    await clients.close();
    throw err;
  }

  const model = new GraphModel(o);
  const n = o.users;
  const races = model.races;
  const mix = mixOf(o);
  const rand = mulberry32((args.seed * 7919 + thread.index) ^ 0x2545f491);
  const slice = mixPicker(mix, rand());
  const zipf = () => model.zipf.draw(rand());
  const uniform = () => Math.floor(rand() * n);
  const page = { limit: o.pageSize };

  const tally = emptyTally();
  const inFlight = new Int32Array(races.length);
  const followsInFlight = new Int32Array(races.length);
  let pending = 0;
  let racePending = 0;

  /** follow or unfollow (follower, followee), with the tally kept. */
  async function change(follow: boolean, follower: number, followee: number): Promise<OpStatus> {
    const race = races.length > 0 ? model.raceOf(follower, followee) : -1;
    let concurrent = false;
    if (race >= 0) {
      if (inFlight[race]! > 0) tally.raceOverlapping++;
      if (follow && followsInFlight[race]! > 0) {
        concurrent = true;
        tally.concurrentFollows++;
      }
      inFlight[race]!++;
      if (follow) followsInFlight[race]!++;
      racePending++;
    }
    pending++;
    try {
      const changed = follow ? await graph.follow(follower, followee) : await graph.unfollow(follower, followee);
      if (follow) {
        if (changed) tally.followCreated++;
        else tally.followDuplicate++;
        if (race >= 0) {
          if (changed) tally.raceFollowCreated++;
          else tally.raceFollowDuplicate++;
          if (concurrent && !changed) tally.concurrentDuplicates++;
        }
      } else {
        if (changed) tally.unfollowRemoved++;
        else tally.unfollowMissing++;
        if (race >= 0) {
          if (changed) tally.raceUnfollowRemoved++;
          else tally.raceUnfollowMissing++;
        }
      }
      return changed ? 'ok' : 'not_found';
    } catch (err) {
      if (follow) tally.followFailed++;
      else tally.unfollowFailed++;
      if (race >= 0) tally.raceUncertain++;
      throw err;
    } finally {
      pending--;
      if (race >= 0) {
        racePending--;
        inFlight[race]!--;
        if (follow) followsInFlight[race]!--;
      }
    }
  }

  /** A race pair with probability raceShare (when there are any), else undefined. */
  const racePair = () => (races.length > 0 && rand() < o.raceShare ? races[Math.floor(rand() * races.length)] : undefined);

  /** raceBurst follows of one pair at once (a double submit); see the module comment for the outcome. */
  async function burst(follower: number, followee: number): Promise<OpStatus> {
    const calls: Promise<OpStatus>[] = [];
    for (let i = 0; i < o.raceBurst; i++) calls.push(change(true, follower, followee));
    const settled = await Promise.allSettled(calls);
    let created = false;
    for (const x of settled) {
      if (x.status === 'rejected') throw x.reason;
      if (x.value === 'ok') created = true;
    }
    return created ? 'ok' : 'not_found';
  }

  function follow(): Promise<OpStatus> {
    const r = racePair();
    if (r) return o.raceBurst > 1 ? burst(r.follower, r.followee) : change(true, r.follower, r.followee);
    const follower = uniform();
    let followee = zipf();
    if (followee === follower) followee = (followee + 1) % n;
    return change(true, follower, followee);
  }

  function unfollow(): Promise<OpStatus> {
    const r = racePair();
    if (r) return change(false, r.follower, r.followee);
    const follower = uniform();
    const seeded = model.followeesOf(follower);
    if (seeded.length > 0) return change(false, follower, seeded[Math.floor(rand() * seeded.length)]!);
    // followsPerUser = 0: nothing was seeded; unfollow a random pair (mostly a no-op).
    const followee = (follower + 1 + Math.floor(rand() * (n - 1))) % n;
    return change(false, follower, followee);
  }

  function mutuals(): Promise<unknown> {
    const a = zipf();
    let b = zipf();
    if (b === a) b = (a + 1) % n;
    return graph.mutuals(a, b, page);
  }

  // follow/unfollow resolve to ok/not_found; reads are ok whatever they return.
  const run: Record<FollowOp, OperationFn> = {
    follow,
    unfollow,
    followers: () => graph.followers(zipf(), page).then(noop),
    following: () => graph.following(uniform(), page).then(noop),
    mutuals: () => mutuals().then(noop),
    counts: () => graph.counts(zipf()).then(noop),
  };
  // Declared in mix order, so operations[i] is the mix's slice i.
  const operations = bindOperations(followOperations(o), run);

  return {
    operations,
    pick: (seq) => operations[slice(seq)]!,
    async close() {
      tally.unsettled += pending;
      tally.raceUncertain += racePending;
      // The tally is what verify() reads beyond ok/not_found; without it verify says so.
      await writeTally(pool, s, thread.index, tally).catch(() => undefined);
      await http?.close();
      await clients.close();
    },
  };
}

function noop(): void {}

