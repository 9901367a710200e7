/**
 * The fan-out scenario's social graph, generated from the options and a seed so every thread
 * and verify() see the same graph without storing it (seeds 001/004 "Social Graph").
 *
 * - User 0 is the celebrity; its followers are users 1..celebrityFollowers.
 * - Users 1..authors are ordinary authors. Author a has d_a followers, d_a drawn from a
 *   discrete power law p(k) ∝ k^-alpha for k >= minFollowers, cut off at maxFollowers
 *   (inverse-CDF sampling of the continuous Pareto, floored). The default alpha 2.276 is the
 *   exponent Kwak, Lee, Park and Moon measured for Twitter's follower counts ("What is Twitter,
 *   a social network or a news media?", WWW 2010, section 3.1): heavy-tailed, not uniform.
 * - Author a's followers are d_a distinct users other than a: follower i is
 *   j = (offset_a + i · stride) mod (users − 1), shifted past a (j >= a ? j + 1 : j), with
 *   stride coprime to users − 1, so the first d_a values are distinct.
 */
import { mulberry32 } from '../../engine/schedule.js';
import type { FanOutOptions } from './options.js';

/** The celebrity's user id. */
export const CELEBRITY = 0;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The generated graph (pure; no I/O). */
export class FanOutGraph {
  readonly users: number;
  readonly authors: number;
  readonly celebrityFollowers: number;
  private readonly degree: Int32Array;
  private readonly offset: Float64Array;
  private readonly stride: number;

  constructor(o: Pick<FanOutOptions, 'users' | 'authors' | 'celebrityFollowers' | 'minFollowers' | 'maxFollowers' | 'alpha' | 'seed'>) {
    this.users = o.users;
    this.authors = o.authors;
    this.celebrityFollowers = o.celebrityFollowers;
    const m = o.users - 1;
    let stride = Math.max(1, Math.floor(m * 0.6180339887)) | 1;
    while (gcd(stride, m) !== 1) stride++;
    this.stride = stride;
    const rnd = mulberry32(o.seed ^ 0x9e3779b9);
    this.degree = new Int32Array(o.authors + 1);
    this.offset = new Float64Array(o.authors + 1);
    for (let a = 1; a <= o.authors; a++) {
      const u = rnd();
      const k = Math.floor(o.minFollowers * Math.pow(1 - u, -1 / (o.alpha - 1)));
      this.degree[a] = Math.min(o.maxFollowers, Math.max(o.minFollowers, k));
      this.offset[a] = Math.floor(rnd() * m);
    }
  }

  /** Followers of ordinary author a (1..authors); of the celebrity for a = 0. */
  followerCount(a: number): number {
    return a === CELEBRITY ? this.celebrityFollowers : (this.degree[a] ?? 0);
  }

  /** Follower i (0 <= i < followerCount(a)) of author a. */
  follower(a: number, i: number): number {
    if (a === CELEBRITY) return 1 + i;
    const m = this.users - 1;
    const j = (this.offset[a]! + ((i * this.stride) % m)) % m;
    return j >= a ? j + 1 : j;
  }

  /** Edges of the whole graph (celebrity's included). */
  edges(): number {
    let n = this.celebrityFollowers;
    for (let a = 1; a <= this.authors; a++) n += this.degree[a]!;
    return n;
  }

  /** Follower counts of the ordinary authors, descending (for the report's degree summary). */
  degreesDescending(): number[] {
    return Array.from(this.degree.subarray(1)).sort((x, y) => y - x);
  }
}
