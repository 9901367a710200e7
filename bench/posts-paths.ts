/**
 * Highest sustained rate under each path's SLO for posts.mongo, comments.cassandra and
 * bookmarks.pg (issue 14: seed 000 "Posts & Comments" ~1K/s, "Bookmarks System" ~10/s; 001
 * "Comments Table"). For each operation an open-loop ladder of rates (10, 20, 50, 100, 200,
 * 500, 1000, 2000, 5000 ops/s, stopping at the first failed step): every step runs --step
 * seconds with operations started on schedule (latency from the intended start, so queueing
 * counts: coordinated omission corrected) and passes when it completes ≥ 95% of the target
 * rate, p99 ≤ the SLO (50 ms for every operation; below 100 samples the step's max stands in for
 * its p99) and < 1% errors. 20 unrecorded operations warm each ladder up. Prints a table (ops/s, ms) and the machine caveat.
 * In its own database/keyspace/schema (cb_posts_bench), emptied at the start.
 *
 *   node dist/bench/posts-paths.js [--step 3] [--only posts.mongo,comments.cassandra,bookmarks.pg] [--max 5000]
 *
 * Exit codes: 0 figures printed; 2 bad flags or a store unreachable (one line).
 */
import { Command } from 'commander';
import { z } from 'zod';
import { CapbenchError, describeError, UsageError } from '../core/errors.js';
import { newHistogram, percentilesMs, recordNs } from '../engine/histogram.js';
import { pgBookmarksPath } from '../reference-impl/bookmarks/index.js';
import { cassandraCommentsPath } from '../reference-impl/comments/index.js';
import { mongoPostsPath } from '../reference-impl/posts/mongo.js';
import { openStoreClients } from '../targets/clients.js';
import { resolveConnection } from '../targets/registry.js';

const PATHS = ['posts.mongo', 'comments.cassandra', 'bookmarks.pg'] as const;
const Flags = z
  .object({
    step: z.coerce.number().min(1).max(60).default(3),
    only: z.string().default(PATHS.join(',')).refine((s) => s.split(',').every((p) => (PATHS as readonly string[]).includes(p)), `a comma-separated list of ${PATHS.join(', ')}`),
    max: z.coerce.number().int().min(10).max(100_000).default(5000),
  })
  .strict();
const LADDER = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];
const NS = 'cb_posts_bench';

/** One step's figures. */
interface Step {
  rate: number;
  achieved: number;
  p99: number | null;
  errors: number;
  ok: boolean;
}

/**
 * Run `op` open loop at `rate` ops/s for `seconds`: each operation starts at its intended time
 * (1 ms timer ticks; operations due in a tick start together), latency from the intended start.
 * Completions are awaited up to 10 s after the schedule ends; what is still running counts as an error.
 */
async function step(op: (i: number) => Promise<unknown>, rate: number, seconds: number, sloMs: number): Promise<Step> {
  const h = newHistogram();
  const n = Math.round(rate * seconds);
  let errors = 0;
  let done = 0;
  let started = 0;
  const t0 = performance.now();
  const pending = new Set<Promise<void>>();
  while (started < n) {
    const now = performance.now();
    const due = Math.min(n, Math.floor(((now - t0) / 1000) * rate) + 1);
    for (; started < due; started++) {
      const intended = t0 + (started / rate) * 1000;
      const p: Promise<void> = op(started).then(
        () => {
          recordNs(h, Math.max(0, performance.now() - intended) * 1e6);
          done++;
        },
        () => {
          errors++;
        },
      );
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  const endSched = performance.now();
  await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, 10_000))]);
  errors += n - done - errors;
  const elapsedS = Math.max(seconds, (performance.now() - t0) / 1000);
  void endSched;
  const achieved = done / elapsedS;
  const pc = percentilesMs(h);
  const p99 = pc.p99 ?? pc.max;
  return { rate, achieved, p99, errors, ok: achieved >= 0.95 * rate && p99 !== null && p99 <= sloMs && errors / n < 0.01 };
}

/** Climb the ladder until a step fails; print each step. @returns the highest passing rate (0 if none). */
async function ladder(name: string, sloMs: number, seconds: number, max: number, op: (i: number) => Promise<unknown>): Promise<{ best: number; steps: Step[] }> {
  const steps: Step[] = [];
  let best = 0;
  // Warm-up: 20 operations one after another (connections, prepared statements), not recorded.
  for (let i = 0; i < 20; i++) await op(1_000_000_000 + i).catch(() => undefined);
  for (const rate of LADDER.filter((r) => r <= max)) {
    const s = await step(op, rate, seconds, sloMs);
    steps.push(s);
    process.stdout.write(`  ${name.padEnd(28)} ${String(rate).padStart(6)} ops/s target  ${s.achieved.toFixed(1).padStart(8)} achieved  p99 ${s.p99 === null ? 'n/a' : s.p99.toFixed(2)} ms  errors ${s.errors}  ${s.ok ? 'ok' : 'FAIL'}\n`);
    if (!s.ok) break;
    best = rate;
  }
  return { best, steps };
}

