/**
 * follows.cassandra: the social graph in Cassandra (seed 001 "Social Graph Database":
 * followers (user_id, follower_id) and following (user_id, following_id); seed 004 "celebrity
 * users may create hot shards"). The followers/following CQL is the feed family's
 * (reference-impl/feed/schema.ts socialGraphDdl), so by default this path and the feed paths
 * share one keyspace (capbench_fanout) and one graph.
 *
 * Writing both tables together: the followers row and the following row go in one LOGGED
 * batch (two partitions; the batch log guarantees both are applied eventually, not
 * isolation). Cassandra has no transaction to say "only if it did not exist", so each pair
 * also has a state row follow_edges ((follower_id, followee_id), active, v) changed by a
 * lightweight transaction (Paxos compare-and-set on v). The CAS winner alone writes the batch,
 * with USING TIMESTAMP v (v = max(previous v + 1, now in µs)), so racing follow/unfollow of a
 * pair land in the tables in CAS order whatever order their batches arrive in, and a racing
 * duplicate follow resolves to false. Counters (follow_counts, a counter table: counters
 * cannot share a batch with other writes) are bumped by the winner only, after the batch; a
 * client crash between batch and counter leaves the counter off by one (counters are not
 * idempotent), which is seed 001's "Eventual Consistency: Follower/following counts".
 * Within one process, operations on one pair are queued (a per-pair promise chain) so the
 * Paxos rounds do not contend; across processes the CAS alone keeps them correct.
 *
 * Paging: followers of a celebrity are one partition clustered by follower_id, so a page is a
 * slice `follower_id > after LIMIT n` (keyset); followersByPagingState() walks the same
 * partition with the driver's opaque paging state instead.
 */
import cassandra from 'cassandra-driver';
import { InvalidArgumentError } from '../../core/errors.js';
import type { CassandraClient } from '../../targets/cassandra/client.js';
import { clientOf, defineStoragePath } from '../path.js';
import { KEYSPACE_RE, keyspaceDdl, socialGraphDdl } from '../feed/schema.js';
import type { FollowCounts, FollowGraph, FollowGraphOptions, PageOptions, UserPage } from './types.js';

/** Path id, for errors. */
const PATH_ID = 'follows.cassandra';
/** Largest page size. */
const MAX_LIMIT = 10_000;
/** Rows per single-partition unlogged batch in seedFollows(). */
const SEED_BATCH = 200;
/** Concurrent statements in bulk loads. */
const CONCURRENCY = 64;
/** CAS attempts before giving up on a pair that keeps changing under us. */
const MAX_CAS = 50;
/** Rows read per chunk when mutuals() walks two followers partitions. */
const MUTUAL_CHUNK = 1000;

const toNum = (v: unknown): number => (v instanceof cassandra.types.Long ? v.toNumber() : Number(v));

/** This path's own tables, next to the shared followers/following. */
export function followsCassandraDdl(ks: string): string[] {
  return [
    ...keyspaceDdl(ks),
    ...socialGraphDdl(ks),
    `CREATE TABLE IF NOT EXISTS ${ks}.follow_edges (follower_id bigint, followee_id bigint, active boolean, v bigint, PRIMARY KEY ((follower_id, followee_id)))`,
    `CREATE TABLE IF NOT EXISTS ${ks}.follow_counts (user_id bigint PRIMARY KEY, followers counter, following counter)`,
  ];
}

/** One page of follower ids read with the driver's paging state. */
export interface PagingStatePage {
  /** Follower ids, ascending, at most fetchSize. */
  ids: number[];
  /** Opaque paging state (hex) for the next page; undefined after the last page. */
  pageState: string | undefined;
}

/**
 * follows.cassandra on a connected cassandra-driver Client (never closed here).
 * @throws InvalidArgumentError (constructor) for a keyspace that is not a plain lower-case identifier.
 */
export class CassandraFollows implements FollowGraph {
  readonly path = PATH_ID;
  readonly ks: string;
  private readonly cql: CassandraClient;
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(cql: CassandraClient, o: FollowGraphOptions = {}) {
    const ks = o.keyspace ?? o.schema ?? 'capbench_fanout';
    if (!KEYSPACE_RE.test(ks)) throw new InvalidArgumentError(PATH_ID, `keyspace "${ks}" is not a plain lower-case identifier`, { hint: 'Use letters, digits and _, starting with a letter, at most 48 characters.' });
    this.ks = ks;
    this.cql = cql;
  }

  private exec(q: string, params: unknown[], opts: cassandra.QueryOptions = {}) {
    return this.cql.execute(q, params, { prepare: true, ...opts });
  }

  /** Create the keyspace, followers, following, follow_edges, follow_counts if missing (idempotent). */
  async setup(): Promise<void> {
    for (const s of followsCassandraDdl(this.ks)) await this.cql.execute(s);
  }

