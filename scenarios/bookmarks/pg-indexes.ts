/**
 * The PostgreSQL index experiments the bookmarks scenario runs after its run phase (seed 002
 * "Indexing — The #1 Performance Tool": "1M rows: ~200ms" full scan vs "~0.5ms (400x faster!)"
 * index lookup, "COVERING INDEX", "PARTIAL INDEX"; seed 003 "Indexing Strategies": "A missing
 * index can make a query 1,000x slower", "Covering indexes … can be 2-10x faster", partial
 * index "Smaller, faster", GIN "for JSONB containment queries").
 *
 * One table `orders` in its own schema (default cb_posts_idx): `rows` rows made server-side with
 * generate_series (id, user_id = one of rows/100 users, email unique per row, created_at,
 * total, status with 1% 'pending', metadata jsonb {"color": one of 20, "tag": one of 1000}). Kept between runs
 * when it already has `rows` rows (rebuilt otherwise), VACUUM ANALYZEd so index-only scans see
 * a current visibility map. Every figure is the server's Execution Time from EXPLAIN (ANALYZE,
 * BUFFERS), the median of `repeats` runs after one warm run (the table is in shared buffers:
 * the seed's ~200 ms assumes a disk read at 500 MB/s, see the notes), with the plan checked:
 * a figure whose plan is not the one the experiment asks for is reported as such, not used.
 */
import type pg from 'pg';
import { quoteSchema } from '../../reference-impl/common/pg.js';
import { explainAnalyze, type ExplainedPlan } from '../../reference-impl/common/pg-explain.js';

/** One measured query: what, its plan, median server time over the repeats (ms). */
export interface IndexMeasurement {
  /** Short id, e.g. "scan", "lookup", "range-plain", "range-covering". */
  id: string;
  /** The query as run (parameters inlined in the label only). */
  query: string;
  plan: string;
  /** Median Execution Time, ms. */
  medianMs: number;
  /** Shared buffers touched by one run (8 KiB pages). */
  buffers: number;
  /** Heap fetches of an Index Only Scan (0 with a current visibility map). */
  heapFetches: number;
  /** Whether the plan is the one the experiment needs (e.g. a Seq Scan for "scan"). */
  planOk: boolean;
}

/** Everything the experiments measured. */
export interface IndexExperiments {
  rows: number;
  /** Table size (heap), bytes. */
  tableBytes: number;
  /** Seconds spent building the table (0 when it was reused). */
  buildS: number;
  measurements: IndexMeasurement[];
  /** Index sizes, bytes, by index id ("email", "range-plain", "range-covering", "partial", "full-created", "gin"). */
  indexBytes: Record<string, number>;
  /** max_parallel_workers_per_gather in force for the scans (0: one process reads the table). */
  parallelWorkers: number;
}

