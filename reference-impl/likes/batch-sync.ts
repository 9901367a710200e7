/**
 * likes.batch-sync: likes land in Redis and a background flusher moves the deltas into
 * MongoDB's `posts.likes` in batches (seed 000, "Likes System": "Redis → MongoDB, async batch
 * updates, 100K+/s"). Here MongoDB is FerretDB 1.24 (SQLite backend), a wire-protocol stand-in.
 *
 * Keys (all behind keyPrefix):
 * - live count, the read model: `bs:c:{id}` (redisLayout "incr", INCR) or field `id % 128` of
 *   `bs:h:{floor(id/128)}` (redisLayout "hash", HINCRBY);
 * - `bs:pend`: hash postId -> likes not yet flushed (the dirty set and its deltas in one key);
 * - `bs:fly` / `bs:flyid`: the batch being flushed and its id; `bs:seq`, `bs:done`: last batch id taken / acknowledged.
 * like() is one Lua script: increment the live count and HINCRBY bs:pend, atomically (one
 * round trip, so a like is counted in both or neither).
 *
 * Flush (flushOnce), at most one batch in flight:
 * 1. take (Lua, atomic): if bs:flyid exists, resume that batch (a flusher died); else RENAME
 *    bs:pend -> bs:fly and SET bs:flyid = b, with b = max(INCR bs:seq, now in ms) so batch ids
 *    only grow, even after Redis lost bs:seq;
 * 2. apply: bulkWrite `updateOne({_id, lb: {$lt: b}}, {$inc: {likes: d}, $set: {lb: b}}, {upsert})`
 *    per post: each document records the last batch applied to it, so replaying batch b (after a
 *    crash anywhere in 2-3) skips the documents that already have it (their upsert fails E11000,
 *    ignored) and creates the missing ones: nothing applied twice, with no multi-document
 *    transaction (FerretDB 1.24 has none; there the statements go one at a time);
 * 3. ack (Lua): DEL bs:fly / bs:flyid only if bs:flyid is still b (two flushers may run).
 *
 * Failure windows that remain:
 * - the flusher (process) dies at any point: nothing lost, nothing doubled (test:
 *   test/reference-impl/likes-batch-sync.test.ts kills a flusher process at random points).
 * - Redis loses data (kill -9, no fsync): every like in bs:pend and bs:fly that Redis had not
 *   persisted is lost: with persistence none, all of them since the last flush (up to
 *   flushMs of likes, plus the batch in flight); rdb: the same (snapshots are minutes apart);
 *   aof-everysec: up to ~1 s of likes; aof-always: none acknowledged (each like is fsynced
 *   before the reply). The live counts are lost with them and are rebuilt on demand.
 * - MongoDB unreachable: likes keep landing in Redis (backlog grows, nothing lost) and the
 *   flush retries on the next tick.
 * - a like whose reply is lost (timeout) may or may not be counted; it is never counted twice.
 * Post documents carry `lb` (one number): the cost of idempotency is 8 bytes a document.
 */
import type { Collection } from 'mongodb';
import type { RedisClient } from '../../targets/redis/driver.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { clientOf, defineStoragePath } from '../path.js';
import { escapeGlob, unlinkMatching } from '../common/redis-keys.js';
import { DUPLICATE_KEY, isDuplicateKey, isFerretDb, postsCollection, seedPosts, sumPosts, type PostLikesDoc, clearPosts } from '../common/mongo.js';
import { checkSeedRange, initialFor, type LikeCounter, type LikeCounterOptions, type SeedRange } from './types.js';

/** Options of this path: the family's LikeCounterOptions fields it reads (documented there). */
export type BatchSyncOptions = Pick<LikeCounterOptions, 'keyPrefix' | 'mongoDatabase' | 'schema' | 'flushMs' | 'flushBatch' | 'redisLayout'>;

/** Default flush period, ms (seed 000 "async batch updates"; no figure given). */
export const DEFAULT_FLUSH_MS = 1000;
/** Default early-flush threshold, pending posts. */
export const DEFAULT_FLUSH_BATCH = 10_000;
/** Posts per hash bucket with redisLayout "hash" (likes.redis-hash's default). */
const HASH_BUCKET = 128;
/** Operations per MongoDB bulkWrite. */
const BULK_CHUNK = 1000;

