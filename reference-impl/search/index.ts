/**
 * reference-impl/search: the search.es and search.mongo-text storage paths (DESIGN.md "Storage
 * paths"; seed 000 "Elasticsearch Storage Optimization Strategy", "Elasticsearch Indexing
 * Backpressure"; seed 002 inverted index) and the PostSearch interface they implement.
 */
export * from './types.js';
export { EsPostSearch, esSearchPath, esMappingsOf, esSettingsOf, ES_CODECS, SEED_SHAPE, CREATED_BY, type EsCodec, type EsIndexShape, type EsBulkOptions, type EsSearchOptions, type EsIndexStats, type ReindexOutcome } from './es.js';
export { MongoTextSearch, mongoTextSearchPath } from './mongo-text.js';
