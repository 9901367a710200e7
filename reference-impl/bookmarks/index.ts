/** reference-impl/bookmarks: the bookmarks family (seed 000 "Bookmarks System"): bookmarks.pg and the BookmarkStore interface. */
export type { BookmarkCursor, BookmarkPost, BookmarkStore, BookmarkStoreOptions, BookmarkedPost } from './types.js';
export { PgBookmarks, pgBookmarksPath, type BookmarksAudit } from './pg.js';