/** One flush, as flushOnce() reports it. */
export interface FlushResult {
  /** Batch id (ms-based, increasing); 0 when there was nothing to flush. */
  batch: number;
  /** Posts in the batch. */
  posts: number;
  /** Likes in the batch. */
  likes: number;
  /** True when the batch was left by an earlier flusher (resumed). */
  resumed: boolean;
  /** Wall-clock (Date.now(), ms) when the take ran and when the ack ran. */
  takenAt: number;
  doneAt: number;
}

const LIKE_INCR = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local n = redis.call('INCR', KEYS[1])
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
return n`;
const LIKE_HASH = `
if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 0 then return -1 end
local n = redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
return n`;
// KEYS: live, pend, fly, flyid, done; ARGV: postId, field ('' for incr), mongoLikes, mongoLb, doneSeen
const REPAIR = `
local exists
if ARGV[2] == '' then exists = redis.call('EXISTS', KEYS[1]) else exists = redis.call('HEXISTS', KEYS[1], ARGV[2]) end
if exists == 1 then return 1 end
if (redis.call('GET', KEYS[5]) or '0') ~= ARGV[5] then return -2 end
local n = tonumber(ARGV[3]) + tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local fid = redis.call('GET', KEYS[4])
if fid and tonumber(fid) > tonumber(ARGV[4]) then n = n + tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0') end
if ARGV[2] == '' then redis.call('SET', KEYS[1], n) else redis.call('HSET', KEYS[1], ARGV[2], n) end
return 1`;
// KEYS: pend, fly, flyid, seq; ARGV: now ms
const TAKE = `
local fid = redis.call('GET', KEYS[3])
if fid then return {fid, '1'} end
if redis.call('EXISTS', KEYS[1]) == 0 then return {'0', '0'} end
local b = math.max(redis.call('INCR', KEYS[4]), tonumber(ARGV[1]))
redis.call('SET', KEYS[4], b)
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('SET', KEYS[3], b)
return {tostring(b), '0'}`;
// KEYS: fly, flyid, done; ARGV: b
const ACK = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SET', KEYS[3], ARGV[1])
return 1`;
// KEYS: pend, fly
const PENDING = `
local s = 0
for _, k in ipairs(KEYS) do
  local v = redis.call('HVALS', k)
  for i = 1, #v do s = s + tonumber(v[i]) end
end
return s`;

/** Run a Lua script by EVALSHA, loading it on NOSCRIPT (after a Redis restart the cache is empty). */
class Script {
  private sha: string | undefined;
  constructor(private readonly src: string) {}
  async run<T>(client: RedisClient, keys: string[], args: string[]): Promise<T> {
    if (this.sha === undefined) this.sha = await client.scriptLoad(this.src);
    try {
      return (await client.evalSha(this.sha, { keys, arguments: args })) as T;
    } catch (err) {
      if (!String((err as Error)?.message).startsWith('NOSCRIPT')) throw err;
      this.sha = await client.scriptLoad(this.src);
      return (await client.evalSha(this.sha, { keys, arguments: args })) as T;
    }
  }
}

/**
 * likes.batch-sync (see the module comment for the keys, the flush and its failure windows).
 * The flusher does not start by itself: call startFlusher() in one process (the scenario does
 * it in its first worker thread); any number of processes may like() meanwhile.
 */
export class BatchSyncLikes implements LikeCounter {
  readonly path = 'likes.batch-sync' as const;
  readonly posts: Collection<PostLikesDoc>;
  readonly flushMs: number;
  readonly flushBatch: number;
  readonly layout: 'incr' | 'hash';
  /** SCAN pattern of every key this instance owns. */
  readonly keyPattern: string;
  /** Keys of the pending deltas, the batch in flight and its id. */
  readonly keys: { pend: string; fly: string; flyid: string; seq: string; done: string };
  private readonly client: RedisClient;
  private readonly head: string;
  private readonly like1: Script;
  private readonly repair = new Script(REPAIR);
  private readonly take = new Script(TAKE);
  private readonly ack = new Script(ACK);
  private readonly pendingScript = new Script(PENDING);
  /** Set by setup(): the server is FerretDB, where the flush writes one document at a time (docs/errata.md M1). */
  ferret = false;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<FlushResult> | undefined;
  private onFlush: ((r: FlushResult) => void) | undefined;

