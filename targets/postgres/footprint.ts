/**
 * PostgreSQL footprint of the connection's database (capbench by default): per table, the
 * main fork (pg_relation_size), TOAST plus free-space/visibility maps (pg_table_size minus the
 * main fork) and each index (pg_relation_size of the index; their sum is pg_indexes_size),
 * with row counts: exact (count(*)) for tables up to `exactCountMaxBytes`, otherwise the
 * planner's estimate pg_class.reltuples. Tables of every schema except the system ones.
 */
import type pg from 'pg';
import type { Connection, Footprint, FootprintItem } from '../../core/target.js';
import { connectPostgresClient, mapPostgresError } from './client.js';

/** Options of postgresFootprint(). */
export interface PostgresFootprintOptions {
  /** Count rows exactly when the table's main fork is at most this many bytes (default 64 MiB). */
  exactCountMaxBytes?: number;
  /** Connect timeout, ms (default 5000). */
  timeoutMs?: number;
}

interface TableRow {
  oid: number;
  schema: string;
  name: string;
  main_bytes: string;
  table_bytes: string;
  index_bytes: string;
  total_bytes: string;
  reltuples: string;
}

interface IndexRow {
  table_oid: number;
  schema: string;
  name: string;
  bytes: string;
}

const SYSTEM_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

/**
 * Read the footprint of the database in `conn`. totalBytes = the sum of
 * pg_total_relation_size over its tables (disk bytes: data, TOAST, maps, indexes).
 * Items: "table <t>" (kind table, count rows), "toast <t>" (kind toast, when > 0),
 * "index <i>" (kind index, note "on <t>"); names are schema-qualified outside `public`.
 * @throws TargetUnreachableError naming postgres and host:port.
 */
export async function postgresFootprint(conn: Connection, opts: PostgresFootprintOptions = {}): Promise<Footprint> {
  const exactMax = opts.exactCountMaxBytes ?? 64 * 1024 * 1024;
  const client = await connectPostgresClient(conn, opts.timeoutMs ?? 5000);
  try {
    const takenAt = new Date().toISOString();
    await client.query("SET statement_timeout = '60s'");
    const tables = await client.query<TableRow>(`
      SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name,
             pg_relation_size(c.oid) AS main_bytes, pg_table_size(c.oid) AS table_bytes,
             pg_indexes_size(c.oid) AS index_bytes, pg_total_relation_size(c.oid) AS total_bytes,
             c.reltuples AS reltuples
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'm') AND ${SYSTEM_SCHEMAS}
       ORDER BY pg_total_relation_size(c.oid) DESC, n.nspname, c.relname`);
    const indexes = await client.query<IndexRow>(`
      SELECT i.indrelid::int AS table_oid, n.nspname AS schema, ic.relname AS name, pg_relation_size(i.indexrelid) AS bytes
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'm') AND ${SYSTEM_SCHEMAS}
       ORDER BY pg_relation_size(i.indexrelid) DESC, ic.relname`);

    const qualified = (schema: string, name: string) => (schema === 'public' ? name : `${schema}.${name}`);
    const items: FootprintItem[] = [];
    let total = 0;
    for (const t of tables.rows) {
      const main = Number(t.main_bytes);
      const tableBytes = Number(t.table_bytes);
      total += Number(t.total_bytes);
      const name = qualified(t.schema, t.name);
      const estimate = Number(t.reltuples);
      let count: number | undefined;
      let note: string;
      const exact = main <= exactMax ? await exactCount(client, t.schema, t.name) : undefined;
      if (exact !== undefined) {
        count = exact;
        note = 'rows: exact count(*)';
      } else if (estimate >= 0) {
        count = Math.round(estimate);
        note = 'rows: estimate (pg_class.reltuples)';
      } else {
        note = 'rows: unknown (table not analyzed yet)';
      }
      items.push({ name: `table ${name}`, kind: 'table', bytes: main, ...(count !== undefined ? { count, countUnit: 'rows' } : {}), note: `main fork (pg_relation_size); ${note}` });
      if (tableBytes - main > 0) {
        items.push({ name: `toast ${name}`, kind: 'toast', bytes: tableBytes - main, note: 'TOAST, free-space and visibility maps (pg_table_size - pg_relation_size)' });
      }
      for (const ix of indexes.rows.filter((r) => r.table_oid === t.oid)) {
        items.push({ name: `index ${qualified(ix.schema, ix.name)}`, kind: 'index', bytes: Number(ix.bytes), note: `on ${name}` });
      }
    }
    return { store: 'postgres', takenAt, totalBytes: total, items };
  } catch (err) {
    throw mapPostgresError(conn, err, opts.timeoutMs);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** count(*) of a table, or undefined when it cannot be read (no privilege, timeout). */
async function exactCount(client: pg.Client, schema: string, name: string): Promise<number | undefined> {
  try {
    const ident = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(name)}`;
    const res = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${ident}`);
    return Number(res.rows[0]?.n ?? 0);
  } catch {
    return undefined;
  }
}
