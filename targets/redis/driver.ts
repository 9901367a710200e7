/**
 * capbench's own Redis client interface: the commands the storage paths (reference-impl/) and
 * the scenarios use, in node-redis-style camelCase, with two implementations chosen per run
 * (`--redis-driver`, issue 7):
 *
 * - `ioredis` (targets/redis/ioredis-driver.ts): ioredis 5 with `enableAutoPipelining: true`,
 *   so the commands issued in one event-loop tick leave in one socket write;
 * - `node-redis` (targets/redis/node-redis-driver.ts): the official `redis` v5 client, as
 *   capbench used it before (it also batches the writes of one tick on its socket).
 *
 * Both connect the same way (targets/redis/client.ts connectRedis's policy): the first connection
 * is never retried (a failure is a one-line TargetUnreachableError from mapRedisError), later
 * drops are retried with a capped backoff (50 ms doubling to 2 s), the database comes from the
 * URL, the client names itself (CLIENT SETNAME), and no password reaches an error message.
 * Replies are normalised to the same shapes (numbers, strings, null, arrays, objects); see
 * docs/redis-drivers.md for what still differs.
 */
import { createRequire } from 'node:module';
import type { Connection } from '../../core/target.js';
import { REDIS_DRIVERS, type RedisDriverName } from '../../core/target.js';

export { REDIS_DRIVERS, type RedisDriverName };

/**
 * The driver a run uses unless `--redis-driver` (or a scenario/workload file's `redisDriver`, or
 * CAPBENCH_REDIS_DRIVER) says otherwise: the faster one for likes.redis-counter in
 * bench/redis-driver-overhead.ts. node-redis: it sustained about twice ioredis's INCR rate at 1,
 * 50 and 200 in flight on one connection, in the plain loop and in capbench's (README, "Redis
 * drivers", has the figures).
 */
export const DEFAULT_REDIS_DRIVER: RedisDriverName = 'node-redis';

/** The npm package of each driver. */
const DRIVER_PACKAGES: Readonly<Record<RedisDriverName, string>> = { ioredis: 'ioredis', 'node-redis': 'redis' };

/** The installed version of a driver's package, e.g. "5.11.1"; "?" when it cannot be read. */
export function redisDriverVersion(driver: RedisDriverName): string {
  try {
    const pkg = createRequire(import.meta.url)(`${DRIVER_PACKAGES[driver]}/package.json`) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '?';
  } catch {
    return '?';
  }
}

/**
 * What a driver is, for results.json and reports: library, installed version and mode, e.g.
 * "ioredis 5.11.1 (auto-pipelining)", "node-redis 5.12.1".
 */
export function redisDriverLabel(driver: RedisDriverName): string {
  return driver === 'ioredis' ? `ioredis ${redisDriverVersion(driver)} (auto-pipelining)` : `node-redis ${redisDriverVersion(driver)}`;
}

/**
 * The driver of a Redis connection: its `redisDriver`, else DEFAULT_REDIS_DRIVER.
 */
export function redisDriverOf(conn: Pick<Connection, 'redisDriver'>): RedisDriverName {
  return conn.redisDriver ?? DEFAULT_REDIS_DRIVER;
}

/** Expiry condition of EXPIRE (Redis 7): NX only without a TTL, XX only with one, GT/LT only to a later/earlier one. */
export type ExpireMode = 'NX' | 'XX' | 'GT' | 'LT';

/** Options of set(): EX seconds until the key expires (SET key value EX s). */
export interface SetOptions {
  /** Time to live, s (integer >= 1). */
  EX?: number;
}

/** A SCAN walk: a MATCH glob and a COUNT hint (keys per round trip, default 1000). */
export interface ScanOptions {
  MATCH: string;
  COUNT?: number;
}

/**
 * A queued batch of commands, sent by exec() as MULTI/EXEC (atomic) or by execAsPipeline()
 * as a plain pipeline (one write, not atomic). Each method queues and returns the batch.
 * Replies are the raw RESP2 replies, in order (numbers, strings, null, arrays).
 * Both exec functions reject with the first command's error when any command failed (inside
 * a transaction too: a failed command rejects although the others were applied, as Redis does),
 * and with EXECABORT when the server refused to queue one.
 */
export interface RedisMulti {
  /** Any command as its argument list, e.g. ['XADD', key, '*', 'f', 'v']. */
  addCommand(args: readonly string[]): RedisMulti;
  set(key: string, value: string, opts?: SetOptions): RedisMulti;
  del(keys: string | readonly string[]): RedisMulti;
  incr(key: string): RedisMulti;
  expire(key: string, seconds: number, mode?: ExpireMode): RedisMulti;
  hSet(key: string, field: string, value: string): RedisMulti;
  hSet(key: string, fields: Readonly<Record<string, string>> | readonly (readonly [string, string])[]): RedisMulti;
  hDel(key: string, fields: string | readonly string[]): RedisMulti;
  hIncrBy(key: string, field: string, by: number): RedisMulti;
  sAdd(key: string, members: string | readonly string[]): RedisMulti;
  pfAdd(key: string, elements: string | readonly string[]): RedisMulti;
  lRem(key: string, count: number, element: string): RedisMulti;
  lPushX(key: string, elements: string | readonly string[]): RedisMulti;
  rPush(key: string, elements: string | readonly string[]): RedisMulti;
  /** MULTI ... EXEC. @returns the replies in order. */
  exec(): Promise<unknown[]>;
  /** The commands pipelined without MULTI/EXEC. @returns the replies in order. */
  execAsPipeline(): Promise<unknown[]>;
  /** Commands queued. */
  readonly length: number;
}

