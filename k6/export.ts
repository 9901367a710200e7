/**
 * `capbench export k6 <scenario> [--via http|redis]` (issue 12): a k6 script, TypeScript typed
 * with @types/k6, that reproduces the scenario's schedule (one constant-arrival-rate executor for
 * a single constant stage, else one ramping-arrival-rate executor: each capbench stage becomes an
 * instant jump to its rate and a hold, or a linear ramp),
 * operation mix, key distribution and thresholds (capbench's mapped to k6 syntax).
 *
 * Every operation records its latency, ms, in the Trend `capbench_latency` and its outcome in
 * the Rate `capbench_failed`, both tagged op=<name>; the script's test-wide tags carry what
 * `capbench merge` needs to check and rebuild a run from raw output (script hash, scenario,
 * stages, thresholds).
 */
import { createHash } from 'node:crypto';
import type { Stage } from '../core/results.js';
import { parseThreshold, type Threshold } from '../engine/thresholds.js';
import { k6PlanOf, type K6Plan, type K6Via } from './plans.js';

/** What to export. */
export interface K6ExportInput {
  scenarioId: string;
  /** The scenario's validated options. */
  options: Record<string, unknown>;
  stages: readonly Stage[];
  /** capbench threshold expressions (engine/thresholds.ts). */
  thresholds: readonly string[];
  via: K6Via;
  /** --via http: the service's base URL (overridable at run time with CAPBENCH_SERVICE_URL). */
  serviceUrl: string;
  /** --via redis: the Redis URL (overridable with CAPBENCH_REDIS_URL). */
  redisUrl?: string;
  /** --via sql: the PostgreSQL URL (overridable with CAPBENCH_POSTGRES_URL; sslmode=disable added when absent). */
  postgresUrl?: string;
  /** Mark every threshold abortOnFail (k6 stops the test when one fails; evaluated after 10 s). */
  abortOnFail?: boolean;
  /** VUs k6 allocates up front / at most (default from the peak rate). */
  preAllocatedVUs?: number;
  maxVUs?: number;
  /** The plan to use instead of the built-in scenario's (k6/plans.ts): a workload file's (workloads/k6.ts). */
  plan?: K6Plan;
}

/** The exported script and the identity `capbench merge` checks. */
export interface K6Script {
  source: string;
  /** sha256 (12 hex) of everything but the hash itself: two segments of one script share it. */
  hash: string;
  ops: string[];
}

/** "2.5s" for k6 durations. */
const dur = (s: number) => `${Math.round(s * 1000) / 1000}s`;

/**
 * capbench stages as k6 ramping-arrival-rate stages: a constant stage is a 0 s jump to its
 * rate then a hold; a ramp (fromRate..rate) is a jump to fromRate then a linear ramp.
 * @returns startRate and the k6 stages (target in iterations per second).
 */
export function k6Stages(stages: readonly Stage[]): { startRate: number; stages: { target: number; duration: string }[] } {
  const startRate = stages[0]?.fromRate ?? stages[0]?.rate ?? 0;
  let current = startRate;
  const out: { target: number; duration: string }[] = [];
  for (const s of stages) {
    const from = s.fromRate ?? s.rate;
    if (from !== current) out.push({ target: from, duration: '0s' });
    out.push({ target: s.rate, duration: dur(s.durationS) });
    current = s.rate;
  }
  return { startRate, stages: out };
}

const K6_STAT: Record<string, string> = { p50: 'p(50)', p90: 'p(90)', p99: 'p(99)', p999: 'p(99.9)', max: 'max', mean: 'avg', service_p50: 'p(50)', service_p99: 'p(99)' };

/**
 * capbench thresholds in k6 syntax, keyed by metric (with its op tag): latency metrics on
 * `capbench_latency{op:X}` (ms), error_rate on `capbench_failed{op:X}`, ops_per_sec on
 * `capbench_ops{op:X}` (rate per second). A "*" threshold is one per operation.
 */
export function k6Thresholds(expressions: readonly string[], ops: readonly string[], abortOnFail = false): Record<string, { threshold: string; abortOnFail?: boolean; delayAbortEval?: string }[]> {
  const out: Record<string, { threshold: string; abortOnFail?: boolean; delayAbortEval?: string }[]> = {};
  const add = (metric: string, threshold: string) => {
    (out[metric] ??= []).push(abortOnFail ? { threshold, abortOnFail: true, delayAbortEval: '10s' } : { threshold });
  };
  for (const e of expressions) {
    const t: Threshold = parseThreshold(e);
    for (const op of t.operation === '*' ? ops : [t.operation]) {
      if (t.metric === 'error_rate') add(`capbench_failed{op:${op}}`, `rate${t.cmp}${t.limit}`);
      else if (t.metric === 'ops_per_sec') add(`capbench_ops{op:${op}}`, `rate${t.cmp}${t.limit}`);
      else add(`capbench_latency{op:${op}}`, `${K6_STAT[t.metric]}${t.cmp}${t.limit}`);
    }
  }
  return out;
}

