/**
 * A workload file as a scenario (scenarios/types.ts Scenario), so that `capbench run FILE` goes
 * through the same engine as the built-in scenarios: settings merged and checked by the one
 * settings schema, targets probed, load phase (reset, seed) with footprints, open or closed
 * loop with stages and Poisson/constant arrivals, warmup, faults (core/faults.ts), thresholds,
 * results.json and the HTML/Markdown/JUnit reports with the workload's own section.
 *
 * Load phase: each distinct path is opened with its family's options under the workload's
 * namespace (workloads/ops/<family>.ts pathOptions), reset, then seeded from `data:`.
 * Verify: each path's own checks (likes lost, follow audit, fan-out drained, ...); a check a
 * path lacks is listed as not checked, with why, never as a pass.
 */
import { z } from 'zod';
import { describeError } from '../core/errors.js';
import type { ThresholdResult } from '../core/results.js';
import type { PathFamily } from '../reference-impl/registry.js';
import { getStoragePath, openStoragePath, storesOf } from '../reference-impl/registry.js';
import { openStoreClients, type StoreClients } from '../targets/clients.js';
import { waitForLazyFree } from '../scenarios/common/redis.js';
import type { AnyScenario, ScenarioContext } from '../scenarios/types.js';
import type { WorkloadOptions } from './file.js';
import { FollowGraphModel } from './graph.js';
import { familyOps } from './ops/index.js';
import type { FamilyCheck } from './ops/types.js';
import { workloadSection } from './section.js';

/** Default schedule when the file gives neither stages nor rate: 10 s at 100 ops/s. */
export const WORKLOAD_DEFAULTS = { durationS: 10, rate: 100, warmupS: 1, thresholds: ['*:error_rate<1%'] };

/** The id a workload's results carry: "workload.<name>" (compare and gate match runs on it). */
export const workloadId = (w: WorkloadOptions) => `workload.${w.name}`;

/** The distinct paths of a workload, with their family, in first-use order. */
export function pathsOf(w: WorkloadOptions): { path: string; family: PathFamily }[] {
  const out: { path: string; family: PathFamily }[] = [];
  for (const o of w.operations) if (!out.some((p) => p.path === o.path)) out.push({ path: o.path, family: o.family });
  return out;
}

/** The paths, keeping only the first of each family whose paths share their data (FamilyOps.sharedData). */
function firstOfShared<P extends { family: PathFamily }>(paths: readonly P[]): P[] {
  const seen = new Set<PathFamily>();
  return paths.filter((p) => {
    if (!familyOps(p.family).sharedData) return true;
    if (seen.has(p.family)) return false;
    seen.add(p.family);
    return true;
  });
}

/** The follow graph of `data.followGraph`, or undefined. Seed 1: the same graph every run. */
export function graphOf(w: WorkloadOptions): FollowGraphModel | undefined {
  return w.data.followGraph ? new FollowGraphModel(w.data.users, w.data.followGraph, 1) : undefined;
}

/** Run f with every path of the workload opened (setup done) on one set of clients; always closes them. */
async function withPaths<T>(w: WorkloadOptions, ctx: ScenarioContext, f: (impls: Map<string, unknown>, clients: StoreClients) => Promise<T>, extra: readonly { path: string; family: PathFamily }[] = []): Promise<T> {
  const paths = [...pathsOf(w), ...extra];
  const clients = await openStoreClients(ctx.connections, storesOf(paths.map((p) => p.path)), { pgPoolSize: 8 });
  try {
    const impls = new Map<string, unknown>();
    for (const p of paths) impls.set(p.path, await openStoragePath(p.family, p.path, clients, familyOps(p.family).pathOptions(w.namespace) as never));
    return await f(impls, clients);
  } finally {
    await clients.close();
  }
}

/** A check row of the report: the path, the check, and its outcome. */
export interface CheckRow {
  path: string;
  check: FamilyCheck;
}

/**
 * The scenario that runs workload `w` (validated by workloads/file.ts).
 * Its options schema ignores what it is given and yields `w`: a workload has no scenario options.
 */
