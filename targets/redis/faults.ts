/**
 * Faults on Redis (issue 13): on a local server capbench started, every kind (targets/local/
 * faults.ts: SIGSTOP/SIGCONT, SIGKILL, clean stop, start); on an external server only what
 * Redis's own protocol allows: CLIENT PAUSE <ms> ALL (pause). Also reads the persistence mode
 * (CONFIG GET), which says what a kill may lose.
 */
import type { Connection, ServiceContext } from '../../core/target.js';
import { localServerControl, type ServerControl } from '../local/faults.js';
import { addressOf } from '../local/net.js';
import { closeRedis, connectRedis } from './client.js';
import { redisLocal } from './local.js';

/**
 * How faults act on the Redis at `conn`: the local control when capbench started it under
 * ctx.stateDir, else CLIENT PAUSE only.
 */
export async function redisFaultControl(conn: Connection, ctx: ServiceContext): Promise<ServerControl> {
  const local = await localServerControl('redis', redisLocal, conn, ctx);
  if (local) return local;
  const once = async (args: string[]) => {
    const c = await connectRedis(conn, { reconnect: false, name: 'capbench-fault' });
    try {
      await c.sendCommand(args);
    } finally {
      closeRedis(c);
    }
  };
  return {
    describe: `external Redis at ${addressOf(conn)} (not started by capbench: CLIENT PAUSE only)`,
    pause: (forMs) => once(['CLIENT', 'PAUSE', String(Math.max(1, Math.round(forMs))), 'ALL']),
    resume: () => once(['CLIENT', 'UNPAUSE']),
  };
}

/**
 * The persistence mode of the Redis at `conn`, read with CONFIG GET: e.g. "appendonly yes,
 * appendfsync everysec, save \"\"" (what a kill -9 can lose depends on it).
 * @throws the driver's error when the server does not answer.
 */
export async function redisPersistenceMode(conn: Connection): Promise<string> {
  const c = await connectRedis(conn, { reconnect: false, name: 'capbench-fault' });
  try {
    const get = async (k: string) => {
      const r = (await c.sendCommand(['CONFIG', 'GET', k])) as string[];
      return r[1] ?? '';
    };
    const aof = await get('appendonly');
    const fsync = await get('appendfsync');
    const save = await get('save');
    return `appendonly ${aof}${aof === 'yes' ? `, appendfsync ${fsync}` : ''}, save "${save}"`;
  } finally {
    await closeRedis(c);
  }
}
