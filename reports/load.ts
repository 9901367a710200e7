/**
 * Reading a results.json back: the only way reports, compare and gate get a RunResult from
 * disk. Every failure is one UsageError line that says what is wrong and what to do.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { MIGRATABLE_SCHEMA_VERSIONS, RunResultSchema, SCHEMA_VERSION, type RunResult } from '../core/results.js';

/** File name of the results JSON inside a run's output directory. */
export const RESULTS_FILE = 'results.json';

/**
 * Read and validate a results JSON.
 *
 * @param path a results.json file, or a run's output directory (then `<dir>/results.json`).
 * @returns the validated RunResult.
 * @returns the validated RunResult, in the current schema ({@link SCHEMA_VERSION}); an older
 *   file this capbench can migrate (v1: no `cost`) is migrated in memory, the file is not touched.
 * @throws UsageError (exit 2) when the file is missing or unreadable, is not JSON, has a
 *   schemaVersion this capbench neither reads nor migrates, or does not match the RunResult
 *   schema (the message names the first offending field).
 */
export async function loadResults(path: string): Promise<RunResult> {
  let file = path;
  try {
    if ((await stat(path)).isDirectory()) file = join(path, RESULTS_FILE);
  } catch {
    // stat failed: readFile below reports it.
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT') {
      throw new UsageError(`No results file at ${file}.`, {
        hint: 'Pass the results.json a run wrote (or its output directory), or run a scenario first with `capbench run <scenario>`.',
        cause: err,
      });
    }
    throw new UsageError(`Cannot read results file ${file}: ${typeof code === 'string' ? code : 'read failed'}.`, {
      hint: 'Check the path and its permissions.',
      cause: err,
    });
  }
  return parseResults(text, file);
}

/**
 * Parse and validate the text of a results JSON (what loadResults does after reading).
 *
 * @param text the JSON text.
 * @param source what to call it in messages (a path, "stdin").
 * @throws UsageError as described for {@link loadResults}.
 */
export function parseResults(text: string, source: string): RunResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? oneLine(err.message) : 'parse error';
    throw new UsageError(`${source} is not valid JSON (${why}).`, {
      hint: text.trim() === '' ? 'The file is empty: the run that wrote it may have been killed; run the scenario again.'
        : 'It may be truncated or hand-edited: restore it or run the scenario again.',
      cause: err,
    });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`${source} is not a capbench results file (expected a JSON object, found ${describeJson(data)}).`, {
      hint: 'Pass the results.json that `capbench run` wrote.',
    });
  }
  const obj = data as Record<string, unknown>;
  if (!('schemaVersion' in obj)) {
    throw new UsageError(`${source} is not a capbench results file (it has no schemaVersion).`, {
      hint: 'Pass the results.json that `capbench run` wrote.',
    });
  }
  const version = obj.schemaVersion;
  const migrating = typeof version === 'number' && MIGRATABLE_SCHEMA_VERSIONS.includes(version);
  if (version !== SCHEMA_VERSION && !migrating) {
    const tool = obj.tool as { version?: unknown } | undefined;
    const by = typeof tool?.version === 'string' ? ` (written by capbench ${oneLine(tool.version)})` : '';
    const reads = [...MIGRATABLE_SCHEMA_VERSIONS, SCHEMA_VERSION].join(', ');
    throw new UsageError(
      `${source} has results schema version ${oneLine(JSON.stringify(version) ?? 'undefined')}${by}; this capbench reads versions ${reads}.`,
      { hint: 'Render it with the capbench version that wrote it, or run the scenario again with this one.' },
    );
  }
  const parsed = RunResultSchema.safeParse(migrating ? migrate(obj) : data);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const first = issues[0];
    const where = first && first.path.length > 0 ? first.path.map(String).join('.') : '(top level)';
    const what = first ? oneLine(first.message) : 'invalid';
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
    throw new UsageError(`${source} does not match the results schema v${String(version)}: ${where}: ${what}${more}.`, {
      hint: 'It was hand-edited or written by an incompatible build: restore it or run the scenario again.',
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/**
 * An older results object in the current schema's shape. v1 -> v2: v2 only added the optional
 * `cost` (a v1 run has none), so the version number is all that changes.
 */
function migrate(obj: Record<string, unknown>): Record<string, unknown> {
  const { cost: _ignored, ...rest } = obj;
  return { ...rest, schemaVersion: SCHEMA_VERSION };
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}

function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}
