/**
 * The claims register: the data file (scenarios/claims/register.yaml) of every figure the
 * design documents claim (../shared/seeds 000..004; DESIGN.md "Claims register"), its zod
 * schema, and the checks across entries, experiments and the scenario registry.
 *
 * An entry's id is the ClaimResult id its scenario's verify() emits, so a run's verdict joins
 * the entry by id (scenarios/claims/run.ts). A bad register is one UsageError line that names
 * the entry (or experiment) and the field.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../../core/errors.js';
import { SCENARIOS } from '../registry.js';
import { parseLayer, resolveRunSettings, type RunSettingsLayerValue } from '../settings.js';

/** The register shipped with capbench. */
export const DEFAULT_REGISTER = fileURLToPath(new URL('../../../scenarios/claims/register.yaml', import.meta.url));

/** The two ways to run the experiments: quick (short schedules, small options) and full. */
export const CLAIMS_MODES = ['quick', 'full'] as const;
export type ClaimsMode = (typeof CLAIMS_MODES)[number];

/** A claim or experiment id: lower-case words joined by "." or "-" ("likes.viral-spike-10k", "pg.index-lookup-1m-0.5ms"). */
const Id = z.string().regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, { error: 'lower-case letters and digits joined by "." or "-"' });
const Text = z.string().trim().min(1, { error: 'must not be empty' });
const Seed = z.enum(['000', '001', '002', '003', '004'], { error: 'a seed document number, "000".."004" (quote it in YAML)' });

/** How an entry is measured, as written (checked by refineMeasure, then normalised to Measure). */
const MeasureInput = z
  .object({
    /** A built-in scenario id, or one of the register's `planned` ids. */
    scenario: Id.optional(),
    /** The experiment (register `experiments` key) whose run gives the verdict. */
    experiment: Id.optional(),
    /** What must be built first, when the scenario cannot measure it yet. */
    pending: Text.optional(),
    /** bench: a benchmark script gives it; cost: the cost model; none: this harness cannot. */
    measuredBy: z.enum(['bench', 'cost', 'none']).optional(),
    /** Why it is measured that way, or not at all. */
    why: Text.optional(),
    /** measuredBy bench: the command that gives the verdict. */
    command: Text.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const bad = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (m.scenario !== undefined && m.measuredBy !== undefined) bad('give either scenario or measuredBy, not both');
    else if (m.scenario === undefined && m.measuredBy === undefined) bad('give scenario (with experiment or pending) or measuredBy (bench, cost or none, with why)');
    else if (m.scenario !== undefined) {
      if (m.why !== undefined || m.command !== undefined) bad('why and command go with measuredBy; a scenario entry gives experiment or pending');
      if (m.experiment !== undefined && m.pending !== undefined) bad('give experiment or pending, not both');
    } else {
      if (m.why === undefined) bad(`measuredBy ${m.measuredBy} needs why`);
      if (m.pending !== undefined) bad('pending goes with scenario');
      if (m.command !== undefined && m.measuredBy !== 'bench') bad('command goes with measuredBy bench');
      if (m.experiment !== undefined && m.measuredBy !== 'cost') bad('only measuredBy cost may name an experiment (the run whose cost section gives it)');
    }
  });

const EntryInput = z
  .object({
    id: Id,
    seed: Seed,
    section: Text,
    /** The claim as written in the seed. */
    quote: Text,
    figures: z.array(Text).min(1, { error: 'give at least one figure' }),
    measure: MeasureInput,
    note: Text.optional(),
  })
  .strict();

/** Run settings of one mode, exactly as in a scenario file (scenarios/settings.ts RunSettingsLayer). */
const SettingsInput = z.record(z.string(), z.unknown(), { error: 'run settings as in a scenario file (options, stages, warmup, ...)' });

const ExperimentInput = z
  .object({
    scenario: Id,
    description: Text,
    quick: SettingsInput,
    full: SettingsInput,
  })
  .strict();

