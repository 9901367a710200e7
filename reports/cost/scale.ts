/**
 * The scale a cost is projected at (`--scale posts=1000000,users=10M,likesPerSec=5000`): how
 * many of each entity, and how many operations per second. Each entity says which measured
 * figure of a run sizes it (reports/cost/measure.ts) and which storage path family holds it.
 */
import { z } from 'zod';
import { UsageError } from '../../core/errors.js';

/** An entity the scale may name. */
export interface ScaleEntity {
  name: string;
  kind: 'count' | 'rate';
  /** Unit in words ("posts", "follow edges", "likes/s"). */
  unit: string;
  /** Storage path family whose store holds it (the family prefix of a path id: "likes", "follows"). */
  family: string;
  /** Rates: the operation of the run whose achieved ops/s gives the measured ops/s per core. */
  op?: string;
  /** Rates: whether each operation writes (priced per write request) or reads. */
  requests?: 'read' | 'write';
  description: string;
}

/**
 * The entities a scale may name. posts: one like counter per post (viral-like-spike,
 * "bytes per post counter"); follows: follow edges and users: user rows (follow-queries,
 * "bytes per follow edge" and the users + user_stats tables); likesPerSec and followsPerSec:
 * write rates (seed 000 · Likes System "100K+/sec", Follows System "~100/sec").
 */
export const SCALE_ENTITIES: readonly ScaleEntity[] = [
  { name: 'posts', kind: 'count', unit: 'posts', family: 'likes', description: 'posts, each with a like counter' },
  { name: 'users', kind: 'count', unit: 'users', family: 'follows', description: 'users (users and user_stats rows)' },
  { name: 'follows', kind: 'count', unit: 'follow edges', family: 'follows', description: 'follow edges' },
  { name: 'likesPerSec', kind: 'rate', unit: 'likes/s', family: 'likes', op: 'like', requests: 'write', description: 'likes per second' },
  { name: 'followsPerSec', kind: 'rate', unit: 'follows/s', family: 'follows', op: 'follow', requests: 'write', description: 'follows per second' },
];

/** Entity name -> amount (count, or ops/s for rates). */
export type Scale = Record<string, number>;

const NUMBER = /^(\d+(?:\.\d+)?(?:e\d+)?)([KMB])?$/i;
const MULT: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9 };

/** An amount: a non-negative number, optionally with K, M or B (thousand, million, billion). */
const Amount = z.union([z.number(), z.string()]).transform((v, ctx): number => {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  const m = typeof v === 'string' ? NUMBER.exec(v.trim().replace(/_/g, '')) : null;
  if (m) return Number(m[1]) * (m[2] ? MULT[m[2].toLowerCase()]! : 1);
  ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a number >= 0 (write e.g. 1000000, 1e6 or 1M)` });
  return z.NEVER;
});

/** The scale schema: entity -> amount >= 0 (validateScale() also refuses unknown entities, first). */
export const ScaleSchema = z.record(z.string(), Amount);

/**
 * Parse a scale as typed on the command line: comma-separated `entity=amount`.
 *
 * @param text e.g. "posts=1000000,likesPerSec=5000" (amounts may be 1e6 or 1M).
 * @returns entity -> amount.
 * @throws UsageError, one line: an unknown entity (listing the known ones), a malformed pair,
 *   a negative or non-numeric amount, an entity named twice, or an empty scale.
 */
export function parseScale(text: string): Scale {
  const raw: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw new UsageError(`Bad --scale part "${part}": write entity=amount.`, { hint: `Example: --scale posts=1000000,likesPerSec=5000. ${knownEntities()}` });
    const name = part.slice(0, i).trim();
    if (name in raw) throw new UsageError(`Bad --scale: "${name}" is named twice.`);
    raw[name] = part.slice(i + 1).trim();
  }
  return validateScale(raw, '--scale');
}

/**
 * Validate a scale given as an object (from a file or a results.json).
 * @throws UsageError as {@link parseScale}; `where` names the origin in the message.
 */
export function validateScale(raw: unknown, where: string): Scale {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(`Bad ${where}: expected entity=amount pairs.`, { hint: knownEntities() });
  const unknown = Object.keys(raw).find((k) => !entityOf(k));
  if (unknown !== undefined) throw new UsageError(`Bad ${where}: unknown entity "${unknown}".`, { hint: knownEntities() });
  if (Object.keys(raw).length === 0) throw new UsageError(`Bad ${where}: it names no entity.`, { hint: `Example: --scale posts=1000000,likesPerSec=5000. ${knownEntities()}` });
  const parsed = ScaleSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new UsageError(`Bad ${where}: ${String(issue.path[0])}: ${issue.message}.`);
}

/** "Known entities: posts (posts, each with a like counter), ..." */
function knownEntities(): string {
  return `Known entities: ${SCALE_ENTITIES.map((e) => `${e.name} (${e.description})`).join(', ')}.`;
}

/** Render a scale back to the text parseScale() reads ("posts=1000000,likesPerSec=5000"). */
export function formatScale(scale: Scale): string {
  return Object.entries(scale)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The entity definition of a name (known by construction after validation). */
export function entityOf(name: string): ScaleEntity | undefined {
  return SCALE_ENTITIES.find((e) => e.name === name);
}
