/**
 * `capbench http-bench <scenario>` (issue 12): closed-loop maximum throughput of the reference
 * service with autocannon (fixed connections, each sending its next request when the previous
 * answer arrives), then capbench's open-loop run through the same service at 80% of that
 * figure, in one report: the closed-loop figure is a ceiling measured with coordinated
 * omission (a slow answer delays the next request, so its latency hides queueing), the
 * open-loop one is the latency users would see at a rate below it.
 *
 * The service runs as its own process (`capbench serve`), so each generator's CPU is its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Command } from 'commander';
import { z } from 'zod';
import { CapbenchError, UsageError } from '../../core/errors.js';
import type { ScenarioSection } from '../../core/results.js';
import { getScenario } from '../../scenarios/registry.js';
import { connectTargets } from '../../scenarios/run.js';
import { countSchema, durationSchema, envLayer, parseFlagValues, resolveRunSettings } from '../../scenarios/settings.js';
import { routeFor } from '../../service/routes/index.js';
import { writeReports } from '../../reports/index.js';
import { addStoreUrlOptions } from '../store-urls.js';
import { flagsLayer, runCommand, type RunFlags } from './run.js';
import { checkHttpSupport } from './via-http.js';

/** autocannon's figures, as the report shows them. */
export interface ClosedLoopFigures {
  connections: number;
  durationS: number;
  requests: number;
  /** Mean requests/s over the run (all answers). */
  reqPerSec: number;
  non2xx: number;
  errors: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
  /** autocannon's (this process's) CPU, % of one core. */
  cpuPct: number;
}

const Flags = z.object({ connections: countSchema(1).max(10_000).default(50), duration: durationSchema().default(10) }).passthrough();

/** Start `capbench serve` as a child process on a free port; resolves with its URL. */
export async function spawnService(args: string[]): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const main = fileURLToPath(new URL('../main.js', import.meta.url));
  const child = spawn(process.execPath, [main, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d) => {
      err += String(d);
      const m = /at (http:\/\/\S+) /.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new CapbenchError(`capbench serve exited (${code}): ${err.trim().split('\n').pop() ?? ''}`)));
  });
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Run autocannon against one operation's route, ids uniform over [0, keys).
 * @throws UsageError when the operation has no route in its family's module.
 */
export async function closedLoop(url: string, pathId: string, op: string, keys: number, connections: number, durationS: number): Promise<ClosedLoopFigures> {
  const r = routeFor(pathId).operations.find((o) => o.name === op);
  if (!r) throw new UsageError(`Operation ${op} of ${pathId} has no HTTP route.`);
  const fill = (t: string) => t.replace(/\{[a-zA-Z]+\}/g, () => String(Math.floor(Math.random() * keys))).replace(/\{limit\}/g, '100');
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const res = await autocannon({
    url,
    connections,
    duration: durationS,
    requests: [
      {
        method: r.method,
        setupRequest: (req: autocannon.Request) => {
          const pathPart = fill(r.url.replace('{limit}', '100'));
          const body = r.body ? JSON.stringify(Object.fromEntries(Object.keys(r.body).map((k) => [k, Math.floor(Math.random() * keys)]))) : undefined;
          return { ...req, path: `/v1/paths/${pathId}${pathPart}`, headers: { 'x-capbench-op': op, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body } : {}) };
        },
      },
    ],
  });
  const cpu = process.cpuUsage(cpu0);
  const wall = (Date.now() - t0) / 1000;
  return {
    connections,
    durationS,
    requests: res.requests.total,
    reqPerSec: Math.round(res.requests.average),
    non2xx: res.non2xx,
    errors: res.errors + res.timeouts,
    latencyMs: { p50: res.latency.p50, p90: res.latency.p90, p99: res.latency.p99, p999: res.latency.p99_9, max: res.latency.max },
    cpuPct: Math.round(((cpu.user + cpu.system) / 1e6 / wall) * 1000) / 10,
  };
}