async function main(argv: string[]): Promise<void> {
  const cmd = new Command('posts-paths').option('--step <s>').option('--only <paths>').option('--max <rate>').exitOverride().configureOutput({ writeErr: () => undefined });
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (e) {
    throw new UsageError(String((e as Error).message), { hint: 'node dist/bench/posts-paths.js [--step 3] [--only posts.mongo,comments.cassandra,bookmarks.pg] [--max 5000]' });
  }
  const parsed = Flags.safeParse(cmd.opts());
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new UsageError(`--${i.path.join('.')}: ${i.message}`, { hint: 'node dist/bench/posts-paths.js --help' });
  }
  const f = parsed.data;
  const only = new Set(f.only.split(','));
  const rows: [string, string, number, number | null][] = [];
  if (only.has('posts.mongo')) {
    const clients = await openStoreClients({ mongodb: resolveConnection('mongodb') }, ['mongodb'], { mongoPoolSize: 4 });
    try {
      const p = mongoPostsPath.open(clients, { database: NS });
      await p.setup();
      await p.reset();
      const seeded = 1000;
      await p.seedPosts({ first: 0, count: seeded, authors: 100, createdAt: Date.now(), body: () => 'b'.repeat(500), media: () => [], comments: 5, commentBytes: 120 });
      process.stdout.write(`posts.mongo on ${p.server} (${seeded} posts seeded)\n`);
      let next = seeded;
      const create = await ladder('posts.mongo create (p99<50ms)', 50, f.step, f.max, () => p.createPost({ postId: next++, authorId: next % 100, createdAt: Date.now(), body: 'b'.repeat(500), media: [] }));
      rows.push(['posts.mongo', 'create post, p99 < 50 ms', create.best, create.steps.at(-1)?.p99 ?? null]);
      let cid = 1_000_000;
      // One comment in flight per post: posts round-robin over the seeded ones.
      const comment = await ladder('posts.mongo addComment (p99<50ms)', 50, f.step, f.max, (i) => p.addComment(i % seeded, { commentId: cid++, authorId: 1, createdAt: Date.now(), body: 'c'.repeat(120) }));
      rows.push(['posts.mongo', 'add nested comment, p99 < 50 ms', comment.best, comment.steps.at(-1)?.p99 ?? null]);
      await clients.mongodb!.db(NS).dropDatabase();
    } finally {
      await clients.close();
    }
  }
  if (only.has('comments.cassandra')) {
    const clients = await openStoreClients({ cassandra: resolveConnection('cassandra') }, ['cassandra']);
    try {
      const c = cassandraCommentsPath.open(clients, { keyspace: NS });
      await c.setup();
      await c.reset();
      process.stdout.write('comments.cassandra\n');
      let id = 0;
      const add = await ladder('comments.cassandra add (p99<50ms)', 50, f.step, f.max, (i) => c.add({ postId: i % 1000, commentId: id++, authorId: 1, createdAt: Date.now(), text: 'c'.repeat(120) }));
      rows.push(['comments.cassandra', 'add comment, p99 < 50 ms', add.best, add.steps.at(-1)?.p99 ?? null]);
      const page = await ladder('comments.cassandra page (p99<50ms)', 50, f.step, f.max, (i) => c.page(i % 1000, { limit: 20 }));
      rows.push(['comments.cassandra', 'first page of 20, p99 < 50 ms', page.best, page.steps.at(-1)?.p99 ?? null]);
      await clients.cassandra!.execute(`DROP KEYSPACE IF EXISTS ${NS}`);
    } finally {
      await clients.close();
    }
  }
  if (only.has('bookmarks.pg')) {
    const clients = await openStoreClients({ postgres: resolveConnection('postgres') }, ['postgres'], { pgPoolSize: 16 });
    try {
      const b = pgBookmarksPath.open(clients, { schema: NS });
      await b.setup();
      await b.reset({ posts: true });
      await b.seedPosts(0, 100_000);
      process.stdout.write('bookmarks.pg (100K posts)\n');
      let k = 0;
      const add = await ladder('bookmarks.pg add (p99<50ms)', 50, f.step, f.max, () => {
        k++;
        return b.add(k % 50_000, (k * 100) % 100_000);
      });
      rows.push(['bookmarks.pg', 'add bookmark, p99 < 50 ms', add.best, add.steps.at(-1)?.p99 ?? null]);
      const list = await ladder('bookmarks.pg list (p99<50ms)', 50, f.step, f.max, (i) => b.list(i % 50_000, { limit: 20 }));
      rows.push(['bookmarks.pg', '"my bookmarked posts" (join), p99 < 50 ms', list.best, list.steps.at(-1)?.p99 ?? null]);
      await clients.postgres!.query(`DROP SCHEMA IF EXISTS ${NS} CASCADE`);
    } finally {
      await clients.close();
    }
  }
  process.stdout.write('\n| path | operation and SLO | highest sustained rate (ops/s) | p99 at the last step run (ms) |\n|---|---|---|---|\n');
  for (const [p, o, best, p99] of rows) process.stdout.write(`| ${p} | ${o} | ${best} | ${p99 === null ? 'n/a' : p99.toFixed(1)} |\n`);
  process.stdout.write(`\nLadder steps of ${f.step} s, open loop, one Node process; client and stores share this machine's CPUs.\n`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`Cannot run the posts-paths benchmark. ${describeError(err)}\n`);
    process.exit(err instanceof CapbenchError ? err.exitCode : 1);
  },
);
