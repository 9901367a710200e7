/**
 * Benchmark: capbench's own overhead over a plain Redis driver loop, for each Redis driver
 * (ioredis with auto-pipelining, node-redis; targets/redis/driver.ts), measured side by side in
 * one run (issue 7, "Overhead": capbench closed loop >= 0.9x a plain driver loop with the same
 * client library, the same connections and the same concurrency, at 1, 50 and 200 in flight).
 *
 * For each concurrency N and each driver, on ONE connection of that driver:
 * (a) plain: N async loops, each awaiting INCR p:{id}:l (likes.redis-counter's command, seed
 *     000 "Likes System", on the bench's own keys), id = seq % posts;
 * (b) capbench: engine/run.ts runLoad, closed loop, concurrency N, workers 1 (inline), driving
 *     likes.redis-counter's like() (opened from the path registry) on that same connection, with
 *     the same key choice (bench/redis-driver-overhead-workload.ts).
 * Both run --warmup then --duration seconds; ops/s counts the measured seconds only. Each pair
 * is repeated --repeats times (>= 3 by default), the order plain/capbench alternating between
 * repeats (and the driver order too) to cancel drift; the table shows the medians and the
 * median of the per-pair ratios capbench ÷ plain, with the criterion ratio >= 0.9 per row.
 * The last lines compare the drivers (capbench ops/s, ioredis ÷ node-redis): the faster one is
 * capbench's default (README "Redis drivers").
 *
 *   node dist/bench/redis-driver-overhead.js [--quick] [--concurrency 1,50,200] [--drivers ioredis,node-redis]
 *        [--duration 5s] [--warmup 1s] [--repeats 3] [--posts 10000] [--db 9] [--redis-url URL] [--out FILE]
 *
 * Exit codes: 0 every row met the criterion; 1 some row did not; 2 bad flags or Redis
 * unreachable (one line); 130 interrupted (what was measured is written).
 * Output: a `driver-overhead` JSON file (schema below, the envelope of bench/output.ts).
 */
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { z } from 'zod';
import { INTERRUPTED_EXIT } from '../cli/interrupt.js';
import { CapbenchError, describeError } from '../core/errors.js';
import { fmtInt, fmtPct, fmtRatio } from '../core/format.js';
import { RunResultSchema } from '../core/results.js';
import { REDIS_DRIVERS, type RedisDriverName } from '../core/target.js';
import { CpuSampler, machineInfo } from '../engine/machine.js';
import { runLoad, type LoadPlan } from '../engine/run.js';
import { writeFileAtomic } from '../reports/atomic.js';
import { CAPBENCH_VERSION } from '../scenarios/run.js';
import { countSchema, durationSchema, parseFlagValues, parseLayer } from '../scenarios/settings.js';
import { redisDriverLabel, type RedisClient } from '../targets/redis/driver.js';
import { openRedisClient } from '../targets/redis/open.js';
import { BENCH_DB, parseArgv, storeUrlFlags } from './flags.js';
import { BENCH_SCHEMA_VERSION, Envelope } from './output.js';
import { counterOn, shared } from './redis-driver-overhead-workload.js';
import { alignRows, benchInterrupt, benchStart, log, out, redactedUrls, runBench, sleep, targetRecord } from './search-common.js';

const NAME = 'redis-driver-overhead';
/** The issue's criterion: capbench's closed loop reaches at least this share of the plain loop's ops/s. */
const OVERHEAD_CRITERION = 0.9;
/** The bench's keys: likes.redis-counter under this prefix (removed at the end). */
const KEY_PREFIX = `capbench:drv-overhead:${process.pid}:`;

/** Defaults: [normal, quick]. Durations in s. */
const DEFAULTS = { durationS: [5, 2], warmupS: [1, 0.5], repeats: 3, concurrency: [1, 50, 200], posts: 10_000, out: 'results/bench-redis-driver-overhead.json' } as const;

