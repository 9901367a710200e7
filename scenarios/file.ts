/**
 * The scenario file format (YAML or JSON, validated with zod): a built-in scenario with
 * its options, schedule and thresholds, so that a user's own run is a file in their repo.
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
import type { Stage } from '../core/results.js';
import { parseDurationS, parseStages } from '../engine/schedule.js';

const Duration = z.union([z.number().nonnegative(), z.string()]);
const StageItem = z.object({ duration: Duration, rate: z.number().nonnegative(), from: z.number().nonnegative().optional(), label: z.string().optional() }).strict();

export const ScenarioFileSchema = z
  .object({
    scenario: z.string().min(1),
    description: z.string().optional(),
    options: z.record(z.string(), z.unknown()).default({}),
    stages: z.union([z.string(), z.array(StageItem).min(1)]).optional(),
    arrival: z.enum(['constant', 'poisson']).optional(),
    warmup: Duration.optional(),
    loop: z.enum(['open', 'closed']).optional(),
    concurrency: z.number().int().positive().optional(),
    duration: Duration.optional(),
    rate: z.number().positive().optional(),
    workers: z.number().int().positive().optional(),
    thresholds: z.array(z.string()).optional(),
  })
  .strict();

/** A scenario file after validation, durations in seconds. */
export interface ScenarioFile {
  path: string;
  scenario: string;
  description?: string;
  options: Record<string, unknown>;
  stages?: Stage[];
  arrival?: 'constant' | 'poisson';
  warmupS?: number;
  loop?: 'open' | 'closed';
  concurrency?: number;
  durationS?: number;
  rate?: number;
  workers?: number;
  thresholds?: string[];
}

/** True when the argument of `capbench run` names a file rather than a built-in scenario. */
export function looksLikeScenarioFile(arg: string): boolean {
  return /\.(ya?ml|json)$/i.test(arg);
}

const secs = (d: number | string, what: string, allowZero = false) => (typeof d === 'number' ? d : parseDurationS(d, what, allowZero));

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
  let raw: unknown;
  try {
    raw = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new UsageError(`Scenario file ${path} is not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}.`);
  }
  const parsed = ScenarioFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : '(top level)';
    throw new UsageError(`Scenario file ${path}: ${where}: ${issue.message}.`, {
      hint: 'Fields: scenario, description, options, stages, arrival, warmup, loop, concurrency, duration, rate, workers, thresholds.',
    });
  }
  const f = parsed.data;
  const stages =
    f.stages === undefined
      ? undefined
      : typeof f.stages === 'string'
        ? parseStages(f.stages)
        : f.stages.map((s, i) => ({ durationS: secs(s.duration, `stages[${i}].duration`), rate: s.rate, fromRate: s.from, label: s.label }));
  return {
    path,
    scenario: f.scenario,
    description: f.description,
    options: f.options,
    stages,
    arrival: f.arrival,
    warmupS: f.warmup === undefined ? undefined : secs(f.warmup, 'warmup', true),
    loop: f.loop,
    concurrency: f.concurrency,
    durationS: f.duration === undefined ? undefined : secs(f.duration, 'duration'),
    rate: f.rate,
    workers: f.workers,
    thresholds: f.thresholds,
  };
}
