/**
 * The shapes every datastore target shares: one connection shape, server identity,
 * footprint, and service status. Implementations live in targets/<store>/.
 */

/** The five datastores of ../shared/DESIGN.md ("Targets"). */
export const STORES = ['redis', 'postgres', 'mongodb', 'cassandra', 'elasticsearch'] as const;
export type StoreName = (typeof STORES)[number];

/**
 * One uniform connection shape for every target (DESIGN.md, "Imports point one way").
 * `url` is the canonical form (redis://, postgres://, mongodb://, cassandra://, http://).
 */
export interface Connection {
  store: StoreName;
  url: string;
  host: string;
  /** TCP port. */
  port: number;
  username?: string;
  password?: string;
  /** Database / keyspace / index prefix, where the store has one. */
  database?: string;
  /**
   * Redis only: the client library the storage paths open it with (`--redis-driver`,
   * targets/redis/driver.ts); absent: the default driver.
   */
  redisDriver?: RedisDriverName;
}

/** The Redis client libraries capbench can drive the Redis paths with (targets/redis/driver.ts). */
export const REDIS_DRIVERS = ['ioredis', 'node-redis'] as const;
export type RedisDriverName = (typeof REDIS_DRIVERS)[number];

/** What a server says it is. `product` names stand-ins as what they are. */
export interface ServerInfo {
  store: StoreName;
  /** e.g. "Redis", "PostgreSQL", "FerretDB (MongoDB wire protocol)", "Apache Cassandra", "Elasticsearch". */
  product: string;
  /** Version string read from the server itself. */
  version: string;
  /** Address without credentials, e.g. "127.0.0.1:6379". */
  address: string;
  /** Set when the server stands in for another product (FerretDB for MongoDB). */
  standInFor?: string;
}

/** One measured item of a store's footprint. */
export interface FootprintItem {
  /** e.g. "table likes_pg", "index follows_pkey", "keys p:*:l", "used_memory". */
  name: string;
  kind: 'memory' | 'table' | 'index' | 'toast' | 'collection' | 'keyspace' | 'keys' | 'search-index' | 'segments' | 'other';
  /** Size in bytes. */
  bytes: number;
  /** Number of rows, keys, documents or partitions it holds, where known. */
  count?: number;
  /** Unit of `count` ("rows", "keys", "docs", "partitions", "segments"). */
  countUnit?: string;
  note?: string;
}

/** A footprint reading of one store at one instant. */
export interface Footprint {
  store: StoreName;
  /** ISO-8601 time of the reading. */
  takenAt: string;
  /** Total bytes attributed to capbench's data on this store (memory for Redis, disk for the rest). */
  totalBytes: number;
  items: FootprintItem[];
}

/** How a service was provided. */
export type Provisioner = 'local' | 'docker' | 'external';

/** State of one service as `capbench services status` prints it. */
export interface ServiceStatus {
  store: StoreName | 'k6' | 'k6-sql';
  /** Product and version, e.g. "Redis 7.0.15", "FerretDB 1.24.0 (MongoDB wire protocol)". */
  product: string;
  version?: string;
  /** host:port, or a binary path for tools such as k6. */
  address: string;
  state: 'running' | 'stopped' | 'failed' | 'not-installed' | 'installed';
  provisioner: Provisioner;
  dataDir?: string;
  logPath?: string;
  /** One line on what happened ("already running", "started in 3.2 s", the failure). */
  message?: string;
}

/** Context handed to a provisioner: where it keeps state, how it logs progress. */
export interface ServiceContext {
  /** Project-owned state directory (data dirs, logs, pid files), e.g. <repo>/.capbench. */
  stateDir: string;
  /** Download/build cache kept between runs where the machine keeps it, e.g. ~/.cache/capbench. */
  cacheDir: string;
  /** Progress lines for the terminal (stderr). */
  log(line: string): void;
  /** How long to wait for a server to answer its health check, ms. */
  startTimeoutMs: number;
}

/**
 * A service that runs as a local server on loopback, installed by capbench itself
 * (Debian package, Maven Central artifact, Go module), with its data under ctx.stateDir.
 * Every method is idempotent; none throws for "already running" / "already stopped".
 * @throws ProvisionError naming the store, what to do, and the log path.
 */
export interface LocalService {
  install(ctx: ServiceContext): Promise<void>;
  start(ctx: ServiceContext): Promise<ServiceStatus>;
  stop(ctx: ServiceContext): Promise<ServiceStatus>;
  status(ctx: ServiceContext): Promise<ServiceStatus>;
}

/**
 * One datastore target: everything capbench knows about a store lives in targets/<store>/,
 * and this is what the rest of the code sees of it (testcontainers' "a folder per store").
 */
export interface TargetModule {
  store: StoreName;
  /** Default address on loopback, e.g. "redis://127.0.0.1:6379". */
  defaultUrl: string;
  /** Environment variable that overrides the URL, e.g. "CAPBENCH_REDIS_URL". */
  urlEnv: string;
  /** Parse and validate a URL. @throws UsageError with one line saying what is wrong. */
  parseUrl(url: string): Connection;
  /** Health check plus identity, read from the server. @throws TargetUnreachableError */
  probe(conn: Connection, timeoutMs?: number): Promise<ServerInfo>;
  /** Footprint of capbench's data on the store. @throws TargetUnreachableError */
  footprint(conn: Connection): Promise<Footprint>;
  local: LocalService;
}

/** "Redis 7.0.15"; a product that already names its version ("FerretDB 1.24.0 (MongoDB wire protocol)") is left as it is. */
export function productLabel(info: Pick<ServerInfo, 'product' | 'version'>): string {
  return info.product.includes(info.version) ? info.product : `${info.product} ${info.version}`;
}
