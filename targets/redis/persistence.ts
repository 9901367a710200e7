/**
 * Redis persistence modes (issue 8, "Crash window"; seed 000 "Likes System" keeps acknowledged
 * likes in Redis until the flush): what a kill -9 can lose depends on them.
 *   none          save "", appendonly no            a kill -9 loses everything since the start
 *   rdb           save 3600 1 300 100 60 10000      a kill -9 loses everything since the last snapshot (Redis's default schedule)
 *   aof-everysec  appendonly yes, appendfsync everysec   a kill -9 of the process loses nothing acknowledged (the
 *                 AOF is written before the reply and the OS keeps it); a machine crash loses up to ~1 s (fsync once a second)
 *   aof-always    appendonly yes, appendfsync always     nothing acknowledged, even on a machine crash (fsync before the reply)
 * Measured with viral-like-spike -o crashAt (docs/faults.md): none and rdb lost every like before
 * the kill, aof-everysec and aof-always none.
 * On the local Redis capbench started, a mode is applied live (CONFIG SET) and written to
 * `<stateDir>/redis/persistence`, which targets/redis/local.ts reads at every start, so a
 * restart after a kill comes back in the same mode and loads what it persisted. On any other
 * Redis the mode is read (CONFIG GET) and never changed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { Connection, ServiceContext } from '../../core/target.js';
import { serviceLayout } from '../local/index.js';
import { addressOf } from '../local/net.js';
import { closeRedis, connectRedis } from './client.js';
import { redisLocal } from './local.js';

/** The modes `-o redisPersistence=` accepts. */
export const REDIS_PERSISTENCE_MODES = ['none', 'rdb', 'aof-everysec', 'aof-always'] as const;
export type RedisPersistenceMode = (typeof REDIS_PERSISTENCE_MODES)[number];

/** Redis's own default RDB schedule (redis.conf): after 3600 s and 1 change, 300 s and 100, 60 s and 10000. */
export const RDB_SCHEDULE = '3600 1 300 100 60 10000';

/** The config directives of a mode, as [name, value] pairs (CONFIG SET and redis.conf alike). */
export function persistenceDirectives(mode: RedisPersistenceMode): [string, string][] {
  switch (mode) {
    case 'none':
      return [['save', ''], ['appendonly', 'no']];
    case 'rdb':
      return [['save', RDB_SCHEDULE], ['appendonly', 'no']];
    case 'aof-everysec':
      return [['save', ''], ['appendonly', 'yes'], ['appendfsync', 'everysec']];
    case 'aof-always':
      return [['save', ''], ['appendonly', 'yes'], ['appendfsync', 'always']];
  }
}

/** What a kill -9 loses in this mode, one line for reports. */
export function persistenceLoss(mode: RedisPersistenceMode): string {
  switch (mode) {
    case 'none':
      return 'a kill -9 loses every write since the server started (nothing is persisted)';
    case 'rdb':
      return `a kill -9 loses every write since the last RDB snapshot (save ${RDB_SCHEDULE}: minutes apart under light load)`;
    case 'aof-everysec':
      return 'a kill -9 of the process loses no acknowledged write (the AOF is written before each reply and the OS keeps it); a machine crash or power cut loses up to about 1 s (fsync once a second)';
    case 'aof-always':
      return 'a kill -9 loses no acknowledged write, nor does a machine crash (the AOF is fsynced before each reply)';
  }
}

/** The mode a server's CONFIG GET answers describe, or undefined when it matches none exactly (e.g. RDB on another schedule plus AOF). */
export function modeOf(cfg: { save: string; appendonly: string; appendfsync: string }): RedisPersistenceMode | undefined {
  const aof = cfg.appendonly === 'yes';
  if (!aof) return cfg.save.trim() === '' ? 'none' : 'rdb';
  if (cfg.save.trim() !== '') return undefined;
  return cfg.appendfsync === 'always' ? 'aof-always' : cfg.appendfsync === 'everysec' ? 'aof-everysec' : undefined;
}

/** Path of the file holding the local Redis's mode (read at every start by targets/redis/local.ts). */
export function persistenceFile(ctx: Pick<ServiceContext, 'stateDir'>): string {
  return path.join(serviceLayout(ctx as ServiceContext, 'redis').dir, 'persistence');
}

/** The mode the local Redis starts in: the file's, else "none" (capbench's benchmarking default). */
export async function localPersistenceMode(ctx: Pick<ServiceContext, 'stateDir'>): Promise<RedisPersistenceMode> {
  const text = (await readFile(persistenceFile(ctx), 'utf8').catch(() => '')).trim();
  return (REDIS_PERSISTENCE_MODES as readonly string[]).includes(text) ? (text as RedisPersistenceMode) : 'none';
}

/** What applyRedisPersistence did. */
export interface PersistenceOutcome {
  mode: RedisPersistenceMode;
  /** "set on capbench's local Redis" or "read from the external Redis". */
  how: string;
  /** The mode's loss line (persistenceLoss). */
  loss: string;
}

/**
 * Put the Redis at `conn` in `mode`: on the local Redis capbench started (same address, state dir
 * ctx.stateDir), CONFIG SET live (waiting for the AOF rewrite that enabling it starts) and record
 * it for restarts; on any other server, read the mode and accept it only when it is `mode`.
 * @throws UsageError (one line) when the server is external and runs another mode; the driver's
 *   error when the server does not answer.
 */
export async function applyRedisPersistence(conn: Connection, ctx: ServiceContext, mode: RedisPersistenceMode): Promise<PersistenceOutcome> {
  const status = await redisLocal.status(ctx);
  const local = status.state === 'running' && status.provisioner === 'local' && status.address === addressOf(conn);
  const c = await connectRedis(conn, { reconnect: false, name: 'capbench-persistence' });
  try {
    const get = async (k: string) => ((await c.sendCommand(['CONFIG', 'GET', k])) as string[])[1] ?? '';
    if (!local) {
      const now = modeOf({ save: await get('save'), appendonly: await get('appendonly'), appendfsync: await get('appendfsync') });
      if (now !== mode) {
        throw new UsageError(`Redis at ${addressOf(conn)} is not one capbench started, so its persistence cannot be set to ${mode}; it runs ${now ?? 'a mixed mode'}.`, {
          hint: `Configure that server yourself (${persistenceDirectives(mode).map(([k, v]) => `${k} "${v}"`).join(', ')}), or drop -o redisPersistence to report its mode as it is.`,
        });
      }
      return { mode, how: `read from the external Redis at ${addressOf(conn)} (CONFIG GET)`, loss: persistenceLoss(mode) };
    }
    for (const [k, v] of persistenceDirectives(mode)) await c.sendCommand(['CONFIG', 'SET', k, v]);
    // Enabling the AOF starts a rewrite; until it ends, a kill loses what the AOF does not hold yet.
    for (let i = 0; i < 600; i++) {
      const info = String(await c.sendCommand(['INFO', 'persistence']));
      if (!/aof_rewrite_in_progress:1/.test(info) && !/aof_rewrite_scheduled:1/.test(info)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await writeFile(persistenceFile(ctx), `${mode}\n`);
    return { mode, how: `set on capbench's local Redis at ${addressOf(conn)} (CONFIG SET, kept for restarts)`, loss: persistenceLoss(mode) };
  } finally {
    await closeRedis(c);
  }
}