/**
 * The Redis client every storage path and scenario uses (StoreClientTypes.redis). Integer
 * replies are numbers, bulk strings strings, a missing key null; errors reject with the
 * driver's error (its message starts with the Redis error code, e.g. "NOPERM ...").
 */
export interface RedisClient {
  /** Which library is underneath. */
  readonly driver: RedisDriverName;
  ping(): Promise<string>;
  get(key: string): Promise<string | null>;
  /** SET [EX s]. @returns "OK". */
  set(key: string, value: string, opts?: SetOptions): Promise<string | null>;
  mGet(keys: readonly string[]): Promise<(string | null)[]>;
  mSet(pairs: readonly (readonly [string, string])[]): Promise<string>;
  incr(key: string): Promise<number>;
  strLen(key: string): Promise<number>;
  /** @returns keys removed. */
  del(keys: string | readonly string[]): Promise<number>;
  /** @returns keys removed (memory freed off the main thread). */
  unlink(keys: string | readonly string[]): Promise<number>;
  /** @returns how many of the keys exist (1 or 0 for one key). */
  exists(keys: string | readonly string[]): Promise<number>;
  /** @returns 1 when the TTL was set, 0 when not (no key, or the mode's condition failed). */
  expire(key: string, seconds: number, mode?: ExpireMode): Promise<number>;
  /** Seconds to live; -1 no TTL, -2 no key. */
  ttl(key: string): Promise<number>;
  /** Milliseconds to live; -1 no TTL, -2 no key. */
  pTTL(key: string): Promise<number>;
  hGet(key: string, field: string): Promise<string | null>;
  /** @returns fields added (not updated). */
  hSet(key: string, field: string, value: string): Promise<number>;
  hSet(key: string, fields: Readonly<Record<string, string>> | readonly (readonly [string, string])[]): Promise<number>;
  hIncrBy(key: string, field: string, by: number): Promise<number>;
  /** Every field and value; {} for a missing key. */
  hGetAll(key: string): Promise<Record<string, string>>;
  hLen(key: string): Promise<number>;
  hVals(key: string): Promise<string[]>;
  hDel(key: string, fields: string | readonly string[]): Promise<number>;
  sAdd(key: string, members: string | readonly string[]): Promise<number>;
  /** @returns 1 when a member, else 0. */
  sIsMember(key: string, member: string): Promise<number>;
  sMembers(key: string): Promise<string[]>;
  sInter(keys: readonly string[]): Promise<string[]>;
  sCard(key: string): Promise<number>;
  /** @returns 1 when the HyperLogLog changed, else 0. */
  pfAdd(key: string, elements: string | readonly string[]): Promise<number>;
  pfCount(key: string): Promise<number>;
  lRange(key: string, start: number, stop: number): Promise<string[]>;
  rPush(key: string, elements: string | readonly string[]): Promise<number>;
  zCard(key: string): Promise<number>;
  /** @returns subscribers that received it. */
  publish(channel: string, message: string): Promise<number>;
  /** INFO [section], the text reply. */
  info(section?: string): Promise<string>;
  /** CONFIG GET pattern as a name → value object. */
  configGet(pattern: string): Promise<Record<string, string>>;
  /** OBJECT ENCODING key; null for a missing key. */
  objectEncoding(key: string): Promise<string | null>;
  /** SCRIPT LOAD. @returns the script's SHA1. */
  scriptLoad(script: string): Promise<string>;
  /** EVALSHA sha numkeys keys... args...; rejects with a "NOSCRIPT ..." error when the server lost the script. */
  evalSha(sha: string, opts: { keys: readonly string[]; arguments: readonly string[] }): Promise<unknown>;
  /** Any command as its argument list; the raw RESP2 reply. */
  sendCommand(args: readonly string[]): Promise<unknown>;
  /** SCAN MATCH ... COUNT ...: each round trip's keys (a key may come twice while the keyspace rehashes). */
  scanIterator(opts: ScanOptions): AsyncIterable<string[]>;
  /** A batch for MULTI/EXEC or a pipeline. */
  multi(): RedisMulti;
  /**
   * A second, connected client with the same options (own connection), e.g. for SUBSCRIBE,
   * which takes a connection over. Close it on its own.
   */
  duplicate(): Promise<RedisClient>;
  /** SUBSCRIBE channel; `listener` gets each message. Only on a client that does nothing else (see duplicate()). */
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<void>;
  /** Let the process exit although this connection is open (a subscriber nobody closed). */
  unref(): void;
  /** QUIT after the replies pending; never rejects for an already closed client. */
  close(): Promise<void>;
  /** Close the socket at once (pending commands are rejected); never throws. */
  destroy(): void;
}

