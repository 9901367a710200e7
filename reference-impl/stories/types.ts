/**
 * The contract of the stories family (seed 001 "3. Stories Database (Cassandra + Redis)":
 * the stories table with default_time_to_live = 86400; active_stories:{user_id},
 * story:{story_id} and story_views:{story_id} in Redis with 24 h TTLs). One conformance suite
 * (test/reference-impl/stories.conformance.test.ts) runs every registered stories path. The
 * paths are listed in reference-impl/registry.ts.
 */

/** One story. Ids are non-negative safe integers; createdAt is ms since the Unix epoch. */
export interface Story {
  storyId: number;
  userId: number;
  mediaUrl: string;
  /** "image" or "video" (seed 001 media_type TEXT). */
  mediaType: 'image' | 'video';
  /** Creation time, ms since the epoch (Cassandra timestamp: ms precision). */
  createdAt: number;
}

/** Options a stories path may be opened with. */
export interface StoryStoreOptions {
  /** Cassandra keyspace (created if missing); default "cb_stories". */
  keyspace?: string;
  /** Prefix of every Redis key; default "st:". */
  redisPrefix?: string;
  /**
   * Lifetime of a story, s, 1..86400; default 86400 (seed 001: 24 hours). Below 86400 the rows
   * are written USING TTL (the table keeps default_time_to_live = 86400) and the Redis keys get
   * the same TTL, so expiry is tested in seconds rather than a day.
   */
  ttlSeconds?: number;
}

/** Distinct viewers of a story, counted two ways side by side (seed 003 "HyperLogLog"). */
export interface ViewCounts {
  /** SCARD of the exact set story_views:{id}. */
  exact: number;
  /** PFCOUNT of the HyperLogLog story_views_hll:{id} (standard error 0.81%). */
  approx: number;
}

/**
 * A story store. Semantics every implementation keeps: a story is visible (active, get) from
 * create until its TTL passes, then gone from every store without a delete; active() is newest
 * first (createdAt, then storyId, descending); a viewer counts once per story however often they
 * view it; re-creating the same story is one story.
 */
export interface StoryStore {
  /** Storage path id, e.g. "stories.cassandra-redis". */
  readonly path: string;
  /** The story lifetime in use, s. */
  readonly ttlSeconds: number;
  /** Create what the path needs (keyspace, table). Idempotent. */
  setup(): Promise<void>;
  /** Store a story (durable row and cache keys). @throws InvalidArgumentError for bad ids, time, media type or URL. */
  create(story: Story): Promise<void>;
  /** The story by id, or undefined (expired or never created). */
  get(storyId: number): Promise<Story | undefined>;
  /** The user's active stories, newest first (at most 100). */
  active(userId: number): Promise<Story[]>;
  /** Record that `viewerId` viewed the story; true when this viewer is new for it. */
  view(storyId: number, viewerId: number): Promise<boolean>;
  /** Distinct viewers, exact (set) and approximate (HyperLogLog). */
  viewCounts(storyId: number): Promise<ViewCounts>;
  /** Remove every story and key of this path's keyspace and prefix, nothing else. */
  reset(): Promise<void>;
}
