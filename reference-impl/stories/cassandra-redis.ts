/**
 * stories.cassandra-redis: seed 001 "3. Stories Database (Cassandra + Redis)".
 *
 * Cassandra (keyspace cb_stories by default):
 *   stories (user_id, created_at DESC, story_id DESC) WITH default_time_to_live = 86400 (as the seed);
 *   stories_by_id (story_id) with the same default TTL (capbench's: the seed gives no way to read
 *   a story by id once story:{id} has left Redis; docs/errata.md S1).
 * Redis (prefix "st:" by default), every key with the story lifetime as TTL (24 h):
 *   <prefix>active_stories:{user_id}   list of story ids, newest pushed first (LPUSHX: only a list
 *                                      that exists is extended; a missing one is refilled from
 *                                      Cassandra by the next active(), so it never hides older stories);
 *   <prefix>story:{story_id}           the story as JSON;
 *   <prefix>story_views:{story_id}     set of viewer ids (exact distinct viewers);
 *   <prefix>story_views_hll:{story_id} HyperLogLog of the same viewers (seed 003 "HyperLogLog":
 *                                      12 KB, 0.81% error), side by side with the set.
 * Expiry needs no delete: the rows carry a TTL (the table default, or USING TTL for a shorter
 * `ttlSeconds`), the story: key an EX, so both vanish together. Ids of expired stories left in an
 * active_stories list are skipped (MGET returns nil) and LREMed on read. View keys get their TTL on
 * the first view (EXPIRE NX), so they outlive the story by at most the delay of that first view.
 * views_count in the stories row is not kept (docs/errata.md S2): views live in Redis, as 001 says.
 */
import cassandra from 'cassandra-driver';
import { InvalidArgumentError } from '../../core/errors.js';
import type { CassandraClient } from '../../targets/cassandra/client.js';
import type { RedisClient } from '../../targets/redis/driver.js';
import { escapeGlob, unlinkMatching } from '../common/redis-keys.js';
import { KEYSPACE_RE, keyspaceDdl } from '../feed/schema.js';
import { clientOf, defineStoragePath } from '../path.js';
import type { Story, StoryStore, StoryStoreOptions, ViewCounts } from './types.js';

const PATH_ID = 'stories.cassandra-redis';
/** Seed 001: "TTL: 24 hours (86400 seconds)". */
export const STORY_TTL_S = 86_400;
/** Most stories active() returns. */
const MAX_ACTIVE = 100;
const PREFIX_RE = /^[\w:.-]{0,64}$/;

const toNum = (v: unknown): number => (v instanceof cassandra.types.Long ? v.toNumber() : Number(v));

/** The stories DDL: the seed's table as written (it runs on Cassandra 5), and stories_by_id. */
export function storiesDdl(ks: string): string[] {
  return [
    ...keyspaceDdl(ks),
    `CREATE TABLE IF NOT EXISTS ${ks}.stories (
      story_id BIGINT, user_id BIGINT, media_url TEXT, media_type TEXT,
      created_at TIMESTAMP, expires_at TIMESTAMP, views_count INT, is_deleted BOOLEAN,
      PRIMARY KEY (user_id, created_at, story_id)
    ) WITH CLUSTERING ORDER BY (created_at DESC, story_id DESC)
    AND default_time_to_live = ${STORY_TTL_S}`,
    `CREATE TABLE IF NOT EXISTS ${ks}.stories_by_id (
      story_id BIGINT PRIMARY KEY, user_id BIGINT, media_url TEXT, media_type TEXT, created_at TIMESTAMP
    ) WITH default_time_to_live = ${STORY_TTL_S}`,
  ];
}

/**
 * stories.cassandra-redis on connected clients (never closed here).
 * @throws InvalidArgumentError (constructor) for a bad keyspace, prefix or ttlSeconds outside 1..86400.
 */
export class CassandraRedisStories implements StoryStore {
  readonly path = PATH_ID;
  readonly ks: string;
  readonly prefix: string;
  readonly ttlSeconds: number;
  private readonly cql: CassandraClient;
  private readonly redis: RedisClient;