/** A comma-separated flag value as its distinct, trimmed, non-empty items. */
const items = (t: string) => [...new Set(t.split(',').map((x) => x.trim()).filter(Boolean))];
const inFlight = z.coerce.number<string>({ error: 'expected whole numbers >= 1' }).int({ error: 'expected whole numbers >= 1' }).min(1, { error: 'expected whole numbers >= 1' }).max(10_000, { error: 'at most 10000 in flight' });

/** This bench's flags as commander gives them (text or true); validated before any work. */
const FlagsSchema = z
  .object({
    quick: z.literal(true).optional(),
    duration: durationSchema().optional(),
    warmup: durationSchema(true).optional(),
    repeats: countSchema(1).optional(),
    concurrency: z.string().transform(items).pipe(z.array(inFlight).min(1, { error: 'give at least one concurrency' })).optional(),
    drivers: z
      .string()
      .transform(items)
      .pipe(z.array(z.enum(REDIS_DRIVERS, { error: `use ${REDIS_DRIVERS.join(' and/or ')}` })).min(1, { error: 'give at least one driver' }))
      .optional(),
    posts: countSchema(1).optional(),
    db: countSchema(0).optional(),
    out: z.string().trim().min(1, { error: 'give a file name' }).optional(),
    redisUrl: z.string().optional(),
    allowRemote: z.literal(true).optional(),
  })
  .strict();

/** The settings of a run, as written to the JSON. */
const SettingsSchema = z
  .object({
    quick: z.boolean(),
    /** Measured seconds of each loop, after the warmup. */
    durationS: z.number(),
    warmupS: z.number(),
    repeats: z.number().int(),
    concurrency: z.array(z.number().int()),
    drivers: z.array(z.enum(REDIS_DRIVERS)),
    /** Keys the INCRs go round (id = seq % posts). */
    posts: z.number().int(),
    db: z.number().int().optional(),
    urls: z.object({ redis: z.string().optional() }).strict(),
    allowRemote: z.boolean(),
    out: z.string(),
  })
  .strict();
type Settings = z.infer<typeof SettingsSchema>;

/** One measurement: one loop (plain or capbench) of one driver at one concurrency. */
const MeasurementSchema = z
  .object({
    driver: z.enum(REDIS_DRIVERS),
    concurrency: z.number().int(),
    repeat: z.number().int(),
    loop: z.enum(['plain', 'capbench']),
    /** Position in its pair: 1 ran first. */
    order: z.union([z.literal(1), z.literal(2)]),
    /** INCRs completed in the measured seconds. */
    ops: z.number().int(),
    opsPerSec: z.number(),
    errors: z.number().int(),
    /** This process's CPU over the whole loop (warmup included), % of one core; machine: % of all cores. */
    clientCpuPct: z.number(),
    machineCpuPct: z.number(),
  })
  .strict();
type Measurement = z.infer<typeof MeasurementSchema>;

/** One row of the table: medians over the repeats. */
const RowSchema = z
  .object({
    driver: z.enum(REDIS_DRIVERS),
    concurrency: z.number().int(),
    pairs: z.number().int(),
    plainOpsPerSec: z.number().nullable(),
    capbenchOpsPerSec: z.number().nullable(),
    /** Median of the per-pair ratios capbench ÷ plain. */
    ratio: z.number().nullable(),
    ratioMin: z.number().nullable(),
    ratioMax: z.number().nullable(),
    /** ratio >= OVERHEAD_CRITERION; null when not measured. */
    meets: z.boolean().nullable(),
  })
  .strict();
type Row = z.infer<typeof RowSchema>;

/** The file this bench writes. */
const DriverOverheadOutputSchema = z
  .object({
    kind: z.literal('driver-overhead'),
    ...Envelope,
    bench: z.literal(NAME),
    target: RunResultSchema.shape.targets.element.extend({ url: z.string() }),
    /** The library version behind each driver, e.g. "ioredis 5.11.1 (auto-pipelining)". */
    drivers: z.partialRecord(z.enum(REDIS_DRIVERS), z.string()),
    settings: SettingsSchema,
    criterion: z.object({ ratioAtLeast: z.number(), rule: z.string() }).strict(),
    rows: z.array(RowSchema),
    measurements: z.array(MeasurementSchema),
    /** Per concurrency, capbench ops/s of ioredis ÷ node-redis (null when one was not measured). */
    driverRatio: z.array(z.object({ concurrency: z.number().int(), ioredisOverNodeRedis: z.number().nullable() }).strict()),
    /** The driver with the higher capbench ops/s at most concurrencies (ties: ioredis); null when not both were measured. */
    faster: z.enum(REDIS_DRIVERS).nullable(),
  })
  .strict();
