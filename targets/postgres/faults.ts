/**
 * Faults on PostgreSQL (issue 13): on a local server capbench started, every kind
 * (targets/local/faults.ts, on the postmaster's process group, backends included); on an
 * external server only what PostgreSQL's own protocol allows: a pause as a held lock (one
 * transaction takes ACCESS EXCLUSIVE on every table the connecting role owns in the
 * database, so every query on them waits, and rolls back at the end).
 */
import type pg from 'pg';
import type { Connection, ServiceContext } from '../../core/target.js';
import { localServerControl, type ServerControl } from '../local/faults.js';
import { addressOf } from '../local/net.js';
import { connectPostgresClient } from './client.js';
import { postgresLocal } from './local.js';

/**
 * How faults act on the PostgreSQL at `conn`: the local control when capbench started it
 * under ctx.stateDir, else a pause as a held lock.
 */
export async function postgresFaultControl(conn: Connection, ctx: ServiceContext): Promise<ServerControl> {
  const local = await localServerControl('postgres', postgresLocal, conn, ctx);
  if (local) return local;
  let holder: pg.Client | undefined;
  return {
    describe: `external PostgreSQL at ${addressOf(conn)} (not started by capbench: a held lock only)`,
    pause: async () => {
      holder = await connectPostgresClient(conn);
      await holder.query('BEGIN');
      const { rows } = await holder.query<{ t: string }>(
        "SELECT format('%I.%I', schemaname, tablename) AS t FROM pg_tables WHERE tableowner = current_user AND schemaname NOT IN ('pg_catalog', 'information_schema')",
      );
      for (const r of rows) await holder.query(`LOCK TABLE ${r.t} IN ACCESS EXCLUSIVE MODE`);
    },
    resume: async () => {
      const h = holder;
      holder = undefined;
      if (!h) return;
      await h.query('ROLLBACK').catch(() => undefined);
      await h.end().catch(() => undefined);
    },
  };
}
