/**
 * The workload file format (YAML or JSON, docs/workloads.md): a user's own mix of named
 * operations over storage paths, with key distributions, data to seed, stages, thresholds and
 * faults. One zod schema (WorkloadFileSchema) validates it; the run settings it shares with
 * scenario files (stages, arrival, warmup, thresholds, faults, ...) go through the settings
 * schema (scenarios/settings.ts RunSettingsLayer) as the "file" layer, so flags override them.
 *
 * A workload file is told from a scenario file (scenarios/file.ts) by its `operations:` field;
 * a scenario file has `scenario:`; a file with both is refused.
 *
 *   name: my-evening-peak
 *   data: { posts: 1000000, users: 100000, followGraph: { alpha: 2.1, celebrities: [ { followers: 1000000 } ] } }
 *   stages: 30s:0..5000, 2m:5000
 *   arrival: poisson
 *   operations:
 *     - { op: like, path: likes.redis-counter, weight: 70, keys: { dist: zipfian, s: 0.99 } }
 *   thresholds: [ 'like:p99<5ms' ]
 *   faults: [ 'redis:pause@90s+500ms' ]
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import { STORES } from '../core/target.js';
import { parseLayer, RunSettingsLayer, type RunSettingsLayerValue } from '../scenarios/settings.js';
import { VOCABULARY, QUERY_SKIP_RANKS } from '../scenarios/search/corpus.js';
import type { PathFamily } from '../reference-impl/registry.js';
import { KeySpecSchema, type KeySpec } from './keys.js';
import { checkOpPath } from './ops/index.js';
import type { Entity } from './ops/types.js';
import type { FollowGraphSpec } from './graph.js';

/** Search words a word key is drawn over: the corpus vocabulary without its most frequent ranks. */
export const WORD_KEYS = VOCABULARY - QUERY_SKIP_RANKS;

const FollowGraphSchema = z
  .object({
    degrees: z.literal('power-law', { error: 'degrees must be power-law (the only generator: scenarios/fan-out/graph.ts)' }).default('power-law'),
    alpha: z.number({ error: 'alpha must be a number in (2, 5]' }).gt(2, { error: 'alpha must be in (2, 5] (Twitter: 2.276)' }).max(5, { error: 'alpha must be in (2, 5]' }).default(2.276),
    minFollowers: z.number().int({ error: 'minFollowers must be a whole number >= 1' }).min(1, { error: 'minFollowers must be a whole number >= 1' }).default(5),
    maxFollowers: z.number().int({ error: 'maxFollowers must be a whole number >= 1' }).min(1, { error: 'maxFollowers must be a whole number >= 1' }).default(10_000),
    authors: z.number().int({ error: 'authors must be a whole number >= 1' }).min(1, { error: 'authors must be a whole number >= 1' }).optional(),
    celebrities: z
      .array(z.object({ followers: z.number().int({ error: 'followers must be a whole number >= 1' }).min(1, { error: 'followers must be a whole number >= 1' }) }).strict())
      .max(1, { error: 'at most one celebrity (user 0): the power-law generator has one' })
      .default([]),
  })
  .strict();

const DataSchema = z
  .object({
    posts: z.number({ error: 'posts must be a whole number >= 0' }).int({ error: 'posts must be a whole number >= 0' }).min(0, { error: 'posts must be a whole number >= 0' }).max(100_000_000, { error: 'posts must be at most 100000000' }).default(1000),
    users: z.number({ error: 'users must be a whole number >= 2' }).int({ error: 'users must be a whole number >= 2' }).min(2, { error: 'users must be a whole number >= 2' }).max(50_000_000, { error: 'users must be at most 50000000' }).default(1000),
    followGraph: FollowGraphSchema.optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    const g = d.followGraph;
    if (!g) return;
    const celeb = g.celebrities[0]?.followers ?? 0;
    if (celeb > d.users - 1) ctx.addIssue({ code: 'custom', path: ['followGraph', 'celebrities', 0, 'followers'], message: `a celebrity cannot have ${celeb} followers among ${d.users} users: raise data.users to ${celeb + 1} or more` });
    if (g.minFollowers > g.maxFollowers) ctx.addIssue({ code: 'custom', path: ['followGraph', 'minFollowers'], message: `minFollowers (${g.minFollowers}) is above maxFollowers (${g.maxFollowers})` });
  });