  /**
   * `follower` follows `followee`: CAS on follow_edges, then (winner only) a logged batch of the
   * followers and following rows at the CAS version, then both counters.
   * @returns true if created, false if the follow existed.
   * @throws InvalidArgumentError for a self-follow or ids that are not non-negative safe integers; the driver's ResponseError (e.g. Unavailable, WriteTimeout of type CAS).
   */
  follow(follower: number, followee: number): Promise<boolean> {
    checkPair(follower, followee);
    return this.serial(`${follower}>${followee}`, () => this.change(follower, followee, true));
  }

  /**
   * `follower` stops following `followee` (CAS, then the two deletes in one logged batch at the CAS version, then counters - 1).
   * @returns true if removed, false if there was no follow.
   * @throws as follow().
   */
  unfollow(follower: number, followee: number): Promise<boolean> {
    checkPair(follower, followee);
    return this.serial(`${follower}>${followee}`, () => this.change(follower, followee, false));
  }

  /** Run `fn` after the previous operation on `key` in this process settled. */
  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.chains.set(key, tail);
    void tail.then(() => {
      if (this.chains.get(key) === tail) this.chains.delete(key);
    });
    return run;
  }

  private async change(follower: number, followee: number, want: boolean): Promise<boolean> {
    const ks = this.ks;
    for (let attempt = 0; attempt < MAX_CAS; attempt++) {
      const cur = await this.exec(`SELECT active, v FROM ${ks}.follow_edges WHERE follower_id = ? AND followee_id = ?`, [follower, followee], {
        consistency: cassandra.types.consistencies.serial,
      });
      const row = cur.first();
      const active = row ? row.get('active') === true : false;
      if (active === want) return false;
      const oldV = row ? toNum(row.get('v')) : 0;
      const v = Math.max(oldV + 1, Date.now() * 1000);
      const cas = row
        ? await this.exec(`UPDATE ${ks}.follow_edges SET active = ?, v = ? WHERE follower_id = ? AND followee_id = ? IF v = ?`, [want, v, follower, followee, oldV])
        : await this.exec(`INSERT INTO ${ks}.follow_edges (follower_id, followee_id, active, v) VALUES (?, ?, ?, ?) IF NOT EXISTS`, [follower, followee, want, v]);
      if (cas.first()?.get('[applied]') !== true) continue;
      const ts = cassandra.types.Long.fromNumber(v);
      const queries = want
        ? [
            { query: `INSERT INTO ${ks}.followers (user_id, follower_id) VALUES (?, ?)`, params: [followee, follower] },
            { query: `INSERT INTO ${ks}.following (user_id, following_id) VALUES (?, ?)`, params: [follower, followee] },
          ]
        : [
            { query: `DELETE FROM ${ks}.followers WHERE user_id = ? AND follower_id = ?`, params: [followee, follower] },
            { query: `DELETE FROM ${ks}.following WHERE user_id = ? AND following_id = ?`, params: [follower, followee] },
          ];
      await this.cql.batch(queries, { prepare: true, logged: true, timestamp: ts });
      const d = cassandra.types.Long.fromNumber(want ? 1 : -1);
      await this.cql.batch(
        [
          { query: `UPDATE ${ks}.follow_counts SET following = following + ? WHERE user_id = ?`, params: [d, follower] },
          { query: `UPDATE ${ks}.follow_counts SET followers = followers + ? WHERE user_id = ?`, params: [d, followee] },
        ],
        { prepare: true, counter: true },
      );
      return true;
    }
    throw new InvalidArgumentError(PATH_ID, `the follow ${follower} -> ${followee} changed ${MAX_CAS} times under this operation; giving up`);
  }

  /** Whether `follower` follows `followee` (one row of following). */
  async isFollowing(follower: number, followee: number): Promise<boolean> {
    const rs = await this.exec(`SELECT following_id FROM ${this.ks}.following WHERE user_id = ? AND following_id = ?`, [follower, followee]);
    return rs.rowLength === 1;
  }

  /**
   * Followers of `userId`, ascending, keyset-paginated: one slice of the followers partition.
   * @throws InvalidArgumentError for a limit outside 1..10000.
   */
  followers(userId: number, page: PageOptions = {}): Promise<UserPage> {
    return this.page('followers', 'follower_id', userId, page);
  }

  /**
   * Users `userId` follows, ascending, keyset-paginated (one slice of the following partition).
   * @throws InvalidArgumentError for a limit outside 1..10000.
   */
  following(userId: number, page: PageOptions = {}): Promise<UserPage> {
    return this.page('following', 'following_id', userId, page);
  }

  private async page(table: string, col: string, userId: number, page: PageOptions): Promise<UserPage> {
    const limit = checkLimit(page.limit);
    const ids = await this.slice(table, col, userId, page.after, limit + 1);
    const more = ids.length > limit;
    if (more) ids.length = limit;
    return { ids, next: more ? ids[limit - 1] : undefined };
  }

  private async slice(table: string, col: string, userId: number, after: number | undefined, n: number): Promise<number[]> {
    const rs =
      after === undefined
        ? await this.exec(`SELECT ${col} FROM ${this.ks}.${table} WHERE user_id = ? LIMIT ?`, [userId, n], { fetchSize: n })
        : await this.exec(`SELECT ${col} FROM ${this.ks}.${table} WHERE user_id = ? AND ${col} > ? LIMIT ?`, [userId, after, n], { fetchSize: n });
    return rs.rows.map((r) => toNum(r.get(col)));
  }

  /**
   * Followers of `userId` with the driver's paging state rather than a keyset cursor: pass the
   * returned pageState back to continue (how a celebrity's 1M followers are walked page by page
   * without the coordinator holding them).
   * @throws InvalidArgumentError for a fetchSize outside 1..10000.
   */
  async followersByPagingState(userId: number, fetchSize: number, pageState?: string): Promise<PagingStatePage> {
    checkLimit(fetchSize);
    const rs = await this.exec(`SELECT follower_id FROM ${this.ks}.followers WHERE user_id = ?`, [userId], { fetchSize, ...(pageState ? { pageState } : {}) });
    return { ids: rs.rows.map((r) => toNum(r.get('follower_id'))), pageState: rs.pageState ?? undefined };
  }

  /**
   * Users following both `a` and `b`, ascending, keyset-paginated. Cassandra has no join: the two
   * followers partitions are walked in follower_id order, MUTUAL_CHUNK rows at a time, and
   * intersected by a merge (cost: the rows of both partitions up to the page's end).
   * @throws InvalidArgumentError for a limit outside 1..10000.
   */
  async mutuals(a: number, b: number, page: PageOptions = {}): Promise<UserPage> {
    const limit = checkLimit(page.limit);
    const out: number[] = [];
    const it = (u: number) => {
      let buf: number[] = [];
      let i = 0;
      let cursor = page.after;
      let done = false;
      return async (): Promise<number | undefined> => {
        if (i === buf.length) {
          if (done) return undefined;
          buf = await this.slice('followers', 'follower_id', u, cursor, MUTUAL_CHUNK);
          i = 0;
          if (buf.length < MUTUAL_CHUNK) done = true;
          if (buf.length === 0) return undefined;
          cursor = buf[buf.length - 1];
        }
        return buf[i++];
      };
    };
    const na = it(a);
    const nb = it(b);
    let x = await na();
    let y = await nb();
    while (x !== undefined && y !== undefined && out.length <= limit) {
      if (x === y) {
        out.push(x);
        x = await na();
        y = await nb();
      } else if (x < y) x = await na();
      else y = await nb();
    }
    const more = out.length > limit;
    if (more) out.length = limit;
    return { ids: out, next: more ? out[limit - 1] : undefined };
  }

  /** Follower and following counts from follow_counts; zeros for a user never counted. */
  async counts(userId: number): Promise<FollowCounts> {
    const rs = await this.exec(`SELECT followers, following FROM ${this.ks}.follow_counts WHERE user_id = ?`, [userId]);
    const row = rs.first();
    return row ? { followers: toNum(row.get('followers') ?? 0), following: toNum(row.get('following') ?? 0) } : { followers: 0, following: 0 };
  }

  /** Cassandra keeps no users table: nothing to do (validates the range only). @throws InvalidArgumentError for a bad range. */
  async seedUsers(range: { first: number; count: number }): Promise<void> {
    if (!Number.isSafeInteger(range.first) || range.first < 0 || !Number.isSafeInteger(range.count) || range.count < 0) {
      throw new InvalidArgumentError(PATH_ID, `invalid user range first=${range.first} count=${range.count}.`, { hint: 'Use non-negative integers.' });
    }
  }

  /**
   * Bulk-load edges (load phase; not alongside live follow() on the same pairs): pairs already
   * active in follow_edges and duplicates in the input are skipped, self-follows dropped. State
   * rows and following rows go as concurrent prepared statements, followers rows as
   * single-partition unlogged batches of 200 (a celebrity's 1M followers = 5000 batches),
   * counters as one increment per user.
   * @returns the number of new edges.
   * @throws InvalidArgumentError when the arrays differ in length or hold a bad id.
   */
  async seedFollows(followers: readonly number[], followees: readonly number[]): Promise<number> {
    if (followers.length !== followees.length) throw new InvalidArgumentError(PATH_ID, 'followers and followees must have the same length');
    const seen = new Set<string>();
    const cand: [number, number][] = [];
    for (let i = 0; i < followers.length; i++) {
      const a = followers[i]!;
      const b = followees[i]!;
      if (a === b) continue;
      checkPair(a, b);
      const k = `${a}>${b}`;
      if (seen.has(k)) continue;
      seen.add(k);
      cand.push([a, b]);
    }
    const ks = this.ks;
    // One read per pair: a pair already active (from follow() or an earlier load) is not counted twice.
    const active = new Array<boolean>(cand.length).fill(false);
    await inParallel(
      cand.map(([a, b], i) => async () => {
        active[i] = (await this.exec(`SELECT active FROM ${ks}.follow_edges WHERE follower_id = ? AND followee_id = ?`, [a, b])).first()?.get('active') === true;
      }),
      CONCURRENCY,
    );
    const fresh = cand.filter((_, i) => !active[i]);
    const opts = { concurrencyLevel: CONCURRENCY, raiseOnFirstError: true };
    const v = Date.now() * 1000;
    await cassandra.concurrent.executeConcurrent(this.cql, `INSERT INTO ${ks}.follow_edges (follower_id, followee_id, active, v) VALUES (?, ?, true, ?)`, fresh.map(([a, b]) => [a, b, v]), opts);
    await cassandra.concurrent.executeConcurrent(this.cql, `INSERT INTO ${ks}.following (user_id, following_id) VALUES (?, ?) USING TIMESTAMP ?`, fresh.map(([a, b]) => [a, b, v]), opts);
    const byFollowee = new Map<number, number[]>();
    const fwing = new Map<number, number>();
    for (const [a, b] of fresh) {
      let l = byFollowee.get(b);
      if (l === undefined) byFollowee.set(b, (l = []));
      l.push(a);
      fwing.set(a, (fwing.get(a) ?? 0) + 1);
    }
    const batches: unknown[][] = [];
    for (const [b, fs] of byFollowee) for (let i = 0; i < fs.length; i += SEED_BATCH) batches.push([b, fs.slice(i, i + SEED_BATCH)]);
    await inParallel(
      batches.map(([b, fs]) => () =>
        this.cql.batch((fs as number[]).map((a) => ({ query: `INSERT INTO ${ks}.followers (user_id, follower_id) VALUES (?, ?) USING TIMESTAMP ?`, params: [b, a, v] })), { prepare: true, logged: false }),
      ),
      16,
    );
    const L = cassandra.types.Long.fromNumber;
    await cassandra.concurrent.executeConcurrent(this.cql, `UPDATE ${ks}.follow_counts SET followers = followers + ? WHERE user_id = ?`, [...byFollowee].map(([u, fs]) => [L(fs.length), u]), opts);
    await cassandra.concurrent.executeConcurrent(this.cql, `UPDATE ${ks}.follow_counts SET following = following + ? WHERE user_id = ?`, [...fwing].map(([u, n]) => [L(n), u]), opts);
    return fresh.length;
  }

  /** TRUNCATE followers, following, follow_edges and follow_counts of this keyspace (only this keyspace; users: nothing more to remove). */
  async reset(): Promise<void> {
    for (const t of ['followers', 'following', 'follow_edges', 'follow_counts']) await this.cql.execute(`TRUNCATE ${this.ks}.${t}`);
  }
}

