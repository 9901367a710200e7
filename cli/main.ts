#!/usr/bin/env node
/**
 * The capbench CLI. Commands are plain async functions in cli/commands/; this file wires
 * them to commander and is the one place that turns errors into exit codes:
 * 0 completed, 1 thresholds failed, 2 bad usage / bad input / unreachable target
 * (one line "Cannot <command>. <reason>", no stack trace; --verbose adds the cause).
 */
import { Command, CommanderError } from 'commander';
import { CapbenchError, EXIT, describeError } from '../core/errors.js';
import { CAPBENCH_VERSION } from '../scenarios/run.js';
import { registerRunCommand } from './commands/run.js';
import { registerReportCommand } from './commands/report.js';
import { registerScenariosCommand } from './commands/scenarios.js';
import { registerPathsCommand } from './commands/paths.js';
import { registerServicesCommand } from './commands/services.js';
import { registerCompareCommand } from './commands/compare.js';
import { registerGateCommand } from './commands/gate.js';
import { registerClaimsCommand } from './commands/claims.js';
import { registerServeCommand } from './commands/serve.js';
import { registerK6Commands } from './commands/k6.js';
import { registerHttpBenchCommand } from './commands/http-bench.js';
import { registerValidateCommand } from './commands/workload.js';
import { registerCapacityCommand } from './commands/capacity.js';

/** Build the commander program (exported for tests). */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('capbench')
    .description('load-testing and capacity benchmarks for a social platform\'s storage paths (Redis, PostgreSQL, MongoDB, Cassandra, Elasticsearch)')
    .version(CAPBENCH_VERSION)
    .option('--verbose', 'print the cause of an error too')
    .exitOverride()
    .configureOutput({ outputError: () => undefined });
  registerRunCommand(program);
  registerReportCommand(program);
  registerScenariosCommand(program);
  registerPathsCommand(program);
  registerServicesCommand(program);
  registerCompareCommand(program);
  registerGateCommand(program);
  registerClaimsCommand(program);
  registerServeCommand(program);
  registerK6Commands(program);
  registerHttpBenchCommand(program);
  registerValidateCommand(program);
  registerCapacityCommand(program);
  return program;
}

/** Run the CLI with argv; resolves to the exit code (never throws). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const verbose = argv.includes('--verbose');
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const command = words[0] === 'services' && words[1] ? `services ${words[1]}` : (words[0] ?? 'capbench');
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
      process.stderr.write(`Cannot ${command}. ${err.message.replace(/^error: /, '')} (see capbench ${command === 'capbench' ? '' : `${command} `}--help)\n`);
      return EXIT.BAD_INPUT;
    }
    const line = describeError(err);
    process.stderr.write(`Cannot ${command}. ${line}\n`);
    if (verbose && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n${err.cause ? `cause: ${String((err.cause as Error).stack ?? err.cause)}\n` : ''}`);
    return err instanceof CapbenchError ? err.exitCode : EXIT.BAD_INPUT;
  }
}

// Run when executed as the bin, not when imported by tests.
if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/capbench') || process.argv[1]?.endsWith('cli/main.js')) {
  main(process.argv).then((code) => process.exit(code));
}