/** The file as written. */
export const RegisterSchema = z
  .object({
    version: z.literal(1, { error: 'this capbench reads register version 1' }),
    planned: z.array(Id).default([]),
    experiments: z.record(Id, ExperimentInput).default({}),
    claims: z.array(EntryInput).min(1, { error: 'the register has no claims' }),
  })
  .strict();

/** How an entry is measured, normalised. */
export type Measure =
  /** A built scenario's experiment gives the verdict. */
  | { kind: 'scenario'; scenario: string; experiment: string }
  /** The scenario (or a path it needs) is not built yet: "not yet measured". */
  | { kind: 'scenario'; scenario: string; pending: string }
  | { kind: 'bench'; why: string; command?: string }
  | { kind: 'cost'; why: string; experiment?: string }
  | { kind: 'none'; why: string };

/** One claim of the register. */
export interface RegisterEntry {
  id: string;
  seed: string;
  section: string;
  quote: string;
  figures: string[];
  measure: Measure;
  note?: string;
}

/** One experiment: a built-in scenario and its run settings per mode (validated layers). */
export interface Experiment {
  id: string;
  scenario: string;
  description: string;
  settings: Record<ClaimsMode, RunSettingsLayerValue>;
}

/** A validated register. */
export interface Register {
  /** Where it was read from (for messages and claims.json). */
  source: string;
  planned: string[];
  experiments: Map<string, Experiment>;
  claims: RegisterEntry[];
}

/**
 * Read, parse and check a register file.
 *
 * @param path the YAML file (default: the register shipped with capbench).
 * @throws UsageError, one line: a missing file, bad YAML, or the first entry that does not fit,
 *   named by its id (see parseRegister).
 */
export async function loadRegister(path: string = DEFAULT_REGISTER): Promise<Register> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`Cannot read the claims register ${path}${code === 'ENOENT' ? ': no such file' : `: ${code ?? 'read failed'}`}.`, {
      hint: 'Check --register, or leave it out to use the register shipped with capbench.',
    });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new UsageError(`Claims register ${path} is not valid YAML: ${(err as Error).message.split('\n')[0]}.`);
  }
  return parseRegister(raw, path === DEFAULT_REGISTER ? 'scenarios/claims/register.yaml' : path);
}

/**
 * Validate a parsed register and check it as a whole: ids unique; every entry's scenario is
 * built-in or planned; an entry of a built scenario names an experiment of that scenario (or
 * says what is pending); an entry of a planned scenario names no experiment; every experiment's
 * scenario is built-in and its quick and full settings resolve (options, stages, thresholds)
 * exactly as `capbench run` would resolve them from a scenario file.
 *
 * @param raw the YAML document as parsed.
 * @param source the file name, for messages.
 * @throws UsageError `Claims register <source>: entry "<id>": <field>: <what is wrong>.`
 */
