/**
 * The datastore targets by store name, the local tools `capbench services` also manages (k6),
 * and the one place that turns a store name plus an optional --<store>-url flag into a Connection.
 *
 * Adding a store: one import line and one entry line below (the slots are marked).
 */
import { UsageError } from '../core/errors.js';
import { portOffset, shiftUrlPort } from './local/paths.js';
import { STORES, type Connection, type LocalService, type StoreName, type TargetModule } from '../core/target.js';
import { postgresTarget } from './postgres/index.js';
import { redisTarget } from './redis/index.js';
import { mongodbTarget } from './mongodb/index.js';
import { cassandraTarget } from './cassandra/index.js';
import { elasticsearchTarget } from './elasticsearch/index.js';
import { k6Local } from './k6/index.js';
import { k6SqlLocal } from './k6/sql.js';

/** Registered TargetModules by store; a store missing here is "not available in this build". */
export const TARGETS: Partial<Record<StoreName, TargetModule>> = {
  redis: redisTarget,
  postgres: postgresTarget,
  mongodb: mongodbTarget,
  cassandra: cassandraTarget,
  elasticsearch: elasticsearchTarget,
};

/** Names of the local tools (not datastores) that `capbench services` manages. */
export const TOOL_NAMES = ['k6', 'k6-sql'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** Registered tools by name, each a LocalService (install/start/stop/status) whose status address is its binary path. */
export const TOOLS: Partial<Record<ToolName, LocalService>> = {
  k6: k6Local,
  'k6-sql': k6SqlLocal,
};

/** True when `name` is one of the five store names (core/target.ts STORES). */
export function isStoreName(name: string): name is StoreName {
  return (STORES as readonly string[]).includes(name);
}

/** True when `name` is a tool name (k6). */
export function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}

/**
 * The TargetModule of a store.
 * @throws UsageError for an unknown store name, or a store whose module is not registered yet.
 */
export function getTarget(store: string): TargetModule {
  if (!isStoreName(store)) {
    throw new UsageError(`Unknown store "${store}".`, { hint: `Use one of: ${STORES.join(', ')}.` });
  }
  const mod = TARGETS[store];
  if (!mod) throw new UsageError(`The ${store} target is not available in this build of capbench.`);
  return mod;
}

/** The environment variable that overrides a store's URL: CAPBENCH_<STORE>_URL. */
export function urlEnvName(store: StoreName): string {
  return TARGETS[store]?.urlEnv ?? `CAPBENCH_${store.toUpperCase()}_URL`;
}

/**
 * The Connection capbench uses for a store: the --<store>-url flag if given, else the
 * CAPBENCH_<STORE>_URL environment variable, else the store's default loopback URL (the local
 * server `capbench services up` provisions). Empty strings count as not given.
 * @throws UsageError for an unknown or unregistered store, or an invalid URL (one line,
 *   password redacted, naming where the URL came from).
 */
export function resolveConnection(store: StoreName, urlFlag?: string, env: NodeJS.ProcessEnv = process.env): Connection {
  const mod = getTarget(store);
  const flag = urlFlag?.trim();
  const fromEnv = env[mod.urlEnv]?.trim();
  const [url, source] = flag ? [flag, `--${store}-url`] : fromEnv ? [fromEnv, mod.urlEnv] : [localDefaultUrl(store, env), 'the default'];
  try {
    return mod.parseUrl(url);
  } catch (err) {
    if (err instanceof UsageError && source !== 'the default') {
      throw new UsageError(`${err.message.replace(/\.$/, '')} (from ${source}).`, { hint: err.hint, cause: err });
    }
    throw err;
  }
}

/** Stores whose local server honours CAPBENCH_PORT_OFFSET (the others keep their default port). */
export const PORT_OFFSET_STORES: readonly StoreName[] = ['redis', 'postgres', 'mongodb'];

/**
 * The default URL of a store's local server: its defaultUrl with the port shifted by
 * CAPBENCH_PORT_OFFSET (targets/local/paths.ts; a private set of servers, docs/faults.md).
 * @throws UsageError when CAPBENCH_PORT_OFFSET is not a whole number from 0 to 20000.
 */
export function localDefaultUrl(store: StoreName, env: NodeJS.ProcessEnv = process.env): string {
  const mod = getTarget(store);
  let offset: number;
  try {
    offset = portOffset(env);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}.`, { hint: 'Unset it, or give e.g. CAPBENCH_PORT_OFFSET=100 for a private set of servers.' });
  }
  if (offset === 0 || !PORT_OFFSET_STORES.includes(store)) return mod.defaultUrl;
  return shiftUrlPort(mod.defaultUrl, mod.parseUrl(mod.defaultUrl).port, offset);
}
