/**
 * MongoDB footprint: dbStats for the database, collStats per collection (documents, data
 * size, storage size, one item per index). On FerretDB with its SQLite backend the sizes are
 * those of the SQLite tables and indexes that hold the collection (pages on disk), so `size`
 * and `storageSize` are equal there; notes say which server measured what.
 */
import type { Document, MongoClient } from 'mongodb';
import type { Connection, Footprint, FootprintItem } from '../../core/target.js';
import { connectMongo, mapMongoError } from './client.js';
import { MONGODB_DEFAULT_DATABASE } from './url.js';

/** Options of mongoFootprint(). */
export interface MongoFootprintOptions {
  /** Connect/answer timeout, ms (default 10 000). */
  timeoutMs?: number;
  /** Database to measure (default: the URL's database, else "capbench"). */
  database?: string;
  /** An open client to use instead of connecting (it is not closed). */
  client?: MongoClient;
}

/** What collStats (or $collStats storageStats) says about one collection; undefined fields were not reported. */
interface CollStats {
  count?: number;
  size?: number;
  storageSize?: number;
  totalIndexSize?: number;
  indexSizes?: Record<string, number>;
}

const num = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v && typeof v === 'object' && 'toNumber' in v && typeof (v as { toNumber: unknown }).toNumber === 'function') return (v as { toNumber(): number }).toNumber();
  return undefined;
};

function toCollStats(d: Document): CollStats {
  const idx = d.indexSizes;
  let indexSizes: Record<string, number> | undefined;
  if (idx && typeof idx === 'object') {
    indexSizes = {};
    for (const [k, v] of Object.entries(idx as Record<string, unknown>)) {
      const n = num(v);
      if (n !== undefined) indexSizes[k] = n;
    }
  }
  return { count: num(d.count), size: num(d.size), storageSize: num(d.storageSize), totalIndexSize: num(d.totalIndexSize), indexSizes };
}

async function collStats(client: MongoClient, db: string, name: string): Promise<{ stats: CollStats; via: string } | undefined> {
  try {
    return { stats: toCollStats(await client.db(db).command({ collStats: name })), via: 'collStats' };
  } catch {
    // collStats is deprecated in MongoDB 6.2+ and may be refused: try the aggregation stage
  }
  try {
    const [doc] = await client.db(db).collection(name).aggregate([{ $collStats: { storageStats: {}, count: {} } }]).toArray();
    if (doc?.storageStats) return { stats: { ...toCollStats(doc.storageStats as Document), count: num(doc.count) ?? num((doc.storageStats as Document).count) }, via: '$collStats' };
  } catch {
    // neither is supported: the caller falls back to a document count
  }
  return undefined;
}

/**
 * Read the footprint of one database. totalBytes is the sum over collections of storage size
 * plus index size (what the data occupies on disk); items: the dbStats totals of the database,
 * then per collection one "collection <name>" item (bytes = storageSize, count = documents)
 * and one "index <collection>.<index>" item per index.
 * @throws TargetUnreachableError naming mongodb and host:port.
 */
export async function mongoFootprint(conn: Connection, opts: MongoFootprintOptions = {}): Promise<Footprint> {
  const timeout = opts.timeoutMs ?? 10_000;
  const client = opts.client ?? (await connectMongo(conn, { timeoutMs: timeout, appName: 'capbench-footprint', driver: { maxPoolSize: 2 } }));
  const dbName = opts.database ?? conn.database ?? MONGODB_DEFAULT_DATABASE;
  try {
    const takenAt = new Date().toISOString();
    const build = (await client.db('admin').command({ buildInfo: 1 })) as { ferretdbVersion?: string };
    const server = build.ferretdbVersion ? `FerretDB ${build.ferretdbVersion.replace(/^v/, '')}` : 'MongoDB';
    const sizeNote = build.ferretdbVersion ? ' (FerretDB: pages of the backing SQLite/PostgreSQL tables)' : '';
    const items: FootprintItem[] = [];
    const db = client.db(dbName);
    try {
      const s = await db.command({ dbStats: 1, scale: 1 });
      const total = num(s.totalSize) ?? (num(s.storageSize) ?? 0) + (num(s.indexSize) ?? 0);
      items.push({
        name: `database ${dbName}`,
        kind: 'other',
        bytes: total,
        count: num(s.objects),
        countUnit: 'docs',
        note: `${server} dbStats totalSize (data + indexes + overhead), covers the items below`,
      });
    } catch {
      // dbStats unsupported: per-collection items only
    }
    const colls = (await db.listCollections({}, { nameOnly: false }).toArray()).filter(
      (c) => (c.type ?? 'collection') === 'collection' && !String(c.name).startsWith('system.'),
    );
    let totalBytes = 0;
    for (const c of colls.sort((a, b) => String(a.name).localeCompare(String(b.name)))) {
      const name = String(c.name);
      const got = await collStats(client, dbName, name);
      if (!got) {
        const count = await db.collection(name).estimatedDocumentCount();
        items.push({ name: `collection ${name}`, kind: 'collection', bytes: 0, count, countUnit: 'docs', note: `${server} supports neither collStats nor $collStats: size unknown, count from estimatedDocumentCount` });
        continue;
      }
      const { stats, via } = got;
      const storage = stats.storageSize ?? stats.size ?? 0;
      const sizeOnly = stats.storageSize === undefined;
      items.push({
        name: `collection ${name}`,
        kind: 'collection',
        bytes: storage,
        count: stats.count,
        countUnit: 'docs',
        note: `${server} ${via} ${sizeOnly ? 'size (storageSize not reported)' : 'storageSize'}${sizeNote}; data size ${stats.size ?? '?'} B`,
      });
      let idxTotal = 0;
      for (const [idx, bytes] of Object.entries(stats.indexSizes ?? {})) {
        idxTotal += bytes;
        items.push({ name: `index ${name}.${idx}`, kind: 'index', bytes, note: `${server} ${via} indexSizes${sizeNote}` });
      }
      totalBytes += storage + (stats.indexSizes ? idxTotal : (stats.totalIndexSize ?? 0));
    }
    return { store: 'mongodb', takenAt, totalBytes, items };
  } catch (err) {
    throw mapMongoError(conn, err, timeout);
  } finally {
    if (!opts.client) await client.close(true).catch(() => undefined);
  }
}
