/**
 * MongoDB helpers shared by the reference-impl storage paths: namespace validation and the
 * posts collection of the likes paths (seed 000, "Likes System": `posts.likes`).
 * Works on real MongoDB and on FerretDB 1.x (the stand-in here), which lacks multi-document
 * transactions: nothing here uses them.
 */
import type { Collection, MongoClient } from 'mongodb';
import { InvalidArgumentError } from '../../core/errors.js';

/** Database and collection-prefix names we accept: lower-case identifiers, max 40 chars. */
const NAME_RE = /^[a-z_][a-z0-9_]{0,39}$/;

/** Default MongoDB database of the likes paths (its own, so other helpers' data never mixes). */
export const LIKES_MONGO_DB = 'capbench_likes';

/** A post document as the likes paths store it: `{ _id: postId, likes, lb? }` (lb = last batch id applied, likes.batch-sync). */
export interface PostLikesDoc {
  _id: number;
  likes: number;
  lb?: number;
}

/**
 * Validate a database or collection-prefix name.
 * @throws InvalidArgumentError naming `path` when it is not a plain lower-case identifier.
 */
export function checkMongoName(path: string, what: string, name: string): string {
  if (!NAME_RE.test(name)) {
    throw new InvalidArgumentError(path, `invalid MongoDB ${what} "${name}".`, { hint: 'Use lower-case letters, digits and underscores, starting with a letter or underscore (max 40 characters).' });
  }
  return name;
}

/**
 * The posts collection of a likes path: `{db}.{schema}_posts`, or `{db}.posts` without a schema.
 * @throws InvalidArgumentError for a bad database or schema name.
 */
export function postsCollection(path: string, client: MongoClient, opts: { mongoDatabase?: string; schema?: string }): Collection<PostLikesDoc> {
  const db = checkMongoName(path, 'database', opts.mongoDatabase ?? LIKES_MONGO_DB);
  const name = opts.schema === undefined ? 'posts' : `${checkMongoName(path, 'collection prefix', opts.schema)}_posts`;
  return client.db(db).collection<PostLikesDoc>(name);
}

/** Posts per insertMany when seeding MongoDB. */
const SEED_BATCH = 5000;

/**
 * Set (overwrite) `likes` of posts first..first+count-1 (and `lb` = 0): deleteMany of the id
 * range, then ordered insertMany batches of 5000. Not bulk upserts: on FerretDB 1.24 a
 * bulkWrite that updates existing documents stopped answering from about 100 statements on
 * (docs/errata.md M1), while delete + insert of 300 posts took 45 ms. For load phases, with
 * nothing else writing the range.
 */
export async function seedPosts(col: Collection<PostLikesDoc>, first: number, count: number, likesOf: (id: number) => number): Promise<void> {
  const end = first + count;
  // In id ranges of SEED_BATCH: FerretDB 1.24 (SQLite) binds one SQL variable per matched
  // document and refuses a delete of more than SQLite's limit ("too many SQL variables").
  for (let start = first; start < end; start += SEED_BATCH) await col.deleteMany({ _id: { $gte: start, $lt: Math.min(end, start + SEED_BATCH) } });
  for (let start = first; start < end; start += SEED_BATCH) {
    const stop = Math.min(end, start + SEED_BATCH);
    const docs: PostLikesDoc[] = [];
    for (let id = start; id < stop; id++) docs.push({ _id: id, likes: likesOf(id), lb: 0 });
    await col.insertMany(docs, { ordered: true });
  }
}

/** Sum of `likes` over the collection and the number of post documents (an aggregation; O(posts)). */
export async function sumPosts(col: Collection<PostLikesDoc>): Promise<{ likes: number; posts: number }> {
  // posts by countDocuments: FerretDB 1.24 answers `$sum: 1` in $group with 0.
  const [r] = await col.aggregate<{ likes: number }>([{ $group: { _id: null, likes: { $sum: '$likes' } } }]).toArray();
  return { likes: r?.likes ?? 0, posts: await col.countDocuments({}) };
}

/** MongoDB's duplicate-key error code (a concurrent upsert of the same _id lost the race; retrying it updates). */
export const DUPLICATE_KEY = 11000;

/** True for a MongoServerError with code 11000. */
export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === DUPLICATE_KEY;
}

/**
 * Whether the server is FerretDB (buildInfo carries a `ferretdbVersion` field). FerretDB 1.24 on
 * SQLite applies concurrent `$inc` updates of one document as read-modify-write without a
 * lock: measured here, 2000 concurrent findOneAndUpdate $inc on one post left 190, 1000
 * concurrent updateOne $inc left 299, and concurrent writes (10 parallel bulkWrites) left the
 * server hanging on every command until restarted (docs/errata.md). Real MongoDB's $inc is
 * atomic per document.
 */
export async function isFerretDb(col: Collection<PostLikesDoc>): Promise<boolean> {
  const info = await col.db.command({ buildInfo: 1 });
  return info['ferretdbVersion'] !== undefined;
}

/**
 * How long a write may wait behind earlier ones in a KeyedSerializer before it is given up
 * unsent, ms: the engine's default operation timeout (10 s), after which nobody awaits it.
 */
export const SERIAL_MAX_WAIT_MS = 10_000;

/** A write a KeyedSerializer gave up before sending it (it waited longer than its maxWaitMs). */
export class SerialQueueTimeoutError extends Error {
  constructor(waitedMs: number) {
    super(`not sent: waited ${Math.round(waitedMs)} ms behind earlier writes (FerretDB gets this path's writes one at a time, docs/errata.md M1)`);
    this.name = 'SerialQueueTimeoutError';
  }
}

/**
 * Runs async tasks one at a time per key (a per-key promise chain), for the FerretDB
 * workaround above: a path's own concurrent $inc on one post are applied in turn. It cannot
 * order writes from other processes; those still lose updates on FerretDB.
 *
 * A task whose turn comes more than `maxWaitMs` after it was queued is not run: it rejects
 * with SerialQueueTimeoutError. Without that bound an overloaded step leaves a queue of
 * minutes of writes that the MongoDB driver keeps sending (it reconnects a closed client) into
 * the next steps, and the stand-in looks wedged until restarted.
 */
export class KeyedSerializer {
  private readonly tails = new Map<number, Promise<unknown>>();
  /** @param maxWaitMs the longest a task may wait for its turn, ms (default SERIAL_MAX_WAIT_MS). */
  constructor(private readonly maxWaitMs = SERIAL_MAX_WAIT_MS) {}
  /** Run `task` after every earlier task of `key` settled; resolves/rejects as the task does, or with SerialQueueTimeoutError when it waited too long to start. */
  run<T>(key: number, task: () => Promise<T>): Promise<T> {
    const queuedAt = performance.now();
    const turn = () => {
      const waited = performance.now() - queuedAt;
      return waited > this.maxWaitMs ? Promise.reject(new SerialQueueTimeoutError(waited)) : task();
    };
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(turn, turn);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

/**
 * Delete every document of a likes path's posts collection by dropping it (a later insert creates
 * it again; these collections carry no index but _id). Not deleteMany({}): FerretDB 1.24 (SQLite)
 * binds one SQL variable per document and refused it on a 100K-post collection ("too many SQL
 * variables", docs/errata.md).
 */
export async function clearPosts(col: Collection<PostLikesDoc>): Promise<void> {
  try {
    await col.drop();
  } catch (err) {
    // A collection that does not exist is already clear (MongoDB: NamespaceNotFound, code 26).
    if ((err as { code?: number }).code !== 26 && !/ns not found|NamespaceNotFound/i.test(String((err as Error).message))) throw err;
  }
}