/** Options of runIndexExperiments(). */
export interface IndexExperimentOptions {
  /** Rows of the orders table (100 rows per user). */
  rows: number;
  /** Schema of the table (lower-case identifier). */
  schema: string;
  /** Timed runs per query (after one warm run); the median is reported. */
  repeats: number;
  log(line: string): void;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Build (or reuse) the table and run every experiment on one connection, with parallel scans
 * off (a single-process scan is what the seed's "read ALL rows" describes).
 * @throws the driver's error when a statement fails; the connection is released.
 */
export async function runIndexExperiments(pool: pg.Pool, o: IndexExperimentOptions): Promise<IndexExperiments> {
  const s = quoteSchema(o.schema);
  const t = `${s}.orders`;
  const c = await pool.connect();
  try {
    await c.query('SET max_parallel_workers_per_gather = 0');
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    const have = await c.query<{ n: string | null }>(`SELECT (SELECT count(*) FROM ${t})::text AS n WHERE to_regclass($1) IS NOT NULL`, [`${o.schema}.orders`]).catch(() => ({ rows: [] as { n: string | null }[] }));
    let buildS = 0;
    if (Number(have.rows[0]?.n ?? -1) !== o.rows) {
      const t0 = Date.now();
      o.log(`pg indexes: building ${o.rows} rows in ${o.schema}.orders (generate_series)`);
      await c.query(`DROP TABLE IF EXISTS ${t}`);
      await c.query(`CREATE TABLE ${t} (id BIGINT NOT NULL, user_id INT NOT NULL, email TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL,
                     total NUMERIC(10,2) NOT NULL, status TEXT NOT NULL, metadata JSONB NOT NULL)`);
      const users = Math.max(1, Math.floor(o.rows / 100));
      // Rows in id order, users spread over the whole table (each user's 100 orders are ~users rows apart: one heap page each).
      await c.query(
        `INSERT INTO ${t}
         SELECT g, (g * 7919) % $2, 'user' || g || '@example.com', TIMESTAMPTZ '2025-01-01' + g * INTERVAL '1 second',
                (g % 10000) / 100.0, CASE WHEN g % 100 = 0 THEN 'pending' ELSE 'shipped' END,
                jsonb_build_object('color', 'c' || (g % 20), 'tag', 't' || (g % 1000))
         FROM generate_series(1, $1::bigint) g`,
        [o.rows, users],
      );
      await c.query(`VACUUM (ANALYZE) ${t}`);
      buildS = (Date.now() - t0) / 1000;
      o.log(`pg indexes: built in ${buildS.toFixed(1)} s`);
    }
    const tableBytes = Number((await c.query<{ b: string }>(`SELECT pg_relation_size($1::regclass) AS b`, [`${o.schema}.orders`])).rows[0]!.b);
    const sizeOf = async (idx: string) => Number((await c.query<{ b: string }>(`SELECT pg_relation_size($1::regclass) AS b`, [`${o.schema}.${idx}`])).rows[0]!.b);
    const dropAll = async () => {
      for (const i of ['orders_email', 'orders_user_created', 'orders_user_created_cov', 'orders_pending', 'orders_created', 'orders_meta_gin']) await c.query(`DROP INDEX IF EXISTS ${s}.${i}`);
    };
    await dropAll();

    const measurements: IndexMeasurement[] = [];
    const indexBytes: Record<string, number> = {};
    const measure = async (id: string, sql: string, params: unknown[], label: string, ok: (p: ExplainedPlan) => boolean) => {
      await explainAnalyze(c, sql, params); // warm run
      const times: number[] = [];
      let last: ExplainedPlan | undefined;
      for (let i = 0; i < o.repeats; i++) {
        last = await explainAnalyze(c, sql, params);
        times.push(last.executionMs ?? NaN);
      }
      measurements.push({ id, query: label, plan: last!.summary, medianMs: Math.round(median(times) * 1000) / 1000, buffers: last!.buffers, heapFetches: last!.heapFetches, planOk: ok(last!) });
    };
    const probeId = Math.floor(o.rows / 2) + 1;
    const email = `user${probeId}@example.com`;
    const user = 4242 % Math.max(1, Math.floor(o.rows / 100));
    const seq = (p: ExplainedPlan) => p.seqScans.length > 0;
    const usesIndex = (name: string, only = false) => (p: ExplainedPlan) => p.indexes.includes(name) && p.seqScans.length === 0 && (!only || p.nodeTypes.includes('Index Only Scan'));

    // 1. 002: full scan vs B-tree lookup on email.
    o.log('pg indexes: full scan vs index lookup (email)');
    await measure('scan', `SELECT * FROM ${t} WHERE email = $1`, [email], `SELECT * FROM orders WHERE email = '${email}' (no index)`, seq);
    await c.query(`CREATE INDEX orders_email ON ${t} (email)`);
    indexBytes.email = await sizeOf('orders_email');
    await measure('lookup', `SELECT * FROM ${t} WHERE email = $1`, [email], `same query, B-tree index on email`, usesIndex('orders_email'));

    // 2. 002/003: composite (user_id, created_at) vs covering INCLUDE (total, status).
    o.log('pg indexes: composite vs covering index');
    const rangeSql = `SELECT created_at, total, status FROM ${t} WHERE user_id = $1 ORDER BY created_at DESC`;
    await c.query(`CREATE INDEX orders_user_created ON ${t} (user_id, created_at)`);
    indexBytes['range-plain'] = await sizeOf('orders_user_created');
    await measure('range-plain', rangeSql, [user], `SELECT created_at, total, status FROM orders WHERE user_id = ${user} ORDER BY created_at DESC (index (user_id, created_at))`, usesIndex('orders_user_created'));
    await c.query(`DROP INDEX ${s}.orders_user_created`);
    await c.query(`CREATE INDEX orders_user_created_cov ON ${t} (user_id, created_at) INCLUDE (total, status)`);
    await c.query(`VACUUM ${t}`);
    indexBytes['range-covering'] = await sizeOf('orders_user_created_cov');
    await measure('range-covering', rangeSql, [user], `same query, covering index (user_id, created_at) INCLUDE (total, status)`, usesIndex('orders_user_created_cov', true));
    await c.query(`DROP INDEX ${s}.orders_user_created_cov`);

    // 3. 002/003: partial index on pending orders vs a full index on created_at.
    o.log('pg indexes: partial vs full index');
    const pendingSql = `SELECT id, created_at FROM ${t} WHERE status = 'pending' AND created_at > $1 ORDER BY created_at LIMIT 50`;
    const since = new Date(Date.parse('2025-01-01T00:00:00Z') + Math.floor(o.rows / 2) * 1000);
    await c.query(`CREATE INDEX orders_created ON ${t} (created_at)`);
    indexBytes['full-created'] = await sizeOf('orders_created');
    await measure('pending-full', pendingSql, [since], `SELECT id, created_at FROM orders WHERE status = 'pending' AND created_at > … ORDER BY created_at LIMIT 50 (index on created_at)`, usesIndex('orders_created'));
    await c.query(`DROP INDEX ${s}.orders_created`);
    await c.query(`CREATE INDEX orders_pending ON ${t} (created_at) WHERE status = 'pending'`);
    indexBytes.partial = await sizeOf('orders_pending');
    await measure('pending-partial', pendingSql, [since], `same query, partial index on created_at WHERE status = 'pending'`, usesIndex('orders_pending'));
    await c.query(`DROP INDEX ${s}.orders_pending`);

    // 4. 003: JSONB containment, sequential scan vs GIN.
    o.log('pg indexes: JSONB containment without and with GIN');
    const ginSql = `SELECT count(*) FROM ${t} WHERE metadata @> $1::jsonb`;
    const color = JSON.stringify({ tag: 't7' });
    await measure('jsonb-scan', ginSql, [color], `SELECT count(*) FROM orders WHERE metadata @> '${color}' (no index)`, seq);
    await c.query(`CREATE INDEX orders_meta_gin ON ${t} USING GIN (metadata)`);
    indexBytes.gin = await sizeOf('orders_meta_gin');
    await measure('jsonb-gin', ginSql, [color], `same query, GIN index on metadata`, usesIndex('orders_meta_gin'));
    await dropAll();
    return { rows: o.rows, tableBytes, buildS, measurements, indexBytes, parallelWorkers: 0 };
  } finally {
    await c.query('RESET max_parallel_workers_per_gather').catch(() => undefined);
    c.release();
  }
}
