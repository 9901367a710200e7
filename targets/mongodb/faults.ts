/**
 * Faults on FerretDB (the MongoDB stand-in) (issue 13): every kind on a local server capbench started
 * (targets/local/faults.ts: SIGSTOP/SIGCONT, SIGKILL, clean stop, start). On an external
 * server the protocol offers no pause of its own, so nothing but `delay` (a proxy in front
 * of the port, which does not touch the server) is allowed.
 */
import type { Connection, ServiceContext } from '../../core/target.js';
import { localServerControl, type ServerControl } from '../local/faults.js';
import { addressOf } from '../local/net.js';
import { mongodbLocal } from './local.js';

/** How faults act on the server at `conn`: the local control, or none (external). */
export async function mongodbFaultControl(conn: Connection, ctx: ServiceContext): Promise<ServerControl> {
  return (await localServerControl('mongodb', mongodbLocal, conn, ctx)) ?? { describe: `external mongodb at ${addressOf(conn)} (not started by capbench: no fault but delay)` };
}
