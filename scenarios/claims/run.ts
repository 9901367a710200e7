/**
 * The claims runner behind `capbench claims`: runs every experiment the register needs among
 * the built scenarios, through the same code path as `capbench run` (scenarios/settings.ts
 * resolveRunSettings, scenarios/run.ts runScenario), collects each run's ClaimResults and joins
 * them to the register by id, run by run. Claims no run can give keep a verdict that says why:
 * not measurable here, or not yet measured.
 *
 * Writing each run's reports belongs to the reports layer, so the caller passes `writeRun`
 * (the CLI uses reports/index.ts writeReports into OUT/runs/<experiment>/).
 */
import { describeError, UsageError } from '../../core/errors.js';
import { CLAIMS_SCHEMA_VERSION, type ClaimRow, type ClaimsReport, type ExperimentRow } from '../../core/claims.js';
import type { RunResult, Stage } from '../../core/results.js';
import type { LoadProgress } from '../../engine/run.js';
import { machineInfo } from '../../engine/machine.js';
import { totalDurationS } from '../../engine/schedule.js';
import { CAPBENCH_VERSION, connectTargets, runScenario } from '../run.js';
import { getScenario } from '../registry.js';
import { resolveRunSettings, type RunSettings, type RunSettingsLayerValue } from '../settings.js';
import type { ClaimsMode, Experiment, Register, RegisterEntry } from './register.js';

/** Where a run's reports were written, as links relative to the claims report's directory. */
export interface RunLinks {
  /** report.html of the run, e.g. "runs/likes-counter/report.html". */
  report?: string;
  /** results.json of the run. */
  results: string;
}

/** What runClaims needs. */
export interface ClaimsRunRequest {
  register: Register;
  mode: ClaimsMode;
  /** Run only these experiments (register `experiments` keys); the others' claims say they were left out. */
  only?: readonly string[];
  /** Settings over every experiment's own (e.g. store URLs from flags); the highest layer. */
  flags?: RunSettingsLayerValue;
  /** The environment layer (CAPBENCH_WORKERS, ...), below the experiment's settings. */
  env?: RunSettingsLayerValue;
  /**
   * What the reports layer adds to a run's result before its claims are read (the cost model's
   * cost.* claims); identity when absent. Passed in because scenarios/ does not import reports/.
   */
  finishRun?: (result: RunResult) => RunResult;
  /** Write one run's reports; called once per run that produced a result (completed or aborted). */
  writeRun(experiment: string, result: RunResult): Promise<RunLinks>;
  log(line: string): void;
  /** The run phase of an experiment is about to start (for a progress bar). */
  onRunStart?: (experiment: string, info: { totalS: number; stages: Stage[] }) => void;
  onProgress?: (experiment: string, p: LoadProgress) => void;
  /** An experiment's run ended (completed, aborted or failed). */
  onRunEnd?: (experiment: string) => void;
  /** Ctrl-C: stops the current run (its partial result is kept) and every later one. */
  signal?: AbortSignal;
}

/** One experiment to run, with its settings resolved for the mode. */
export interface PlannedExperiment {
  experiment: Experiment;
  settings: RunSettings;
}

/** What runClaims will do: the experiments to run, in register order, and those left out. */
export interface ClaimsPlan {
  run: PlannedExperiment[];
  skipped: Experiment[];
}

/**
 * Resolve every experiment's settings for the mode (flags > experiment > environment >
 * scenario defaults), before any work starts.
 * @throws UsageError for an unknown --only experiment or settings that do not resolve.
 */
