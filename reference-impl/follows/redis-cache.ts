/**
 * follows.redis-cache: seed 001/004 "Social Graph Cache (Redis)" as cache-aside over a backing
 * follows path (follows.pg by default, follows.cassandra with `backing: "cassandra"`):
 *   <prefix>followers:{id}, <prefix>following:{id}  sets of ids, TTL 1 h (setTtlSeconds);
 *   <prefix>follow_count:{id}                       hash {followers, following}, TTL 5 min (countTtlSeconds).
 * Reads: a hit answers from Redis (a page = SMEMBERS, sorted, sliced: O(set size), fine for
 * ordinary users; sets above maxCachedSet members are not cached and go to the backing path,
 * so a celebrity's 1M followers are never copied into one key); a miss reads the backing path
 * (all pages), fills the key in one MULTI (DEL, SADD, EXPIRE) and answers. An empty set is
 * stored as the single member "-" (Redis keeps no empty sets), so "no followers" is cached too.
 * mutuals: SINTER of the two followers sets (both filled first).
 * Writes go to the backing path; when it changed something, the four keys it affects
 * (followers:{followee}, following:{follower}, both follow_count hashes) are deleted, so the
 * next read refills them. Staleness: a read that raced a write may refill a key with the old
 * set after the DEL; that copy lives at most one TTL (the bound seed 001 accepts by giving the
 * cache a TTL).
 */
import { InvalidArgumentError } from '../../core/errors.js';
import type { RedisClient } from '../../targets/redis/driver.js';
import { escapeGlob, unlinkMatching } from '../common/redis-keys.js';
import { clientOf, defineStoragePath } from '../path.js';
import { CassandraFollows } from './cassandra.js';
import { PgFollows } from './pg.js';
import type { FollowCounts, FollowGraph, FollowGraphOptions, FollowResetOptions, PageOptions, UserPage } from './types.js';

const PATH_ID = 'follows.redis-cache';
/** Largest page size (as the other follows paths). */
const MAX_LIMIT = 10_000;
/** Sets larger than this are not cached (read through to the backing path). */
const MAX_CACHED_SET = 100_000;
/** Member standing for "the set is cached and empty". */
const EMPTY = '-';

/** Cache hits and misses since open, for tests and reports. */
export interface CacheStats {
  hits: number;
  misses: number;
}

/**
 * follows.redis-cache on a Redis client and its backing FollowGraph (neither closed here).
 * @throws InvalidArgumentError (constructor) for a TTL outside 1..86400 s.
 */
export class RedisCachedFollows implements FollowGraph {
  readonly path = PATH_ID;
  readonly backing: FollowGraph;
  readonly prefix: string;
  readonly setTtl: number;
  readonly countTtl: number;
  readonly stats: CacheStats = { hits: 0, misses: 0 };
  private readonly redis: RedisClient;

  constructor(redis: RedisClient, backing: FollowGraph, o: FollowGraphOptions = {}) {
    const ttl = (name: string, v: number | undefined, d: number) => {
      const x = v ?? d;
      if (!Number.isSafeInteger(x) || x < 1 || x > 86_400) throw new InvalidArgumentError(PATH_ID, `${name} must be an integer in 1..86400 seconds, got ${x}`);
      return x;
    };
    this.redis = redis;
    this.backing = backing;
    this.prefix = o.redisPrefix ?? `fc:${o.keyspace ?? o.schema ?? 'public'}:`;
    this.setTtl = ttl('setTtlSeconds', o.setTtlSeconds, 3600);
    this.countTtl = ttl('countTtlSeconds', o.countTtlSeconds, 300);
  }

  /** Key of a cached set or hash. */
  key(kind: 'followers' | 'following' | 'follow_count', userId: number): string {
    return `${this.prefix}${kind}:${userId}`;
  }

  /** The backing path's setup (schema); Redis needs none. */
  setup(): Promise<void> {
    return this.backing.setup();
  }

