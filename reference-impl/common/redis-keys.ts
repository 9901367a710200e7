/**
 * Redis helpers shared by the reference-impl storage paths: glob escaping and
 * prefix-scoped deletion.
 */
import type { RedisClientType } from 'redis';

/** Escape Redis glob metacharacters (`* ? [ ] \`) so a key prefix matches literally in SCAN MATCH. */
export function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * Delete every key matching a SCAN pattern, in batches, with UNLINK (frees memory off the
 * main thread, so clearing 1M keys does not stall a running benchmark).
 * @param pattern a SCAN MATCH glob; escape literal parts with escapeGlob().
 * @returns the number of keys removed.
 */
export async function unlinkMatching(client: RedisClientType, pattern: string): Promise<number> {
  let removed = 0;
  for await (const keys of client.scanIterator({ MATCH: pattern, COUNT: 1000 })) {
    if (keys.length > 0) removed += await client.unlink(keys);
  }
  return removed;
}
