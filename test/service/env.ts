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

/**
 * Delete every Elasticsearch index whose name starts with `prefix` (listed, then deleted by
 * name: the server refuses wildcard deletes, action.destructive_requires_name).
 */
export async function dropEsPrefix(prefix: string): Promise<void> {
  const c = await testClients(['elasticsearch'], 1);
  try {
    const rows = (await c.elasticsearch!.cat.indices({ index: `${prefix}*`, format: 'json', h: 'index', expand_wildcards: 'all' })) as Array<{ index?: string }>;
    const names = rows.map((r) => r.index).filter((n): n is string => typeof n === 'string' && n.startsWith(prefix));
    if (names.length > 0) await c.elasticsearch!.indices.delete({ index: names.join(','), ignore_unavailable: true });
  } finally {
    await c.close();
  }
}
