/**
 * The ioredis implementation of capbench's RedisClient (targets/redis/driver.ts): ioredis 5
 * with `enableAutoPipelining: true` (the commands issued in one event-loop tick are sent as one
 * pipeline, one socket write), connected with the policy of connectRedis()
 * (targets/redis/client.ts):
 *
 * - the first connection is never retried: a refused connection, a wrong password or a
 *   database the server does not have is a one-line TargetUnreachableError (mapRedisError);
 * - later drops are retried with a capped backoff (50 ms doubling to 2 s); commands in flight
 *   when the connection drops are rejected, never re-sent (`autoResendUnfulfilledCommands:
 *   false`, `maxRetriesPerRequest: 0`), so an INCR the server may have applied is not applied
 *   twice; commands issued while it reconnects wait for the next attempt and are rejected
 *   (MaxRetriesPerRequestError) when that attempt fails (node-redis keeps them queued until
 *   it is back: see docs/redis-drivers.md);
 * - connectTimeout, client name (CLIENT SETNAME) and database from the URL, as node-redis.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Connection } from '../../core/target.js';
import { mapRedisError } from './client.js';
import { hashPairs, listOf, QueuedMulti, scanRounds, type ExpireMode, type OpenRedisOptions, type RedisClient, type RedisMulti, type ScanOptions, type SetOptions } from './driver.js';

/** The backoff of a reconnect attempt, ms: 50 ms doubling, at most 2 s (node-redis's policy in connectRedis()). */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(Math.max(0, attempt - 1), 6), 2000);
}

/** Replies of an ioredis MULTI or pipeline ([err, reply] pairs) as replies; the first error is thrown. */
function unpair(pairs: [Error | null, unknown][] | null): unknown[] {
  if (pairs === null) throw new Error('EXECABORT the transaction was discarded (a watched key changed)');
  const out: unknown[] = new Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) {
    const [err, reply] = pairs[i]!;
    if (err) throw err;
    out[i] = reply;
  }
  return out;
}

/** RedisClient over a connected ioredis client. */
export class IoRedisDriver implements RedisClient {
  readonly driver = 'ioredis' as const;
  /**
   * @param c a connected ioredis client (openIoRedis()).
   * @param reopen how to open another client with the same connection and options (duplicate()).
   */
  constructor(
    readonly c: Redis,
    private readonly reopen: () => Promise<RedisClient>,
  ) {}

