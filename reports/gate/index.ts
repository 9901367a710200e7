/** The gate: evaluate a run against a baseline and write gate.md and gate-junit.xml. */
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic.js';
import type { GateResult } from './gate.js';
import { GATE_JUNIT_FILE, GATE_MARKDOWN_FILE, renderGateJunit, renderGateMarkdown } from './render.js';

export * from './gate.js';
export { GATE_JUNIT_FILE, GATE_MARKDOWN_FILE, renderGateJunit, renderGateMarkdown, renderGateTerminal } from './render.js';

/**
 * Write `<dir>/gate.md` and `<dir>/gate-junit.xml` (directory created if needed; atomic renames).
 *
 * @returns the paths written.
 * @throws the fs error when `dir` is not writable.
 */
export async function writeGateReports(g: GateResult, dir: string): Promise<{ markdown: string; junit: string }> {
  const markdown = join(dir, GATE_MARKDOWN_FILE);
  const junit = join(dir, GATE_JUNIT_FILE);
  await writeFileAtomic(markdown, renderGateMarkdown(g));
  await writeFileAtomic(junit, renderGateJunit(g));
  return { markdown, junit };
}