/** Build the script. @throws UsageError for a scenario without a k6 export or a path the route cannot drive. */
export function exportK6(input: K6ExportInput): K6Script {
  const plan = input.plan ?? k6PlanOf(input.scenarioId, input.options, input.stages, input.via);
  const { startRate, stages } = k6Stages(input.stages);
  const peak = Math.max(1, ...input.stages.map((s) => Math.max(s.rate, s.fromRate ?? 0)));
  const pre = input.preAllocatedVUs ?? Math.min(200, Math.max(5, Math.ceil(peak / 100)));
  const max = Math.max(pre, input.maxVUs ?? Math.min(2000, Math.max(50, Math.ceil(peak / 10))));
  const thresholds = k6Thresholds(input.thresholds, plan.ops, input.abortOnFail);
  // One constant stage: constant-arrival-rate (exactly rate x duration iterations); otherwise
  // ramping-arrival-rate (k6 may start one iteration fewer at the end of a ramp schedule).
  const only = input.stages.length === 1 && input.stages[0]!.fromRate === undefined ? input.stages[0]! : undefined;
  const executor = only
    ? `{\n      executor: 'constant-arrival-rate',\n      rate: ${only.rate},\n      timeUnit: '1s',\n      duration: '${dur(only.durationS)}',\n      preAllocatedVUs: ${pre},\n      maxVUs: ${max},\n    }`
    : `{\n      executor: 'ramping-arrival-rate',\n      startRate: ${startRate},\n      timeUnit: '1s',\n      preAllocatedVUs: ${pre},\n      maxVUs: ${max},\n      stages: ${JSON.stringify(stages)},\n    }`;
  const stagesText = input.stages.map((s) => `${s.durationS}s:${s.fromRate !== undefined ? `${s.fromRate}..` : ''}${s.rate}`).join(',');
  const body = (hash: string) => `// Exported by capbench (capbench export k6 ${input.scenarioId} --via ${input.via}). Runs with k6 1.x: \`k6 run script.ts\`.
// Scenario ${input.scenarioId}, stages ${stagesText}; thresholds ${input.thresholds.join(', ') || 'none'}.
// Latency per operation is the Trend capbench_latency{op}, ms; failures the Rate capbench_failed{op}.
// k6 measures each request from when it is sent (no intended-start correction): under an
// arrival-rate executor late iterations show as dropped_iterations, not as latency.
// Split over N machines: k6 run --execution-segment 0:1/2 --execution-segment-sequence 0,1/2,1 --out json=seg1.json script.ts
// (and 1/2:1 on the other), then \`capbench merge seg1.json seg2.json\` (docs/distributed.md).${input.via === 'sql' ? "\n// --via sql needs k6 built with xk6-sql and its PostgreSQL driver: `capbench services up k6-sql`." : ''}
${input.via === 'http' ? "import http from 'k6/http';" : input.via === 'sql' ? "import sql from 'k6/x/sql';\nimport driver from 'k6/x/sql/driver/postgres';" : "import redis from 'k6/experimental/redis';"}
import exec from 'k6/execution';
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';

const BASE: string = __ENV.CAPBENCH_SERVICE_URL || ${JSON.stringify(input.serviceUrl)};
${input.via === 'redis' ? `const redisClient = new redis.Client(__ENV.CAPBENCH_REDIS_URL || ${JSON.stringify(input.redisUrl ?? 'redis://127.0.0.1:6379')});` : ''}${input.via === 'sql' ? `/** lib/pq needs sslmode spelled out for a server without TLS. */
const PG_URL: string = __ENV.CAPBENCH_POSTGRES_URL || ${JSON.stringify(input.postgresUrl ?? 'postgres://capbench:capbench@127.0.0.1:5432/capbench')};
const db = sql.open(driver, /[?&]sslmode=/.test(PG_URL) ? PG_URL : PG_URL + (PG_URL.includes('?') ? '&' : '?') + 'sslmode=disable');` : ''}
const latency = new Trend('capbench_latency', true);
const failed = new Rate('capbench_failed');
const done = new Counter('capbench_ops');

export const options: Options = {
  tags: {
    capbench_script: ${JSON.stringify(hash)},
    capbench_scenario: ${JSON.stringify(input.scenarioId)},
    capbench_via: ${JSON.stringify(input.via)},
    capbench_stages: ${JSON.stringify(stagesText)},
    capbench_thresholds: ${JSON.stringify(input.thresholds.join(';'))},
  },
  scenarios: {
    ${JSON.stringify(input.scenarioId)}: ${executor},${Object.entries(plan.extraScenarios ?? {}).map(([name, src]) => `\n    ${JSON.stringify(name)}: ${src},`).join('')}
  },
  thresholds: ${JSON.stringify(thresholds, null, 2).replace(/\n/g, '\n  ')},
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(99)', 'p(99.9)', 'max'],
};

/** Record one operation: latency in ms, and whether it failed. */
function record(op: string, ms: number, ok: boolean): void {
  latency.add(ms, { op });
  failed.add(!ok, { op });
  done.add(1, { op });
}
${input.via === 'redis' ? `
/** Time one Redis command (from send to reply), ms; a rejected command is a failure. */
async function timed(op: string, f: () => Promise<unknown>): Promise<void> {
  const t0 = Date.now();
  let ok = true;
  try { await f(); } catch (_e) { ok = false; }
  record(op, Date.now() - t0, ok);
}` : ''}
${input.via === 'sql' ? `
/** Time one SQL call (xk6-sql blocks the VU until the database answers), ms; a thrown error is a failure. */
function timedSql(op: string, f: () => unknown): void {
  const t0 = Date.now();
  let ok = true;
  try { f(); } catch (_e) { ok = false; }
  record(op, Date.now() - t0, ok);
}

export function teardown(): void {
  db.close();
}` : ''}
${plan.prelude}

${plan.iteration}

export default async function (): Promise<void> {
  const tS = (Date.now() - exec.scenario.startTime) / 1000;
  await iteration(tS, exec.scenario.iterationInTest);
}
`;
  const hash = createHash('sha256').update(body('')).digest('hex').slice(0, 12);
  return { source: body(hash), hash, ops: plan.ops };
}
