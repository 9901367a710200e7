/**
 * What a run measured that a cost projection can scale: bytes per entity (from the derived
 * figures a scenario reports, else footprint / seeded count) and ops/s per server core (from
 * the achieved rate). Each figure carries its basis in words, so that the report can say what
 * was measured and what was assumed.
 */
import type { RunResult } from '../../core/results.js';
import { fmtNum, fmtRate, humanBytes } from '../../core/format.js';
import { entityOf } from './scale.js';

/** The stores a storage path id uses (cli passes reference-impl's registry; reports may not import it). */
export type StoresOfPath = (pathId: string) => readonly string[];

/** Bytes per entity as measured by a run, or why it was not. */
export interface EntityMeasure {
  entity: string;
  /** The store holding the entity in this run; null when the run did not exercise its family. */
  store: string | null;
  /** Bytes per entity; null when not measured (see basis). */
  bytesPerEntity: number | null;
  /** How the figure was obtained, or why there is none. */
  basis: string;
}

/** Ops/s per server core as measured by a run, or why it was not. */
export interface RateMeasure {
  entity: string;
  store: string | null;
  /** Highest ops/s the operation completed in one measured second; null when not measured. */
  peakOpsPerSec: number | null;
  /** Ops/s one server core is taken to serve (peak / cores); null when not measured. */
  opsPerCore: number | null;
  basis: string;
}

/**
 * The store that holds a path family's data in this run: the store of the first operation
 * whose path is in the family (e.g. "likes.redis-counter" for "likes"); null when no operation
 * of the run is in it. Without `storesOfPath`, or for a path it does not know, a run with one
 * target uses that target's store.
 */
