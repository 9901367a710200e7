/** `capbench paths`: the registered storage paths (reference-impl/registry.ts), by family. */
import type { Command } from 'commander';
import { formatSeedSources, pathsOf, PATH_FAMILIES } from '../../reference-impl/registry.js';
import { SCENARIOS } from '../../scenarios/registry.js';

/**
 * One block per family: each path's id, stores, seed sections and summary, and the scenarios
 * that can drive the family (those whose `pathFamily` it is, or whose operations use its paths).
 */
export function listPaths(): string {
  const lines: string[] = [];
  for (const family of PATH_FAMILIES) {
    const paths = pathsOf(family);
    const ids = new Set(paths.map((p) => p.id));
    const drivers = Object.values(SCENARIOS)
      .filter((s) => s.pathFamily === family || s.operations(s.options.parse({}) as Record<string, unknown>).some((o) => ids.has(o.path)))
      .map((s) => s.id);
    lines.push(`${family} (${paths.length} path${paths.length === 1 ? '' : 's'}; scenarios: ${drivers.join(', ') || 'none yet'})`);
    for (const p of paths) {
      lines.push(`  ${p.id}  [${p.stores.join(', ')}]  seed ${formatSeedSources(p.seed)}`);
      lines.push(`    ${p.summary}`);
    }
  }
  return lines.join('\n');
}

/**
 * The registry as a Markdown table (id, family, stores, seed sections, what it stores), the
 * table docs/storage-paths.md carries between its `paths:begin`/`paths:end` markers; a test
 * keeps the two equal.
 */
export function pathsMarkdown(): string {
  const rows = PATH_FAMILIES.flatMap((family) => pathsOf(family)).map((p) => `| \`${p.id}\` | ${p.family} | ${p.stores.join(', ')} | ${formatSeedSources(p.seed)} | ${p.summary.replace(/\|/g, '\\|')} |`);
  return ['| id | family | stores | seed | what |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** Register `capbench paths`. */
export function registerPathsCommand(program: Command): void {
  program
    .command('paths')
    .description('list the storage paths by family, with their stores and seed sources')
    .option('--markdown', 'print the Markdown table docs/storage-paths.md carries')
    .action((opts: { markdown?: boolean }) => {
      process.stdout.write(`${opts.markdown ? pathsMarkdown() : listPaths()}\n`);
    });
}