  constructor(cql: CassandraClient, redis: RedisClient, o: StoryStoreOptions = {}) {
    const ks = o.keyspace ?? 'cb_stories';
    if (!KEYSPACE_RE.test(ks)) throw new InvalidArgumentError(PATH_ID, `keyspace "${ks}" is not a plain lower-case identifier`, { hint: 'Use letters, digits and _, starting with a letter, at most 48 characters.' });
    const prefix = o.redisPrefix ?? 'st:';
    if (!PREFIX_RE.test(prefix)) throw new InvalidArgumentError(PATH_ID, `redisPrefix "${prefix}" may hold only letters, digits, _ : . - (at most 64)`);
    const ttl = o.ttlSeconds ?? STORY_TTL_S;
    if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > STORY_TTL_S) throw new InvalidArgumentError(PATH_ID, `ttlSeconds must be an integer in 1..86400, got ${ttl}`);
    this.ks = ks;
    this.prefix = prefix;
    this.ttlSeconds = ttl;
    this.cql = cql;
    this.redis = redis;
  }

  /** Redis key of one kind for an id. */
  key(kind: 'active_stories' | 'story' | 'story_views' | 'story_views_hll', id: number): string {
    return `${this.prefix}${kind}:${id}`;
  }

  /** Create the keyspace and both tables if missing (idempotent). */
  async setup(): Promise<void> {
    for (const s of storiesDdl(this.ks)) await this.cql.execute(s);
  }

  /**
   * Write the story to both tables (one logged batch; USING TTL when ttlSeconds < 86400, else the
   * table default applies), then story:{id} with EX and LPUSHX into active_stories:{user}.
   * @throws InvalidArgumentError for bad ids/time/media; the drivers' errors.
   */
  async create(s: Story): Promise<void> {
    for (const x of [s.storyId, s.userId, s.createdAt]) {
      if (!Number.isSafeInteger(x) || x < 0) throw new InvalidArgumentError(PATH_ID, `storyId, userId and createdAt must be non-negative safe integers, got ${s.storyId}, ${s.userId}, ${s.createdAt}`);
    }
    if (s.mediaType !== 'image' && s.mediaType !== 'video') throw new InvalidArgumentError(PATH_ID, `mediaType must be "image" or "video", got ${String(s.mediaType)}`);
    if (typeof s.mediaUrl !== 'string' || s.mediaUrl.length === 0 || s.mediaUrl.length > 2048) throw new InvalidArgumentError(PATH_ID, 'mediaUrl must be a string of 1..2048 characters');
    const at = new Date(s.createdAt);
    const expires = new Date(s.createdAt + this.ttlSeconds * 1000);
    const ttl = this.ttlSeconds === STORY_TTL_S ? '' : ` USING TTL ${this.ttlSeconds}`;
    await this.cql.batch(
      [
        {
          query: `INSERT INTO ${this.ks}.stories (user_id, created_at, story_id, media_url, media_type, expires_at, is_deleted) VALUES (?, ?, ?, ?, ?, ?, false)${ttl}`,
          params: [s.userId, at, s.storyId, s.mediaUrl, s.mediaType, expires],
        },
        { query: `INSERT INTO ${this.ks}.stories_by_id (story_id, user_id, media_url, media_type, created_at) VALUES (?, ?, ?, ?, ?)${ttl}`, params: [s.storyId, s.userId, s.mediaUrl, s.mediaType, at] },
      ],
      { prepare: true, logged: true },
    );
    const active = this.key('active_stories', s.userId);
    await this.redis
      .multi()
      .set(this.key('story', s.storyId), JSON.stringify(s), { EX: this.ttlSeconds })
      .lRem(active, 0, String(s.storyId))
      .lPushX(active, String(s.storyId))
      .expire(active, this.ttlSeconds, 'GT')
      .exec();
  }

  /** story:{id} from Redis; on a miss the stories_by_id row, re-cached with its remaining TTL. */
  async get(storyId: number): Promise<Story | undefined> {
    const cached = await this.redis.get(this.key('story', storyId));
    if (cached !== null) return JSON.parse(cached) as Story;
    const row = (await this.cql.execute(`SELECT story_id, user_id, media_url, media_type, created_at, TTL(media_url) AS ttl FROM ${this.ks}.stories_by_id WHERE story_id = ?`, [storyId], { prepare: true })).first();
    if (!row) return undefined;
    const story = fromRow(row);
    const left = Number(row.get('ttl'));
    if (left > 0) await this.redis.set(this.key('story', storyId), JSON.stringify(story), { EX: left });
    return story;
  }

  /**
   * The user's active stories, newest first: LRANGE active_stories:{user} then MGET story:{ids}
   * (expired ids dropped and LREMed). A missing list is refilled from the stories partition
   * (expired rows are already invisible there) with the newest story's remaining TTL.
   */
  async active(userId: number): Promise<Story[]> {
    const listKey = this.key('active_stories', userId);
    const ids = await this.redis.lRange(listKey, 0, MAX_ACTIVE - 1);
    if (ids.length > 0) {
      const values = await this.redis.mGet(ids.map((id) => this.key('story', Number(id))));
      const out: Story[] = [];
      const gone: string[] = [];
      values.forEach((v, i) => (v === null ? gone.push(ids[i]!) : out.push(JSON.parse(v) as Story)));
      if (gone.length > 0) {
        const m = this.redis.multi();
        for (const id of gone) m.lRem(listKey, 0, id);
        await m.exec();
      }
      return out.sort(newestFirst);
    }
    const rs = await this.cql.execute(
      `SELECT story_id, user_id, media_url, media_type, created_at, TTL(media_url) AS ttl FROM ${this.ks}.stories WHERE user_id = ? LIMIT ${MAX_ACTIVE}`,
      [userId],
      { prepare: true },
    );
    const stories = rs.rows.map(fromRow);
    if (stories.length > 0) {
      const m = this.redis.multi().del(listKey).rPush(listKey, stories.map((s) => String(s.storyId)));
      let maxLeft = 0;
      rs.rows.forEach((r, i) => {
        const left = Number(r.get('ttl'));
        if (left > 0) m.set(this.key('story', stories[i]!.storyId), JSON.stringify(stories[i]), { EX: left });
        maxLeft = Math.max(maxLeft, left);
      });
      m.expire(listKey, Math.max(1, maxLeft));
      await m.exec();
    }
    return stories;
  }

  /** SADD story_views:{id} and PFADD story_views_hll:{id} in one MULTI, each given the story TTL on first view (EXPIRE NX). @returns whether the viewer was new (SADD added). */
  async view(storyId: number, viewerId: number): Promise<boolean> {
    if (!Number.isSafeInteger(viewerId) || viewerId < 0) throw new InvalidArgumentError(PATH_ID, `viewerId must be a non-negative safe integer, got ${viewerId}`);
    const set = this.key('story_views', storyId);
    const hll = this.key('story_views_hll', storyId);
    const v = String(viewerId);
    const r = await this.redis.multi().sAdd(set, v).pfAdd(hll, v).expire(set, this.ttlSeconds, 'NX').expire(hll, this.ttlSeconds, 'NX').exec();
    return Number(r[0]) === 1;
  }

  /** SCARD and PFCOUNT of the story's two view keys. */
  async viewCounts(storyId: number): Promise<ViewCounts> {
    const [exact, approx] = await Promise.all([this.redis.sCard(this.key('story_views', storyId)), this.redis.pfCount(this.key('story_views_hll', storyId))]);
    return { exact: Number(exact), approx: Number(approx) };
  }

  /** TRUNCATE both tables of this keyspace; UNLINK every key under this prefix. */
  async reset(): Promise<void> {
    for (const t of ['stories', 'stories_by_id']) await this.cql.execute(`TRUNCATE ${this.ks}.${t}`);
    await unlinkMatching(this.redis, `${escapeGlob(this.prefix)}*`);
  }
}

function fromRow(r: cassandra.types.Row): Story {
  return {
    storyId: toNum(r.get('story_id')),
    userId: toNum(r.get('user_id')),
    mediaUrl: String(r.get('media_url')),
    mediaType: r.get('media_type') === 'video' ? 'video' : 'image',
    createdAt: (r.get('created_at') as Date).getTime(),
  };
}

function newestFirst(a: Story, b: Story): number {
  return b.createdAt - a.createdAt || b.storyId - a.storyId;
}

/** The registration of stories.cassandra-redis (reference-impl/registry.ts). */
export const cassandraRedisStoriesPath = defineStoragePath({
  id: PATH_ID,
  family: 'stories',
  stores: ['redis', 'cassandra'],
  seed: [
    { doc: '001', section: 'Stories Database (Cassandra + Redis)' },
    { doc: '003', section: 'Redis Deep Dive / Data Structures (HyperLogLog)' },
  ],
  summary: 'stories table with default_time_to_live 86400; active_stories:/story:/story_views: in Redis with the same TTL; views as a set and a HyperLogLog side by side',
  open: (clients, o = {}) => new CassandraRedisStories(clientOf(clients, 'cassandra', PATH_ID), clientOf(clients, 'redis', PATH_ID), o),
});
