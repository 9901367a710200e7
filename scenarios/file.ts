/**
 * The scenario file format (YAML or JSON): a built-in scenario with its options, schedule and
 * thresholds, so that a user's own run is a file in their repo. Besides `scenario` and
 * `description`, every field is a run setting, validated by the one settings schema
 * (scenarios/settings.ts RunSettingsLayer) as the "scenario file" layer: flags override it, it
 * overrides the environment and the scenario's defaults.
 *
 *   scenario: viral-like-spike
 *   options: { path: likes.redis-hash, spikeRate: 20000 }
 *   stages: 10s:1000,10s:20000,10s:1000      # or a list of { duration: 10s, rate: 1000 }
 *   arrival: poisson                          # constant (default) | poisson
 *   warmup: 2s
 *   loop: open                                # open (default) | closed, with concurrency
 *   workers: 1
 *   thresholds: [ "like:p99<5ms" ]
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import { parseLayer, RunSettingsLayer, type RunSettingsLayerValue } from './settings.js';

/** The fields of a scenario file that are not run settings. */
const FileHead = z.object({ scenario: z.string().min(1), description: z.string().optional() });

/** A scenario file after validation. */
export interface ScenarioFile {
  path: string;
  /** Built-in scenario id. */
  scenario: string;
  description?: string;
  /** The file's run settings (durations in seconds, stages parsed). */
  settings: RunSettingsLayerValue;
}

/** True when the argument of `capbench run` names a file rather than a built-in scenario. */
export function looksLikeScenarioFile(arg: string): boolean {
  return /\.(ya?ml|json)$/i.test(arg);
}

/**
 * Read and validate a scenario file.
 * @throws UsageError for a missing file, a YAML/JSON syntax error, or a field that does not
 *   fit, naming the file and the field.
 */
export async function loadScenarioFile(path: string): Promise<ScenarioFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`Cannot read scenario file ${path}${code === 'ENOENT' ? ': no such file' : `: ${code ?? 'error'}`}.`, {
      hint: 'Check the path, or run a built-in scenario by name (capbench scenarios lists them).',
    });
  }
  const isJson = /\.json$/i.test(path);
  let raw: unknown;
  try {
    raw = isJson ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new UsageError(`Scenario file ${path} is not valid ${isJson ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}.`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UsageError(`Scenario file ${path} must be a mapping with at least "scenario".`, { hint: `Fields: scenario, description, ${Object.keys(RunSettingsLayer.shape).join(', ')}.` });
  }
  const { scenario, description, ...settings } = raw as Record<string, unknown>;
  const head = FileHead.safeParse({ scenario, description });
  if (!head.success) {
    const issue = head.error.issues[0]!;
    throw new UsageError(`Scenario file ${path}: ${issue.path.join('.') || 'scenario'}: ${issue.message}.`, { hint: 'Name a built-in scenario, e.g. scenario: viral-like-spike.' });
  }
  return { path, scenario: head.data.scenario, description: head.data.description, settings: parseLayer(settings, { kind: 'file', path }) };
}