/** The report section: autocannon's closed-loop figures beside capbench's open loop at 80% of them. */
export function closedLoopSection(c: ClosedLoopFigures, open: { rate: number; achieved: number; p50: number | null; p99: number | null; cpuPct: number }, op: string): ScenarioSection {
  return {
    id: 'http-bench',
    title: 'Closed-loop maximum (autocannon) and open loop at 80% of it',
    intro: `autocannon drove ${op} with ${c.connections} connections for ${c.durationS} s in a CLOSED LOOP: each connection sends its next request only when the previous answer arrived, so a slow answer delays the requests behind it and their latency never counts the wait (coordinated omission). Its requests/s is a throughput ceiling, not a rate users can be served at with its latencies. capbench then ran OPEN LOOP at 80% of that ceiling, with latency from each request's intended start.`,
    tables: [
      {
        caption: `${op}: closed loop vs open loop`,
        columns: ['generator', 'loop', 'rate ops/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'non-2xx + errors', 'generator CPU % of one core'],
        rows: [
          ['autocannon', 'closed (coordinated omission)', c.reqPerSec, c.latencyMs.p50, c.latencyMs.p99, c.latencyMs.p999, c.latencyMs.max, c.non2xx + c.errors, c.cpuPct],
          ['capbench', `open at 80% (${open.rate} ops/s target)`, open.achieved, open.p50, open.p99, null, null, null, open.cpuPct],
        ],
      },
    ],
    charts: [],
  };
}

/**
 * Run http-bench: load phase, service process, autocannon, then the open-loop run at 80%.
 * @throws UsageError before any work for a scenario without HTTP support or a bad flag.
 */
export async function httpBenchCommand(target: string, flags: RunFlags & { connections?: string }): Promise<{ outDir: string; closed: ClosedLoopFigures; section: ScenarioSection }> {
  const scenario = getScenario(target);
  const { connections: conns, duration, ...rest } = flags;
  const f = parseFlagValues(Flags, { connections: conns, duration });
  const settings = resolveRunSettings(scenario, { flags: flagsLayer({ ...rest, duration }), env: envLayer() });
  checkHttpSupport(settings);
  const op = settings.operations[0]!;
  const keys = Number(settings.options.posts ?? settings.options.users ?? 1000);
  const { connections } = await connectTargets(settings);
  const ctx = { connections, log: (l: string) => process.stderr.write(`${l}\n`) };
  await scenario.reset(settings.options, ctx);
  await scenario.seed(settings.options, ctx);
  const pathOptions = scenario.http!.pathOptions(settings.options) as { schema?: string; keyPrefix?: string };
  const svc = await spawnService(['--paths', [...new Set(settings.operations.map((o) => o.path))].join(','), ...(pathOptions.schema ? ['--schema', pathOptions.schema] : []), ...(pathOptions.keyPrefix ? ['--key-prefix', pathOptions.keyPrefix] : [])]);
  let closed: ClosedLoopFigures;
  try {
    process.stderr.write(`closed loop: autocannon, ${f.connections} connections, ${f.duration} s on ${op.name} (${op.path}) at ${svc.url}\n`);
    closed = await closedLoop(svc.url, op.path, op.name, keys, f.connections, f.duration);
    const rate = Math.max(1, Math.round(closed.reqPerSec * 0.8));
    process.stderr.write(`closed loop: ${closed.reqPerSec} req/s; open loop at 80%: ${rate} ops/s\n`);
    const run = await runCommand(target, { ...rest, via: 'http', serviceUrl: svc.url, rate: String(rate), duration: `${f.duration}s`, quiet: true });
    const o = run.result.operations.find((x) => x.name === op.name)!;
    const section = closedLoopSection(closed, { rate, achieved: o.achievedOpsPerSec, p50: o.latencyMs.p50, p99: o.latencyMs.p99, cpuPct: run.result.harness.cpuPct.mean }, op.name);
    run.result.sections = [section, ...(run.result.sections ?? [])];
    run.result.notes.push(`http-bench: autocannon closed loop ${closed.reqPerSec} req/s (coordinated omission), this open-loop run at 80% of it`);
    await writeReports(run.result, run.outDir, ['html', 'markdown']);
    return { outDir: run.outDir, closed, section };
  } finally {
    await svc.stop();
  }
}

/** Register `capbench http-bench`. */
export function registerHttpBenchCommand(program: Command): void {
  const command = program
    .command('http-bench')
    .description('closed-loop maximum of the reference service with autocannon, then capbench open loop at 80% of it, in one report')
    .argument('<scenario>', 'built-in scenario id (its first operation is benchmarked)')
    .option('--connections <n>', 'autocannon connections', '50')
    .option('--duration <d>', 'length of each of the two runs', '10s')
    .option('--path <id>', 'storage path (scenario option "path")')
    .option('-o, --option <name=value...>', 'scenario option, repeatable')
    .option('--out <dir>', 'output directory');
  addStoreUrlOptions(command).action(async (scenario: string, flags: RunFlags & { connections?: string }) => {
    const { outDir, section } = await httpBenchCommand(scenario, flags);
    const rows = section.tables[0]!.rows;
    for (const r of rows) process.stdout.write(`${String(r[0]).padEnd(11)} ${String(r[1]).padEnd(36)} ${String(r[2]).padStart(8)} ops/s  p50 ${r[3] ?? '—'} ms  p99 ${r[4] ?? '—'} ms  CPU ${r[8]}%\n`);
    process.stdout.write(`report: ${outDir}/report.html\n`);
  });
}
