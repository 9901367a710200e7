/**
 * EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) reduced to what a report shows (seed 002 "HOW TO USE
 * EXPLAIN": Seq Scan / Index Scan / Index Only Scan; 003 "Reading EXPLAIN ANALYZE"). Shared by
 * bookmarks.pg and the PostgreSQL index experiments of the bookmarks scenario.
 */
import type pg from 'pg';

/** A query plan: node types, indexes, sequential scans, the server's times. */
export interface ExplainedPlan {
  /** Plan node types, depth-first from the root, e.g. ["Limit", "Nested Loop", "Index Scan", "Index Scan"]. */
  nodeTypes: string[];
  /** Indexes scanned, in plan order. */
  indexes: string[];
  /** Tables read by a sequential scan (Seq Scan or Parallel Seq Scan). */
  seqScans: string[];
  /** One line: nested node types with their index or table, e.g. "Limit > Index Only Scan bookmarks_pkey". */
  summary: string;
  /** Server planning and execution time of this one EXPLAIN ANALYZE, ms. */
  planningMs: number | null;
  executionMs: number | null;
  /** Heap fetches of Index Only Scan nodes (0 when the visibility map is current). */
  heapFetches: number;
  /** Shared buffers hit + read by the whole plan (pages of 8 KiB). */
  buffers: number;
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Heap Fetches'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

/**
 * Run EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of `sql` with `params` on `db` (a pool or one
 * client: session settings such as max_parallel_workers_per_gather apply only on a client).
 * @throws the driver's DatabaseError when the statement fails.
 */
export async function explainAnalyze(db: pg.Pool | pg.PoolClient, sql: string, params: readonly unknown[] = []): Promise<ExplainedPlan> {
  const r = await db.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode; 'Planning Time'?: number; 'Execution Time'?: number }> }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, [...params]);
  const top = r.rows[0]!['QUERY PLAN'][0]!;
  const nodeTypes: string[] = [];
  const indexes: string[] = [];
  const seqScans: string[] = [];
  let heapFetches = 0;
  const walk = (node: PlanNode): string => {
    const type = node['Node Type'];
    nodeTypes.push(type);
    if (node['Index Name'] !== undefined) indexes.push(node['Index Name']);
    if (/Seq Scan/.test(type) && node['Relation Name'] !== undefined) seqScans.push(node['Relation Name']);
    heapFetches += node['Heap Fetches'] ?? 0;
    const what = node['Index Name'] ?? (/Seq Scan/.test(type) ? node['Relation Name'] : undefined);
    const label = what === undefined ? type : `${type} ${what}`;
    const kids = (node.Plans ?? []).map(walk);
    return kids.length === 0 ? label : kids.length === 1 ? `${label} > ${kids[0]}` : `${label}(${kids.join(', ')})`;
  };
  const summary = walk(top.Plan);
  const buffers = (top.Plan['Shared Hit Blocks'] ?? 0) + (top.Plan['Shared Read Blocks'] ?? 0);
  return { nodeTypes, indexes, seqScans, summary, planningMs: top['Planning Time'] ?? null, executionMs: top['Execution Time'] ?? null, heapFetches, buffers };
}