const OperationSchema = z
  .object({
    op: z.string({ error: 'op must be an operation name, e.g. like' }).min(1, { error: 'op must be an operation name, e.g. like' }),
    path: z.string({ error: 'path must be a storage path id, e.g. likes.redis-counter' }).min(1, { error: 'path must be a storage path id, e.g. likes.redis-counter' }),
    weight: z.number({ error: 'weight must be a number > 0 (a share of the arrival rate)' }).positive({ error: 'weight must be a number > 0 (a share of the arrival rate)' }).default(1),
    keys: KeySpecSchema.default({ dist: 'uniform' }),
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, { error: 'name must be letters, digits, . _ - (at most 64), e.g. like-hot' }).optional(),
  })
  .strict();

/** The fields of a workload file that are its own (the others are run settings). */
const HeadSchema = z
  .object({
    name: z.string({ error: 'name is required: letters, digits, . _ - (at most 64)' }).regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, { error: 'name must be letters, digits, . _ - (at most 64), e.g. my-evening-peak' }),
    description: z.string().optional(),
    namespace: z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, { error: 'namespace must be a lower-case identifier (a letter, then letters, digits, _; at most 31)' }).default('capbench_wl'),
    data: DataSchema.default({ posts: 1000, users: 1000 }),
    operations: z.array(OperationSchema, { error: 'operations must be a list of { op, path, weight, keys }' }).min(1, { error: 'give at least one operation' }),
  })
  .strict();

/** Run settings a workload file may set (all of scenario files' but `options`). */
const SETTINGS = Object.keys(RunSettingsLayer.shape).filter((k) => k !== 'options');
/** Every top-level field of a workload file. */
export const WORKLOAD_FIELDS = [...Object.keys(HeadSchema.shape), ...SETTINGS];

/** One operation of a validated workload. Structured-cloneable (it goes to the worker threads). */
export interface WorkloadOp {
  /** Name in results and thresholds (`name:`, else the op). */
  name: string;
  op: string;
  family: PathFamily;
  path: string;
  /** Share of the arrival rate, 0..1 (weights normalised). */
  share: number;
  keys: KeySpec;
  entity: Entity;
  /** The file's path, when --path-override or --compare-paths swapped it. */
  overridden?: string;
}

/** A validated workload: the scenario options of a workload run (workloads/scenario.ts). */
export interface WorkloadOptions {
  name: string;
  description: string;
  namespace: string;
  data: { posts: number; users: number; followGraph?: FollowGraphSpec };
  operations: WorkloadOp[];
  /** operation name or file path -> path, the overrides given (reports say so). */
  overrides: Record<string, string>;
  /**
   * Paths whose data the load phase also wipes, though no operation runs on them: the file's
   * own paths that an override replaced, and (--compare-paths) every path of the comparison,
   * so that no run's footprint carries another's data.
   */
  resetAlso: string[];
}

/** A workload file after validation. */
export interface WorkloadFile {
  path: string;
  workload: WorkloadOptions;
  /** The file's run settings (durations in seconds, stages parsed). */
  settings: RunSettingsLayerValue;
}

/**
 * Read a YAML/JSON file into a value.
 * @throws UsageError for a missing file or a syntax error.
 */
async function readDoc(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`Cannot read ${what} ${path}${code === 'ENOENT' ? ': no such file' : `: ${code ?? 'error'}`}.`, { hint: 'Check the path.' });
  }
  const isJson = /\.json$/i.test(path);
  try {
    return isJson ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new UsageError(`${what[0]!.toUpperCase()}${what.slice(1)} ${path} is not valid ${isJson ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}.`);
  }
}

