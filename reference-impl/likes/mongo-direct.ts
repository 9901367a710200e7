/**
 * likes.mongo-direct: the like counter as a field of the post document in MongoDB, one
 * `$inc` per like. The MongoDB baseline beside likes.pg-direct for seed 000's "Atomic
 * increments (INCR ...) are 10x faster than DB writes" ("Likes System"), on the seed's
 * `posts.likes` ("Redis → MongoDB").
 *
 * Here MongoDB is FerretDB 1.24 on SQLite (a wire-protocol stand-in): its figures are
 * FerretDB's, and reports say so.
 */
import type { Collection } from 'mongodb';
import { clientOf, defineStoragePath } from '../path.js';
import { isDuplicateKey, isFerretDb, KeyedSerializer, postsCollection, seedPosts, sumPosts, type PostLikesDoc, clearPosts } from '../common/mongo.js';
import { checkSeedRange, initialFor, type LikeCounter, type LikeCounterOptions, type SeedRange } from './types.js';

/** Options of this path: the family's LikeCounterOptions fields it reads (documented there). */
export type MongoDirectOptions = Pick<LikeCounterOptions, 'mongoDatabase' | 'schema'>;

/**
 * likes.mongo-direct. Collection `{mongoDatabase}.{schema_}posts`, documents `{ _id: postId, likes }`.
 * like() is one `findOneAndUpdate({_id}, {$inc: {likes: 1}}, {upsert, returnDocument: "after"})`,
 * atomic per document, so concurrent likes each see a distinct count; an unknown post is
 * created at 1 (two concurrent first likes may race on the insert: the loser gets E11000 and
 * retries once, which then updates). count() is one findOne.
 */
export class MongoDirectLikes implements LikeCounter {
  readonly path = 'likes.mongo-direct' as const;
  /** The posts collection this instance owns. */
  readonly posts: Collection<PostLikesDoc>;
  /** Set by setup(): the server is FerretDB, whose concurrent $inc lose updates; this instance then runs its $inc one at a time (concurrent writes also deadlocked FerretDB 1.24 here, docs/errata.md). */
  ferret = false;
  private readonly serial = new KeyedSerializer();

  /**
   * @param posts the posts collection (postsCollection()); this class never closes its client.
   */
  constructor(posts: Collection<PostLikesDoc>) {
    this.posts = posts;
  }

  /** Nothing to create: `_id` is the post id and is always indexed. Checks the server answers. */
  async setup(): Promise<void> {
    await this.posts.findOne({ _id: -1 });
    this.ferret = await isFerretDb(this.posts);
  }

  /** $inc on the post document (upsert); resolves to the new count. */
  async like(postId: number): Promise<number> {
    const inc = () => this.posts.findOneAndUpdate({ _id: postId }, { $inc: { likes: 1 } }, { upsert: true, returnDocument: 'after' });
    const once = async () => {
      try {
        return await inc();
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        return inc();
      }
    };
    const doc = this.ferret ? await this.serial.run(0, once) : await once();
    return (doc as PostLikesDoc).likes;
  }

  /** findOne; 0 for a post without a document. */
  async count(postId: number): Promise<number> {
    const d = await this.posts.findOne({ _id: postId }, { projection: { likes: 1 } });
    return d?.likes ?? 0;
  }

  /** Upsert each post's document with its initial count (overwrites), unordered bulkWrites of 5000. */
  async seed(range: SeedRange): Promise<void> {
    checkSeedRange(this.path, range);
    await seedPosts(this.posts, range.first, range.count, (id) => initialFor(range, id));
  }

  /** Drop this instance's collection (clearPosts: a later like or seed creates it again). */
  async reset(): Promise<void> {
    await clearPosts(this.posts);
  }

  /** Sum of `likes` over the collection and the number of post documents. */
  total(): Promise<{ likes: number; posts: number }> {
    return sumPosts(this.posts);
  }
}

/** The registration of likes.mongo-direct (reference-impl/registry.ts). */
export const mongoDirectLikesPath = defineStoragePath({
  id: 'likes.mongo-direct',
  family: 'likes',
  stores: ['mongodb'],
  seed: [{ doc: '000', section: 'Likes System' }],
  summary: '$inc on posts.likes in MongoDB (FerretDB here), one findOneAndUpdate per like: the MongoDB baseline',
  open: (clients, o = {}) => new MongoDirectLikes(postsCollection('likes.mongo-direct', clientOf(clients, 'mongodb', 'likes.mongo-direct'), o)),
});
