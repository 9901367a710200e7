/** reference-impl/posts: the posts family (seed 001 "Post Database (Cassandra)"): posts.cassandra, posts.mongo (with nested comments) and the PostStore interface. */
export type { Post, PostStore, PostStoreOptions } from './types.js';
export { CassandraPosts, cassandraPostsPath } from './cassandra.js';
export { MongoPosts, mongoPostsPath, type PostContent, type PostMedia, type NestedComment, type AddCommentOutcome, type GrowthPoint } from './mongo.js';
