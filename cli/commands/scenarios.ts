/** `capbench scenarios`: list the built-in scenarios with their options' defaults. */
import type { Command } from 'commander';
import { SCENARIOS } from '../../scenarios/registry.js';
import { scenarioStores } from '../../scenarios/types.js';
import { formatStages } from '../../core/units.js';
import { describeOperations } from '../../engine/types.js';
import { pathIdsOf } from '../../reference-impl/registry.js';

/** One line per scenario plus its default schedule and options. */
export function listScenarios(): string {
  const lines: string[] = [];
  for (const s of Object.values(SCENARIOS)) {
    const o = s.options.parse({}) as Record<string, unknown>;
    lines.push(`${s.id}\n  ${s.description}`);
    lines.push(`  stores: ${scenarioStores(s, o).join(', ')}; default stages: ${formatStages(s.defaultStages(o))}`);
    lines.push(`  operations: ${describeOperations(s.operations(o))}${s.pathFamily ? `; --path: any ${s.pathFamily} path (${pathIdsOf(s.pathFamily).join(', ')})` : ''}`);
    lines.push(`  options (-o name=value): ${Object.entries(o).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`);
    lines.push(`  default thresholds: ${s.defaultThresholds(o).join('  ')}`);
  }
  return lines.join('\n');
}

/** Register `capbench scenarios`. */
export function registerScenariosCommand(program: Command): void {
  program
    .command('scenarios')
    .description('list the built-in scenarios, their stores, default schedules and options')
    .action(() => {
      process.stdout.write(`${listScenarios()}\n`);
    });
}
