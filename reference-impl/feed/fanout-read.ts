/**
 * feed.fanout-read: no fan-out; a home timeline is the merge of the followees' newest
 * user_posts rows at read time (seed 001 "User Posts Table", 004 "Author Timeline Table"; the
 * scatter-gather 001/004 list under "Challenges").
 */
import { clientOf, defineStoragePath } from '../path.js';
import { CassandraRedisFeed, FEED_PATH_IDS } from './base.js';

const PATH_ID = FEED_PATH_IDS.read;

/** The registration of feed.fanout-read (reference-impl/registry.ts). */
export const fanoutReadPath = defineStoragePath({
  id: PATH_ID,
  family: 'feed',
  stores: ['redis', 'cassandra'],
  seed: [{ doc: '001', section: 'User Posts Table' }, { doc: '004', section: 'Author Timeline Table' }],
  summary: 'no fan-out: merge the newest rows of each followee\'s user_posts at read time',
  open: (clients, o = {}) => new CassandraRedisFeed('read', clientOf(clients, 'cassandra', PATH_ID), clientOf(clients, 'redis', PATH_ID), o),
});
