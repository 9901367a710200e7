/**
 * The scenario contract: what a scenario declares (options, stores, operations, default
 * schedule and thresholds) and the three phases it runs — load (seed at scale), run
 * (a Workload per thread, driven by the engine) and verify (derived figures and claims).
 * Adding a scenario adds scenarios/<id>/ and one line in scenarios/registry.ts.
 */
import type { z } from 'zod';
import type { Connection, StoreName } from '../core/target.js';
import type { Footprint } from '../core/target.js';
import type { ClaimResult, DerivedFigure, ScenarioSection, Stage, ThresholdResult } from '../core/results.js';
import type { LoadOutcome } from '../engine/run.js';
import type { OperationSpec } from '../engine/types.js';
import { storesOf, type PathFamily } from '../reference-impl/registry.js';
import type { HttpVia } from '../service/client.js';

/** What every phase gets: resolved connections of the stores the scenario uses, a logger. */
export interface ScenarioContext {
  connections: Partial<Record<StoreName, Connection>>;
  /** Progress lines for the terminal (stderr). */
  log(line: string): void;
}

/** What verify() adds to the results. */
export interface VerifyOutput {
  derived: DerivedFigure[];
  claims: ClaimResult[];
  notes: string[];
  /** Correctness checks that gate like thresholds (e.g. "likes lost == 0"); a failed one exits 1. */
  checks: ThresholdResult[];
  /** The scenario's own report sections (tables and charts only it measures). */
  sections?: ScenarioSection[];
}

/** What verify() reads: the measurements and the footprints around the phases. */
export interface VerifyInput {
  outcome: LoadOutcome;
  /** Footprints after reset (empty data), after seeding (before the run), and after the run. */
  footprint: { baseline: Footprint[]; before: Footprint[]; after: Footprint[] };
}

/** The run-phase arguments a scenario hands to its workload module (structured-cloneable). */
export interface WorkloadArgs<O> {
  options: O;
  connections: Partial<Record<StoreName, Connection>>;
  stages: Stage[];
  seed: number;
  /** `--via http`: drive the reference service at this URL instead of the stores (service/client.ts). */
  via?: HttpVia;
}

/** A built-in scenario. `O` is its validated options object. */
export interface Scenario<O extends Record<string, unknown> = Record<string, unknown>> {
  id: string;
  description: string;
  /**
   * The path family whose paths the `path` option (--path) may name, for scenarios that take
   * one (viral-like-spike: "likes"); validated against reference-impl/registry.ts.
   */
  pathFamily?: PathFamily;
  /**
   * Options small enough that the load phase takes about a second (the smoke matrix,
   * test/scenarios/smoke.test.ts, runs every allowed path with them for a second at a low rate).
   */
  smokeOptions: Record<string, unknown>;
  /**
   * Set when the scenario runs over HTTP (`--via http`, issue 12): the options each of its paths
   * is opened with in the reference service (key prefix, schema, bucket size, ...). Its workload
   * then honours WorkloadArgs.via. Unset: `--via http` is refused, naming the scenario.
   */
  http?: { pathOptions(o: O): Record<string, unknown> };
  /** Options schema with defaults: options.parse({}) gives the defaults. */
  options: z.ZodType<O>;
  /**
   * The operations the chosen options run, declared once: the parent validates thresholds and
   * derives the stores to probe from their paths (reference-impl/registry.ts); each thread's
   * workload binds its functions to these names (engine/types.ts bindOperations).
   */
  operations(o: O): OperationSpec[];
  /** Arrival-rate stages when the user gives neither --stages nor --rate/--duration. */
  defaultStages(o: O): Stage[];
  /** Rate used with --duration alone, ops/s. */
  defaultRate(o: O): number;
  defaultWarmupS(o: O): number;
  /** Threshold expressions (see engine/thresholds.ts) that apply unless the user gives their own. */
  defaultThresholds(o: O): string[];
  /** File URL of the module that exports createWorkload(args: WorkloadArgs<O>, thread). */
  workloadModule: string;
  /**
   * Faults the options imply, added to the run's --fault list (e.g. viral-like-spike's
   * `-o crashAt=15s` is `redis:kill@15s` and `redis:restart@17s`); each as core/faults.ts text.
   * `option` names the option for the error when a fault falls past the run's end.
   */
  impliedFaults?(o: O): { option: string; faults: string[] };
  /**
   * Before any work, once the targets answered: put a store in the state the options ask for
   * (e.g. Redis's persistence mode). Returns notes for the report and an undo, run after verify.
   * @throws UsageError (one line, exit 2) when the target cannot be put in that state.
   */
  preflight?(o: O, ctx: ScenarioContext): Promise<{ notes: string[]; undo?: () => Promise<void> }>;
  /** Load phase, part 1: schema, and removal of an earlier run's data. */
  reset(o: O, ctx: ScenarioContext): Promise<void>;
  /** Load phase, part 2: seeding at scale (footprints are read before and after it). */
  seed(o: O, ctx: ScenarioContext): Promise<void>;
  /** After the run: checks (e.g. likes lost), derived figures, claims with verdicts. */
  verify(o: O, ctx: ScenarioContext, input: VerifyInput): Promise<VerifyOutput>;
}

/** Erase O for the registry. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyScenario = Scenario<any>;

/** The stores a scenario needs with these options: those of its operations' storage paths. */
export function scenarioStores<O extends Record<string, unknown>>(scenario: Scenario<O>, o: O): StoreName[] {
  return storesOf(scenario.operations(o).map((op) => op.path));
}
