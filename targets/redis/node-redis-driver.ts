/**
 * The node-redis implementation of capbench's RedisClient (targets/redis/driver.ts): the
 * official `redis` v5 client connected by connectRedis() (targets/redis/client.ts), each
 * method one call of the client, so a run with `--redis-driver node-redis` sends exactly what
 * capbench sent before issue 7.
 */
import type { Connection } from '../../core/target.js';
import { closeRedis, connectRedis, type NodeRedisClient } from './client.js';
import { listOf, QueuedMulti, scanRounds, type ExpireMode, type OpenRedisOptions, type RedisClient, type RedisMulti, type ScanOptions, type SetOptions } from './driver.js';

/** A node-redis ErrorReply inside a MULTI/pipeline reply list, as node-redis hands it back. */
function firstError(replies: readonly unknown[]): Error | undefined {
  return replies.find((r): r is Error => r instanceof Error);
}

/** RedisClient over a connected node-redis v5 client. */
export class NodeRedisDriver implements RedisClient {
  readonly driver = 'node-redis' as const;
  /**
   * @param c a connected node-redis client (connectRedis()).
   * @param reopen how to open another client with the same connection and options (duplicate()).
   */
  constructor(
    readonly c: NodeRedisClient,
    private readonly reopen: () => Promise<RedisClient>,
  ) {}

  ping(): Promise<string> {
    return this.c.ping();
  }
  get(key: string): Promise<string | null> {
    return this.c.get(key);
  }
  set(key: string, value: string, opts?: SetOptions): Promise<string | null> {
    return opts?.EX !== undefined ? this.c.set(key, value, { expiration: { type: 'EX', value: opts.EX } }) : this.c.set(key, value);
  }
  mGet(keys: readonly string[]): Promise<(string | null)[]> {
    return this.c.mGet([...keys]);
  }
  mSet(pairs: readonly (readonly [string, string])[]): Promise<string> {
    return this.c.mSet(pairs as [string, string][]);
  }
  incr(key: string): Promise<number> {
    return this.c.incr(key);
  }
  strLen(key: string): Promise<number> {
    return this.c.strLen(key);
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
    return mode ? this.c.expire(key, seconds, mode) : this.c.expire(key, seconds);
  }
  ttl(key: string): Promise<number> {
    return this.c.ttl(key);
  }
  pTTL(key: string): Promise<number> {
    return this.c.pTTL(key);
  }
  hGet(key: string, field: string): Promise<string | null> {
    return this.c.hGet(key, field) as Promise<string | null>;
  }
  hSet(key: string, fieldOrFields: string | Readonly<Record<string, string>> | readonly (readonly [string, string])[], value?: string): Promise<number> {
    if (typeof fieldOrFields === 'string') return this.c.hSet(key, fieldOrFields, value ?? '');
    return this.c.hSet(key, fieldOrFields as Record<string, string>);
  }
  hIncrBy(key: string, field: string, by: number): Promise<number> {
    return this.c.hIncrBy(key, field, by);
  }
  async hGetAll(key: string): Promise<Record<string, string>> {
    return { ...(await this.c.hGetAll(key)) } as Record<string, string>;
  }
  hLen(key: string): Promise<number> {
    return this.c.hLen(key);
  }
  hVals(key: string): Promise<string[]> {
    return this.c.hVals(key);
  }
  hDel(key: string, fields: string | readonly string[]): Promise<number> {
    return this.c.hDel(key, listOf(fields));
  }
  sAdd(key: string, members: string | readonly string[]): Promise<number> {
    return this.c.sAdd(key, listOf(members));
  }
  sIsMember(key: string, member: string): Promise<number> {
    return this.c.sIsMember(key, member).then(Number);
  }
  sMembers(key: string): Promise<string[]> {
    return this.c.sMembers(key);
  }
  sInter(keys: readonly string[]): Promise<string[]> {
    return this.c.sInter([...keys]);
  }
  sCard(key: string): Promise<number> {
    return this.c.sCard(key);
  }
  pfAdd(key: string, elements: string | readonly string[]): Promise<number> {
    return this.c.pfAdd(key, listOf(elements));
  }
  pfCount(key: string): Promise<number> {
    return this.c.pfCount(key);
  }
  lRange(key: string, start: number, stop: number): Promise<string[]> {
    return this.c.lRange(key, start, stop);
  }
  rPush(key: string, elements: string | readonly string[]): Promise<number> {
    return this.c.rPush(key, listOf(elements));
  }
  zCard(key: string): Promise<number> {
    return this.c.zCard(key);
  }
  publish(channel: string, message: string): Promise<number> {
    return this.c.publish(channel, message);
  }
  info(section?: string): Promise<string> {
    return section ? this.c.info(section) : this.c.info();
  }
  async configGet(pattern: string): Promise<Record<string, string>> {
    return { ...(await this.c.configGet(pattern)) } as Record<string, string>;
  }
  objectEncoding(key: string): Promise<string | null> {
    return this.c.objectEncoding(key) as Promise<string | null>;
  }
  scriptLoad(script: string): Promise<string> {
    return this.c.scriptLoad(script);
  }
  evalSha(sha: string, opts: { keys: readonly string[]; arguments: readonly string[] }): Promise<unknown> {
    return this.c.evalSha(sha, { keys: [...opts.keys], arguments: [...opts.arguments] });
  }
  sendCommand(args: readonly string[]): Promise<unknown> {
    return this.c.sendCommand([...args]);
  }
  scanIterator(opts: ScanOptions): AsyncIterable<string[]> {
    return scanRounds(async (cursor, match, count) => {
      const r = await this.c.scan(cursor, { MATCH: match, COUNT: count });
      return [String(r.cursor), r.keys];
    }, opts);
  }
  multi(): RedisMulti {
    return new QueuedMulti(async (cmds, atomic) => {
      const m = this.c.multi();
      for (const args of cmds) m.addCommand(args);
      let replies: unknown[];
      try {
        replies = (atomic ? await m.exec() : await m.execAsPipeline()) as unknown[];
      } catch (e) {
        // node-redis's MultiErrorReply ("n commands failed"): the first failed command's own error.
        const r = e as { replies?: unknown[]; errorIndexes?: number[] };
        const first = r.errorIndexes?.[0];
        throw first !== undefined && r.replies?.[first] instanceof Error ? r.replies[first] : e;
      }
      const err = firstError(replies);
      if (err) throw err;
      return replies;
    });
  }
  duplicate(): Promise<RedisClient> {
    return this.reopen();
  }
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<void> {
    return this.c.subscribe(channel, listener);
  }
  unref(): void {
    this.c.unref();
  }
  async close(): Promise<void> {
    try {
      await this.c.close();
    } catch {
      closeRedis(this.c);
    }
  }
  destroy(): void {
    closeRedis(this.c);
  }
}

/**
 * Open a node-redis RedisClient for `conn`.
 * @throws TargetUnreachableError (one line) when the server does not answer, refuses the password, or the database does not exist.
 */
export async function openNodeRedis(conn: Connection, opts: OpenRedisOptions = {}): Promise<RedisClient> {
  const c = await connectRedis(conn, opts);
  return new NodeRedisDriver(c, () => openNodeRedis(conn, opts));
}
