/**
 * feed.fanout-write: at post time the post id goes into user_feed of every follower (Cassandra;
 * seed 001 "User Feed Table (Fan-out on Write)", 004 "User Timeline Table (Fan-out on Write)"),
 * written by fan-out workers fed from a Redis stream; the post is acknowledged once stored and
 * queued. See base.ts for the queue and the task shape.
 */
import { clientOf, defineStoragePath } from '../path.js';
import { CassandraRedisFeed, FEED_PATH_IDS } from './base.js';

const PATH_ID = FEED_PATH_IDS.write;

/** The registration of feed.fanout-write (reference-impl/registry.ts). */
export const fanoutWritePath = defineStoragePath({
  id: PATH_ID,
  family: 'feed',
  stores: ['redis', 'cassandra'],
  seed: [{ doc: '001', section: 'User Feed Table (Fan-out on Write)' }, { doc: '004', section: 'User Timeline Table (Fan-out on Write)' }],
  summary: 'post into user_feed of every follower by stream-fed fan-out workers; read one partition',
  open: (clients, o = {}) => new CassandraRedisFeed('write', clientOf(clients, 'cassandra', PATH_ID), clientOf(clients, 'redis', PATH_ID), o),
});
