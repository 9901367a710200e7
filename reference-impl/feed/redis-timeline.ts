/**
 * feed.redis-timeline: the same fan-out into Redis sorted sets (score created_at ms, member
 * "post:author"), each capped at timelineCap entries (default 800) by ZREMRANGEBYRANK, read with
 * ZREVRANGE (seed 004 "Caching Strategy": "User timelines (last 200 tweets)"; 003 "Redis Deep Dive":
 * sorted sets for feeds).
 */
import { clientOf, defineStoragePath } from '../path.js';
import { CassandraRedisFeed, FEED_PATH_IDS } from './base.js';

const PATH_ID = FEED_PATH_IDS.redis;

/** The registration of feed.redis-timeline (reference-impl/registry.ts). */
export const redisTimelinePath = defineStoragePath({
  id: PATH_ID,
  family: 'feed',
  stores: ['redis', 'cassandra'],
  seed: [{ doc: '004', section: 'Caching Strategy' }, { doc: '003', section: 'Redis Deep Dive' }],
  summary: 'fan-out into capped sorted sets (ZADD + ZREMRANGEBYRANK), read with ZREVRANGE',
  open: (clients, o = {}) => new CassandraRedisFeed('redis', clientOf(clients, 'cassandra', PATH_ID), clientOf(clients, 'redis', PATH_ID), o),
});
