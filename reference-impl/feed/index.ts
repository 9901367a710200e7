/**
 * reference-impl/feed: the home-timeline strategies (feed.fanout-write, feed.redis-timeline,
 * feed.fanout-read, feed.hybrid) and the Feed contract (seeds 001, 003, 004).
 */
export type { Delivery, FanoutTotals, FanoutWorker, Feed, FeedEntry, FeedOptions, PostOptions } from './types.js';
export { CassandraRedisFeed, FEED_DEFAULTS, FEED_PATH_IDS, mergeNewest, type FeedStrategy } from './base.js';
export { KEYSPACE_RE, checkFeedSchema } from './schema.js';
export { fanoutWritePath } from './fanout-write.js';
export { redisTimelinePath } from './redis-timeline.js';
export { fanoutReadPath } from './fanout-read.js';
export { hybridPath } from './hybrid.js';