  /** follow on the backing path, then invalidate the four affected keys. @returns and @throws as the backing path. */
  async follow(follower: number, followee: number): Promise<boolean> {
    this.checkPair(follower, followee);
    const changed = await this.backing.follow(follower, followee);
    if (changed) await this.invalidate(follower, followee);
    return changed;
  }

  /** unfollow on the backing path, then invalidate. @returns and @throws as the backing path. */
  async unfollow(follower: number, followee: number): Promise<boolean> {
    this.checkPair(follower, followee);
    const changed = await this.backing.unfollow(follower, followee);
    if (changed) await this.invalidate(follower, followee);
    return changed;
  }

  private checkPair(a: number, b: number): void {
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || a < 0 || b < 0) throw new InvalidArgumentError(PATH_ID, `user ids must be non-negative safe integers, got ${a}, ${b}`);
    if (a === b) throw new InvalidArgumentError(PATH_ID, `user ${a} cannot follow themself`);
  }

  private async invalidate(follower: number, followee: number): Promise<void> {
    await this.redis.del([this.key('followers', followee), this.key('following', follower), this.key('follow_count', follower), this.key('follow_count', followee)]);
  }

  /** SISMEMBER on a cached following set, else the backing path (no fill: one pair is cheap there). */
  async isFollowing(follower: number, followee: number): Promise<boolean> {
    const k = this.key('following', follower);
    if ((await this.redis.exists(k)) === 1) {
      this.stats.hits++;
      return (await this.redis.sIsMember(k, String(followee))) === 1;
    }
    return this.backing.isFollowing(follower, followee);
  }

  /** Followers of `userId`, ascending, keyset-paginated, from followers:{id} (filled on a miss). @throws InvalidArgumentError for a limit outside 1..10000. */
  followers(userId: number, page: PageOptions = {}): Promise<UserPage> {
    return this.page('followers', userId, page);
  }

  /** Users `userId` follows, from following:{id}. @throws InvalidArgumentError for a limit outside 1..10000. */
  following(userId: number, page: PageOptions = {}): Promise<UserPage> {
    return this.page('following', userId, page);
  }

  private async page(kind: 'followers' | 'following', userId: number, page: PageOptions): Promise<UserPage> {
    const limit = checkLimit(page.limit);
    const ids = await this.members(kind, userId);
    if (ids === undefined) return kind === 'followers' ? this.backing.followers(userId, page) : this.backing.following(userId, page);
    return slicePage(ids, page.after, limit);
  }

  /**
   * The whole set, ascending: from Redis on a hit, else read from the backing path and cached
   * with its TTL. undefined when the set is larger than MAX_CACHED_SET (not cached).
   */
  private async members(kind: 'followers' | 'following', userId: number): Promise<number[] | undefined> {
    const k = this.key(kind, userId);
    const got = await this.redis.sMembers(k);
    if (got.length > 0) {
      this.stats.hits++;
      return got.filter((m) => m !== EMPTY).map(Number).sort((a, b) => a - b);
    }
    this.stats.misses++;
    const ids = await this.fill(kind, userId);
    return ids;
  }

  private async fill(kind: 'followers' | 'following', userId: number): Promise<number[] | undefined> {
    const ids: number[] = [];
    let after: number | undefined;
    for (;;) {
      const p = kind === 'followers' ? await this.backing.followers(userId, { limit: MAX_LIMIT, after }) : await this.backing.following(userId, { limit: MAX_LIMIT, after });
      ids.push(...p.ids);
      if (ids.length > MAX_CACHED_SET) return undefined;
      if (p.next === undefined) break;
      after = p.next;
    }
    const k = this.key(kind, userId);
    await this.redis
      .multi()
      .del(k)
      .sAdd(k, ids.length === 0 ? [EMPTY] : ids.map(String))
      .expire(k, this.setTtl)
      .exec();
    return ids;
  }

  /** Common followers of a and b: SINTER followers:{a} followers:{b} (both filled first); backing path when either is too large to cache. @throws InvalidArgumentError for a limit outside 1..10000. */
  async mutuals(a: number, b: number, page: PageOptions = {}): Promise<UserPage> {
    const limit = checkLimit(page.limit);
    const ma = await this.members('followers', a);
    const mb = ma === undefined ? undefined : await this.members('followers', b);
    if (ma === undefined || mb === undefined) return this.backing.mutuals(a, b, page);
    const inter = (await this.redis.sInter([this.key('followers', a), this.key('followers', b)])).filter((m) => m !== EMPTY).map(Number).sort((x, y) => x - y);
    return slicePage(inter, page.after, limit);
  }

  /** Counts from follow_count:{id} (HGETALL), filled from the backing path with a 5-min TTL on a miss. */
  async counts(userId: number): Promise<FollowCounts> {
    const k = this.key('follow_count', userId);
    const h = await this.redis.hGetAll(k);
    if (h.followers !== undefined && h.following !== undefined) {
      this.stats.hits++;
      return { followers: Number(h.followers), following: Number(h.following) };
    }
    this.stats.misses++;
    const c = await this.backing.counts(userId);
    await this.redis.multi().hSet(k, { followers: String(c.followers), following: String(c.following) }).expire(k, this.countTtl).exec();
    return c;
  }

  /** As the backing path. */
  seedUsers(range: { first: number; count: number }): Promise<void> {
    return this.backing.seedUsers(range);
  }

  /** Bulk-load on the backing path, then drop every cached key of this prefix (the load changed sets wholesale). */
  async seedFollows(followers: readonly number[], followees: readonly number[]): Promise<number> {
    const n = await this.backing.seedFollows(followers, followees);
    await this.dropCache();
    return n;
  }

  /** Reset the backing path and remove every key of this prefix. */
  async reset(opts?: FollowResetOptions): Promise<void> {
    await this.backing.reset(opts);
    await this.dropCache();
  }

  /** UNLINK every key under this prefix. @returns keys removed. */
  dropCache(): Promise<number> {
    return unlinkMatching(this.redis, `${escapeGlob(this.prefix)}*`);
  }
}

