/**
 * The bookmarks section of the report (core/results.ts ScenarioSection): what the run
 * acknowledged against what the tables hold (seed 000 "Bookmarks System": "strong
 * consistency"), latency by operation with the join's plan, and the PostgreSQL index
 * experiments of seeds 002/003 (scan vs lookup, composite vs covering, full vs partial,
 * JSONB without and with GIN).
 */
import type { OperationResult, ScenarioSection } from '../../core/results.js';
import type { BookmarksAudit } from '../../reference-impl/bookmarks/index.js';
import type { ExplainedPlan } from '../../reference-impl/common/pg-explain.js';
import type { BookmarkTally } from './ledger.js';
import type { IndexExperiments } from './pg-indexes.js';

/** What the section is built from. */
export interface BookmarksSectionInput {
  audit: BookmarksAudit;
  expectedRows: { low: number; high: number };
  tally: BookmarkTally | null;
  ledger: { checked: number; lost: number; resurrected: number } | null;
  operations: readonly OperationResult[];
  plan: ExplainedPlan | null;
  indexes: IndexExperiments | null;
  indexNote?: string;
}

const mib = (b: number | undefined) => (b === undefined ? null : Math.round((b / 1048576) * 10) / 10);

/** Build the section. Pure: no I/O. */
export function bookmarksSection(x: BookmarksSectionInput): ScenarioSection {
  const { audit } = x;
  const tables: ScenarioSection['tables'] = [
    {
      caption: 'Bookmarks after the run against what the run acknowledged',
      columns: ['check', 'found', 'expected'],
      rows: [
        ['bookmark rows', audit.rows, x.expectedRows.low === x.expectedRows.high ? x.expectedRows.low : `${x.expectedRows.low}..${x.expectedRows.high}`],
        ['duplicate rows (rows − distinct pairs)', audit.rows - audit.distinctPairs, 0],
        ['posts whose bookmark_count differs from their rows', audit.countMismatches, 0],
        ['sum of bookmark_count', audit.counterSum, audit.rows],
        ['acknowledged bookmarks missing (ledger)', x.ledger ? x.ledger.lost : null, 0],
        ['acknowledged removals back again (ledger)', x.ledger ? x.ledger.resurrected : null, 0],
        ['bookmarked posts / all posts', `${audit.bookmarkedPosts} / ${audit.posts}`, '~1%'],
      ],
      note: x.ledger ? `The ledger holds the end state of ${x.ledger.checked} (user, post) pairs the run touched with no overlapping or failed operation.` : 'Some thread wrote no ledger: only counts were checked.',
    },
    {
      caption: 'Latency by operation (from the intended start, ms)',
      columns: ['operation', 'measured', 'p50 (ms)', 'p99 (ms)', 'p99.9 (ms)', 'max (ms)', 'service time p99 (ms)'],
      rows: x.operations.map((o) => [o.name, o.latencyMs.count, o.latencyMs.p50, o.latencyMs.p99, o.latencyMs.p999, o.latencyMs.max, o.serviceTimeMs.p99]),
      ...(x.plan ? { note: `"Show my bookmarked posts" (the join), EXPLAIN ANALYZE: ${x.plan.summary}; ${x.plan.executionMs ?? '—'} ms on the server.` } : {}),
    },
  ];
  const charts: ScenarioSection['charts'] = [];
  if (x.indexes) {
    const e = x.indexes;
    const m = (id: string) => e.measurements.find((y) => y.id === id);
    const rows: (string | number | null)[][] = [
      ['full scan vs B-tree lookup (002)', 'scan', 'lookup'],
      ['composite vs covering index (002/003)', 'range-plain', 'range-covering'],
      ['full vs partial index (002/003)', 'pending-full', 'pending-partial'],
      ['JSONB @> without vs with GIN (003)', 'jsonb-scan', 'jsonb-gin'],
    ].map(([label, a, b]) => {
      const ma = m(a!);
      const mb = m(b!);
      return [label!, ma?.plan ?? null, ma?.medianMs ?? null, mb?.plan ?? null, mb?.medianMs ?? null, ma && mb && mb.medianMs > 0 ? Math.round((ma.medianMs / mb.medianMs) * 10) / 10 : null];
    });
    tables.push({
      caption: `PostgreSQL index experiments on ${e.rows.toLocaleString('en-US')} rows (server Execution Time, median of the repeats, ms)`,
      columns: ['experiment', 'plan without', 'ms', 'plan with', 'ms', 'speed-up (x)'],
      rows,
      note: `Table ${mib(e.tableBytes)} MiB${e.buildS > 0 ? `, built in ${e.buildS.toFixed(1)} s with generate_series` : ', reused from an earlier run'}; parallel scans off (one process reads the table); pages cached in shared buffers. Index sizes (MiB): email ${mib(e.indexBytes.email)}, (user_id, created_at) ${mib(e.indexBytes['range-plain'])}, covering ${mib(e.indexBytes['range-covering'])}, created_at ${mib(e.indexBytes['full-created'])}, partial ${mib(e.indexBytes.partial)}, GIN ${mib(e.indexBytes.gin)}.`,
    });
    charts.push({
      id: 'pg-index-experiments',
      title: 'Query time without and with the index (ms, log scale)',
      kind: 'bar',
      xLabel: 'experiment',
      yLabel: 'server time (ms)',
      yLog: true,
      categories: ['scan / lookup', 'composite / covering', 'full / partial', 'JSONB scan / GIN'],
      series: [
        { label: 'without (or plain)', points: rows.map((r, i) => [i, r[2] as number | null]) },
        { label: 'with (or covering / partial)', points: rows.map((r, i) => [i, r[4] as number | null]) },
      ],
    });
  }
  const ops = x.operations.filter((o) => o.latencyMs.p50 !== null);
  if (ops.length > 0) {
    charts.push({
      id: 'bookmarks-latency',
      title: 'Latency by operation (ms)',
      kind: 'bar',
      xLabel: 'operation',
      yLabel: 'latency (ms)',
      categories: ops.map((o) => o.name),
      series: [
        { label: 'p50', points: ops.map((o, i) => [i, o.latencyMs.p50]) },
        { label: 'p99', points: ops.map((o, i) => [i, o.latencyMs.p99]) },
      ],
    });
  }
  return {
    id: 'bookmarks',
    title: 'Bookmarks: consistency, the join, and PostgreSQL indexes',
    intro: `Adds and removes move the bookmark row and the post's counter in one statement; the audit compares the tables with what the run acknowledged.${x.indexNote ? ` ${x.indexNote}` : ''}`,
    tables,
    charts,
  };
}