export function workloadScenario(w: WorkloadOptions): AnyScenario {
  return {
    id: workloadId(w),
    description: w.description,
    smokeOptions: {},
    options: z.any().transform(() => w) as unknown as z.ZodType<WorkloadOptions & Record<string, unknown>>,
    operations: (o: WorkloadOptions) => o.operations.map((x) => ({ name: x.name, path: x.path })),
    defaultStages: () => [{ durationS: WORKLOAD_DEFAULTS.durationS, rate: WORKLOAD_DEFAULTS.rate }],
    defaultRate: () => WORKLOAD_DEFAULTS.rate,
    defaultWarmupS: () => WORKLOAD_DEFAULTS.warmupS,
    defaultThresholds: () => WORKLOAD_DEFAULTS.thresholds,
    workloadModule: new URL('./workload.js', import.meta.url).href,

    async reset(o: WorkloadOptions, ctx: ScenarioContext) {
      // The paths an override or a comparison set aside are wiped too, so this run's footprint holds only its own data.
      // (Only those on stores this run connects: data on another store is outside its footprints.)
      const aside = o.resetAlso.filter((id) => getStoragePath(id).stores.every((st) => ctx.connections[st])).map((id) => ({ path: id, family: getStoragePath(id).family }));
      await withPaths(o, ctx, async (impls, clients) => {
        for (const p of firstOfShared([...pathsOf(o), ...aside])) await familyOps(p.family).reset(impls.get(p.path) as never);
        if (clients.redis) await waitForLazyFree(clients.redis);
      }, aside);
    },

    async seed(o: WorkloadOptions, ctx: ScenarioContext) {
      const graph = graphOf(o);
      await withPaths(o, ctx, async (impls) => {
        for (const p of firstOfShared(pathsOf(o))) {
          await familyOps(p.family).seed(impls.get(p.path) as never, { users: o.data.users, posts: o.data.posts, graph, seed: 1, log: ctx.log });
        }
      });
    },

    async verify(o: WorkloadOptions, ctx: ScenarioContext, { outcome }) {
      const rows: CheckRow[] = [];
      const notes: string[] = [];
      await withPaths(o, ctx, async (impls) => {
        for (const p of pathsOf(o)) {
          const ops = o.operations
            .filter((x) => x.path === p.path)
            .map((x) => {
              const r = outcome.operations.find((m) => m.name === x.name);
              return { name: x.name, op: x.op, acknowledged: (r?.okCount ?? 0) + (r?.warmupOkCount ?? 0) };
            });
          let checks: FamilyCheck[];
          try {
            checks = await familyOps(p.family).verify(impls.get(p.path) as never, p.path, { ops, seeded: { users: o.data.users, posts: o.data.posts } });
          } catch (err) {
            // A check that could not run is a failure, not a pass.
            checks = [{ kind: 'checked', result: { expression: `${p.path}: checks ran`, operation: ops.map((x) => x.name).join('+'), metric: 'verify_error', unit: '', limit: 0, actual: null, passed: false }, detail: `verification failed: ${describeError(err)}` }];
          }
          for (const c of checks) rows.push({ path: p.path, check: c });
        }
      });
      const checks: ThresholdResult[] = rows.flatMap((r) => (r.check.kind === 'checked' ? [r.check.result] : []));
      for (const r of rows) if (r.check.kind === 'not-checked') notes.push(`not checked: ${r.check.expression} (${r.check.why})`);
      for (const x of o.operations) if (x.overridden) notes.push(`path override: ${x.name} ran on ${x.path} instead of the file's ${x.overridden}`);
      const stores = storesOf(pathsOf(o).map((p) => p.path));
      notes.push(`workload ${o.name}: ${o.operations.length} operations over ${pathsOf(o).length} paths on ${stores.join(', ')}; data ${o.data.posts} posts, ${o.data.users} users; namespace ${o.namespace}`);
      const graph = graphOf(o);
      const sections = [workloadSection({ w: o, outcome, rows, graphEdges: graph?.edges(), stores: pathsOf(o).map((p) => ({ path: p.path, stores: getStoragePath(p.path).stores.join('+') })) })];
      return { derived: [], claims: [], notes, checks, sections };
    },
  } as AnyScenario;
}
