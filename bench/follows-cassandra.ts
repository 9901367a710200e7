/**
 * Benchmark of follows.cassandra and follows.redis-cache over it (issue 9 "follows.cassandra:
 * paging through a celebrity's 1M followers"; seed 001 "Social Graph Database", "Social Graph
 * Cache (Redis)"). In its own keyspace (default capbench_follows_c, dropped at the end unless
 * --keep) and Redis prefix (fc:<keyspace>:): bulk-loads --followers followers of one celebrity
 * (seedFollows: one follow_edges read per pair, then unlogged single-partition batches and
 * concurrent prepared statements), walks all of them by keyset pages and by the driver's
 * paging state, times mutuals(celebrity, small author), then --follows live follow() calls
 * (Paxos CAS + logged batch + counter batch) at --concurrency in flight, and the cache's
 * followers() miss vs hit for ordinary users. Prints every figure (ms, s, rows/s).
 *
 *   node dist/bench/follows-cassandra.js [--followers 1000000] [--page 1000] [--follows 2000]
 *        [--concurrency 16] [--keyspace capbench_follows_c] [--keep]
 *
 * Exit codes: 0 figures printed; 2 bad flags or a store unreachable (one line).
 */
import { Command } from 'commander';
import { z } from 'zod';
import { CapbenchError, describeError, UsageError } from '../core/errors.js';
import { newHistogram, percentilesMs, recordNs } from '../engine/histogram.js';
import { KEYSPACE_RE } from '../reference-impl/feed/schema.js';
import { CassandraFollows } from '../reference-impl/follows/cassandra.js';
import { RedisCachedFollows } from '../reference-impl/follows/redis-cache.js';
import { openStoreClients } from '../targets/clients.js';
import { resolveConnection } from '../targets/registry.js';

const Flags = z
  .object({
    followers: z.coerce.number().int().min(1000).max(10_000_000).default(1_000_000),
    page: z.coerce.number().int().min(1).max(10_000).default(1000),
    follows: z.coerce.number().int().min(10).max(1_000_000).default(2000),
    concurrency: z.coerce.number().int().min(1).max(1024).default(16),
    keyspace: z.string().regex(KEYSPACE_RE, 'a lower-case CQL identifier').default('capbench_follows_c'),
    keep: z.boolean().default(false),
  })
  .strict();

const CELEB = 0;
const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));

