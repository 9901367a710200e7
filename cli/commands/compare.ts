/** `capbench compare <a> <b> [more...]`: every run against the first, with noise; compare.html and compare.md. */
import { checkOutDir } from '../../core/out-dir.js';
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  COMPARE_DEFAULT_LIMITS,
  compareMany,
  loadRuns,
  parseLimits,
  renderCompareTerminal,
  writeCompareReports,
  type MultiComparison,
} from '../../reports/compare/index.js';

/** Flags of `capbench compare`. */
export interface CompareFlags {
  /** Output directory (default: beside the last results file). */
  out?: string;
  /** Limits deciding what counts as a change, e.g. "p99=10%,throughput=5%" (over COMPARE_DEFAULT_LIMITS). */
  maxRegression?: string;
}

/**
 * The directory a report goes to by default: the run folder when `input` is one, else the
 * folder of the results file.
 */
export async function besideResults(input: string): Promise<string> {
  const isDir = await stat(input).then((s) => s.isDirectory()).catch(() => false);
  return resolve(isDir ? input : dirname(input));
}

/**
 * Compare results files: the first is the baseline, each other one is compared with it.
 * Everything is checked (limits, files, scenarios) before anything is written.
 *
 * @param files two or more results.json files or run folders.
 * @returns the comparison, the files written and the terminal text (no colour unless asked).
 * @throws UsageError (exit 2): fewer than two files, a bad --max-regression, a missing or
 *   invalid file, another schema version, runs of different scenarios.
 */
export async function compareCommand(
  files: readonly string[],
  flags: CompareFlags,
  opts: { color?: boolean } = {},
): Promise<{ comparison: MultiComparison; html: string; markdown: string; terminal: string }> {
  const limits = parseLimits(flags.maxRegression, COMPARE_DEFAULT_LIMITS);
  if (flags.out !== undefined) await checkOutDir(flags.out);
  const runs = await loadRuns(files);
  const comparison = compareMany(runs, { limits });
  const outDir = flags.out !== undefined ? resolve(flags.out) : await besideResults(files[files.length - 1]!);
  const written = await writeCompareReports(comparison, outDir);
  return { comparison, ...written, terminal: renderCompareTerminal(comparison, { color: opts.color === true }) };
}

/** Register `capbench compare`. */
export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description('compare runs of one scenario: % change per operation and percentile with a noise interval, footprint and cost; writes compare.html and compare.md')
    .argument('<baseline>', 'the baseline results.json (or its run folder)')
    .argument('<runs...>', 'one or more results to compare with it')
    .option('--out <dir>', 'where to write compare.html and compare.md (default: beside the last results file)')
    .option('--max-regression <limits>', 'what counts as a change, e.g. p99=10%,throughput=5% (defaults: p50/p90/p99/p999 10%, throughput 5%, error_rate 1%, footprint 10%, cost 10%)')
    .action(async (baseline: string, others: string[], flags: CompareFlags) => {
      const r = await compareCommand([baseline, ...others], flags, { color: process.stdout.isTTY === true });
      process.stdout.write(`${r.terminal}\nwrote ${r.html}\nwrote ${r.markdown}\n`);
    });
}