export function planClaims(req: Pick<ClaimsRunRequest, 'register' | 'mode' | 'only' | 'flags' | 'env'>): ClaimsPlan {
  const all = [...req.register.experiments.values()];
  for (const id of req.only ?? []) {
    if (!req.register.experiments.has(id)) {
      throw new UsageError(`No experiment "${id}" in the claims register.`, { hint: `Experiments: ${all.map((e) => e.id).join(', ')}.` });
    }
  }
  const kept = (e: Experiment) => req.only === undefined || req.only.includes(e.id);
  const run = all.filter(kept).map((experiment) => {
    try {
      const settings = resolveRunSettings(getScenario(experiment.scenario), { flags: req.flags, file: experiment.settings[req.mode], env: req.env });
      return { experiment, settings };
    } catch (err) {
      if (err instanceof UsageError) throw new UsageError(`Experiment ${experiment.id} (${req.mode}): ${err.message}`, { hint: err.hint, cause: err });
      throw err;
    }
  });
  return { run, skipped: all.filter((e) => !kept(e)) };
}

/** What one experiment came to. */
interface Outcome {
  row: ExperimentRow;
  result?: RunResult;
  links?: RunLinks;
}

/**
 * Run the claims: plan, probe every store the runs need (a store that is down stops it here,
 * before the first run), run each experiment in turn, and join the verdicts to the register.
 * Refuted claims are findings, not errors. After Ctrl-C (req.signal) the current run ends with
 * its partial result, later experiments are not started, and the report's status is "interrupted".
 *
 * @returns the claims report: every register entry, in register order, with its verdict.
 * @throws UsageError (bad settings, unknown --only, non-loopback target) or
 *   TargetUnreachableError, before any experiment starts. A run that breaks midway does not
 *   throw: its experiment is "failed" with the reason, and its claims say so.
 */
export async function runClaims(req: ClaimsRunRequest): Promise<ClaimsReport> {
  const startedAt = new Date().toISOString();
  const plan = planClaims(req);
  for (const p of plan.run) await connectTargets(p.settings);

  const outcomes = new Map<string, Outcome>();
  const used = claimsByExperiment(req.register);
  for (const e of plan.skipped) {
    outcomes.set(e.id, { row: { ...baseRow(e, used), status: 'skipped', reason: `left out by --only ${req.only?.join(',')}` } });
  }
  let i = 0;
  for (const { experiment: e, settings } of plan.run) {
    i++;
    const row: Omit<ExperimentRow, 'status'> = { ...baseRow(e, used), settings: { options: e.settings[req.mode].options ?? {}, stages: settings.stages, warmupS: settings.warmupS, workers: settings.workers } };
    if (req.signal?.aborted) {
      outcomes.set(e.id, { row: { ...row, status: 'not-run', reason: 'interrupted before it started' } });
      continue;
    }
    req.log(`claims: experiment ${i}/${plan.run.length} ${e.id}: ${e.scenario} (${req.mode}, ${totalDurationS(settings.stages)} s of load)`);
    const t0 = performance.now();
    let result: RunResult;
    try {
      result = await runScenario({
        settings,
        log: req.log,
        signal: req.signal,
        onRunStart: (info) => req.onRunStart?.(e.id, info),
        onProgress: (p) => req.onProgress?.(e.id, p),
      });
    } catch (err) {
      req.onRunEnd?.(e.id);
      req.log(`claims: experiment ${e.id} failed: ${describeError(err)}`);
      outcomes.set(e.id, { row: { ...row, status: 'failed', reason: describeError(err), durationS: seconds(t0) } });
      continue;
    }
    req.onRunEnd?.(e.id);
    if (req.finishRun) result = req.finishRun(result);
    const links = await req.writeRun(e.id, result);
    outcomes.set(e.id, {
      result,
      links,
      row: {
        ...row,
        status: result.status,
        ...(result.abortReason ? { reason: result.abortReason } : {}),
        runId: result.runId,
        ...links,
        durationS: seconds(t0),
        flagged: result.rate.flagged,
        harnessBottleneck: result.harness.bottleneck,
        thresholds: { passed: result.thresholds.filter((t) => t.passed).length, total: result.thresholds.length },
      },
    });
  }

  const results = [...outcomes.values()].flatMap((o) => (o.result ? [o.result] : []));
  return {
    schemaVersion: CLAIMS_SCHEMA_VERSION,
    kind: 'claims',
    tool: { name: 'capbench', version: CAPBENCH_VERSION },
    mode: req.mode,
    status: req.signal?.aborted ? 'interrupted' : 'completed',
    ...(req.only ? { only: [...req.only] } : {}),
    register: req.register.source,
    startedAt,
    endedAt: new Date().toISOString(),
    machine: machineInfo(),
    targets: results.flatMap((r) => r.targets).filter((t, k, a) => a.findIndex((x) => x.store === t.store && x.address === t.address) === k),
    experiments: [...req.register.experiments.keys()].map((id) => outcomes.get(id)!.row),
    claims: req.register.claims.map((entry) => verdictOf(entry, outcomes)),
  };
}