  /**
   * @param client a connected capbench RedisClient over either driver (targets/redis/driver.ts); posts: the MongoDB posts collection.
   * @throws InvalidArgumentError for flushMs < 10, flushBatch < 1 or an unknown redisLayout.
   */
  constructor(client: RedisClient, posts: Collection<PostLikesDoc>, opts: BatchSyncOptions = {}) {
    this.client = client;
    this.posts = posts;
    this.flushMs = opts.flushMs ?? DEFAULT_FLUSH_MS;
    this.flushBatch = opts.flushBatch ?? DEFAULT_FLUSH_BATCH;
    this.layout = opts.redisLayout ?? 'incr';
    if (!Number.isSafeInteger(this.flushMs) || this.flushMs < 10) throw new InvalidArgumentError(this.path, `invalid flushMs ${this.flushMs}.`, { hint: 'Use a whole number of milliseconds >= 10.' });
    if (!Number.isSafeInteger(this.flushBatch) || this.flushBatch < 1) throw new InvalidArgumentError(this.path, `invalid flushBatch ${this.flushBatch}.`, { hint: 'Use a whole number of posts >= 1.' });
    if (this.layout !== 'incr' && this.layout !== 'hash') throw new InvalidArgumentError(this.path, `invalid redisLayout "${String(this.layout)}".`, { hint: 'Use "incr" or "hash".' });
    const prefix = opts.keyPrefix ?? '';
    this.head = prefix + 'bs:';
    this.keyPattern = escapeGlob(prefix) + 'bs:*';
    const h = this.head;
    this.keys = { pend: h + 'pend', fly: h + 'fly', flyid: h + 'flyid', seq: h + 'seq', done: h + 'done' };
    this.like1 = new Script(this.layout === 'incr' ? LIKE_INCR : LIKE_HASH);
  }

  /** The live-count key of a post and its hash field ('' for the incr layout). */
  private live(postId: number): [string, string] {
    if (this.layout === 'incr') return [this.head + 'c:' + postId, ''];
    const b = Math.floor(postId / HASH_BUCKET);
    return [this.head + 'h:' + b, String(postId - b * HASH_BUCKET)];
  }

  /** Checks both servers answer (MongoDB `_id` needs no index). */
  async setup(): Promise<void> {
    await this.client.ping();
    await this.posts.findOne({ _id: -1 });
    this.ferret = await isFerretDb(this.posts);
  }

  /**
   * One Lua script: live count + 1 and pending delta + 1. When the live count is missing (a post
   * never liked here, or Redis lost it), it is first rebuilt from MongoDB's count plus the
   * deltas not yet applied to it (repairLive), then the like is retried.
   * @returns the live count after this like.
   */
  async like(postId: number): Promise<number> {
    const [key, field] = this.live(postId);
    const id = String(postId);
    const args = field === '' ? [id] : [id, field];
    for (;;) {
      const n = await this.like1.run<number>(this.client, [key, this.keys.pend], args);
      if (n >= 0) return n;
      await this.repairLive(postId, key, field);
    }
  }

  /**
   * Rebuild a missing live count: MongoDB's likes + the pending delta + the in-flight delta when
   * MongoDB does not have that batch yet (doc.lb < flyid). Retried when a batch was acknowledged
   * between the MongoDB read and the script (bs:done moved), so the result is exact.
   */
  private async repairLive(postId: number, key: string, field: string): Promise<void> {
    for (;;) {
      const done = (await this.client.get(this.keys.done)) ?? '0';
      const doc = await this.posts.findOne({ _id: postId }, { projection: { likes: 1, lb: 1 } });
      const k = this.keys;
      const r = await this.repair.run<number>(this.client, [key, k.pend, k.fly, k.flyid, k.done], [String(postId), field, String(doc?.likes ?? 0), String(doc?.lb ?? 0), done]);
      if (r === 1) return;
    }
  }

