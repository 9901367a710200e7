/**
 * Workload files on the command line (docs/workloads.md): `capbench validate FILE` checks a
 * workload (or scenario) file without running it; `capbench run FILE --compare-paths
 * like=a,b` runs a workload once per path and writes one compare report setting the runs side
 * by side (reports/compare). `capbench run FILE` and `capbench export k6 FILE` tell a workload
 * file by its `operations:` field (workloads/file.ts) and go through runCommand / exportCommand.
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { checkOutDir } from '../../core/out-dir.js';
import { EXIT, UsageError, type ExitCode } from '../../core/errors.js';
import { totalDurationS } from '../../engine/schedule.js';
import { describeOperations } from '../../engine/types.js';
import { getScenario } from '../../scenarios/registry.js';
import { loadScenarioFile, looksLikeScenarioFile } from '../../scenarios/file.js';
import { envLayer, resolveRunSettings, type RunSettings } from '../../scenarios/settings.js';
import { COMPARE_DEFAULT_LIMITS, compareMany, loadRuns, renderCompareTerminal, writeCompareReports, type MultiComparison } from '../../reports/compare/index.js';
import { isWorkloadFile, loadWorkloadFile, parseOverrides, type WorkloadFile } from '../../workloads/file.js';
import { workloadScenario } from '../../workloads/scenario.js';
import { describeKeys } from '../../workloads/keys.js';
import type { RunCommandOutcome, RunFlags } from './run.js';

/**
 * The workload file at `target` with the --path-override pairs applied, or undefined when
 * `target` is not a workload file (a built-in scenario or a scenario file).
 * @throws UsageError for a bad workload file or override; for --path-override or --path/-o used with the wrong kind of target.
 */
export async function workloadOf(target: string, flags: Pick<RunFlags, 'pathOverride' | 'path' | 'option' | 'resetPaths'>): Promise<WorkloadFile | undefined> {
  const isWorkload = looksLikeScenarioFile(target) && (await isWorkloadFile(target));
  if (!isWorkload) {
    if (flags.pathOverride?.length) throw new UsageError('--path-override applies to workload files (with operations:).', { hint: 'For a built-in scenario or a scenario file use --path.' });
    return undefined;
  }
  if (flags.path !== undefined || flags.option?.length) throw new UsageError(`${target} is a workload file: it has no --path or -o options.`, { hint: 'Swap an operation\'s path with --path-override OPERATION=PATH.' });
  return loadWorkloadFile(target, parseOverrides(flags.pathOverride), flags.resetPaths);
}

/** What validateCommand found: the kind of file and a summary of the run it describes. */
export interface Validated {
  kind: 'workload' | 'scenario';
  settings: RunSettings;
  summary: string;
}

/**
 * Validate a workload or scenario file as `capbench run` would, without connecting to anything:
 * the file's schema, op and path names, key distributions, thresholds against the operations,
 * warmup against the run, faults against the stores used.
 * @throws UsageError (exit 2), one line naming the file and the field.
 */
export async function validateCommand(file: string, flags: Pick<RunFlags, 'pathOverride'> = {}): Promise<Validated> {
  if (!looksLikeScenarioFile(file)) throw new UsageError(`${file} is not a .yaml, .yml or .json file.`, { hint: 'Give a workload file (with operations:) or a scenario file (with scenario:).' });
  const wl = await workloadOf(file, flags);
  if (wl) {
    const settings = resolveRunSettings(workloadScenario(wl.workload), { file: wl.settings, env: envLayer() });
    const w = wl.workload;
    const ops = w.operations.map((o) => `  ${o.name}: ${o.op} on ${o.path}, ${Math.round(o.share * 1000) / 10}% of arrivals, keys ${describeKeys(o.keys)} over ${o.entity}s`);
    const summary = [
      `${file}: workload ${w.name} is valid.`,
      ...ops,
      `  data: ${w.data.posts} posts, ${w.data.users} users${w.data.followGraph ? `, power-law follow graph (alpha ${w.data.followGraph.alpha})` : ''}; namespace ${w.namespace}`,
      `  stores: ${Object.keys(settings.connections).join(', ')}; ${settings.loop} loop, ${settings.arrival} arrivals, ${totalDurationS(settings.stages)} s in ${settings.stages.length} stage(s), warmup ${settings.warmupS} s`,
      `  thresholds: ${settings.thresholds.map((t) => t.expression).join(', ') || 'none'}; faults: ${settings.faults.map((f) => f.spec).join(', ') || 'none'}`,
    ].join('\n');
    return { kind: 'workload', settings, summary };
  }
  const sf = await loadScenarioFile(file);
  const settings = resolveRunSettings(getScenario(sf.scenario), { file: sf.settings, env: envLayer() });
  return { kind: 'scenario', settings, summary: `${file}: scenario file of ${sf.scenario} is valid: ${describeOperations(settings.operations)}; ${totalDurationS(settings.stages)} s.` };
}

