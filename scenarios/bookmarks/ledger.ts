/**
 * What each workload thread acknowledged, written to PostgreSQL when the thread closes and
 * read by verify() ("nothing lost: every acknowledged bookmark is there"). Tables of the
 * scenario (not of bookmarks.pg), in the options' schema:
 *   bookmarks_tally (thread PK, created, duplicate, removed, missing, failed, unsettled)
 *   bookmarks_ledger (thread, user_id, post_id, expected): per pair a thread touched, whether it
 *     must be bookmarked after the run (1) or not (0), by the last acknowledged add/remove;
 *     pairs whose operations overlapped in time or failed are left out (their end state is
 *     not determined by what was acknowledged).
 */
import type pg from 'pg';
import { runDdl } from '../../reference-impl/common/pg.js';

/** Outcome counters of one thread (or, summed, of the run), warmup included. */
export interface BookmarkTally {
  /** add() resolved true: a row was inserted. */
  created: number;
  /** add() resolved false: already bookmarked. */
  duplicate: number;
  /** remove() resolved true. */
  removed: number;
  /** remove() resolved false: nothing to remove. */
  missing: number;
  /** add/remove rejected (may or may not have committed). */
  failed: number;
  /** add/remove in flight when the thread closed. */
  unsettled: number;
}

const COLS: readonly (keyof BookmarkTally)[] = ['created', 'duplicate', 'removed', 'missing', 'failed', 'unsettled'];

/** A tally of zeros. */
export const emptyTally = (): BookmarkTally => ({ created: 0, duplicate: 0, removed: 0, missing: 0, failed: 0, unsettled: 0 });

/** Create both tables if missing (advisory-locked DDL). `s` is the quoted schema. */
export async function ensureLedger(pool: pg.Pool, s: string): Promise<void> {
  await runDdl(pool, [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.bookmarks_tally (thread INT PRIMARY KEY, ${COLS.map((c) => `${c} BIGINT NOT NULL DEFAULT 0`).join(', ')})`,
    `CREATE TABLE IF NOT EXISTS ${s}.bookmarks_ledger (thread INT NOT NULL, user_id BIGINT NOT NULL, post_id BIGINT NOT NULL, expected SMALLINT NOT NULL)`,
  ]);
}

/** Empty both (creating them if needed). */
export async function clearLedger(pool: pg.Pool, s: string): Promise<void> {
  await ensureLedger(pool, s);
  await pool.query(`TRUNCATE ${s}.bookmarks_tally, ${s}.bookmarks_ledger`);
}

/** Write one thread's tally and its determined pairs. */
export async function writeLedger(pool: pg.Pool, s: string, thread: number, t: BookmarkTally, pairs: readonly { userId: number; postId: number; expected: 0 | 1 }[]): Promise<void> {
  await pool.query(
    `INSERT INTO ${s}.bookmarks_tally AS t (thread, ${COLS.join(', ')}) VALUES ($1, ${COLS.map((_, i) => `$${i + 2}`).join(', ')})
     ON CONFLICT (thread) DO UPDATE SET ${COLS.map((c) => `${c} = t.${c} + EXCLUDED.${c}`).join(', ')}`,
    [thread, ...COLS.map((c) => t[c])],
  );
  if (pairs.length > 0) {
    await pool.query(`INSERT INTO ${s}.bookmarks_ledger SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::smallint[])`, [
      thread,
      pairs.map((p) => p.userId),
      pairs.map((p) => p.postId),
      pairs.map((p) => p.expected),
    ]);
  }
}

/**
 * The summed tally, how many threads wrote one (polling up to `waitMs` for `threads`), and the
 * ledger checked against bookmarks: `lost` pairs expected bookmarked but absent, `resurrected`
 * pairs expected absent but present, `checked` pairs in the ledger.
 */
export async function readLedger(
  pool: pg.Pool,
  s: string,
  threads: number,
  waitMs = 5000,
): Promise<{ tally: BookmarkTally; threads: number; checked: number; lost: number; resurrected: number; lostExamples: string[] }> {
  const deadline = Date.now() + waitMs;
  let row: Record<string, string>;
  for (;;) {
    row = (await pool.query<Record<string, string>>(`SELECT count(*) AS threads, ${COLS.map((c) => `COALESCE(sum(${c}), 0) AS ${c}`).join(', ')} FROM ${s}.bookmarks_tally`)).rows[0]!;
    if (Number(row.threads) >= threads || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const tally = emptyTally();
  for (const c of COLS) tally[c] = Number(row[c] ?? 0);
  const check = await pool.query<{ checked: string; lost: string; resurrected: string; examples: string[] | null }>(
    `SELECT count(*) AS checked,
            count(*) FILTER (WHERE l.expected = 1 AND b.user_id IS NULL) AS lost,
            count(*) FILTER (WHERE l.expected = 0 AND b.user_id IS NOT NULL) AS resurrected,
            (array_agg(l.user_id || ':' || l.post_id) FILTER (WHERE l.expected = 1 AND b.user_id IS NULL))[1:5] AS examples
     FROM ${s}.bookmarks_ledger l LEFT JOIN ${s}.bookmarks b ON b.user_id = l.user_id AND b.post_id = l.post_id`,
  );
  const c = check.rows[0]!;
  return { tally, threads: Number(row.threads), checked: Number(c.checked), lost: Number(c.lost), resurrected: Number(c.resurrected), lostExamples: c.examples ?? [] };
}