async function main(argv: string[]): Promise<void> {
  const cmd = new Command('follows-cassandra')
    .option('--followers <n>')
    .option('--page <n>')
    .option('--follows <n>')
    .option('--concurrency <n>')
    .option('--keyspace <name>')
    .option('--keep')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (e) {
    throw new UsageError(String((e as Error).message), { hint: 'node dist/bench/follows-cassandra.js --help' });
  }
  const parsed = Flags.safeParse(cmd.opts());
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new UsageError(`--${i.path.join('.')}: ${i.message}`, { hint: 'node dist/bench/follows-cassandra.js --help' });
  }
  const f = parsed.data;
  const clients = await openStoreClients({ cassandra: resolveConnection('cassandra'), redis: resolveConnection('redis') }, ['cassandra', 'redis']);
  try {
    const g = new CassandraFollows(clients.cassandra!, { keyspace: f.keyspace });
    await g.setup();
    await g.reset();
    // The celebrity's followers are users 1..N; a small author N+1 has 1000 of them as followers too.
    const fans = Array.from({ length: f.followers }, (_, i) => 1 + i);
    let t = performance.now();
    const SEED_CHUNK = 100_000;
    let loaded = 0;
    for (let i = 0; i < fans.length; i += SEED_CHUNK) {
      const part = fans.slice(i, i + SEED_CHUNK);
      loaded += await g.seedFollows(part, part.map(() => CELEB));
    }
    const small = f.followers + 1;
    const smallFans = Array.from({ length: 1000 }, (_, i) => 1 + i * Math.floor(f.followers / 1000));
    loaded += await g.seedFollows(smallFans, smallFans.map(() => small));
    const seedS = (performance.now() - t) / 1000;
    console.log(`seed: ${loaded} follow edges in ${seedS.toFixed(1)} s (${Math.round(loaded / seedS)} edges/s; followers + following + follow_edges rows and counters each)`);

    t = performance.now();
    let n = 0;
    let pages = 0;
    let after: number | undefined;
    const pageH = newHistogram();
    do {
      const t0 = process.hrtime.bigint();
      const p = await g.followers(CELEB, { limit: f.page, after });
      recordNs(pageH, Number(process.hrtime.bigint() - t0));
      n += p.ids.length;
      pages++;
      after = p.next;
    } while (after !== undefined);
    const keysetS = (performance.now() - t) / 1000;
    const kp = percentilesMs(pageH);
    console.log(`keyset walk: ${n} followers in ${pages} pages of ${f.page}, ${keysetS.toFixed(1)} s (${Math.round(n / keysetS)} rows/s); page latency p50 ${fmt(kp.p50)} ms, p99 ${fmt(kp.p99)} ms`);

    t = performance.now();
    let m = 0;
    let spages = 0;
    let state: string | undefined;
    do {
      const p = await g.followersByPagingState(CELEB, f.page, state);
      m += p.ids.length;
      spages++;
      state = p.pageState;
    } while (state !== undefined);
    const stateS = (performance.now() - t) / 1000;
    console.log(`paging-state walk: ${m} followers in ${spages} pages, ${stateS.toFixed(1)} s (${Math.round(m / stateS)} rows/s)`);
    console.log(`counts(celebrity): ${JSON.stringify(await g.counts(CELEB))}`);

    t = performance.now();
    const mu = await g.mutuals(CELEB, small, { limit: 10_000 });
    console.log(`mutuals(celebrity, 1000-follower author): ${mu.ids.length} ids in ${(performance.now() - t).toFixed(1)} ms (merge of both followers partitions)`);

    const followH = newHistogram();
    let next = 0;
    t = performance.now();
    const lane = async () => {
      while (next < f.follows) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        await g.follow(f.followers + 10 + i, CELEB);
        recordNs(followH, Number(process.hrtime.bigint() - t0));
      }
    };
    await Promise.all(Array.from({ length: f.concurrency }, lane));
    const followS = (performance.now() - t) / 1000;
    const fp = percentilesMs(followH);
    console.log(`follow(): ${f.follows} new follows of the celebrity at ${f.concurrency} in flight: ${Math.round(f.follows / followS)} follows/s, latency p50 ${fmt(fp.p50)} ms, p99 ${fmt(fp.p99)} ms, max ${fmt(fp.max)} ms (Paxos read + CAS, logged batch, counter batch)`);

    const cache = new RedisCachedFollows(clients.redis!, g, { keyspace: f.keyspace });
    await cache.dropCache();
    const miss = newHistogram();
    const hit = newHistogram();
    for (let u = 1; u <= 300; u++) {
      let t0 = process.hrtime.bigint();
      await cache.following(u);
      recordNs(miss, Number(process.hrtime.bigint() - t0));
      t0 = process.hrtime.bigint();
      await cache.following(u);
      recordNs(hit, Number(process.hrtime.bigint() - t0));
    }
    const mp = percentilesMs(miss);
    const hp = percentilesMs(hit);
    console.log(`follows.redis-cache over follows.cassandra, following(u) of 300 users: miss p50 ${fmt(mp.p50)} ms p99 ${fmt(mp.p99)} ms; hit p50 ${fmt(hp.p50)} ms p99 ${fmt(hp.p99)} ms`);
    await cache.dropCache();
  } finally {
    if (!f.keep) await clients.cassandra!.execute(`DROP KEYSPACE IF EXISTS ${f.keyspace}`).catch(() => undefined);
    await clients.close();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`Cannot run the follows.cassandra benchmark. ${describeError(err)}\n`);
    process.exit(err instanceof CapbenchError ? err.exitCode : 1);
  },
);
