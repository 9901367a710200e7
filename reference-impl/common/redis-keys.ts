/**
 * Redis helpers shared by the reference-impl storage paths: glob escaping and
 * prefix-scoped deletion.
 */
import type { RedisClient } from '../../targets/redis/driver.js';

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
export async function unlinkMatching(client: RedisClient, pattern: string): Promise<number> {
  let removed = 0;
  for await (const keys of client.scanIterator({ MATCH: pattern, COUNT: 1000 })) {
    if (keys.length > 0) removed += await client.unlink(keys);
  }
  return removed;
}

/**
 * Sum integer values over every key matching a SCAN pattern: string keys via MGET, hash
 * keys via HVALS, each key once even when SCAN returns it twice. Used to prove that no like was
 * lost (the stored total equals the acknowledged likes).
 * @returns total of the values and the number of keys (string) or fields (hash) summed.
 */
export async function sumMatching(client: RedisClient, pattern: string, kind: 'string' | 'hash'): Promise<{ total: number; items: number }> {
  let total = 0;
  let items = 0;
  // SCAN may return a key more than once (while the keyspace is rehashed): count each once.
  const seen = new Set<string>();
  for await (const batch of client.scanIterator({ MATCH: pattern, COUNT: 1000 })) {
    const keys = batch.filter((k) => !seen.has(k));
    for (const k of keys) seen.add(k);
    if (keys.length === 0) continue;
    const values = kind === 'string' ? await client.mGet(keys) : (await Promise.all(keys.map((k) => client.hVals(k)))).flat();
    for (const v of values) {
      if (v === null) continue;
      total += Number(v);
      items++;
    }
  }
  return { total, items };
}