  ping(): Promise<string> {
    return this.c.ping();
  }
  get(key: string): Promise<string | null> {
    return this.c.get(key);
  }
  set(key: string, value: string, opts?: SetOptions): Promise<string | null> {
    return opts?.EX !== undefined ? this.c.set(key, value, 'EX', opts.EX) : this.c.set(key, value);
  }
  mGet(keys: readonly string[]): Promise<(string | null)[]> {
    return this.c.mget(keys as string[]);
  }
  mSet(pairs: readonly (readonly [string, string])[]): Promise<string> {
    return this.c.mset(hashPairs(pairs)) as Promise<string>;
  }
  incr(key: string): Promise<number> {
    return this.c.incr(key);
  }
  strLen(key: string): Promise<number> {
    return this.c.strlen(key);
  }
  del(keys: string | readonly string[]): Promise<number> {
    return this.c.del(listOf(keys));
  }
  unlink(keys: string | readonly string[]): Promise<number> {
    return this.c.unlink(listOf(keys));
  }
  exists(keys: string | readonly string[]): Promise<number> {
    return this.c.exists(listOf(keys));
  }
  expire(key: string, seconds: number, mode?: ExpireMode): Promise<number> {
    return mode ? (this.c.call('EXPIRE', key, String(seconds), mode) as Promise<number>) : this.c.expire(key, seconds);
  }
  ttl(key: string): Promise<number> {
    return this.c.ttl(key);
  }
  pTTL(key: string): Promise<number> {
    return this.c.pttl(key);
  }
  hGet(key: string, field: string): Promise<string | null> {
    return this.c.hget(key, field);
  }
  hSet(key: string, fieldOrFields: string | Readonly<Record<string, string>> | readonly (readonly [string, string])[], value?: string): Promise<number> {
    return this.c.hset(key, hashPairs(fieldOrFields, value));
  }
  hIncrBy(key: string, field: string, by: number): Promise<number> {
    return this.c.hincrby(key, field, by);
  }
  hGetAll(key: string): Promise<Record<string, string>> {
    return this.c.hgetall(key);
  }
  hLen(key: string): Promise<number> {
    return this.c.hlen(key);
  }
  hVals(key: string): Promise<string[]> {
    return this.c.hvals(key);
  }
  hDel(key: string, fields: string | readonly string[]): Promise<number> {
    return this.c.hdel(key, ...listOf(fields));
  }
  sAdd(key: string, members: string | readonly string[]): Promise<number> {
    return this.c.sadd(key, listOf(members));
  }
  sIsMember(key: string, member: string): Promise<number> {
    return this.c.sismember(key, member);
  }
  sMembers(key: string): Promise<string[]> {
    return this.c.smembers(key);
  }
  sInter(keys: readonly string[]): Promise<string[]> {
    return this.c.sinter(keys as string[]);
  }
  sCard(key: string): Promise<number> {
    return this.c.scard(key);
  }
  pfAdd(key: string, elements: string | readonly string[]): Promise<number> {
    return this.c.pfadd(key, ...listOf(elements)) as Promise<number>;
  }
  pfCount(key: string): Promise<number> {
    return this.c.pfcount(key);
  }
  lRange(key: string, start: number, stop: number): Promise<string[]> {
    return this.c.lrange(key, start, stop);
  }
  rPush(key: string, elements: string | readonly string[]): Promise<number> {
    return this.c.rpush(key, ...listOf(elements));
  }
  zCard(key: string): Promise<number> {
    return this.c.zcard(key);
  }
  publish(channel: string, message: string): Promise<number> {
    return this.c.publish(channel, message);
  }
  info(section?: string): Promise<string> {
    return section ? this.c.info(section) : this.c.info();
  }
  async configGet(pattern: string): Promise<Record<string, string>> {
    const flat = (await this.c.config('GET', pattern)) as string[];
    const out: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
    return out;
  }
  objectEncoding(key: string): Promise<string | null> {
    return this.c.call('OBJECT', 'ENCODING', key) as Promise<string | null>;
  }
  scriptLoad(script: string): Promise<string> {
    return this.c.script('LOAD', script) as Promise<string>;
  }
  evalSha(sha: string, opts: { keys: readonly string[]; arguments: readonly string[] }): Promise<unknown> {
    return this.c.evalsha(sha, opts.keys.length, ...opts.keys, ...opts.arguments);
  }
  sendCommand(args: readonly string[]): Promise<unknown> {
    return this.c.call(args[0]!, ...args.slice(1));
  }
  scanIterator(opts: ScanOptions): AsyncIterable<string[]> {
    return scanRounds((cursor, match, count) => this.c.scan(cursor, 'MATCH', match, 'COUNT', count), opts);
  }
  multi(): RedisMulti {
    return new QueuedMulti(async (cmds, atomic) => {
      const p = atomic ? this.c.multi() : this.c.pipeline();
      for (const [name, ...args] of cmds) p.call(name!, ...args);
      try {
        return unpair(await p.exec());
      } catch (err) {
        // EXECABORT: the server refused to queue a command; its own error, as node-redis reports it.
        const first = (err as { previousErrors?: unknown[] }).previousErrors?.[0];
        throw first instanceof Error ? first : err;
      }
    });
  }
  duplicate(): Promise<RedisClient> {
    return this.reopen();
  }
  async subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<void> {
    this.c.on('message', (ch: string, message: string) => {
      if (ch === channel) listener(message, ch);
    });
    await this.c.subscribe(channel);
  }
  unref(): void {
    (this.c as unknown as { stream?: { unref?: () => void } }).stream?.unref?.();
  }
  async close(): Promise<void> {
    try {
      await this.c.quit();
    } catch {
      this.c.disconnect();
    }
  }
  destroy(): void {
    try {
      this.c.disconnect();
    } catch {
      // already closed
    }
  }
}

/**
 * Open an ioredis RedisClient for `conn` (credentials and database from the URL).
 * @throws TargetUnreachableError "redis at <address> is unreachable: <reason>." when the
 *   server does not answer, refuses the password, or the database does not exist.
 */
export async function openIoRedis(conn: Connection, opts: OpenRedisOptions = {}): Promise<RedisClient> {
  const timeout = opts.connectTimeoutMs ?? 5000;
  let connected = false;
  let lastError: Error | undefined;
  const options: RedisOptions = {
    host: conn.host,
    port: conn.port,
    ...(conn.username !== undefined ? { username: conn.username } : {}),
    ...(conn.password !== undefined ? { password: conn.password } : {}),
    db: conn.database !== undefined ? Number(conn.database) : 0,
    ...(conn.url.startsWith('rediss:') ? { tls: {} } : {}),
    connectionName: opts.name ?? 'capbench',
    connectTimeout: timeout,
    lazyConnect: true,
    enableAutoPipelining: true,
    // In-flight commands are rejected when the connection drops, never re-sent (see the module comment).
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt: number) => (connected && opts.reconnect !== false ? reconnectDelayMs(attempt) : null),
  };
  const c = new Redis(options);
  c.on('error', (err: Error) => {
    lastError = err;
    if (connected) opts.onError?.(err);
  });
  try {
    await c.connect();
    // A wrong database or password may surface as an error event while the connection still opens.
    await c.ping();
    // ioredis reports a failed SELECT (a database the server lacks) as an error event and stays on database 0.
    if (lastError) throw lastError;
    connected = true;
    return new IoRedisDriver(c, () => openIoRedis(conn, opts));
  } catch (err) {
    c.disconnect();
    throw mapRedisError(conn, lastError ?? err, timeout);
  }
}