type DriverOverheadOutput = z.infer<typeof DriverOverheadOutputSchema>;

function command(): Command {
  return storeUrlFlags(
    new Command(`node dist/bench/${NAME}.js`)
      .description(
        `capbench's closed loop vs a plain driver loop, INCR on likes.redis-counter's keys, same driver, same single connection, same concurrency, side by side; per driver and concurrency the medians and the ratio capbench ÷ plain (criterion >= ${OVERHEAD_CRITERION}).`,
      )
      .helpOption('-h, --help', 'this text')
      .option('--quick', `shorter loops: ${DEFAULTS.durationS[1]} s measured after ${DEFAULTS.warmupS[1]} s warmup`)
      .option('--duration <d>', `measured seconds of each loop (default ${DEFAULTS.durationS[0]}s; quick ${DEFAULTS.durationS[1]}s)`)
      .option('--warmup <d>', `warmup of each loop, not counted (default ${DEFAULTS.warmupS[0]}s; quick ${DEFAULTS.warmupS[1]}s)`)
      .option('--repeats <n>', `pairs per driver and concurrency, the order alternating (default ${DEFAULTS.repeats})`)
      .option('--concurrency <list>', `operations in flight (default ${DEFAULTS.concurrency.join(',')})`)
      .option('--drivers <list>', `Redis drivers (default ${REDIS_DRIVERS.join(',')})`)
      .option('--posts <n>', `keys the INCRs go round (default ${fmtInt(DEFAULTS.posts)})`)
      .option('--db <n>', `Redis database for the bench's keys (default: the URL's, else ${BENCH_DB})`)
      .option('--out <file>', `JSON output (default ${DEFAULTS.out})`)
      .option('--allow-remote', 'allow a Redis that is not on loopback'),
    ['redis'],
  );
}

/**
 * Parse argv (without node and the script).
 * @throws UsageError naming the bad flag, one line.
 */
function parseFlags(argv: readonly string[]): Settings | 'help' {
  const opts = parseArgv(command(), argv);
  if (opts === 'help') return 'help';
  const v = parseFlagValues(FlagsSchema, Object.fromEntries(Object.entries(opts).filter(([, x]) => x !== undefined)));
  // The URL through the run settings' schema, so a bad one reads as it does for `capbench run`.
  const layer = parseLayer(v.redisUrl !== undefined ? { urls: { redis: v.redisUrl } } : {}, { kind: 'flags' });
  const q = v.quick ? 1 : 0;
  return {
    quick: v.quick === true,
    durationS: v.duration ?? DEFAULTS.durationS[q],
    warmupS: v.warmup ?? DEFAULTS.warmupS[q],
    repeats: v.repeats ?? DEFAULTS.repeats,
    concurrency: v.concurrency ?? [...DEFAULTS.concurrency],
    drivers: v.drivers ?? [...REDIS_DRIVERS],
    posts: v.posts ?? DEFAULTS.posts,
    ...(v.db !== undefined ? { db: v.db } : {}),
    urls: layer.urls?.redis !== undefined ? { redis: layer.urls.redis } : {},
    allowRemote: v.allowRemote === true,
    out: v.out ?? DEFAULTS.out,
  };
}

/**
 * (a) The plain driver loop: `n` async loops, each awaiting INCR of the next key on `client`,
 * for warmupS + durationS; counts the INCRs that complete within the measured seconds.
 */
