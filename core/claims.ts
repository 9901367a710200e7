/**
 * The claims report (claims.json, versioned): every claim of the design documents' register
 * (scenarios/claims/register.yaml) with its verdict, and the experiments (scenario runs) the
 * verdicts come from. `capbench claims` writes it; claims.md and claims.html are rendered from
 * it and nothing else (reports/claims/). Its own shape, apart from a run's RunResult.
 */
import { z } from 'zod';
import { RunResultSchema } from './results.js';

export const CLAIMS_SCHEMA_VERSION = 1;

/**
 * A claim's verdict in the register:
 * - holds / refuted: a run measured it (refuted carries the measured figure);
 * - not-measurable: it cannot be measured by this harness or in this run, and `why` says why;
 * - not-yet-measured: the scenario, path or model that measures it is not built yet.
 */
export const RegisterVerdictSchema = z.enum(['holds', 'refuted', 'not-measurable', 'not-yet-measured']);
export type RegisterVerdict = z.infer<typeof RegisterVerdictSchema>;
/** Every verdict, in the order reports count and list them. */
export const REGISTER_VERDICTS: readonly RegisterVerdict[] = RegisterVerdictSchema.options;

/** How a claim is measured: by a scenario's run, by a bench script, by the cost model, or not at all here. */
export const MeasureKindSchema = z.enum(['scenario', 'bench', 'cost', 'none']);
export type MeasureKind = z.infer<typeof MeasureKindSchema>;

/** One claim of the register and its verdict. */
export const ClaimRowSchema = z.object({
  /** The register id, which is also the ClaimResult id its scenario emits (e.g. "likes.viral-spike-10k"). */
  id: z.string(),
  /** Seed document number, "000".."004" (../shared/seeds/README.md says which is which). */
  seed: z.string(),
  /** Section of the seed document, e.g. "Likes System / Why Redis?". */
  section: z.string(),
  /** The claim as written in the seed. */
  quote: z.string(),
  /** The figure(s) the claim states, e.g. ["10K+ likes/s on one post"]. */
  figures: z.array(z.string()),
  measure: z.object({
    kind: MeasureKindSchema,
    /** Scenario id (built-in or planned), for kind "scenario". */
    scenario: z.string().optional(),
    /** The experiment whose run gives the verdict. */
    experiment: z.string().optional(),
    /** kind "bench": the command that gives the verdict. */
    command: z.string().optional(),
  }),
  verdict: RegisterVerdictSchema,
  /** The measured figure, as the scenario's verify() wrote it. */
  measured: z.string().optional(),
  /** Why this verdict: a not-measurable or not-yet-measured reason, or the run's note. */
  why: z.string().optional(),
  /** Relative link (from claims.html) to the report of the run that gave the verdict. */
  report: z.string().optional(),
  /** A remark from the register (e.g. how quick mode scales a figure). */
  note: z.string().optional(),
});
export type ClaimRow = z.infer<typeof ClaimRowSchema>;

/** What happened to an experiment: ran to its end, interrupted midway, broke before measuring, left out (--only), or never started (interrupted earlier). */
export const ExperimentStatusSchema = z.enum(['completed', 'aborted', 'failed', 'skipped', 'not-run']);
export type ExperimentStatus = z.infer<typeof ExperimentStatusSchema>;

/** One experiment: a scenario run with the register's settings for the mode. */
export const ExperimentRowSchema = z.object({
  id: z.string(),
  scenario: z.string(),
  description: z.string(),
  status: ExperimentStatusSchema,
  /** Why it failed, was skipped or did not run. */
  reason: z.string().optional(),
  /** The settings it ran with: the scenario options the register sets (the run's results.json has all), stages, warmup (s), worker threads. */
  settings: z
    .object({
      options: z.record(z.string(), z.unknown()),
      stages: RunResultSchema.shape.schedule.shape.stages,
      warmupS: z.number(),
      workers: z.number().int().positive(),
    })
    .optional(),
  runId: z.string().optional(),
  /** Relative links (from claims.html) to the run's report.html and results.json. */
  report: z.string().optional(),
  results: z.string().optional(),
  /** Wall-clock time of the experiment, load phase included, s. */
  durationS: z.number().optional(),
  /** The run fell short of its schedule (RunResult.rate.flagged). */
  flagged: z.boolean().optional(),
  /** The client, not the target, limited the run (RunResult.harness.bottleneck). */
  harnessBottleneck: z.boolean().optional(),
  /** The run's thresholds and checks that passed, of how many. */
  thresholds: z.object({ passed: z.number().int(), total: z.number().int() }).optional(),
  /** Register ids whose verdict this experiment gives. */
  claims: z.array(z.string()),
});
export type ExperimentRow = z.infer<typeof ExperimentRowSchema>;

export const ClaimsReportSchema = z.object({
  schemaVersion: z.literal(CLAIMS_SCHEMA_VERSION),
  kind: z.literal('claims'),
  tool: z.object({ name: z.literal('capbench'), version: z.string() }),
  /** quick: short schedules and small options; full: the schedules the claims need. */
  mode: z.enum(['quick', 'full']),
  /** completed: every experiment it meant to run was run; interrupted: Ctrl-C stopped it (partial register). */
  status: z.enum(['completed', 'interrupted']),
  /** The experiments --only kept, when given. */
  only: z.array(z.string()).optional(),
  /** The register file the claims come from. */
  register: z.string(),
  startedAt: z.string(),
  endedAt: z.string(),
  machine: RunResultSchema.shape.machine,
  /** The stores the runs used, with product and version (from the runs). */
  targets: RunResultSchema.shape.targets,
  experiments: z.array(ExperimentRowSchema),
  /** Every register entry, in register order. */
  claims: z.array(ClaimRowSchema),
});
export type ClaimsReport = z.infer<typeof ClaimsReportSchema>;

/** Claims per verdict, every verdict present (0 when none). */
export function countVerdicts(claims: readonly Pick<ClaimRow, 'verdict'>[]): Record<RegisterVerdict, number> {
  const counts = Object.fromEntries(REGISTER_VERDICTS.map((v) => [v, 0])) as Record<RegisterVerdict, number>;
  for (const c of claims) counts[c.verdict]++;
  return counts;
}
