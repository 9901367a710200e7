/**
 * Benchmark: the highest sustained arrival rate of each stories, caches and shards path under
 * its SLO (issue 14 part B), one table. Each step is a real `capbench run` of the path's
 * scenario at a constant rate (load phase, run phase, verify), judged by the scenario's own
 * per-operation SLOs below; the search is engine/capacity.ts's (doubling ramp from --start,
 * bisection to --resolution, halving down when the start fails).
 *
 *   node dist/bench/story-cache-paths.js [--quick] [--only stories.cassandra-redis,caches.cache-aside] [--step 4] [--start 250]
 *
 * SLOs (p99 from the intended start, every step unflagged, errors < 1%; an operation with too
 * few samples for a p99 in a step is not judged, the main one must have one):
 *   stories.cassandra-redis   view_story p99 < 10 ms, active_stories p99 < 20 ms, create_story p99 < 50 ms
 *   caches.*                  get_post / get_user p99 < 10 ms, feed p99 < 20 ms, update_post p99 < 50 ms
 *   shards.*                  every route_* p99 < 5 ms (the three routers run in one scenario, shard-sim)
 * Exit: 0 done; 2 bad flags or a target unreachable (one line).
 * Prints a table; nothing is written.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import { driveSearch } from '../engine/capacity.js';
import { machineInfo } from '../engine/machine.js';
import { runScenario } from '../scenarios/run.js';
import { getScenario } from '../scenarios/registry.js';
import { parseLayer, resolveRunSettings } from '../scenarios/settings.js';
import type { RunResult } from '../core/results.js';
import { parseArgv } from './flags.js';
import { log, out, runBench, sleep } from './search-common.js';

/** One benchmarked path: its scenario, options for short steps, and its SLOs. */
interface Target {
  path: string;
  scenario: string;
  options: Record<string, unknown>;
  slo: string[];
  /** The operation that must carry a p99 for a step to count (the mix's largest share). */
  main: string;
}

const TARGETS: Target[] = [
  {
    path: 'stories.cassandra-redis',
    scenario: 'stories',
    options: { users: 1000, storiesPerUser: 1, hllViewers: '', expiryProbeS: 2, keyspace: 'cb_stories_bench', redisPrefix: 'cbbench:st:' },
    slo: ['view_story:p99<10ms', 'active_stories:p99<20ms', 'create_story:p99<50ms', '*:error_rate<1%'],
    main: 'view_story',
  },
  ...['caches.cache-aside', 'caches.write-through', 'caches.pubsub-l1'].map((path) => ({
    path,
    scenario: 'caches',
    options: { path, users: 2000, posts: 20_000, followsPerUser: 10, probes: 3, latencySamples: 10, schema: 'cb_caches_bench', redisPrefix: 'cbbench:cc:' },
    slo: ['get_post:p99<10ms', 'get_user:p99<10ms', 'feed:p99<20ms', 'update_post:p99<50ms', '*:error_rate<1%'],
    main: 'get_post',
  })),
  {
    path: 'shards.hash-mod + shards.range + shards.consistent-hash',
    scenario: 'shard-sim',
    options: { posts: 10_000, likes: 10_000, postShards: 2000, userShards: 20, users: 5000, celebrityFollowers: 2000, authors: 100, moveSample: 2000 },
    slo: ['*:p99<5ms', '*:error_rate<0.1%'],
    main: 'route_hash_mod',
  },
];

const Flags = z.object({
  quick: z.boolean().default(false),
  only: z.string().optional(),
  step: z.coerce.number().positive().max(120).optional(),
  start: z.coerce.number().int().positive().max(1_000_000).default(250),
  maxRate: z.coerce.number().int().positive().max(10_000_000).default(64_000),
  resolution: z.coerce.number().min(0.01).max(1).optional(),
});

interface Step {
  rate: number;
  achieved: number;
  passed: boolean;
  why: string[];
  p99: Record<string, number | null>;
}

/**
 * A step passes when every SLO that could be judged passed (an operation with too few samples
 * for a p99 at this rate is not judged; the engine withholds small-sample percentiles), the main
 * operation had a p99, the run was not flagged and completed.
 */