/** Run the thunks with at most `limit` in flight; rejects with the first error. */
async function inParallel(jobs: readonly (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) await jobs[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, lane));
}

function checkLimit(limit: number | undefined): number {
  const l = limit ?? 100;
  if (!Number.isSafeInteger(l) || l < 1 || l > MAX_LIMIT) throw new InvalidArgumentError(PATH_ID, `limit must be an integer in 1..${MAX_LIMIT}, got ${l}`);
  return l;
}

function checkPair(follower: number, followee: number): void {
  for (const x of [follower, followee]) if (!Number.isSafeInteger(x) || x < 0) throw new InvalidArgumentError(PATH_ID, `user ids must be non-negative safe integers, got ${follower}, ${followee}`);
  if (follower === followee) throw new InvalidArgumentError(PATH_ID, `user ${follower} cannot follow themself`);
}

/** The registration of follows.cassandra (reference-impl/registry.ts). */
export const cassandraFollowsPath = defineStoragePath({
  id: PATH_ID,
  family: 'follows',
  stores: ['cassandra'],
  seed: [
    { doc: '001', section: 'Social Graph Database' },
    { doc: '004', section: 'Social Graph Database' },
  ],
  summary: 'followers/following written in one logged batch at a Paxos-CAS version; counter table; keyset or paging-state pages; mutuals by merge',
  open: (clients, o = {}) => new CassandraFollows(clientOf(clients, 'cassandra', PATH_ID), o),
});
