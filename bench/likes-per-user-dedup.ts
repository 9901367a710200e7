/**
 * What keeping a duplicate like from counting twice costs in likes.per-user (issue 8; seed 001
 * "Engagement Database (Cassandra)": likes, user_likes). The path's like is
 * `INSERT INTO likes ... IF NOT EXISTS` (a lightweight transaction: a Paxos round, 4 round trips
 * to the replica instead of 1) and, only when applied, the user_likes row and the counter
 * increment, then the counter read. This bench times, closed loop at --concurrency in flight,
 * each for --seconds on the real Cassandra, in its own keyspace (dropped at the end):
 *
 * 1. lwt: the path's own likeBy() with a fresh (user, post) pair each time (every like applied);
 * 2. plain: the same three writes and the counter read without IF NOT EXISTS, which is what the
 *    path would do without the duplicate check (a repeated like would count twice);
 * 3. duplicate: likeBy() of pairs already liked (the LWT answers "not applied": nothing else is
 *    written, the counter is still read).
 *
 * Prints likes/s and service time p50/p99 (ms, from send to answer; closed loop, so these are
 * service times, not open-loop latency) per mode, and lwt ÷ plain.
 *
 *   node dist/bench/likes-per-user-dedup.js [--seconds 10] [--concurrency 1,32] [--keyspace capbench_likes_dedup]
 *
 * Exit codes: 0 figures printed; 2 bad flags or Cassandra unreachable (one line).
 */
import { Command } from 'commander';
import cassandra from 'cassandra-driver';
import { z } from 'zod';
import { CapbenchError, describeError, UsageError } from '../core/errors.js';
import { newHistogram, percentilesMs, recordNs } from '../engine/histogram.js';
import { KEYSPACE_RE } from '../reference-impl/feed/schema.js';
import { parseArgv } from './flags.js';
import { PerUserLikes } from '../reference-impl/likes/per-user.js';
import { openStoreClients } from '../targets/clients.js';
import { resolveConnection } from '../targets/registry.js';
import type { CassandraClient } from '../targets/cassandra/client.js';

const Flags = z
  .object({
    seconds: z.coerce.number().min(1).max(600).default(10),
    concurrency: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'a comma-separated list of in-flight counts, e.g. 1,32')
      .default('1,32')
      .transform((s) => s.split(',').map(Number))
      .refine((l) => l.every((n) => n >= 1 && n <= 256), 'each between 1 and 256 (the path allows 256 likes in flight)'),
    keyspace: z.string().regex(KEYSPACE_RE, 'a lower-case CQL identifier').default('capbench_likes_dedup'),
  })
  .strict();

const POSTS = 10_000;
const big = (n: number) => cassandra.types.Long.fromNumber(n);
const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));