function seconds(t0: number): number {
  return Math.round((performance.now() - t0) / 100) / 10;
}

/** Register ids by the experiment that gives their verdict. */
function claimsByExperiment(register: Register): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of register.claims) {
    const exp = 'experiment' in c.measure ? c.measure.experiment : undefined;
    if (exp !== undefined) out.set(exp, [...(out.get(exp) ?? []), c.id]);
  }
  return out;
}

function baseRow(e: Experiment, used: Map<string, string[]>): Omit<ExperimentRow, 'status'> {
  return { id: e.id, scenario: e.scenario, description: e.description, claims: used.get(e.id) ?? [] };
}

/**
 * The verdict of one register entry, from the run of its experiment when there is one:
 * the ClaimResult with the entry's id decides holds / refuted / not measurable; an interrupted
 * run's figure is kept but decides nothing; a missing run or claim says why.
 */
function verdictOf(entry: RegisterEntry, outcomes: ReadonlyMap<string, Outcome>): ClaimRow {
  const m = entry.measure;
  const row: ClaimRow = {
    id: entry.id,
    seed: entry.seed,
    section: entry.section,
    quote: entry.quote,
    figures: entry.figures,
    measure: {
      kind: m.kind,
      ...('scenario' in m ? { scenario: m.scenario } : {}),
      ...('experiment' in m && m.experiment !== undefined ? { experiment: m.experiment } : {}),
      ...(m.kind === 'bench' && m.command ? { command: m.command } : {}),
    },
    verdict: 'not-measurable',
    ...(entry.note ? { note: entry.note } : {}),
  };
  if (m.kind === 'none' || m.kind === 'bench') return { ...row, why: m.why };
  if (m.kind === 'scenario' && 'pending' in m) return { ...row, verdict: 'not-yet-measured', why: m.pending };
  const expId = m.experiment;
  const outcome = expId !== undefined ? outcomes.get(expId) : undefined;
  const emitted = outcome?.result?.claims.find((c) => c.id === entry.id);
  if (m.kind === 'cost' && !emitted) return { ...row, verdict: 'not-yet-measured', why: m.why };
  if (!outcome) return { ...row, why: `experiment ${expId} is not in this report` };
  const { row: exp, result, links } = outcome;
  if (exp.status === 'skipped' || exp.status === 'not-run' || exp.status === 'failed') {
    return { ...row, why: `experiment ${exp.id} ${exp.status === 'failed' ? 'failed' : exp.status === 'skipped' ? 'was not run' : 'did not run'}: ${exp.reason ?? '—'}` };
  }
  const withLink = { ...row, ...(links?.report ? { report: links.report } : {}) };
  if (!emitted || !result) {
    return { ...withLink, why: `the ${exp.scenario} run of experiment ${exp.id} emitted no claim "${entry.id}" with these options` };
  }
  if (result.status === 'aborted') {
    return { ...withLink, measured: emitted.measured, why: `the run was interrupted (${result.abortReason ?? 'aborted'}), so its figure covers only part of the schedule and decides nothing` };
  }
  return { ...withLink, verdict: emitted.verdict, measured: emitted.measured, ...(emitted.note ? { why: emitted.note } : {}) };
}
