/**
 * The synthetic follow graph of follow-queries, as a pure function of the options, so that
 * seed() (which writes it), every workload thread (which unfollows seeded edges) and verify()
 * (which needs the seeded edge count) agree without passing data around.
 *
 * - Users 0..users-1. Popularity is zipfian by id: user 0 is the most followed (seed 000's
 *   celebrities), P(followee = k) ∝ 1/(k+1)^zipfS.
 * - User u follows exactly quota(u) distinct users, drawn zipfian from a PRNG seeded by u
 *   alone (so one user's followees can be regenerated without the others), never u itself
 *   and never a race pair.
 * - Race pairs: `racePairs` distinct (follower, followee) pairs with a zipfian followee and
 *   a uniform follower, drawn from a fixed seed; they are not seeded (they start absent).
 */
import { mulberry32 } from '../../engine/schedule.js';
import type { FollowQueriesOptions } from './options.js';

/** Fixed seed of the race-pair draw (the same pairs for every run of the same options). */
const RACE_SEED = 0x0f011035;
/** Salt of the per-user followee PRNG. */
const USER_SALT = 0x5bd1e995;
/** Zipfian draws per followee slot before falling back to a scan for the rest of a user's quota. */
const DRAWS_PER_SLOT = 50;

/**
 * Zipfian over [0, n) with exponent s by inverse CDF on a table of n Float64s (8 bytes per
 * user): P(k) ∝ 1/(k+1)^s. Unlike scenarios/common/zipf.ts it takes the uniform variate from
 * the caller, so many PRNG streams share one table.
 */
export class ZipfTable {
  private readonly cdf: Float64Array;

  constructor(readonly n: number, s: number) {
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += 1 / Math.pow(k + 1, s);
      this.cdf[k] = sum;
    }
    for (let k = 0; k < n; k++) this.cdf[k] = this.cdf[k]! / sum;
  }

  /** The key whose CDF bucket holds u (u uniform in [0, 1)), O(log n). */
  draw(u: number): number {
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** One hot (follower, followee) pair. */
export interface RacePair {
  follower: number;
  followee: number;
}

/** The graph model of a set of options (see the module comment). Construction is O(users). */
export class GraphModel {
  readonly users: number;
  readonly zipf: ZipfTable;
  /** The race pairs, in draw order; index i is "race pair i". */
  readonly races: readonly RacePair[];
  private readonly raceIndex = new Map<number, number>();
  private readonly racesFrom = new Map<number, number>();
  private readonly followsPerUser: number;

  constructor(o: Pick<FollowQueriesOptions, 'users' | 'followsPerUser' | 'zipfS' | 'racePairs'>) {
    this.users = o.users;
    this.followsPerUser = o.followsPerUser;
    this.zipf = new ZipfTable(o.users, o.zipfS);
    const rand = mulberry32(RACE_SEED);
    const races: RacePair[] = [];
    // Every ordered pair of distinct users is possible, so the loop ends; the cap bounds it anyway.
    const possible = o.users * (o.users - 1);
    for (let tries = 0; races.length < Math.min(o.racePairs, possible) && tries < o.racePairs * 1000; tries++) {
      const followee = this.zipf.draw(rand());
      const follower = Math.floor(rand() * o.users);
      if (follower === followee || this.raceIndex.has(this.key(follower, followee))) continue;
      this.raceIndex.set(this.key(follower, followee), races.length);
      this.racesFrom.set(follower, (this.racesFrom.get(follower) ?? 0) + 1);
      races.push({ follower, followee });
    }
    this.races = races;
  }

  /** A number naming the ordered pair (exact: users <= 1e7, so key < 1e14 < 2^53). */
  key(follower: number, followee: number): number {
    return follower * this.users + followee;
  }

  /** Index of the race pair (follower, followee), or -1 when it is not one. */
  raceOf(follower: number, followee: number): number {
    return this.raceIndex.get(this.key(follower, followee)) ?? -1;
  }

  /** How many users `u` follows after seeding: followsPerUser, capped by the users it may follow. */
  quota(u: number): number {
    return Math.min(this.followsPerUser, this.users - 1 - (this.racesFrom.get(u) ?? 0));
  }

  /** Edges seed() writes: the sum of every user's quota. */
  plannedEdges(): number {
    let n = 0;
    // Users without race pairs all have the same quota.
    const plain = Math.min(this.followsPerUser, this.users - 1);
    n += plain * (this.users - this.racesFrom.size);
    for (const u of this.racesFrom.keys()) n += this.quota(u);
    return n;
  }

  /**
   * The users `u` follows after seeding, in draw order: quota(u) distinct ids, zipfian, not u,
   * not a race pair. Deterministic in (options, u). O(quota · log users) plus a short scan in
   * the rare case the zipfian draws keep hitting taken ids (tiny graphs, large quotas).
   */
  followeesOf(u: number): number[] {
    const k = this.quota(u);
    const out: number[] = [];
    if (k <= 0) return out;
    const taken = new Set<number>();
    const rand = mulberry32(Math.imul(u ^ USER_SALT, 0x9e3779b1) ^ (u >>> 16));
    const take = (e: number) => {
      if (e === u || taken.has(e) || this.raceOf(u, e) >= 0) return;
      taken.add(e);
      out.push(e);
    };
    for (let tries = 0; out.length < k && tries < k * DRAWS_PER_SLOT; tries++) take(this.zipf.draw(rand()));
    for (let j = 1; out.length < k && j < this.users; j++) take((u + j) % this.users);
    return out;
  }
}
