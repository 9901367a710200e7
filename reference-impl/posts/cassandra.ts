/**
 * posts.cassandra: posts by id and user_posts (user_id, created_at DESC, post_id) in Cassandra
 * (seed 001 "2. Post Database (Cassandra)": Posts Table, User Posts Table "Used for profile
 * pages"; 004 "Author Timeline Table"). The CQL is the feed family's (reference-impl/feed/schema.ts
 * postsDdl), so by default this path reads and writes the very tables the feed paths fill.
 *
 * create(): the posts row and the user_posts row in one LOGGED batch (two partitions: the batch
 * log makes both land eventually, never one alone); a re-create of the same post overwrites the
 * same two rows (idempotent, as long as createdAt is the same). latest(): one slice of the
 * author's user_posts partition, then the posts rows are not needed (user_posts carries the
 * columns a timeline shows).
 */
import cassandra from 'cassandra-driver';
import { InvalidArgumentError } from '../../core/errors.js';
import type { CassandraClient } from '../../targets/cassandra/client.js';
import { clientOf, defineStoragePath } from '../path.js';
import { KEYSPACE_RE, keyspaceDdl, postsDdl } from '../feed/schema.js';
import type { Post, PostStore, PostStoreOptions } from './types.js';

const PATH_ID = 'posts.cassandra';
/** Largest latest() limit. */
const MAX_LIMIT = 1000;

const toNum = (v: unknown): number => (v instanceof cassandra.types.Long ? v.toNumber() : Number(v));

/**
 * posts.cassandra on a connected cassandra-driver Client (never closed here).
 * @throws InvalidArgumentError (constructor) for a keyspace that is not a plain lower-case identifier.
 */
export class CassandraPosts implements PostStore {
  readonly path = PATH_ID;
  readonly ks: string;
  private readonly cql: CassandraClient;

  constructor(cql: CassandraClient, o: PostStoreOptions = {}) {
    const ks = o.keyspace ?? 'capbench_fanout';
    if (!KEYSPACE_RE.test(ks)) throw new InvalidArgumentError(PATH_ID, `keyspace "${ks}" is not a plain lower-case identifier`, { hint: 'Use letters, digits and _, starting with a letter, at most 48 characters.' });
    this.ks = ks;
    this.cql = cql;
  }

  /** Create the keyspace, posts and user_posts if missing (idempotent). */
  async setup(): Promise<void> {
    for (const s of [...keyspaceDdl(this.ks), ...postsDdl(this.ks)]) await this.cql.execute(s);
  }

  /**
   * Store `post` in posts and in its author's user_posts partition, one logged batch.
   * @throws InvalidArgumentError for ids that are not non-negative safe integers or a createdAt that is not a non-negative integer of ms; the driver's ResponseError.
   */
  async create(post: Post): Promise<void> {
    for (const x of [post.postId, post.authorId, post.createdAt]) {
      if (!Number.isSafeInteger(x) || x < 0) throw new InvalidArgumentError(PATH_ID, `postId, authorId and createdAt must be non-negative safe integers, got ${post.postId}, ${post.authorId}, ${post.createdAt}`);
    }
    const at = new Date(post.createdAt);
    await this.cql.batch(
      [
        { query: `INSERT INTO ${this.ks}.posts (post_id, user_id, created_at) VALUES (?, ?, ?)`, params: [post.postId, post.authorId, at] },
        { query: `INSERT INTO ${this.ks}.user_posts (user_id, created_at, post_id) VALUES (?, ?, ?)`, params: [post.authorId, at, post.postId] },
      ],
      { prepare: true, logged: true },
    );
  }

  /** The post by id (one partition read), or undefined. */
  async get(postId: number): Promise<Post | undefined> {
    const row = (await this.cql.execute(`SELECT post_id, user_id, created_at FROM ${this.ks}.posts WHERE post_id = ?`, [postId], { prepare: true })).first();
    if (!row) return undefined;
    return { postId: toNum(row.get('post_id')), authorId: toNum(row.get('user_id')), createdAt: (row.get('created_at') as Date).getTime() };
  }

  /**
   * The author's newest `limit` posts, newest first: one slice of user_posts (clustered created_at DESC, post_id DESC).
   * @throws InvalidArgumentError for a limit outside 1..1000.
   */
  async latest(authorId: number, limit = 20): Promise<Post[]> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new InvalidArgumentError(PATH_ID, `limit must be an integer in 1..${MAX_LIMIT}, got ${limit}`);
    const rs = await this.cql.execute(`SELECT created_at, post_id FROM ${this.ks}.user_posts WHERE user_id = ? LIMIT ?`, [authorId, limit], { prepare: true, fetchSize: limit });
    return rs.rows.map((r) => ({ postId: toNum(r.get('post_id')), authorId, createdAt: (r.get('created_at') as Date).getTime() }));
  }

  /** TRUNCATE posts and user_posts of this keyspace. */
  async reset(): Promise<void> {
    for (const t of ['posts', 'user_posts']) await this.cql.execute(`TRUNCATE ${this.ks}.${t}`);
  }
}

/** The registration of posts.cassandra (reference-impl/registry.ts). */
export const cassandraPostsPath = defineStoragePath({
  id: PATH_ID,
  family: 'posts',
  stores: ['cassandra'],
  seed: [
    { doc: '001', section: 'Post Database (Cassandra)' },
    { doc: '004', section: 'Author Timeline Table' },
  ],
  summary: 'posts by id and user_posts (user_id, created_at DESC, post_id) in one logged batch; latest N = one partition slice',
  open: (clients, o = {}) => new CassandraPosts(clientOf(clients, 'cassandra', PATH_ID), o),
});
