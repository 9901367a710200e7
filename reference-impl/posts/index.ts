/** reference-impl/posts: the posts family (seed 001 "Post Database (Cassandra)"): posts.cassandra and the PostStore interface. */
export type { Post, PostStore, PostStoreOptions } from './types.js';
export { CassandraPosts, cassandraPostsPath } from './cassandra.js';