function judge(r: RunResult, main: string): { passed: boolean; why: string[] } {
  const why = r.thresholds.filter((t) => !t.passed && t.actual !== null).map((t) => `${t.expression} (${t.actual})`);
  if ((r.operations.find((o) => o.name === main)?.latencyMs.p99 ?? null) === null) why.push(`${main}: too few samples for a p99`);
  if (r.rate.flagged) why.push(`flagged: ${r.rate.reasons.join('; ')}`);
  if (r.status !== 'completed') why.push(`aborted: ${r.abortReason ?? ''}`);
  return { passed: why.length === 0, why };
}

async function main(argv: readonly string[]): Promise<number> {
  const cmd = new Command('story-cache-paths')
    .option('--quick', 'shorter steps and a coarser search')
    .option('--only <paths>', 'comma-separated path ids (or "shards") to benchmark')
    .option('--step <s>', 'seconds per step')
    .option('--start <rate>', 'first rate of the ramp, ops/s')
    .option('--max-rate <rate>', 'highest rate tried, ops/s')
    .option('--resolution <r>', 'bisection stops within this fraction');
  const raw = parseArgv(cmd, argv);
  if (raw === 'help') return 0;
  const parsed = Flags.safeParse(raw);
  if (!parsed.success) throw new UsageError(`Bad flag: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}.`, { hint: 'See --help.' });
  const f = parsed.data;
  const stepS = f.step ?? (f.quick ? 3 : 6);
  const resolution = f.resolution ?? (f.quick ? 0.25 : 0.1);
  const only = f.only?.split(',').map((s) => s.trim());
  const targets = only ? TARGETS.filter((t) => only.some((o) => t.path.includes(o))) : TARGETS;
  if (targets.length === 0) throw new UsageError(`--only ${f.only} names no benchmarked path.`, { hint: `Use some of: ${TARGETS.map((t) => t.path).join(', ')}.` });
  const m = machineInfo();
  out(`story-cache-paths: ${m.cpus} CPUs, ${stepS} s steps, ramp from ${f.start} ops/s, resolution ${resolution * 100}%`);
  const rows: string[][] = [];
  for (const t of targets) {
    const scenario = getScenario(t.scenario);
    const steps: Step[] = [];
    const found = await driveSearch({ startRate: f.start, maxRate: f.maxRate, minRate: 25, resolution }, f.start, f.quick ? 6 : 10, {
      run: async (rate) => {
        const settings = resolveRunSettings(scenario, {
          flags: parseLayer({ options: t.options, rate, duration: stepS, warmup: 1, thresholds: t.slo }, { kind: 'flags' }),
        });
        const r = await runScenario({ settings, log: () => undefined });
        const j = judge(r, t.main);
        const step: Step = { rate, achieved: Math.round(r.rate.achievedOpsPerSec ?? 0), ...j, p99: Object.fromEntries(r.operations.map((o) => [o.name, o.latencyMs.p99])) };
        steps.push(step);
        log(`  ${t.path} @ ${rate} ops/s: ${j.passed ? 'pass' : 'FAIL'} (achieved ${step.achieved}; p99 ${Object.entries(step.p99).map(([k, v]) => `${k} ${v ?? '—'} ms`).join(', ')})${j.passed ? '' : ` — ${j.why.join('; ')}`}`);
        return step;
      },
      passed: (s) => s.passed,
      pause: () => sleep(500),
    });
    const best = found.best === null ? undefined : steps.find((s) => s.rate === found.best);
    rows.push([t.path, found.best === null ? 'none passed' : `${found.best}`, best ? Object.entries(best.p99).map(([k, v]) => `${k} ${v ?? '—'}`).join(', ') : '—', found.state.firstFail === null ? '—' : `${found.state.firstFail}`, t.slo.join(', ')]);
  }
  out('');
  out('| path | highest sustained rate (ops/s) | p99 at that rate (ms) | lowest failing rate (ops/s) | SLO |');
  out('|---|---|---|---|---|');
  for (const r of rows) out(`| ${r.join(' | ')} |`);
  return 0;
}

runBench('story-cache-paths', main);