export function parseRegister(raw: unknown, source: string): Register {
  const fail = (where: string, message: string, hint?: string): never => {
    throw new UsageError(`Claims register ${source}: ${where}${message.replace(/\.$/, '')}.`, { hint: hint ?? 'docs/claims.md describes the register format.' });
  };
  const parsed = RegisterSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const message = issue.code === 'unrecognized_keys' ? `unknown field "${issue.keys[0]}"` : issue.message;
    fail(where(raw, issue.path), message);
  }
  const reg = parsed.data!;

  const experiments = new Map<string, Experiment>();
  for (const [id, e] of Object.entries(reg.experiments)) {
    const scenario = SCENARIOS[e.scenario];
    if (!scenario) fail(`experiment "${id}": scenario: `, `"${e.scenario}" is not a built-in scenario (${Object.keys(SCENARIOS).join(', ')})`);
    const settings = {} as Record<ClaimsMode, RunSettingsLayerValue>;
    for (const mode of CLAIMS_MODES) {
      try {
        settings[mode] = parseLayer(e[mode], { kind: 'file', path: 'x' });
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        fail(`experiment "${id}": ${mode}: `, err.message.replace(/^Scenario file x: /, ''), err.hint);
      }
      try {
        resolveRunSettings(scenario!, { file: settings[mode] });
      } catch (err) {
        // Its hint speaks of flags (-o name=VALUE); here the fix is in the register.
        if (!(err instanceof UsageError)) throw err;
        fail(`experiment "${id}": ${mode}: `, err.message);
      }
    }
    experiments.set(id, { id, scenario: e.scenario, description: e.description, settings });
  }

  const seen = new Set<string>();
  const claims: RegisterEntry[] = reg.claims.map((c) => {
    const at = `entry "${c.id}": `;
    if (seen.has(c.id)) fail(at, 'the id is used by an earlier entry too; ids must be unique');
    seen.add(c.id);
    const m = c.measure;
    let measure: Measure;
    if (m.scenario !== undefined) {
      const built = SCENARIOS[m.scenario] !== undefined;
      if (!built && !reg.planned.includes(m.scenario)) {
        fail(at, `measure.scenario: "${m.scenario}" is neither a built-in scenario (${Object.keys(SCENARIOS).join(', ')}) nor planned (${reg.planned.join(', ') || 'none'})`);
      }
      if (built && m.experiment === undefined && m.pending === undefined) fail(at, `measure: scenario ${m.scenario} is built, so name the experiment that measures it (or say what is pending)`);
      if (!built && m.experiment !== undefined) fail(at, `measure.experiment: scenario ${m.scenario} is not built yet, so no experiment can run it`);
      if (m.experiment !== undefined) {
        const e = experiments.get(m.experiment);
        if (!e) fail(at, `measure.experiment: no experiment "${m.experiment}" (experiments: ${[...experiments.keys()].join(', ') || 'none'})`);
        if (e!.scenario !== m.scenario) fail(at, `measure.experiment: "${m.experiment}" runs ${e!.scenario}, not ${m.scenario}`);
        measure = { kind: 'scenario', scenario: m.scenario, experiment: m.experiment };
      } else {
        measure = { kind: 'scenario', scenario: m.scenario, pending: m.pending ?? `the ${m.scenario} scenario is not built yet` };
      }
    } else if (m.measuredBy === 'bench') {
      measure = { kind: 'bench', why: m.why!, ...(m.command ? { command: m.command } : {}) };
    } else if (m.measuredBy === 'cost') {
      if (m.experiment !== undefined && !experiments.has(m.experiment)) fail(at, `measure.experiment: no experiment "${m.experiment}"`);
      measure = { kind: 'cost', why: m.why!, ...(m.experiment ? { experiment: m.experiment } : {}) };
    } else {
      measure = { kind: 'none', why: m.why! };
    }
    return { id: c.id, seed: c.seed, section: c.section, quote: c.quote, figures: c.figures, measure, ...(c.note ? { note: c.note } : {}) };
  });
  for (const id of experiments.keys()) {
    const used = claims.some((c) => (c.measure.kind === 'scenario' || c.measure.kind === 'cost') && 'experiment' in c.measure && c.measure.experiment === id);
    if (!used) fail(`experiment "${id}": `, 'no entry names it; remove it or name it in an entry\'s measure.experiment');
  }
  return { source, planned: reg.planned, experiments, claims };
}

/** "entry "likes.x": measure.scenario: " for an issue path, naming the entry by its id when it has one. */
function where(raw: unknown, path: readonly PropertyKey[]): string {
  const [top, key, ...rest] = path;
  const field = rest.map(String).join('.');
  if (top === 'claims' && typeof key === 'number') {
    const id = (raw as { claims?: { id?: unknown }[] }).claims?.[key]?.id;
    return `${typeof id === 'string' ? `entry "${id}"` : `entry #${key + 1}`}: ${field ? `${field}: ` : ''}`;
  }
  if (top === 'experiments' && key !== undefined) return `experiment "${String(key)}": ${field ? `${field}: ` : ''}`;
  return path.length ? `${path.map(String).join('.')}: ` : '';
}