/** Options of opening a RedisClient (targets/redis/client.ts ConnectRedisOptions, plus the driver). */
export interface OpenRedisOptions {
  /** TCP connect timeout, ms (default 5000). */
  connectTimeoutMs?: number;
  /** Reconnect after a drop (default true); the first connection is never retried. */
  reconnect?: boolean;
  /** Client name shown by CLIENT LIST (default "capbench"). */
  name?: string;
  /** Errors the client emits after connecting (default: ignored; the failing command rejects anyway). */
  onError?: (err: Error) => void;
}

/** Split a SCAN MATCH/COUNT walk into rounds for a driver whose `scan(cursor, match, count)` returns [cursor, keys]. */
export async function* scanRounds(scan: (cursor: string, match: string, count: number) => Promise<[string, string[]]>, opts: ScanOptions): AsyncIterable<string[]> {
  let cursor = '0';
  do {
    const [next, keys] = await scan(cursor, opts.MATCH, opts.COUNT ?? 1000);
    cursor = next;
    yield keys;
  } while (cursor !== '0');
}

/** A list argument as an array (a lone string is one element). */
export const listOf = (x: string | readonly string[]): string[] => (typeof x === 'string' ? [x] : [...x]);

/** HSET's field arguments flattened: [field, value, field, value, ...]. */
export function hashPairs(fieldOrFields: string | Readonly<Record<string, string>> | readonly (readonly [string, string])[], value?: string): string[] {
  if (typeof fieldOrFields === 'string') return [fieldOrFields, value ?? ''];
  const pairs = Array.isArray(fieldOrFields) ? (fieldOrFields as readonly (readonly [string, string])[]) : Object.entries(fieldOrFields as Record<string, string>);
  const out: string[] = [];
  for (const [f, v] of pairs) out.push(f, v);
  return out;
}

/**
 * The command-recording half of a RedisMulti; a driver supplies how the recorded argument
 * lists are sent (`run(commands, atomic)`, resolving to the replies in order).
 */
export class QueuedMulti implements RedisMulti {
  private readonly cmds: string[][] = [];
  constructor(private readonly run: (commands: string[][], atomic: boolean) => Promise<unknown[]>) {}
  get length(): number {
    return this.cmds.length;
  }
  addCommand(args: readonly string[]): this {
    this.cmds.push([...args]);
    return this;
  }
  set(key: string, value: string, opts?: SetOptions): this {
    return this.addCommand(opts?.EX !== undefined ? ['SET', key, value, 'EX', String(opts.EX)] : ['SET', key, value]);
  }
  del(keys: string | readonly string[]): this {
    return this.addCommand(['DEL', ...listOf(keys)]);
  }
  incr(key: string): this {
    return this.addCommand(['INCR', key]);
  }
  expire(key: string, seconds: number, mode?: ExpireMode): this {
    return this.addCommand(mode ? ['EXPIRE', key, String(seconds), mode] : ['EXPIRE', key, String(seconds)]);
  }
  hSet(key: string, fieldOrFields: string | Readonly<Record<string, string>> | readonly (readonly [string, string])[], value?: string): this {
    return this.addCommand(['HSET', key, ...hashPairs(fieldOrFields, value)]);
  }
  hDel(key: string, fields: string | readonly string[]): this {
    return this.addCommand(['HDEL', key, ...listOf(fields)]);
  }
  hIncrBy(key: string, field: string, by: number): this {
    return this.addCommand(['HINCRBY', key, field, String(by)]);
  }
  sAdd(key: string, members: string | readonly string[]): this {
    return this.addCommand(['SADD', key, ...listOf(members)]);
  }
  pfAdd(key: string, elements: string | readonly string[]): this {
    return this.addCommand(['PFADD', key, ...listOf(elements)]);
  }
  lRem(key: string, count: number, element: string): this {
    return this.addCommand(['LREM', key, String(count), element]);
  }
  lPushX(key: string, elements: string | readonly string[]): this {
    return this.addCommand(['LPUSHX', key, ...listOf(elements)]);
  }
  rPush(key: string, elements: string | readonly string[]): this {
    return this.addCommand(['RPUSH', key, ...listOf(elements)]);
  }
  exec(): Promise<unknown[]> {
    return this.cmds.length === 0 ? Promise.resolve([]) : this.run(this.cmds, true);
  }
  execAsPipeline(): Promise<unknown[]> {
    return this.cmds.length === 0 ? Promise.resolve([]) : this.run(this.cmds, false);
  }
}
