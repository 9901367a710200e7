/** `capbench gate --baseline <base> <current>`: exit 1 on a significant regression; gate.md and gate-junit.xml. */
import { checkOutDir } from '../../core/out-dir.js';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { GATE_DEFAULT_LIMITS, loadRuns, parseLimits } from '../../reports/compare/index.js';
import { evaluateGate, renderGateTerminal, writeGateReports, type GateResult } from '../../reports/gate/index.js';
import { besideResults } from './compare.js';

/** Flags of `capbench gate`. */
export interface GateFlags {
  /** The stored baseline results.json (or its run folder). */
  baseline: string;
  /** Output directory (default: beside CURRENT). */
  out?: string;
  /** Limits over GATE_DEFAULT_LIMITS, e.g. "p99=10%,throughput=5%,footprint=10%". */
  maxRegression?: string;
}

/**
 * Gate a run against a baseline: check each limited metric, write gate.md and gate-junit.xml.
 * Everything is checked (limits, both files, same scenario) before anything is written.
 *
 * @param current the current results.json or run folder.
 * @returns the gate result (its exitCode: 0 within limits, 1 on a significant regression),
 *   the files written and the terminal text.
 * @throws UsageError (exit 2): a bad --max-regression, a missing or invalid file, another
 *   schema version, or a baseline of another scenario.
 */
export async function gateCommand(current: string, flags: GateFlags, opts: { color?: boolean } = {}): Promise<{ gate: GateResult; markdown: string; junit: string; terminal: string }> {
  const limits = parseLimits(flags.maxRegression, GATE_DEFAULT_LIMITS);
  if (flags.out !== undefined) await checkOutDir(flags.out);
  const [baseline, run] = await loadRuns([flags.baseline, current]);
  const gate = evaluateGate(baseline!, run!, limits);
  const outDir = flags.out !== undefined ? resolve(flags.out) : await besideResults(current);
  const written = await writeGateReports(gate, outDir);
  return { gate, ...written, terminal: renderGateTerminal(gate, { color: opts.color === true }) };
}

/** Register `capbench gate`. */
export function registerGateCommand(program: Command): void {
  program
    .command('gate')
    .description('gate a run against a stored baseline of the same scenario: exit 1 on a significant regression, 0 within limits (a regression inside the noise passes); writes gate.md and gate-junit.xml')
    .argument('<current>', 'the current results.json (or its run folder)')
    .requiredOption('--baseline <results>', 'the baseline results.json (or its run folder)')
    .option('--max-regression <limits>', 'largest allowed change per metric, e.g. p99=10%,throughput=5%,footprint=10% (the defaults); also p50, p90, p999, error_rate (points), cost; metric=off to skip one')
    .option('--out <dir>', 'where to write gate.md and gate-junit.xml (default: beside the current results)')
    .action(async (current: string, flags: GateFlags) => {
      const r = await gateCommand(current, flags, { color: process.stdout.isTTY === true });
      process.stdout.write(`${r.terminal}wrote ${r.markdown}\nwrote ${r.junit}\n`);
      process.exitCode = r.gate.exitCode;
    });
}