  /** The live count (GET / HGET), rebuilt from MongoDB when missing; 0 for an unknown post. */
  async count(postId: number): Promise<number> {
    const [key, field] = this.live(postId);
    const v = field === '' ? await this.client.get(key) : await this.client.hGet(key, field);
    if (v !== null && v !== undefined) return Number(v);
    await this.repairLive(postId, key, field);
    const again = field === '' ? await this.client.get(key) : await this.client.hGet(key, field);
    return Number(again ?? 0);
  }

  /**
   * Set counts: MongoDB documents `{likes: initial, lb: 0}` and the live counts, and drop any
   * pending delta of those posts. For load phases, with no like or flush running on the range.
   */
  async seed(range: SeedRange): Promise<void> {
    checkSeedRange(this.path, range);
    const end = range.first + range.count;
    await seedPosts(this.posts, range.first, range.count, (id) => initialFor(range, id));
    for (let start = range.first; start < end; start += 2000) {
      const stop = Math.min(end, start + 2000);
      const m = this.client.multi();
      const ids: string[] = [];
      for (let id = start; id < stop; id++) {
        const [key, field] = this.live(id);
        const n = String(initialFor(range, id));
        if (field === '') m.set(key, n);
        else m.hSet(key, field, n);
        ids.push(String(id));
      }
      m.hDel(this.keys.pend, ids);
      m.hDel(this.keys.fly, ids);
      await m.execAsPipeline();
    }
  }

  /** Stop the flusher, UNLINK every `{keyPrefix}bs:*` key and delete every post document. */
  async reset(): Promise<void> {
    await this.close();
    await unlinkMatching(this.client, this.keyPattern);
    await clearPosts(this.posts);
  }

  /** Likes acknowledged in Redis and not (yet) in MongoDB: the sum of bs:pend and bs:fly (partly applied batches counted whole). */
  pending(): Promise<number> {
    return this.pendingScript.run<number>(this.client, [this.keys.pend, this.keys.fly], []);
  }

  /** Dirty posts right now (HLEN bs:pend + HLEN bs:fly): the backlog. */
  async backlogPosts(): Promise<number> {
    const [a, b] = await Promise.all([this.client.hLen(this.keys.pend), this.client.hLen(this.keys.fly)]);
    return a + b;
  }

  /**
   * Every like this path holds, exactly: MongoDB's sum + bs:pend + the part of bs:fly not yet
   * applied (documents whose lb < flyid). posts: documents plus pending posts without one.
   * "Nothing lost" is acknowledged == total().likes.
   */
  async total(): Promise<{ likes: number; posts: number }> {
    const k = this.keys;
    const [pend, fly, flyid] = await Promise.all([this.client.hGetAll(k.pend), this.client.hGetAll(k.fly), this.client.get(k.flyid)]);
    const mongo = await sumPosts(this.posts);
    let likes = mongo.likes;
    const pendingIds = new Set<number>();
    for (const [id, d] of Object.entries(pend)) {
      likes += Number(d);
      pendingIds.add(Number(id));
    }
    const flyIds = Object.keys(fly).map(Number);
    const applied = new Set<number>();
    if (flyid !== null && flyIds.length > 0) {
      for (let i = 0; i < flyIds.length; i += BULK_CHUNK) {
        const docs = await this.posts.find({ _id: { $in: flyIds.slice(i, i + BULK_CHUNK) }, lb: { $gte: Number(flyid) } }, { projection: { _id: 1 } }).toArray();
        for (const d of docs) applied.add(d._id);
      }
    }
    for (const id of flyIds) {
      if (!applied.has(id)) likes += Number(fly[String(id)]);
      pendingIds.add(id);
    }
    let withDoc = 0;
    const ids = [...pendingIds];
    for (let i = 0; i < ids.length; i += BULK_CHUNK) withDoc += await this.posts.countDocuments({ _id: { $in: ids.slice(i, i + BULK_CHUNK) } });
    return { likes, posts: mongo.posts + ids.length - withDoc };
  }

