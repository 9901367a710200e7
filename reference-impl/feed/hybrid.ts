/**
 * feed.hybrid: push (fan-out on write into user_feed_hybrid) for authors under
 * celebrityThreshold followers (default 10 000), pull for those at or above it (their
 * user_posts merged at read time); seed 003 "The Hybrid Approach" and field practice (the
 * celebrity problem 001 names under "Celebrity users may create hot shards").
 */
import { clientOf, defineStoragePath } from '../path.js';
import { CassandraRedisFeed, FEED_PATH_IDS } from './base.js';

const PATH_ID = FEED_PATH_IDS.hybrid;

/** The registration of feed.hybrid (reference-impl/registry.ts). */
export const hybridPath = defineStoragePath({
  id: PATH_ID,
  family: 'feed',
  stores: ['redis', 'cassandra'],
  seed: [{ doc: '003', section: 'The Hybrid Approach' }, { doc: '001', section: 'User Feed Table (Fan-out on Write)' }],
  summary: 'push for authors under celebrityThreshold followers, pull celebrities at read time, merged',
  open: (clients, o = {}) => new CassandraRedisFeed('hybrid', clientOf(clients, 'cassandra', PATH_ID), clientOf(clients, 'redis', PATH_ID), o),
});
