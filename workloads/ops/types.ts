/**
 * The seam that makes "every operation a path registers usable by name": each path family has
 * one module under workloads/ops/ exporting a FamilyOps made with defineFamilyOps(), listed once
 * in workloads/ops/index.ts. It says which named operations the family's contract offers, the
 * entity each one draws its key from, how to call the contract, and the family's load phase
 * (reset, seed) and verify checks in a workload. Op names are unique across families.
 */
import type { OpStatus } from '../../engine/types.js';
import type { ThresholdResult } from '../../core/results.js';
import type { PathFamilies, PathFamily } from '../../reference-impl/path.js';
import type { FollowGraphModel } from '../graph.js';

/** What a key is drawn from: post ids [0, posts), user ids [0, users), search words (a vocabulary of real words). */
export type Entity = 'post' | 'user' | 'word';
/** Every entity, for messages. */
export const ENTITIES: readonly Entity[] = ['post', 'user', 'word'];

/** What an operation gets besides its key, in one thread (no per-call allocation). */
export interface OpEnv {
  /** Uniform in [0, 1), from the thread's seeded PRNG. */
  rand(): number;
  /** Users and posts seeded (data:). */
  users: number;
  posts: number;
  /** A new id for an entity this op creates (post or user), unique across threads and beyond the seeded ids. */
  newId(entity: 'post' | 'user'): number;
  /** The word of a word key (search). */
  word(key: number): string;
}

/** One named operation of a family. */
export interface OpDef<F extends PathFamily = PathFamily> {
  /** Name in workload files (`op:`), e.g. "like"; unique across families. */
  readonly name: string;
  /** The entities it may draw its key from; the first is the default. */
  readonly entities: readonly Entity[];
  /** One line: which contract call, e.g. "LikeCounter.like(post)". */
  readonly summary: string;
  /** Run once with this key; rejects with the driver's error. */
  run(impl: PathFamilies[F]['impl'], key: number, env: OpEnv): Promise<OpStatus | void>;
}

/** What the load phase has to work with: the data section, the follow graph model, a logger. */
export interface SeedInput {
  users: number;
  posts: number;
  /** The follow graph (data.followGraph), undefined when the file has none. */
  graph: FollowGraphModel | undefined;
  /** --seed, for generated content. */
  seed: number;
  log(line: string): void;
}

/** A check the family ran in verify, or why it could not. */
export type FamilyCheck = { kind: 'checked'; result: ThresholdResult; detail?: string } | { kind: 'not-checked'; expression: string; why: string };

/** What verify gives a family: its path's operations with what they acknowledged. */
export interface VerifyOps {
  /** What the load phase seeded (data:). */
  seeded: { users: number; posts: number };
  /** Per workload operation on this path: its op name and the number acknowledged (ok, warmup included). */
  ops: { name: string; op: string; acknowledged: number }[];
}

/** A family's operations and its part of a workload's load and verify phases. */
export interface FamilyOps<F extends PathFamily = PathFamily> {
  readonly family: F;
  readonly ops: readonly OpDef<F>[];
  /**
   * True when the family's paths share their data under one namespace (feed: the strategies of
   * one keyspace share posts and the graph): the load phase resets and seeds only the first
   * such path of a workload, so counters are not seeded twice.
   */
  readonly sharedData?: boolean;
  /** The options a path of this family is opened with in a workload whose namespace is `ns` (key prefix, schema, keyspace). */
  pathOptions(ns: string): PathFamilies[F]['options'];
  /** Wipe the path's data under the namespace. */
  reset(impl: PathFamilies[F]['impl']): Promise<void>;
  /** Seed what the family's operations read. */
  seed(impl: PathFamilies[F]['impl'], input: SeedInput): Promise<void>;
  /** The path's own checks after the run; a check the path lacks is "not-checked" with why. */
  verify(impl: PathFamilies[F]['impl'], path: string, input: VerifyOps): Promise<FamilyCheck[]>;
  /**
   * Work the path needs running beside the load (feed: a fan-out worker draining the queue),
   * started in the first thread; resolves a stop function.
   */
  background?(impl: PathFamilies[F]['impl'], consumer: string): (() => Promise<void>) | undefined;
}

/** Identity with type checking, so a family's module reads as a declaration. */
export function defineFamilyOps<F extends PathFamily>(f: FamilyOps<F>): FamilyOps<F> {
  return f;
}

/** A passed/failed check "<expression>" with actual vs limit. */
export function zeroCheck(expression: string, operation: string, metric: string, unit: string, actual: number): FamilyCheck {
  return { kind: 'checked', result: { expression, operation, metric, unit, limit: 0, actual, passed: actual === 0 } };
}