async function plainLoop(client: RedisClient, n: number, s: Settings, signal: AbortSignal): Promise<{ ops: number; errors: number }> {
  const head = `${KEY_PREFIX}p:`;
  const posts = s.posts;
  let seq = 0;
  let ops = 0;
  let errors = 0;
  const t0 = performance.now();
  const from = t0 + s.warmupS * 1000;
  const end = from + s.durationS * 1000;
  const loop = async () => {
    while (performance.now() < end && !signal.aborted) {
      try {
        await client.incr(head + (seq++ % posts) + ':l');
      } catch {
        errors++;
        continue;
      }
      const t = performance.now();
      if (t >= from && t < end) ops++;
    }
  };
  await Promise.all(Array.from({ length: n }, loop));
  return { ops, errors };
}

/** (b) capbench's closed loop through the engine on the same connection (bench/redis-driver-overhead-workload.ts). */
async function capbenchLoop(client: RedisClient, n: number, s: Settings, signal: AbortSignal): Promise<{ ops: number; errors: number }> {
  shared.client = client;
  shared.keyPrefix = KEY_PREFIX;
  shared.posts = s.posts;
  const plan: LoadPlan = {
    loop: 'closed',
    stages: [],
    arrival: 'constant',
    warmupS: s.warmupS,
    workers: 1,
    maxInFlight: n,
    concurrency: n,
    durationS: s.warmupS + s.durationS,
    graceS: 1,
    opTimeoutS: 10,
    seed: 1,
  };
  const outcome = await runLoad({ moduleUrl: new URL('./redis-driver-overhead-workload.js', import.meta.url).href, args: {} }, plan, { signal });
  const like = outcome.operations.find((o) => o.name === 'like');
  return { ops: like?.count ?? 0, errors: Object.values(like?.errors ?? {}).reduce((a, b) => a + b, 0) };
}

/** Run one loop and measure it. */
async function measure(kind: 'plain' | 'capbench', client: RedisClient, n: number, s: Settings, signal: AbortSignal): Promise<Pick<Measurement, 'ops' | 'opsPerSec' | 'errors' | 'clientCpuPct' | 'machineCpuPct'>> {
  const cpu = new CpuSampler();
  const r = kind === 'plain' ? await plainLoop(client, n, s, signal) : await capbenchLoop(client, n, s, signal);
  const c = cpu.sample();
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return { ops: r.ops, opsPerSec: round1(r.ops / s.durationS), errors: r.errors, clientCpuPct: round1(c.processPct), machineCpuPct: round1(c.machinePct) };
}

/** Median of the values (mean of the middle two for an even count); null for none. */
function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const v = [...xs].sort((a, b) => a - b);
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/**
 * The table's rows from the measurements: per driver and concurrency the medians of each loop
 * and of the per-pair ratios (a pair: the plain and the capbench loop of one repeat).
 */
function summarise(ms: readonly Measurement[], drivers: readonly RedisDriverName[], concurrency: readonly number[]): Row[] {
  const rows: Row[] = [];
  for (const n of concurrency) {
    for (const d of drivers) {
      const mine = ms.filter((m) => m.driver === d && m.concurrency === n && m.errors === 0);
      const ratios: number[] = [];
      for (const r of new Set(mine.map((m) => m.repeat))) {
        const p = mine.find((m) => m.repeat === r && m.loop === 'plain');
        const c = mine.find((m) => m.repeat === r && m.loop === 'capbench');
        if (p && c && p.opsPerSec > 0) ratios.push(c.opsPerSec / p.opsPerSec);
      }
      const ratio = median(ratios);
      const r3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
      rows.push({
        driver: d,
        concurrency: n,
        pairs: ratios.length,
        plainOpsPerSec: median(mine.filter((m) => m.loop === 'plain').map((m) => m.opsPerSec)),
        capbenchOpsPerSec: median(mine.filter((m) => m.loop === 'capbench').map((m) => m.opsPerSec)),
        ratio: r3(ratio),
        ratioMin: r3(ratios.length ? Math.min(...ratios) : null),
        ratioMax: r3(ratios.length ? Math.max(...ratios) : null),
        meets: ratio === null ? null : ratio >= OVERHEAD_CRITERION,
      });
    }
  }
  return rows;
}