  /**
   * Flush one batch (take, apply, ack; see the module comment). Concurrent calls in
   * this process share one flush. Safe to run from several processes at once.
   * @throws the driver's error when Redis or MongoDB fails; the batch stays in bs:fly and the
   *   next flushOnce() resumes it.
   */
  flushOnce(): Promise<FlushResult> {
    this.flushing ??= this.flushNow().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async flushNow(): Promise<FlushResult> {
    const k = this.keys;
    const takenAt = Date.now();
    const [bs, resumed] = await this.take.run<[string, string]>(this.client, [k.pend, k.fly, k.flyid, k.seq], [String(takenAt)]);
    const batch = Number(bs);
    if (batch === 0) return { batch: 0, posts: 0, likes: 0, resumed: false, takenAt, doneAt: Date.now() };
    const deltas = await this.client.hGetAll(k.fly);
    const ids = Object.keys(deltas);
    let likes = 0;
    // One upsert per post: `{_id, lb < b}` matches a document that has not had batch b yet and
    // applies the delta; no match on an existing document means b is already in it (the insert
    // then fails E11000, ignored); no document at all inserts {likes: d, lb: b}.
    const op = (id: string) => {
      const d = Number(deltas[id]);
      likes += d;
      return { filter: { _id: Number(id), lb: { $lt: batch } }, update: { $inc: { likes: d }, $set: { lb: batch } } };
    };
    if (this.ferret) {
      // FerretDB 1.24: one statement at a time (its bulk updates of existing documents hung, errata M1).
      for (const id of ids) {
        const { filter, update } = op(id);
        await this.posts.updateOne(filter, update, { upsert: true }).catch((err: unknown) => {
          if (!isDuplicateKey(err)) throw err;
        });
      }
    } else {
      for (let i = 0; i < ids.length; i += BULK_CHUNK) {
        const ops = ids.slice(i, i + BULK_CHUNK).map((id) => ({ updateOne: { ...op(id), upsert: true } }));
        await this.posts.bulkWrite(ops, { ordered: false }).catch((err: unknown) => {
          const errors = (err as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
          const list = Array.isArray(errors) ? errors : errors ? [errors] : [];
          if (list.length === 0 || list.some((e) => e.code !== DUPLICATE_KEY)) throw err;
        });
      }
    }
    await this.ack.run<number>(this.client, [k.fly, k.flyid, k.done], [bs]);
    const r = { batch, posts: ids.length, likes, resumed: resumed === '1', takenAt, doneAt: Date.now() };
    this.onFlush?.(r);
    return r;
  }

  /**
   * Start flushing in the background: every flushMs, and early when bs:pend holds flushBatch
   * posts (checked every flushMs / 10). A failed flush is retried on the next tick.
   * @param onFlush called after each flush that moved something (for sync-lag and backlog figures).
   */
  startFlusher(onFlush?: (r: FlushResult) => void): void {
    if (this.timer) return;
    this.onFlush = onFlush;
    let last = Date.now();
    const tick = Math.max(5, Math.floor(this.flushMs / 10));
    this.timer = setInterval(() => {
      if (this.flushing) return;
      const due = Date.now() - last >= this.flushMs;
      const check = due ? Promise.resolve(true) : this.client.hLen(this.keys.pend).then((n) => n >= this.flushBatch);
      check
        .then((go) => {
          if (!go) return;
          last = Date.now();
          return this.flushOnce();
        })
        .catch(() => undefined);
    }, tick);
    this.timer.unref();
  }

  /** Stop the background flusher (an in-progress flush completes). Does not flush what is pending: settle() does. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.flushing) await this.flushing.catch(() => undefined);
  }

  /** Flush until nothing is pending nor in flight (what verification waits for). */
  async settle(): Promise<void> {
    for (;;) {
      await this.flushOnce();
      const [p, f] = await Promise.all([this.client.exists(this.keys.pend), this.client.exists(this.keys.flyid)]);
      if (p === 0 && f === 0) return;
    }
  }
}

/** The registration of likes.batch-sync (reference-impl/registry.ts). */
export const batchSyncLikesPath = defineStoragePath({
  id: 'likes.batch-sync',
  family: 'likes',
  stores: ['redis', 'mongodb'],
  seed: [{ doc: '000', section: 'Likes System' }],
  summary: 'INCR (or HINCRBY) + pending delta in one Lua script; a flusher moves the deltas to posts.likes in MongoDB by idempotent bulkWrite $inc batches',
  open: (clients, o = {}) =>
    new BatchSyncLikes(clientOf(clients, 'redis', 'likes.batch-sync'), postsCollection('likes.batch-sync', clientOf(clients, 'mongodb', 'likes.batch-sync'), o), o),
});
