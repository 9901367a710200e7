/**
 * Redis footprint: INFO memory (used_memory, used_memory_dataset) for the whole server, and
 * per key pattern the key count and the bytes estimated from MEMORY USAGE of a bounded
 * sample of keys. Key patterns are derived from the key names: numeric, UUID and long hex
 * segments become "*" ("p:123:l" -> "p:*:l", "feed:{42}" -> "feed:{*}").
 */
import type { Connection, Footprint, FootprintItem } from '../../core/target.js';
import { closeRedis, connectRedis, mapRedisError } from './client.js';
import { parseInfo } from './probe.js';

/** Options of redisFootprint(). */
export interface RedisFootprintOptions {
  /**
   * Stop SCANning after this many keys (default 200 000). When the whole keyspace is
   * scanned, counts are exact; otherwise they are scaled to DBSIZE and marked as estimates.
   */
  maxScanKeys?: number;
  /** Keys per pattern measured with MEMORY USAGE (default 64, reservoir-sampled). */
  samplePerPattern?: number;
  /** Connect timeout, ms (default 5000). */
  timeoutMs?: number;
}

/**
 * The pattern a key belongs to: ':'-separated segments that look like ids (all digits, a UUID,
 * 16+ hex chars) become "*", as do ids inside a hash tag {...}; other digit runs of 2+ inside a
 * segment become "*" too ("bucket_17" -> "bucket_*").
 */
export function keyPattern(key: string): string {
  return key
    .split(':')
    .map((seg) => {
      const tag = /^\{(.*)\}$/.exec(seg);
      if (tag) return `{${idLike(tag[1]!) ? '*' : tag[1]}}`;
      if (idLike(seg)) return '*';
      return seg.replace(/\d{2,}/g, '*');
    })
    .join(':');
}

function idLike(s: string): boolean {
  return /^-?\d+$/.test(s) || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s) || /^[0-9a-f]{16,}$/i.test(s);
}

/** Most key patterns reported one by one; the rest are folded into one item. */
const MAX_PATTERNS = 200;

interface PatternStats {
  seen: number;
  sample: string[];
}

/**
 * Read the footprint of the Redis database in `conn` (database 0 unless the URL names one).
 * totalBytes is INFO memory used_memory (the whole server's allocator view, which is what a
 * managed Redis bills); items: used_memory, used_memory_dataset, then one "keys <pattern>"
 * item per pattern, largest first, with `count` keys and `bytes` = mean sampled MEMORY USAGE x count.
 * @throws TargetUnreachableError naming redis and host:port.
 */
export async function redisFootprint(conn: Connection, opts: RedisFootprintOptions = {}): Promise<Footprint> {
  const maxScan = opts.maxScanKeys ?? 200_000;
  const perPattern = Math.max(1, opts.samplePerPattern ?? 64);
  const client = await connectRedis(conn, { connectTimeoutMs: opts.timeoutMs ?? 5000, reconnect: false, name: 'capbench-footprint' });
  try {
    const takenAt = new Date().toISOString();
    const mem = parseInfo(await client.info('memory'));
    const usedMemory = Number(mem.get('used_memory') ?? 0);
    const dataset = Number(mem.get('used_memory_dataset') ?? 0);
    const dbsize = Number(await client.dbSize());

    const patterns = new Map<string, PatternStats>();
    let scanned = 0;
    let cursor = '0';
    do {
      const res = await client.scan(cursor, { COUNT: 1000 });
      cursor = String(res.cursor);
      for (const key of res.keys) {
        scanned++;
        const p = keyPattern(String(key));
        let st = patterns.get(p);
        if (!st) patterns.set(p, (st = { seen: 0, sample: [] }));
        st.seen++;
        if (st.sample.length < perPattern) st.sample.push(String(key));
        else {
          const j = Math.floor(Math.random() * st.seen);
          if (j < perPattern) st.sample[j] = String(key);
        }
      }
    } while (cursor !== '0' && scanned < maxScan);
    const complete = cursor === '0';
    // SCAN may return a key twice while the keyspace changes; DBSIZE is the authority on the total
    const scale = complete ? 1 : dbsize / Math.max(1, scanned);

    const items: FootprintItem[] = [
      { name: 'used_memory', kind: 'memory', bytes: usedMemory, note: 'INFO memory used_memory (whole server)' },
      { name: 'used_memory_dataset', kind: 'memory', bytes: dataset, note: 'INFO memory used_memory_dataset (data, without server overhead)' },
    ];
    const keyItems: FootprintItem[] = [];
    // many distinct patterns (keys without ids): report the largest 200, fold the rest into one item
    const ranked = [...patterns.entries()].sort((a, b) => b[1].seen - a[1].seen);
    const shown = ranked.slice(0, MAX_PATTERNS);
    const rest = ranked.slice(MAX_PATTERNS);
    if (rest.length > 0) {
      const merged: PatternStats = { seen: 0, sample: [] };
      for (const [, st] of rest) {
        merged.seen += st.seen;
        if (merged.sample.length < perPattern * 4) merged.sample.push(...st.sample.slice(0, 1));
      }
      shown.push([`(${rest.length} other patterns)`, merged]);
    }
    for (const [pattern, st] of shown) {
      const sizes = await Promise.all(st.sample.map((k) => client.memoryUsage(k)));
      const measured = sizes.filter((s): s is number => typeof s === 'number');
      const mean = measured.length ? measured.reduce((a, b) => a + b, 0) / measured.length : 0;
      const count = Math.round(st.seen * scale);
      const exactBytes = complete && measured.length === st.seen;
      keyItems.push({
        name: `keys ${pattern}`,
        kind: 'keys',
        bytes: Math.round(mean * count),
        count,
        countUnit: 'keys',
        note: `${exactBytes ? 'sum of' : `mean of ${measured.length} sampled`} MEMORY USAGE${exactBytes ? '' : ' x count'}; count ${
          complete ? 'exact (full SCAN)' : `estimated from a SCAN of ${scanned} of ${dbsize} keys`
        }`,
      });
    }
    keyItems.sort((a, b) => b.bytes - a.bytes);
    return { store: 'redis', takenAt, totalBytes: usedMemory, items: [...items, ...keyItems] };
  } catch (err) {
    throw mapRedisError(conn, err, opts.timeoutMs);
  } finally {
    closeRedis(client);
  }
}
