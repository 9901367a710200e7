/**
 * Benchmark (issue 12): likes through the reference service, three generators on this machine
 * in one run, each with its CPU use:
 *   1. capbench open loop (--via http): the highest constant rate with like p99 < --p99-ms;
 *   2. autocannon closed loop: its maximum requests/s (coordinated omission: a ceiling);
 *   3. k6 (constant-arrival-rate, the exported script): the highest rate with p99 < --p99-ms.
 * The service runs as its own process (`capbench serve --paths likes.redis-counter`, keys under
 * a prefix of this run, removed at the end). Rates step up by doubling from --start until a
 * step misses the p99 limit, drops or falls short of the rate (then stops: no bisection, to keep
 * the run short on a shared machine). Prints the load average (`uptime`) with the figures.
 *
 *   node dist/bench/http-likes.js [--start 100] [--step-s 3] [--p99-ms 10] [--connections 50]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { getScenario } from '../scenarios/registry.js';
import { runScenario } from '../scenarios/run.js';
import { parseFlagValues, parseLayer, resolveRunSettings } from '../scenarios/settings.js';
import { closedLoop, spawnService } from '../cli/commands/http-bench.js';
import { exportK6 } from '../k6/export.js';
import { requireK6, runK6 } from '../k6/run.js';
import { outcomeFromK6, readK6Output } from '../k6/samples.js';
import { connectRedis } from '../targets/redis/client.js';
import { resolveConnection } from '../targets/registry.js';

const Flags = z.object({
  start: z.coerce.number().int().min(1).default(100),
  stepS: z.coerce.number().positive().default(3),
  p99Ms: z.coerce.number().positive().default(10),
  connections: z.coerce.number().int().min(1).default(50),
  maxRate: z.coerce.number().int().min(1).default(51_200),
});

function argv(): Record<string, string> {
  const out: Record<string, string> = {};
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) if (a[i]!.startsWith('--')) out[a[i]!.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = a[++i] ?? '';
  return out;
}

/** One step's verdict. */
interface Step { rate: number; achieved: number; p99: number | null; cpuPct: number; pass: boolean }

async function search(name: string, f: { start: number; maxRate: number }, step: (rate: number) => Promise<Step>): Promise<{ best?: Step; steps: Step[] }> {
  const steps: Step[] = [];
  let best: Step | undefined;
  for (let rate = f.start; rate <= f.maxRate; rate *= 2) {
    const s = await step(rate);
    steps.push(s);
    process.stderr.write(`${name}: ${rate} ops/s -> achieved ${s.achieved}, p99 ${s.p99 ?? '—'} ms, CPU ${s.cpuPct}% ${s.pass ? 'pass' : 'FAIL'}\n`);
    if (!s.pass) break;
    best = s;
  }
  return { best, steps };
}

async function main(): Promise<void> {
  const f = parseFlagValues(Flags, argv());
  const prefix = `cbbench_http_${process.pid}:`;
  const svc = await spawnService(['--paths', 'likes.redis-counter', '--key-prefix', prefix]);
  const scenario = getScenario('viral-like-spike');
  const dir = await mkdtemp(join(tmpdir(), 'cbbench-http-'));
  const load0 = loadavg();
  try {
    const capbench = await search('capbench open loop', f, async (rate) => {
      const settings = resolveRunSettings(scenario, { flags: parseLayer({ options: { posts: 10_000 }, rate, duration: f.stepS, warmup: 0.5 }, { kind: 'flags' }) });
      const res = await runScenario({ settings, log: () => undefined, via: { kind: 'http', url: svc.url }, runPhase: undefined });
      const like = res.operations.find((o) => o.name === 'like')!;
      const p99 = like.latencyMs.p99;
      return { rate, achieved: like.achievedOpsPerSec, p99, cpuPct: res.harness.cpuPct.mean, pass: !res.rate.flagged && p99 !== null && p99 < f.p99Ms && Object.keys(like.errors).length === 0 };
    });
    const ac = await closedLoop(svc.url, 'likes.redis-counter', 'like', 10_000, f.connections, Math.max(3, f.stepS * 2));
    process.stderr.write(`autocannon: ${ac.reqPerSec} req/s, p99 ${ac.latencyMs.p99} ms, CPU ${ac.cpuPct}%\n`);
    const bin = requireK6();
    const k6 = await search('k6', f, async (rate) => {
      const s = exportK6({ scenarioId: 'viral-like-spike', options: { ...(scenario.options.parse({ posts: 10_000 }) as Record<string, unknown>) }, stages: [{ durationS: f.stepS, rate }], thresholds: [], via: 'http', serviceUrl: svc.url, preAllocatedVUs: 50, maxVUs: 500 });
      const script = join(dir, `k6-${rate}.ts`);
      await writeFile(script, s.source);
      const jsonOut = join(dir, `k6-${rate}.json`);
      const r = await runK6({ bin, script, jsonOut });
      const out = await readK6Output(jsonOut);
      const o = outcomeFromK6([out], { stages: [{ durationS: f.stepS, rate }], warmupS: 0.5, ops: [{ name: 'like', path: 'likes.redis-counter' }] });
      const like = o.operations[0]!;
      return { rate, achieved: like.achievedOpsPerSec, p99: like.latencyMs.p99, cpuPct: r.cpuPct.mean, pass: r.code === 0 && !o.rate.flagged && like.latencyMs.p99 !== null && like.latencyMs.p99 < f.p99Ms && out.failures.length === 0 };
    });
    const load1 = loadavg();
    const line = (s?: Step) => (s ? `${s.rate} ops/s (achieved ${s.achieved}, p99 ${s.p99} ms), generator CPU ${s.cpuPct}% of one core` : `none: even ${f.start} ops/s missed p99 < ${f.p99Ms} ms`);
    process.stdout.write(
      [
        `likes through the reference service (likes.redis-counter, ${svc.url}, service in its own process), ${f.stepS} s steps, doubling from ${f.start} ops/s:`,
        `  capbench open loop, highest rate with p99 < ${f.p99Ms} ms: ${line(capbench.best)}`,
        `  autocannon closed loop maximum (${f.connections} connections, coordinated omission): ${ac.reqPerSec} req/s (p99 ${ac.latencyMs.p99} ms), generator CPU ${ac.cpuPct}% of one core`,
        `  k6 ${'constant-arrival-rate'}, highest rate with p99 < ${f.p99Ms} ms: ${line(k6.best)}`,
        `  load average (uptime) before: ${load0.map((x) => x.toFixed(2)).join(', ')}; after: ${load1.map((x) => x.toFixed(2)).join(', ')} on ${(await import('node:os')).cpus().length} CPUs shared with other work`,
        '',
      ].join('\n'),
    );
  } finally {
    await svc.stop();
    await rm(dir, { recursive: true, force: true });
    const redis = await connectRedis(resolveConnection('redis'));
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (keys.length) await redis.del(keys);
    await redis.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`Cannot run the HTTP likes benchmark. ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
  process.exit(2);
});
