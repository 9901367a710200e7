/**
 * Benchmark: what the engine itself costs per operation (issue 7, "Per-operation cost"). A
 * closed loop of N virtual users through engine/run.ts against an instant in-process driver
 * (bench/engine-cost-workload.ts), beside a plain loop of N async users awaiting the same
 * driver, alternated and repeated; prints ops/s and CPU µs per operation of each and their
 * difference, the engine's own cost. Run it under `node --cpu-prof` for the flame summary in
 * docs/benchmarks.md.
 *
 *   node dist/bench/engine-cost.js [--concurrency 50] [--seconds 3] [--repeats 3]
 *
 * Exit codes: 0 measured; 2 bad flags (one line).
 */
import { Command, InvalidArgumentError } from 'commander';
import { runLoad } from '../engine/run.js';
import { instantRequest } from './engine-cost-workload.js';
import { out } from './search-common.js';

const whole = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min}.`);
  return n;
};

/** ops/s and CPU µs per operation of one side. */
interface Side {
  opsPerSec: number;
  cpuUsPerOp: number;
}

async function plainLoop(users: number, seconds: number): Promise<Side> {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const c0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: users }, async () => {
      while (performance.now() < end) {
        await instantRequest();
        n++;
      }
    }),
  );
  const c = process.cpuUsage(c0);
  return { opsPerSec: n / seconds, cpuUsPerOp: (c.user + c.system) / n };
}

async function engineLoop(users: number, seconds: number): Promise<Side> {
  const c0 = process.cpuUsage();
  const outcome = await runLoad(
    { moduleUrl: new URL('./engine-cost-workload.js', import.meta.url).href, args: {} },
    { loop: 'closed', stages: [], arrival: 'constant', warmupS: 0, workers: 1, maxInFlight: 10_000, concurrency: users, durationS: seconds, graceS: 1, opTimeoutS: 5, seed: 1 },
  );
  const c = process.cpuUsage(c0);
  const n = outcome.operations[0]!.count;
  return { opsPerSec: n / seconds, cpuUsPerOp: (c.user + c.system) / n };
}

async function main(): Promise<void> {
  const cmd = new Command('engine-cost')
    .option('--concurrency <n>', 'virtual users (operations in flight)', whole('--concurrency', 1), 50)
    .option('--seconds <n>', 'length of each loop, s', whole('--seconds', 1), 3)
    .option('--repeats <n>', 'pairs of loops (plain, engine), alternated', whole('--repeats', 1), 3)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    cmd.parse(process.argv);
  } catch {
    process.exit(2);
  }
  const o = cmd.opts<{ concurrency: number; seconds: number; repeats: number }>();
  out(`engine-cost: closed loop, ${o.concurrency} in flight, ${o.seconds} s per loop, instant in-process driver (no store)`);
  out('   plain ops/s  plain µs/op  capbench ops/s  capbench µs/op  engine µs/op');
  const engineUs: number[] = [];
  for (let i = 0; i < o.repeats; i++) {
    const p = await plainLoop(o.concurrency, o.seconds);
    const e = await engineLoop(o.concurrency, o.seconds);
    engineUs.push(e.cpuUsPerOp - p.cpuUsPerOp);
    out(`${Math.round(p.opsPerSec).toLocaleString('en-US').padStart(14)}${p.cpuUsPerOp.toFixed(2).padStart(13)}${Math.round(e.opsPerSec).toLocaleString('en-US').padStart(16)}${e.cpuUsPerOp.toFixed(2).padStart(16)}${(e.cpuUsPerOp - p.cpuUsPerOp).toFixed(2).padStart(14)}`);
  }
  engineUs.sort((a, b) => a - b);
  out(`engine's own CPU per operation, median of ${o.repeats}: ${engineUs[Math.floor(engineUs.length / 2)]!.toFixed(2)} µs`);
}

void main();