type Mode = 'lwt' | 'plain' | 'duplicate';
interface ModeFigures {
  mode: Mode;
  concurrency: number;
  likes: number;
  likesPerSec: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

/** The path's like without the duplicate check: the same statements, the first without IF NOT EXISTS. */
async function plainLike(client: CassandraClient, t: PerUserLikes['tables'], userId: number, postId: number): Promise<void> {
  const at = new Date();
  await client.execute(`INSERT INTO ${t.likes} (post_id, user_id, liked_at) VALUES (?, ?, ?)`, [big(postId), big(userId), at], { prepare: true });
  await Promise.all([
    client.execute(`INSERT INTO ${t.userLikes} (user_id, liked_at, post_id) VALUES (?, ?, ?)`, [big(userId), at, big(postId)], { prepare: true }),
    client.execute(`UPDATE ${t.counts} SET likes = likes + 1 WHERE post_id = ?`, [big(postId)], { prepare: true }),
  ]);
  await client.execute(`SELECT likes FROM ${t.counts} WHERE post_id = ?`, [big(postId)], { prepare: true });
}

/** Run `like(i)` closed loop with `concurrency` in flight for `seconds`; i counts up from 0 across the loop's users. */
async function closedLoop(mode: Mode, concurrency: number, seconds: number, like: (i: number) => Promise<unknown>): Promise<ModeFigures> {
  const h = newHistogram();
  let next = 0;
  const end = performance.now() + seconds * 1000;
  const user = async () => {
    while (performance.now() < end) {
      const i = next++;
      const t0 = process.hrtime.bigint();
      await like(i);
      recordNs(h, Number(process.hrtime.bigint() - t0));
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, user));
  const wallS = (performance.now() - t0) / 1000;
  const p = percentilesMs(h);
  return { mode, concurrency, likes: h.totalCount, likesPerSec: h.totalCount / wallS, p50Ms: p.p50, p99Ms: p.p99 };
}

async function main(argv: string[]): Promise<void> {
  const cmd = new Command('likes-per-user-dedup')
    .description('What the duplicate-like check (INSERT ... IF NOT EXISTS) costs in likes.per-user, against the same writes without it.')
    .option('--seconds <s>', 'length of each measurement, s (default 10)')
    .option('--concurrency <list>', 'likes in flight, comma-separated (default 1,32)')
    .option('--keyspace <name>', 'the bench\'s own keyspace, dropped at the end (default capbench_likes_dedup)');
  const flags = parseArgv(cmd, argv);
  if (flags === 'help') return;
  const parsed = Flags.safeParse(flags);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new UsageError(`--${i.path.join('.')}: ${i.message}`, { hint: 'node dist/bench/likes-per-user-dedup.js --help' });
  }
  const f = parsed.data;
  const clients = await openStoreClients({ cassandra: resolveConnection('cassandra') }, ['cassandra']);
  const client = clients.cassandra!;
  try {
    const path = new PerUserLikes(client, { keyspace: f.keyspace });
    await path.setup();
    await path.reset();
    console.log(`likes.per-user duplicate check, keyspace ${f.keyspace}, ${POSTS} posts, closed loop, ${f.seconds} s per measurement (service times: send to answer)`);
    const rows: ModeFigures[] = [];
    let user = 1;
    for (const c of f.concurrency) {
      // Fresh pairs: user u likes post u % POSTS, every like applied.
      const first = user;
      const lwt = await closedLoop('lwt', c, f.seconds, (i) => path.likeBy(first + i, (first + i) % POSTS));
      user += lwt.likes + c;
      const second = user;
      const plain = await closedLoop('plain', c, f.seconds, (i) => plainLike(client, path.tables, second + i, (second + i) % POSTS));
      user += plain.likes + c;
      // The pairs the lwt run applied, liked again: each answer is "not applied".
      const dup = await closedLoop('duplicate', c, f.seconds, (i) => path.likeBy(first + (i % lwt.likes), (first + (i % lwt.likes)) % POSTS));
      rows.push(lwt, plain, dup);
      for (const r of [lwt, plain, dup]) {
        console.log(`  ${String(c).padStart(3)} in flight  ${r.mode.padEnd(9)}  ${Math.round(r.likesPerSec).toString().padStart(7)} likes/s  p50 ${fmt(r.p50Ms)} ms  p99 ${fmt(r.p99Ms)} ms  (${r.likes} likes)`);
      }
      console.log(`  ${String(c).padStart(3)} in flight  lwt ÷ plain: ${fmt(lwt.likesPerSec / plain.likesPerSec)}× the rate, ${lwt.p50Ms !== null && plain.p50Ms !== null ? fmt(lwt.p50Ms / plain.p50Ms) : 'n/a'}× the p50`);
    }
    // Correctness beside the cost: the counters hold every applied like once, none of the duplicates.
    const total = await path.total();
    const applied = rows.filter((r) => r.mode === 'lwt' || r.mode === 'plain').reduce((a, r) => a + r.likes, 0);
    console.log(`counters: ${total.likes} likes over ${total.posts} posts; applied likes (lwt + plain): ${applied}; duplicates sent: ${rows.filter((r) => r.mode === 'duplicate').reduce((a, r) => a + r.likes, 0)} (counted: ${total.likes - applied})`);
  } finally {
    await client.execute(`DROP KEYSPACE IF EXISTS ${f.keyspace}`).catch(() => undefined);
    await clients.close();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`likes-per-user-dedup: ${describeError(err)}\n`);
    process.exit(err instanceof CapbenchError ? err.exitCode : 1);
  },
);
