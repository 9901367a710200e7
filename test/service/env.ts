/** Cleanup for HTTP-level tests: remove the Redis keys under a prefix this process used. */
import { testClients } from '../reference-impl/env.js';

/** Delete every Redis key starting with `prefix` (SCAN + DEL; nothing else is touched). */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const c = await testClients(['redis'], 1);
  try {
    for await (const keys of c.redis!.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (keys.length) await c.redis!.del(keys);
  } finally {
    await c.close();
  }
}