/** True when `raw` is a mapping with an `operations` field (a workload file, not a scenario file). */
export function isWorkloadDoc(raw: unknown): boolean {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'operations' in raw;
}

/**
 * True when the file at `path` is a workload file (has `operations:`). A file that cannot be
 * read or parsed is not one (the scenario-file loader then says what is wrong with it).
 */
export async function isWorkloadFile(path: string): Promise<boolean> {
  try {
    return isWorkloadDoc(await readDoc(path, 'file'));
  } catch {
    return false;
  }
}

/** "operations.1.keys.s" as the user reads it: "operations[1].keys.s". */
function where(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || '(top level)';
}

/**
 * Parse "like=likes.redis-hash" pairs (--path-override).
 * @throws UsageError for a pair without "=".
 */
export function parseOverrides(pairs: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0 || i === p.length - 1) throw new UsageError(`Bad --path-override "${p}".`, { hint: 'Write --path-override OPERATION=PATH, e.g. --path-override like=likes.redis-hash.' });
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

/**
 * Validate a parsed workload document: the one schema, then what needs the registries (op
 * names, paths of the op's family, key entities, unique names, overrides), then the run settings.
 * @param overrides op name -> path (--path-override), applied before the path checks.
 * @throws UsageError, one line naming the file and the field, listing the known names where there are some.
 */
