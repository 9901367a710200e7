/**
 * `capbench claims [--quick]`: run the experiments behind every claim of the design documents'
 * register (scenarios/claims/register.yaml) that the built scenarios can measure, and write
 * OUT/claims.json, OUT/claims.md and OUT/claims.html, with each run's own reports in
 * OUT/runs/<experiment>/. A plain async function (testable without the CLI) and its commander
 * registration.
 *
 * Exit codes: 0 every experiment ran (refuted claims are findings, not failures; so are a run's
 * failed thresholds); 1 an experiment failed or was interrupted (the partial register is still
 * written); 2 bad input (register, --only, URLs) or a store that is down, before anything runs.
 */
import { checkOutDir } from '../../core/out-dir.js';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { EXIT, UsageError, type ExitCode } from '../../core/errors.js';
import type { ClaimsReport } from '../../core/claims.js';
import { loadRegister } from '../../scenarios/claims/register.js';
import { runClaims } from '../../scenarios/claims/run.js';
import { envLayer } from '../../scenarios/settings.js';
import { renderClaimsSummary, writeClaimsReports, type WrittenClaimsReports } from '../../reports/claims/index.js';
import { HTML_FILE, RESULTS_FILE, writeReports } from '../../reports/index.js';
import { onInterrupt } from '../interrupt.js';
import { loadCostInputs, withCost } from './cost.js';
import { addStoreUrlOptions, type StoreUrlFlags } from '../store-urls.js';
import { createProgress, type ProgressView } from '../progress.js';
import { flagsLayer } from './run.js';

/** Flags of `capbench claims`, as commander hands them over. */
export interface ClaimsFlags extends StoreUrlFlags {
  quick?: boolean;
  out?: string;
  /** Comma-separated experiment ids to run (the others' claims say they were left out). */
  only?: string;
  /** Another register file (default: the one shipped with capbench). */
  register?: string;
  quiet?: boolean;
}

/** What claimsCommand() did. */
export interface ClaimsCommandOutcome {
  outDir: string;
  report: ClaimsReport;
  written: WrittenClaimsReports;
  exitCode: ExitCode;
}

/** The directory of an experiment's run reports, relative to the claims report. */
const runDir = (experiment: string) => `runs/${experiment}`;

/**
 * Run the claims from CLI-shaped arguments and write the reports.
 * @throws UsageError (bad register, --only, URL), TargetUnreachableError (a store that is down)
 *   before any experiment starts; exit 2.
 */
export async function claimsCommand(flags: ClaimsFlags, signal?: AbortSignal): Promise<ClaimsCommandOutcome> {
  if (flags.out !== undefined) await checkOutDir(flags.out);
  const register = await loadRegister(flags.register);
  const only = flags.only === undefined ? undefined : flags.only.split(',').map((s) => s.trim()).filter(Boolean);
  if (only !== undefined && only.length === 0) throw new UsageError('--only names no experiment.', { hint: `Give a comma-separated list of: ${[...register.experiments.keys()].join(', ')}.` });
  const { redisUrl, postgresUrl, mongodbUrl, cassandraUrl, elasticsearchUrl } = flags;
  const flagLayer = flagsLayer({ redisUrl, postgresUrl, mongodbUrl, cassandraUrl, elasticsearchUrl });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const outDir = resolve(flags.out ?? join('results', `claims-${stamp}`));
  const say = (line: string) => {
    if (!flags.quiet) process.stderr.write(`${line}\n`);
  };
  let progress: ProgressView | undefined;

  const { priceBook } = await loadCostInputs({});
  const report = await runClaims({
    register,
    mode: flags.quick ? 'quick' : 'full',
    ...(only ? { only } : {}),
    flags: flagLayer,
    env: envLayer(),
    log: say,
    signal,
    onRunStart: (_e, { totalS }) => {
      progress = createProgress({ quiet: flags.quiet === true, tty: process.stderr.isTTY === true });
      progress.start(totalS);
    },
    onProgress: (_e, p) => progress?.update(p),
    onRunEnd: () => {
      progress?.stop();
      progress = undefined;
    },
    // The cost claims (seed 000's cloud price table) come from the cost model on each run, at the built-in price book.
    finishRun: (result) => withCost(result, { priceBook }),
    writeRun: async (experiment, result) => {
      await writeReports(result, join(outDir, runDir(experiment)), ['html', 'markdown', 'junit']);
      return { report: `${runDir(experiment)}/${HTML_FILE}`, results: `${runDir(experiment)}/${RESULTS_FILE}` };
    },
  });
  const written = await writeClaimsReports(report, outDir);
  const incomplete = report.status === 'interrupted' || report.experiments.some((e) => e.status === 'failed' || e.status === 'aborted');
  return { outDir, report, written, exitCode: incomplete ? EXIT.THRESHOLDS_FAILED : EXIT.OK };
}

/** Register `capbench claims`. */
export function registerClaimsCommand(program: Command): void {
  const command = program
    .command('claims')
    .description("run the experiments behind every design-document claim and write claims.json, claims.md and claims.html (holds / refuted / not measurable here / not yet measured)")
    .option('--quick', 'short schedules and small options (well under 2 minutes); default: the schedules the claims need')
    .option('--out <dir>', 'output directory (default results/claims-<time>); runs go to <dir>/runs/<experiment>/')
    .option('--only <ids>', 'run only these experiments, comma-separated (e.g. likes-counter,follows)')
    .option('--register <file>', 'a claims register file (default: the one shipped with capbench)')
    .option('-q, --quiet', 'no progress output');
  addStoreUrlOptions(command).action(async (flags: ClaimsFlags) => {
    const ac = new AbortController();
    const dispose = onInterrupt(ac, 'interrupted: stopping the current experiment and writing the partial register (Ctrl-C again to quit at once)');
    try {
      const { outDir, report, written, exitCode } = await claimsCommand(flags, ac.signal);
      process.stdout.write(renderClaimsSummary(report, { color: process.stdout.isTTY === true }));
      process.stdout.write(`claims: ${written.html}\n        ${written.markdown}\n        ${written.json}\nruns:   ${join(outDir, 'runs')}\n`);
      process.exitCode = exitCode;
    } finally {
      dispose();
    }
  });
}
