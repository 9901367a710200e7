/**
 * What each workload thread saw of its follows and unfollows, written to PostgreSQL when the
 * thread closes and read back by verify(). The engine only reports ok / not_found / error per
 * operation; the tally adds what verify needs beyond that: outcomes of operations that timed
 * out in the engine but settled later, which operations hit a race pair, and how many race
 * operations really overlapped in time with another one on the same pair.
 *
 * Table: {schema}.follow_queries_tally, one row per thread index, counters accumulated since
 * the last reset (reset() empties it), so verify() reads one run per reset, which is how
 * scenarios run (reset, seed, run, verify). It belongs to the scenario, not to follows.pg.
 */
import type pg from 'pg';
import { runDdl } from '../../reference-impl/common/pg.js';

/**
 * Counters of one thread (or, summed, of the run), warmup included. Follow and unfollow
 * outcomes count requests (follow()/unfollow() calls): a race-pair follow sent as a burst of
 * raceBurst requests counts each of them.
 */
export interface Tally {
  /** follow() resolved true: a row was inserted. */
  followCreated: number;
  /** follow() resolved false: the pair was already followed (a duplicate follow, a no-op). */
  followDuplicate: number;
  /** follow() rejected (driver error). Its transaction may or may not have committed. */
  followFailed: number;
  /** unfollow() resolved true: a row was deleted. */
  unfollowRemoved: number;
  /** unfollow() resolved false: there was nothing to remove. */
  unfollowMissing: number;
  /** unfollow() rejected. */
  unfollowFailed: number;
  /** follows and unfollows still in flight when the thread closed (outcome unknown). */
  unsettled: number;
  /** The same five outcomes, for operations on race pairs only. */
  raceFollowCreated: number;
  raceFollowDuplicate: number;
  raceUnfollowRemoved: number;
  raceUnfollowMissing: number;
  /** Race operations that rejected or were still in flight at close. */
  raceUncertain: number;
  /** Race operations (follow or unfollow) that started while another one on the same pair was in flight in this thread. */
  raceOverlapping: number;
  /** Follows that started while another follow of the same pair was in flight in this thread: concurrent duplicate follows. */
  concurrentFollows: number;
  /** Of those, how many resolved "already following" (the primary key turned them into no-ops). */
  concurrentDuplicates: number;
}

/** Tally fields and their column names, in table order. */
const COLUMNS: readonly [keyof Tally, string][] = [
  ['followCreated', 'follow_created'],
  ['followDuplicate', 'follow_duplicate'],
  ['followFailed', 'follow_failed'],
  ['unfollowRemoved', 'unfollow_removed'],
  ['unfollowMissing', 'unfollow_missing'],
  ['unfollowFailed', 'unfollow_failed'],
  ['unsettled', 'unsettled'],
  ['raceFollowCreated', 'race_follow_created'],
  ['raceFollowDuplicate', 'race_follow_duplicate'],
  ['raceUnfollowRemoved', 'race_unfollow_removed'],
  ['raceUnfollowMissing', 'race_unfollow_missing'],
  ['raceUncertain', 'race_uncertain'],
  ['raceOverlapping', 'race_overlapping'],
  ['concurrentFollows', 'concurrent_follows'],
  ['concurrentDuplicates', 'concurrent_duplicates'],
];

/** A tally of zeros. */
export function emptyTally(): Tally {
  return Object.fromEntries(COLUMNS.map(([k]) => [k, 0])) as unknown as Tally;
}

/** Create the tally table if missing (advisory-locked DDL, safe from every thread at once). `s` is the quoted schema. */
export async function ensureTallyTable(pool: pg.Pool, s: string): Promise<void> {
  await runDdl(pool, [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.follow_queries_tally (
       thread INT PRIMARY KEY,
       ${COLUMNS.map(([, c]) => `${c} BIGINT NOT NULL DEFAULT 0`).join(',\n       ')},
       updated_at TIMESTAMP NOT NULL DEFAULT NOW()
     )`,
  ]);
}

/** Empty the tally table (creating it if needed). */
export async function clearTally(pool: pg.Pool, s: string): Promise<void> {
  await ensureTallyTable(pool, s);
  await pool.query(`TRUNCATE ${s}.follow_queries_tally`);
}

/** Add one thread's counters to its row (a thread index seen again since the last reset adds up). */
export async function writeTally(pool: pg.Pool, s: string, thread: number, t: Tally): Promise<void> {
  const cols = COLUMNS.map(([, c]) => c);
  await pool.query(
    `INSERT INTO ${s}.follow_queries_tally AS t (thread, ${cols.join(', ')})
     VALUES ($1, ${cols.map((_, i) => `$${i + 2}`).join(', ')})
     ON CONFLICT (thread) DO UPDATE SET ${cols.map((c) => `${c} = t.${c} + EXCLUDED.${c}`).join(', ')}, updated_at = NOW()`,
    [thread, ...COLUMNS.map(([k]) => t[k])],
  );
}

/**
 * Sum of the thread rows, and how many threads wrote one. Worker threads write theirs while
 * closing, which may finish just after the engine returns, so this polls until `threads`
 * rows are there or `waitMs` has passed.
 * @returns threads = rows found (below the expected count when some thread could not write).
 */
export async function readTally(pool: pg.Pool, s: string, threads: number, waitMs = 5000): Promise<{ tally: Tally; threads: number }> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const r = await pool.query<Record<string, string>>(
      `SELECT count(*) AS threads, ${COLUMNS.map(([, c]) => `COALESCE(sum(${c}), 0) AS ${c}`).join(', ')} FROM ${s}.follow_queries_tally`,
    );
    const row = r.rows[0]!;
    const found = Number(row.threads);
    if (found >= threads || Date.now() >= deadline) {
      const tally = emptyTally();
      for (const [k, c] of COLUMNS) tally[k] = Number(row[c] ?? 0); // sums of BIGINT arrive as text
      return { tally, threads: found };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
