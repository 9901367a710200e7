/** reference-impl/comments: the comments family (seed 001 "Comments Table"): comments.cassandra and the CommentStore interface. */
export type { Comment, CommentCursor, CommentPage, CommentStore, CommentStoreOptions } from './types.js';
export { CassandraComments, cassandraCommentsPath, commentsDdl } from './cassandra.js';
