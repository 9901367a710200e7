/**
 * The posts-comments section of the report: acknowledged against stored (posts, nested
 * comments in MongoDB, comments in Cassandra), latency by operation, and the
 * write-amplification profile (seed 000 "Write Amplification in MongoDB", "Pre-allocate
 * Document Growth"): bytes of the document rewritten per comment as the array grows.
 */
import type { OperationResult, ScenarioSection } from '../../core/results.js';
import type { GrowthPoint } from '../../reference-impl/posts/mongo.js';

/** One row of the audit table: what, found, expected. */
export type AuditRow = [string, number | string | null, number | string | null];

/** Build the section. Pure. */
export function postsCommentsSection(x: { audit: AuditRow[]; auditNote: string; operations: readonly OperationResult[]; growth: { plain: GrowthPoint[]; pre: GrowthPoint[]; preallocate: number } | null; server: string }): ScenarioSection {
  const tables: ScenarioSection['tables'] = [
    { caption: 'Stored against acknowledged', columns: ['check', 'found', 'expected'], rows: x.audit, note: x.auditNote },
    {
      caption: 'Latency by operation (from the intended start, ms)',
      columns: ['operation', 'path', 'measured', 'ops/s', 'p50 (ms)', 'p99 (ms)', 'max (ms)', 'service time p99 (ms)'],
      rows: x.operations.map((o) => [o.name, o.path, o.latencyMs.count, Math.round(o.achievedOpsPerSec * 10) / 10, o.latencyMs.p50, o.latencyMs.p99, o.latencyMs.max, o.serviceTimeMs.p99]),
      note: `posts.mongo ran on ${x.server}.`,
    },
  ];
  const charts: ScenarioSection['charts'] = [];
  if (x.growth && x.growth.plain.length > 0) {
    const { plain, pre } = x.growth;
    const at = [1, 5, 10, 20, 21, 50, 100, 200, 500, 1000, 2000, 5000, 10000].filter((n) => n <= plain.length);
    const cum = (g: GrowthPoint[], n: number) => g.slice(0, n).reduce((a, p) => a + p.documentBytes, 0);
    tables.push({
      caption: `Write amplification: bytes of the document written per comment (whole-document rewrite), ${plain[0]!.commentBytes}-byte comments`,
      columns: ['comments in the array', 'document bytes (grown)', `document bytes (${x.growth.preallocate} slots pre-allocated)`, 'bytes written / comment bytes (grown)', 'cumulative bytes written (grown)', 'cumulative (pre-allocated)', 'update ms (grown)'],
      rows: at.map((n) => [n, plain[n - 1]!.documentBytes, pre[n - 1]?.documentBytes ?? null, Math.round((plain[n - 1]!.documentBytes / plain[n - 1]!.commentBytes) * 10) / 10, cum(plain, n), pre.length >= n ? cum(pre, n) : null, Math.round(plain[n - 1]!.updateMs * 100) / 100]),
      note: 'Document bytes are the BSON size of the whole post after the write: what an engine that rewrites the document per update writes (WiredTiger writes a new version of the document; FerretDB rewrites its SQLite row). Journal, checkpoint and compaction writes come on top and are not measured on the stand-in.',
    });
    charts.push({
      id: 'growth-bytes',
      title: 'Bytes rewritten per comment as the comment array grows',
      kind: 'line',
      xLabel: 'comments in the array',
      yLabel: 'document bytes written',
      series: [
        { label: 'grown with $push', points: plain.map((p) => [p.comments, p.documentBytes]) },
        { label: `${x.growth.preallocate} slots pre-allocated`, points: pre.map((p) => [p.comments, p.documentBytes]) },
      ],
      markers: x.growth.preallocate > 0 && x.growth.preallocate <= plain.length ? [{ x: x.growth.preallocate, label: 'pre-allocated slots used up' }] : [],
    });
    charts.push({
      id: 'growth-latency',
      title: 'Update round trip per comment (ms)',
      kind: 'line',
      xLabel: 'comments in the array',
      yLabel: 'ms',
      series: [
        { label: 'grown with $push', points: plain.map((p) => [p.comments, Math.round(p.updateMs * 100) / 100]) },
        { label: `${x.growth.preallocate} slots pre-allocated`, points: pre.map((p) => [p.comments, Math.round(p.updateMs * 100) / 100]) },
      ],
    });
  }
  return {
    id: 'posts-comments',
    title: 'Posts and comments: nothing lost, and the cost of nested comments',
    intro: `Posts with Markdown and embedded media, nested comments pushed into the post document (posts.mongo on ${x.server}), and comments in their own Cassandra partition per post (comments.cassandra).`,
    tables,
    charts,
  };
}