/** Per concurrency, capbench ops/s of ioredis ÷ node-redis, and which driver was faster at most of them. */
function compareDrivers(rows: readonly Row[]): { driverRatio: DriverOverheadOutput['driverRatio']; faster: RedisDriverName | null } {
  const ns = [...new Set(rows.map((r) => r.concurrency))];
  const driverRatio = ns.map((n) => {
    const io = rows.find((r) => r.concurrency === n && r.driver === 'ioredis')?.capbenchOpsPerSec ?? null;
    const nr = rows.find((r) => r.concurrency === n && r.driver === 'node-redis')?.capbenchOpsPerSec ?? null;
    return { concurrency: n, ioredisOverNodeRedis: io !== null && nr !== null && nr > 0 ? Math.round((io / nr) * 1000) / 1000 : null };
  });
  const known = driverRatio.filter((x) => x.ioredisOverNodeRedis !== null);
  if (known.length === 0) return { driverRatio, faster: null };
  const ioWins = known.filter((x) => x.ioredisOverNodeRedis! >= 1).length;
  return { driverRatio, faster: ioWins * 2 >= known.length ? 'ioredis' : 'node-redis' };
}

async function main(argv: readonly string[]): Promise<number> {
  const startedAt = new Date();
  const t0 = performance.now();
  const started = await benchStart(NAME, () => parseFlags(argv), () => ['redis']);
  if (typeof started === 'number') return started;
  const { s, targets } = started;
  const conn = targets.conns.redis!;
  const clients = new Map<RedisDriverName, RedisClient>();
  try {
    for (const d of s.drivers) clients.set(d, await openRedisClient(conn, { driver: d, name: `capbench-${NAME}-${d}` }));
  } catch (err) {
    for (const c of clients.values()) c.destroy();
    log(`${NAME}: ${describeError(err)}`);
    return 2;
  }

  const { controller, dispose } = benchInterrupt(NAME);
  const signal = controller.signal;
  const measurements: Measurement[] = [];
  try {
    const m = machineInfo();
    const srv = targets.servers.redis!;
    out(`${NAME}: ${m.cpus} × ${m.cpuModel}, Node ${m.node}; ${srv.product} ${srv.version} at ${srv.address} database ${conn.database ?? 0}`);
    out(`drivers: ${s.drivers.map(redisDriverLabel).join('; ')}; one connection per driver, shared by both loops`);
    out(
      `each loop: ${s.warmupS} s warmup, then ${s.durationS} s measured; INCR p:{seq % ${fmtInt(s.posts)}}:l (likes.redis-counter); plain = N async loops awaiting the driver, capbench = runLoad closed loop, concurrency N, workers 1; ${s.repeats} pairs per row, order alternating; criterion: capbench ÷ plain >= ${OVERHEAD_CRITERION}`,
    );
    if (s.repeats < 3) out(`note: ${s.repeats} pair${s.repeats > 1 ? 's' : ''} per row; the medians need >= 3 to mean much.`);
    out();
    const counter = counterOn(clients.get(s.drivers[0]!)!, KEY_PREFIX);
    await counter.reset();
    outer: for (const n of s.concurrency) {
      for (let r = 0; r < s.repeats; r++) {
        const drivers = r % 2 === 0 ? s.drivers : [...s.drivers].reverse();
        for (const d of drivers) {
          // Each driver's pairs alternate plain-first and capbench-first from one repeat to the next.
          const order: ('plain' | 'capbench')[] = r % 2 === 0 ? ['plain', 'capbench'] : ['capbench', 'plain'];
          const pair: Measurement[] = [];
          for (const [i, loop] of order.entries()) {
            if (signal.aborted) break outer;
            const got = await measure(loop, clients.get(d)!, n, s, signal);
            if (signal.aborted) break outer;
            pair.push({ driver: d, concurrency: n, repeat: r + 1, loop, order: (i + 1) as 1 | 2, ...got });
            await sleep(200);
          }
          measurements.push(...pair);
          const p = pair.find((x) => x.loop === 'plain')!;
          const c = pair.find((x) => x.loop === 'capbench')!;
          log(`  ${d.padEnd(10)} ${String(n).padStart(4)} in flight, pair ${r + 1} (${order[0]} first): plain ${fmtInt(p.opsPerSec)}/s, capbench ${fmtInt(c.opsPerSec)}/s, ratio ${fmtRatio(p.opsPerSec > 0 ? c.opsPerSec / p.opsPerSec : null)}${p.errors + c.errors ? `, ${p.errors + c.errors} errors` : ''}`);
        }
      }
    }
    await counter.reset().catch((err) => log(`${NAME}: could not remove the bench's keys: ${describeError(err)}`));

    const rows = summarise(measurements, s.drivers, s.concurrency);
    const { driverRatio, faster } = compareDrivers(rows);
    out();
    const table: string[][] = [['driver', 'in flight', 'pairs', 'plain ops/s', 'capbench ops/s', 'capbench ÷ plain', 'range', `>= ${OVERHEAD_CRITERION}`]];
    for (const row of rows) {
      table.push([
        row.driver,
        String(row.concurrency),
        String(row.pairs),
        fmtInt(row.plainOpsPerSec),
        fmtInt(row.capbenchOpsPerSec),
        row.ratio === null ? '—' : row.ratio.toFixed(3),
        row.ratioMin === null ? '—' : `${row.ratioMin.toFixed(2)}-${row.ratioMax!.toFixed(2)}`,
        row.meets === null ? '—' : row.meets ? 'PASS' : 'FAIL',
      ]);
    }
    for (const line of alignRows(table)) out(line);
    out('(medians over the pairs; ratio = median of the per-pair ratios; range = lowest-highest pair)');
    if (driverRatio.some((x) => x.ioredisOverNodeRedis !== null)) {
      out();
      out(`drivers, capbench ops/s ioredis ÷ node-redis: ${driverRatio.map((x) => `${x.concurrency} in flight ${x.ioredisOverNodeRedis === null ? '—' : x.ioredisOverNodeRedis.toFixed(2)}`).join(', ')}; faster at most concurrencies: ${faster}.`);
    }
    const cpu = measurements.map((x) => x.clientCpuPct);
    if (cpu.length) out(`client CPU over the loops: ${fmtPct(Math.min(...cpu))}-${fmtPct(Math.max(...cpu))} of one core (client and Redis share the machine's ${machineInfo().cpus} cores).`);

    const result: DriverOverheadOutput = {
      kind: 'driver-overhead',
      schemaVersion: BENCH_SCHEMA_VERSION,
      bench: NAME,
      tool: { name: 'capbench', version: CAPBENCH_VERSION },
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      wallS: Math.round((performance.now() - t0) / 100) / 10,
      interrupted: signal.aborted,
      command: `node dist/bench/${NAME}.js ${argv.join(' ')}`.trim(),
      machine: machineInfo(),
      target: targetRecord(targets, 'redis'),
      drivers: Object.fromEntries(s.drivers.map((d) => [d, redisDriverLabel(d)])),
      settings: { ...s, urls: redactedUrls(s.urls) },
      criterion: { ratioAtLeast: OVERHEAD_CRITERION, rule: `per driver and concurrency: median over the pairs of capbench ops/s ÷ plain ops/s >= ${OVERHEAD_CRITERION}` },
      rows,
      measurements,
      driverRatio,
      faster,
    };
    const valid = DriverOverheadOutputSchema.safeParse(result);
    if (!valid.success) throw new CapbenchError(`Bench output does not fit its schema at ${valid.error.issues[0]!.path.join('.')}: ${valid.error.issues[0]!.message}.`);
    try {
      await writeFileAtomic(s.out, `${JSON.stringify(valid.data, null, 2)}\n`);
      out();
      out(`written: ${s.out} (total ${result.wallS} s)`);
    } catch (err) {
      log(`${NAME}: could not write ${s.out}: ${describeError(err)}`);
    }
    if (signal.aborted) return INTERRUPTED_EXIT;
    return rows.every((r) => r.meets !== false) ? 0 : 1;
  } finally {
    dispose();
    for (const c of clients.values()) await c.close();
  }
}

runBench(NAME, main);
