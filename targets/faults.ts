/**
 * The fault control of each store (issue 13): one line per store, each implemented in
 * targets/<store>/faults.ts. The timeline that calls them lives in scenarios/faults.ts.
 */
import type { Connection, ServiceContext, StoreName } from '../core/target.js';
import type { ServerControl } from './local/faults.js';
import { redisFaultControl } from './redis/faults.js';
import { postgresFaultControl } from './postgres/faults.js';
import { mongodbFaultControl } from './mongodb/faults.js';
import { cassandraFaultControl } from './cassandra/faults.js';
import { elasticsearchFaultControl } from './elasticsearch/faults.js';

export type { ServerControl } from './local/faults.js';
export { startDelayProxy, type DelayProxy } from './local/delay-proxy.js';
export { redisPersistenceMode } from './redis/faults.js';

const CONTROLS: Record<StoreName, (conn: Connection, ctx: ServiceContext) => Promise<ServerControl>> = {
  redis: redisFaultControl,
  postgres: postgresFaultControl,
  mongodb: mongodbFaultControl,
  cassandra: cassandraFaultControl,
  elasticsearch: elasticsearchFaultControl,
};

/** How faults may act on `store` at `conn` (a server capbench started under ctx.stateDir, or an external one). */
export function faultControl(store: StoreName, conn: Connection, ctx: ServiceContext): Promise<ServerControl> {
  return CONTROLS[store](conn, ctx);
}
