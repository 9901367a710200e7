/**
 * The store URL flags every command that talks to the stores takes (--redis-url, ...), declared
 * once: they become the `urls` of the flags settings layer (cli/commands/run.ts flagsLayer).
 */
import type { Command } from 'commander';

/** The store URL flags as commander hands them over. */
export interface StoreUrlFlags {
  redisUrl?: string;
  postgresUrl?: string;
  mongodbUrl?: string;
  cassandraUrl?: string;
  elasticsearchUrl?: string;
}

/** Add --redis-url, --postgres-url, --mongodb-url, --cassandra-url and --elasticsearch-url to a command. */
export function addStoreUrlOptions(command: Command): Command {
  return command
    .option('--redis-url <url>', 'Redis to use (env CAPBENCH_REDIS_URL)')
    .option('--postgres-url <url>', 'PostgreSQL to use (env CAPBENCH_POSTGRES_URL)')
    .option('--mongodb-url <url>', 'MongoDB (or FerretDB) to use (env CAPBENCH_MONGODB_URL)')
    .option('--cassandra-url <url>', 'Cassandra to use (env CAPBENCH_CASSANDRA_URL)')
    .option('--elasticsearch-url <url>', 'Elasticsearch to use (env CAPBENCH_ELASTICSEARCH_URL)');
}