/** Keyset page of an ascending array. */
function slicePage(ids: readonly number[], after: number | undefined, limit: number): UserPage {
  let i = 0;
  if (after !== undefined) while (i < ids.length && ids[i]! <= after) i++;
  const out = ids.slice(i, i + limit + 1);
  const more = out.length > limit;
  if (more) out.length = limit;
  return { ids: out, next: more ? out[limit - 1] : undefined };
}

function checkLimit(limit: number | undefined): number {
  const l = limit ?? 100;
  if (!Number.isSafeInteger(l) || l < 1 || l > MAX_LIMIT) throw new InvalidArgumentError(PATH_ID, `limit must be an integer in 1..${MAX_LIMIT}, got ${l}`);
  return l;
}

/** The registration of follows.redis-cache (reference-impl/registry.ts). With backing "cassandra" the caller must also connect Cassandra. */
export const redisCacheFollowsPath = defineStoragePath({
  id: PATH_ID,
  family: 'follows',
  stores: ['redis', 'postgres'],
  seed: [
    { doc: '001', section: 'Social Graph Cache (Redis)' },
    { doc: '004', section: 'Social Graph Cache (Redis)' },
  ],
  summary: 'cache-aside over follows.pg (or follows.cassandra): followers:/following: sets TTL 1 h, follow_count hash TTL 5 min, SINTER mutuals; writes invalidate',
  open: (clients, o = {}) => {
    const backing =
      (o.backing ?? 'pg') === 'cassandra'
        ? new CassandraFollows(clientOf(clients, 'cassandra', PATH_ID), o)
        : new PgFollows(clientOf(clients, 'postgres', PATH_ID), o);
    return new RedisCachedFollows(clientOf(clients, 'redis', PATH_ID), backing, o);
  },
});