export function storeOfFamily(r: RunResult, family: string, storesOfPath?: StoresOfPath): string | null {
  const inFamily = (p: string) => p.startsWith(`${family}.`);
  const path = r.operations.find((o) => inFamily(o.path))?.path ?? r.scenario.paths.find(inFamily);
  if (path === undefined) return null;
  try {
    const stores = storesOfPath?.(path);
    if (stores && stores.length > 0) return stores[0]!;
  } catch {
    // an unknown path (a results file from another build): fall back to the targets
  }
  return r.targets.length === 1 ? r.targets[0]!.store : null;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The derived figure `name` (value and note) if the run reported it. */
function derived(r: RunResult, name: string) {
  return r.footprint.derived.find((d) => d.name === name);
}

/**
 * Bytes per entity for a count entity. posts: derived "bytes per post counter"
 * (viral-like-spike); follows: derived "bytes per follow edge" (follow-queries); users: the
 * users and user_stats tables with their indexes after seeding / seeded users (follow-queries
 * reports no per-user figure). When the derived figure is absent, footprint after seeding /
 * seeded count (an upper bound: it counts the store's own bytes too).
 */
export function measureEntity(r: RunResult, entity: string, storesOfPath?: StoresOfPath): EntityMeasure {
  const def = entityOf(entity);
  const store = def ? storeOfFamily(r, def.family, storesOfPath) : null;
  const none = (basis: string): EntityMeasure => ({ entity, store, bytesPerEntity: null, basis });
  if (!def || store === null) return none(`this run (${r.scenario.id}) does not exercise ${def?.family ?? entity} paths`);
  const opts = r.scenario.options;
  const seededTotal = (count: number | undefined, what: string): EntityMeasure => {
    const total = r.footprint.before.find((f) => f.store === store)?.totalBytes;
    if (count === undefined || count <= 0 || total === undefined) return none(`the run reports no per-${what} figure and no footprint after seeding`);
    return { entity, store, bytesPerEntity: total / count, basis: `${store} footprint after seeding / ${fmtNum(count)} seeded ${what}s = ${humanBytes(total / count)} (an upper bound: it counts the store's own bytes)` };
  };
  const fromDerived = (name: string, fallback: () => EntityMeasure): EntityMeasure => {
    const d = derived(r, name);
    if (!d) return fallback();
    if (d.value === null || !(d.value > 0)) {
      return none(`the run's "${name}" is ${d.value === null ? 'not measured' : `${fmtNum(d.value)} B, not above 0`} (a footprint read while another client changed the store, or too few entities: seed more, e.g. -o posts=100000)`);
    }
    return { entity, store, bytesPerEntity: d.value, basis: `measured: the run's "${name}" = ${fmtNum(d.value)} B${d.note ? ` (${d.note})` : ''}` };
  };
  if (entity === 'posts') return fromDerived('bytes per post counter', () => seededTotal(num(opts.posts), 'post'));
  if (entity === 'follows') {
    const users = num(opts.users);
    const per = num(opts.followsPerUser);
    return fromDerived('bytes per follow edge', () => seededTotal(users !== undefined && per !== undefined ? users * per : undefined, 'follow edge'));
  }
  if (entity === 'users') return measureUsers(r, store);
  return none(`${entity} is a rate, not a count`);
}

/** users: (users + user_stats tables, TOAST and indexes after seeding) / seeded users, from the footprint's items. */
function measureUsers(r: RunResult, store: string): EntityMeasure {
  const users = num(r.scenario.options.users);
  const schema = typeof r.scenario.options.schema === 'string' ? r.scenario.options.schema : 'public';
  const q = schema === 'public' ? '' : `${schema}.`;
  const fp = r.footprint.before.find((f) => f.store === store);
  const tables = [`${q}users`, `${q}user_stats`];
  const items = (fp?.items ?? []).filter((i) => tables.some((t) => i.name === `table ${t}` || i.name === `toast ${t}` || (i.kind === 'index' && i.note === `on ${t}`)));
  if (users === undefined || users <= 0 || items.length === 0) {
    return { entity: 'users', store, bytesPerEntity: null, basis: `the run's footprint has no users / user_stats tables${users === undefined ? ' and its options no user count' : ''}` };
  }
  const bytes = items.reduce((a, i) => a + i.bytes, 0);
  return {
    entity: 'users',
    store,
    bytesPerEntity: bytes / users,
    basis: `measured: (${tables.join(' + ')} tables and their indexes after seeding, ${humanBytes(bytes)}) / ${fmtNum(users)} seeded users = ${fmtNum(bytes / users)} B`,
  };
}

/**
 * Ops/s per server core for a rate entity: the highest ops/s its operation completed in one
 * measured second, over the cores that served it. Server CPU is not measured by capbench, so
 * the cores are an assumption: one (Redis runs commands on one thread; for other stores the
 * model assumes the run's rate took one full core). Both make the figure a lower bound of a
 * core's capacity unless the run was driven to saturation.
 */
export function measureRate(r: RunResult, entity: string, storesOfPath?: StoresOfPath): RateMeasure {
  const def = entityOf(entity);
  const store = def ? storeOfFamily(r, def.family, storesOfPath) : null;
  const op = def?.op ? r.operations.find((o) => o.name === def.op) : undefined;
  if (!def || store === null || !op) {
    return { entity, store, peakOpsPerSec: null, opsPerCore: null, basis: `this run (${r.scenario.id}) has no ${def?.op ?? entity} operation, so its ops/s per core is not measured` };
  }
  const measured = op.series.filter((p) => !p.warmup);
  const peak = measured.length ? Math.max(...measured.map((p) => p.completedOps - p.errors)) : op.achievedOpsPerSec;
  if (!(peak > 0)) return { entity, store, peakOpsPerSec: null, opsPerCore: null, basis: `the run's ${op.name} operation completed nothing` };
  const cores = store === 'redis' ? 'Redis runs commands on one thread, so one core served them' : `${store}'s CPU was not measured: the model assumes the run's rate took one full server core`;
  const saturated = r.rate.flagged ? 'the run fell short of its schedule, so the figure is near what this machine could serve' : 'the run kept its schedule, so the server was not driven to saturation and a core may serve more';
  const shared = `the ${r.machine.cpus}-core machine ran the client too (client CPU mean ${fmtNum(r.harness.cpuPct.mean)} % of one core)${r.harness.bottleneck ? ' and the client was the bottleneck' : ''}`;
  return {
    entity,
    store,
    peakOpsPerSec: peak,
    opsPerCore: peak,
    basis: `${op.name}: highest ${fmtRate(peak)} completed without error in one measured second (mean ${fmtRate(op.achievedOpsPerSec)}); ${cores}; ${saturated}; ${shared}. ${fmtRate(peak)} per core is a lower bound, so the cores projected from it an upper bound`,
  };
}