/**
 * Parse --compare-paths "like=likes.redis-counter,likes.redis-hash".
 * @throws UsageError for a malformed value or fewer than two distinct paths.
 */
export function parseComparePaths(text: string): { op: string; paths: string[] } {
  const i = text.indexOf('=');
  const paths = i > 0 ? text.slice(i + 1).split(',').map((s) => s.trim()).filter(Boolean) : [];
  if (i <= 0 || paths.length < 2 || new Set(paths).size !== paths.length) {
    throw new UsageError(`Bad --compare-paths "${text}".`, { hint: 'Write --compare-paths OPERATION=PATH1,PATH2[,...] (or FILE_PATH=PATH1,PATH2 to move every operation on a path) with two or more different paths, e.g. like=likes.redis-counter,likes.redis-hash.' });
  }
  return { op: text.slice(0, i), paths };
}

/** What comparePathsCommand did. */
export interface ComparePathsOutcome {
  outDir: string;
  runs: RunCommandOutcome[];
  comparison: MultiComparison;
  html: string;
  terminal: string;
  exitCode: ExitCode;
}

/**
 * Run a workload file once per path of --compare-paths (the first is the baseline), each into
 * DIR/<n>-<path>/, then write DIR/compare.html and DIR/compare.md (reports/compare) with every
 * run against the first. Every path is validated before the first run starts.
 * @param run runCommand (passed in to keep the import one way).
 * @throws UsageError (exit 2) for a bad value, a target that is not a workload file, or a path of the wrong family.
 */
export async function comparePathsCommand(
  target: string,
  flags: RunFlags,
  run: (target: string, flags: RunFlags, signal?: AbortSignal) => Promise<RunCommandOutcome>,
  signal?: AbortSignal,
): Promise<ComparePathsOutcome> {
  const { op, paths } = parseComparePaths(flags.comparePaths!);
  if (!(looksLikeScenarioFile(target) && (await isWorkloadFile(target)))) throw new UsageError('--compare-paths applies to workload files (with operations:).', { hint: 'Compare built-in scenario runs with capbench compare A/results.json B/results.json.' });
  const base = parseOverrides(flags.pathOverride);
  if (base[op] !== undefined) throw new UsageError(`--compare-paths and --path-override both set the path of ${op}.`, { hint: 'Keep one of them.' });
  // Every variant checked before any work: a bad path is exit 2 before the first run.
  let first: WorkloadFile | undefined;
  for (const p of paths) {
    const wl = await loadWorkloadFile(target, { ...base, [op]: p });
    first ??= wl;
    resolveRunSettings(workloadScenario(wl.workload), { file: wl.settings, env: envLayer() });
  }
  if (flags.out !== undefined) await checkOutDir(flags.out);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const outDir = resolve(flags.out ?? join('results', `workload.${first!.workload.name}-compare-${stamp}`));
  const runs: RunCommandOutcome[] = [];
  for (const [i, p] of paths.entries()) {
    if (signal?.aborted) break;
    const overrides = Object.entries({ ...base, [op]: p }).map(([k, v]) => `${k}=${v}`);
    runs.push(await run(target, { ...flags, comparePaths: undefined, pathOverride: overrides, resetPaths: paths, out: join(outDir, `${i + 1}-${p}`) }, signal));
  }
  if (runs.length < 2) throw new UsageError('--compare-paths was interrupted before a second run; nothing to compare.', { exitCode: EXIT.THRESHOLDS_FAILED });
  const comparison = compareMany(await loadRuns(runs.map((r) => join(r.outDir, 'results.json'))), { limits: { ...COMPARE_DEFAULT_LIMITS } });
  const written = await writeCompareReports(comparison, outDir);
  const exitCode = runs.some((r) => r.exitCode !== EXIT.OK) ? EXIT.THRESHOLDS_FAILED : EXIT.OK;
  return { outDir, runs, comparison, html: written.html, terminal: renderCompareTerminal(comparison, { color: false }), exitCode };
}

/** Register `capbench validate`. */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check a workload file (or a scenario file) without running it: one line per problem, exit 2')
    .argument('<file>', 'a workload file (.yaml/.yml/.json with operations:) or a scenario file')
    .option('--path-override <op=path>', 'swap an operation\'s storage path, repeatable', (v: string, prev: string[] = []) => [...prev, v])
    .action(async (file: string, flags: { pathOverride?: string[] }) => {
      const v = await validateCommand(file, flags);
      process.stdout.write(`${v.summary}\n`);
    });
}
