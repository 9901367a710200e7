/**
 * The one list of workload operation tables, one line per path family (workloads/ops/types.ts
 * FamilyOps). Adding a family's operations: workloads/ops/<family>.ts exporting a
 * defineFamilyOps(...), and one line in FAMILY_OPS below. Op names are unique across families
 * (checked at import).
 */
import { UsageError } from '../../core/errors.js';
import { getStoragePath, PATH_FAMILIES, type PathFamily } from '../../reference-impl/registry.js';
import type { FamilyOps, OpDef } from './types.js';
import { likesOps } from './likes.js';
import { followsOps } from './follows.js';
import { feedOps } from './feed.js';
import { postsOps } from './posts.js';
import { usersOps } from './users.js';
import { searchOps } from './search.js';
import { storiesOps } from './stories.js';
import { cachesOps } from './caches.js';
import { shardsOps } from './shards.js';
import { commentsOps } from './comments.js';
import { bookmarksOps } from './bookmarks.js';

export type { Entity, FamilyOps, OpDef, OpEnv, FamilyCheck } from './types.js';

/** Every family's operation table. One line per family. */
const FAMILY_OPS: readonly FamilyOps[] = [
  likesOps as unknown as FamilyOps,
  followsOps as unknown as FamilyOps,
  feedOps as unknown as FamilyOps,
  postsOps as unknown as FamilyOps,
  usersOps as unknown as FamilyOps,
  searchOps as unknown as FamilyOps,
  storiesOps as unknown as FamilyOps,
  cachesOps as unknown as FamilyOps,
  shardsOps as unknown as FamilyOps,
  commentsOps as unknown as FamilyOps,
  bookmarksOps as unknown as FamilyOps,
];

/** A named operation with its family. */
export interface NamedOp {
  family: PathFamily;
  def: OpDef;
}

/**
 * Index the tables, refusing a family listed twice, an unknown family or an op name used twice.
 * @throws Error at import time: a clash is a bug in this folder, not a user error.
 */
function index(tables: readonly FamilyOps[]): { ops: ReadonlyMap<string, NamedOp>; families: ReadonlyMap<PathFamily, FamilyOps> } {
  const ops = new Map<string, NamedOp>();
  const families = new Map<PathFamily, FamilyOps>();
  for (const t of tables) {
    if (!PATH_FAMILIES.includes(t.family)) throw new Error(`workload ops for unknown family "${t.family}"`);
    if (families.has(t.family)) throw new Error(`workload ops of family "${t.family}" are listed twice`);
    families.set(t.family, t);
    for (const def of t.ops) {
      const clash = ops.get(def.name);
      if (clash) throw new Error(`workload op "${def.name}" is defined by both ${clash.family} and ${t.family}`);
      ops.set(def.name, { family: t.family, def });
    }
  }
  return { ops, families };
}

const INDEX = index(FAMILY_OPS);

/** Every op name, in table order. */
export function opNames(): string[] {
  return [...INDEX.ops.keys()];
}

/** Every op by family, in table order (for docs and `capbench validate`'s messages). */
export function opsByFamily(): { family: PathFamily; ops: OpDef[] }[] {
  return [...INDEX.families.values()].map((t) => ({ family: t.family, ops: [...t.ops] }));
}

/** The families that have an operation table. */
export function familiesWithOps(): PathFamily[] {
  return [...INDEX.families.keys()];
}

/**
 * The op with this name.
 * @throws UsageError listing the known op names.
 */
export function getOp(name: string): NamedOp {
  const o = INDEX.ops.get(name);
  if (!o) throw new UsageError(`Unknown operation "${name}".`, { hint: `Operations: ${opNames().join(', ')}.` });
  return o;
}

/**
 * The operation table of a family.
 * @throws UsageError when the family has none yet (its paths are registered but not usable in workload files).
 */
export function familyOps(family: PathFamily): FamilyOps {
  const t = INDEX.families.get(family);
  if (!t) throw new UsageError(`The ${family} family has no workload operations yet.`, { hint: `Families with operations: ${familiesWithOps().join(', ')} (workloads/ops/).` });
  return t;
}

/**
 * Check that storage path `pathId` can run op `opName`.
 * @throws UsageError for an unknown op or path, or a path of another family (naming that family's paths).
 */
export function checkOpPath(opName: string, pathId: string): NamedOp {
  const op = getOp(opName);
  getStoragePath(pathId, op.family);
  return op;
}

/** The operation table docs/workloads.md carries between its `ops:begin`/`ops:end` markers (a test keeps the two equal). */
export function opsMarkdown(): string {
  const rows = opsByFamily().flatMap(({ family, ops }) => ops.map((o) => `| \`${o.name}\` | ${family} | ${o.entities.join(', ')} | ${o.summary.replace(/\|/g, '\\|')} |`));
  return ['| op | family | key drawn from | what it calls |', '|---|---|---|---|', ...rows].join('\n');
}