export function parseWorkload(raw: unknown, file: string, overrides: Record<string, string> = {}, resetAlso: readonly string[] = []): WorkloadFile {
  const bad = (field: string, message: string, hint?: string) => new UsageError(`Workload file ${file}: ${field}: ${message.replace(/\.$/, '')}.`, hint ? { hint } : {});
  if (!isWorkloadDoc(raw)) throw new UsageError(`Workload file ${file} must be a mapping with "operations".`, { hint: `Fields: ${WORKLOAD_FIELDS.join(', ')}.` });
  const doc = raw as Record<string, unknown>;
  if ('scenario' in doc) throw new UsageError(`${file} has both "scenario" (a scenario file) and "operations" (a workload file).`, { hint: 'Keep one: a scenario file sets a built-in scenario\'s options; a workload file composes operations.' });
  if ('options' in doc) throw bad('options', 'a workload file has no scenario options', 'Set each operation\'s path and keys under operations, or use --path-override.');
  const unknown = Object.keys(doc).find((k) => !WORKLOAD_FIELDS.includes(k));
  if (unknown !== undefined) throw new UsageError(`Workload file ${file}: unknown field "${unknown}".`, { hint: `Fields: ${WORKLOAD_FIELDS.join(', ')}.` });
  const headRaw = Object.fromEntries(Object.entries(doc).filter(([k]) => k in HeadSchema.shape));
  const settingsRaw = Object.fromEntries(Object.entries(doc).filter(([k]) => !(k in HeadSchema.shape)));
  const parsed = HeadSchema.safeParse(headRaw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const shape = where(issue.path);
      throw bad(`${shape === '(top level)' ? '' : shape + ': '}"${issue.keys[0]}"`.replace(/^: /, ''), 'unknown field', hint(issue.path));
    }
    throw bad(where(issue.path), issue.message);
  }
  const head = parsed.data;

  // Overrides name operations, or paths the file uses (every operation on that path moves).
  const names = head.operations.map((o) => o.name ?? o.op);
  const filePaths = [...new Set(head.operations.map((o) => o.path))];
  for (const name of Object.keys(overrides)) {
    if (!names.includes(name) && !filePaths.includes(name)) {
      throw new UsageError(`--path-override ${name}=${overrides[name]}: ${file} has no operation or path "${name}".`, { hint: `Its operations: ${names.join(', ')}; its paths: ${filePaths.join(', ')}.` });
    }
  }
  const seen = new Set<string>();
  const operations: WorkloadOp[] = [];
  const total = head.operations.reduce((a, o) => a + o.weight, 0);
  head.operations.forEach((o, i) => {
    const name = o.name ?? o.op;
    const at = `operations[${i}]`;
    if (seen.has(name)) throw bad(`${at}.name`, `operation name "${name}" is used twice`, 'Give one of them its own name: { op: ..., name: like-hot, ... }.');
    seen.add(name);
    const key = overrides[name] !== undefined ? name : overrides[o.path] !== undefined ? o.path : undefined;
    const path = key !== undefined ? overrides[key]! : o.path;
    let named;
    try {
      named = checkOpPath(o.op, path);
    } catch (err) {
      const e = err as UsageError;
      const field = /operation/i.test(e.message) ? `${at}.op` : key !== undefined ? `--path-override ${key}` : `${at}.path`;
      throw bad(field, e.message, e.hint);
    }
    const entity = (o.keys.from ?? named.def.entities[0]!) as Entity;
    if (!named.def.entities.includes(entity)) {
      throw bad(`${at}.keys.from`, `${o.op} draws its key from ${named.def.entities.join(' or ')}, not "${o.keys.from}"`);
    }
    const n = entity === 'post' ? head.data.posts : entity === 'user' ? head.data.users : WORD_KEYS;
    if (n < 1) throw bad(`${at}.keys`, `${o.op} draws post keys but data.posts is 0`, 'Seed some posts: data: { posts: 1000 }.');
    if (o.keys.dist === 'sequential' && o.keys.start >= n) throw bad(`${at}.keys.start`, `start ${o.keys.start} is beyond the ${n} ${entity} keys`);
    const { from: _from, ...keys } = o.keys;
    operations.push({ name, op: o.op, family: named.family, path, share: o.weight / total, keys: keys as KeySpec, entity, ...(key !== undefined ? { overridden: o.path } : {}) });
  });

  // Store names first, so an unknown one is named as a store (the settings schema would call it a setting).
  const urls = doc.urls;
  if (urls !== null && typeof urls === 'object' && !Array.isArray(urls)) {
    const unknownStore = Object.keys(urls).find((k) => !(STORES as readonly string[]).includes(k));
    if (unknownStore !== undefined) throw bad('urls', `unknown store "${unknownStore}"`, `Stores: ${STORES.join(', ')}.`);
  }
  let settings: RunSettingsLayerValue;
  try {
    settings = parseLayer(settingsRaw, { kind: 'file', path: file });
  } catch (err) {
    const e = err as UsageError;
    throw new UsageError(e.message.replace(/^Scenario file /, 'Workload file '), e.hint ? { hint: e.hint } : {});
  }
  return {
    path: file,
    workload: {
      name: head.name,
      description: head.description ?? `workload file ${file}`,
      namespace: head.namespace,
      data: head.data as WorkloadOptions['data'],
      operations,
      overrides,
      resetAlso: [...new Set([...operations.flatMap((o) => (o.overridden ? [o.overridden] : [])), ...resetAlso])].filter((p) => !operations.some((o) => o.path === p)),
    },
    settings,
  };
}

/** The fields allowed where an unknown one was found, for the hint. */
function hint(path: readonly PropertyKey[]): string {
  const p = path.filter((x) => typeof x !== 'number').join('.');
  const fields: Record<string, string> = {
    data: 'posts, users, followGraph',
    'data.followGraph': 'degrees, alpha, minFollowers, maxFollowers, authors, celebrities',
    'data.followGraph.celebrities': 'followers',
    operations: 'op, path, weight, keys, name',
    'operations.keys': 'dist, s (zipfian, latest), hotShare and hotOps (hotspot), start (sequential), from (post, user, word)',
  };
  return `Fields here: ${fields[p] ?? WORKLOAD_FIELDS.join(', ')}.`;
}

/**
 * Read and validate a workload file.
 * @throws UsageError for a missing file, a syntax error or a field that does not fit (one line).
 */
export async function loadWorkloadFile(path: string, overrides: Record<string, string> = {}, resetAlso: readonly string[] = []): Promise<WorkloadFile> {
  return parseWorkload(await readDoc(path, 'workload file'), path, overrides, resetAlso);
}
