/**
 * Benchmark of search.es (seed 000, "Elasticsearch Storage Optimization Strategy" and
 * "Elasticsearch Indexing Backpressure"), one run, figures on stdout:
 * 1. bulk indexing docs/s as the client sees it (wall clock) against the server's own figure
 *    (the sum of the bulk API's `took`), and 429 rejections re-sent;
 * 2. the highest query rate (the search scenario's mix) whose p99 — from the intended start,
 *    open loop — stays under 50 ms, idle and with a bulk indexer running flat out beside it
 *    (engine/capacity.ts driveSearch: doubling ramp then bisection).
 * Figures on this shared 2-core machine are noisy: the 1-minute load average is printed with
 * each. Indices: `capbench-search-bench-*` (created and deleted here only).
 *
 * Usage: node dist/bench/search-es.js [--posts N] [--step-s S] [--namespace NS] [--elasticsearch-url URL]
 */
import { Command, InvalidArgumentError as CommanderArgError } from 'commander';
import { loadavg } from 'node:os';
import { UsageError } from '../core/errors.js';
import { EsPostSearch, type SearchQuery } from '../reference-impl/search/index.js';
import { driveSearch } from '../engine/capacity.js';
import { newHistogram, percentilesMs, recordNs } from '../engine/histogram.js';
import { PostGenerator } from '../scenarios/search/corpus.js';
import { connectElasticsearch } from '../targets/elasticsearch/client.js';
import { resolveConnection } from '../targets/registry.js';
import { parseArgv } from './flags.js';
import { log, out, runBench, sleep } from './search-common.js';

const NS = 'capbench-search-bench';
const P99_LIMIT_MS = 50;
/** The lowest query rate the searches try, q/s. */
const MIN_QUERY_RATE = 5;
const load1 = () => loadavg()[0]!.toFixed(2);
const posInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new CommanderArgError('a positive integer');
  return n;
};

async function main(argv: readonly string[]): Promise<number> {
  const cmd = new Command('search-es')
    .option('--posts <n>', 'posts seeded and bulk-indexed', posInt, 20_000)
    .option('--step-s <s>', 'length of one rate step, s', posInt, 5)
    .option('--namespace <ns>', 'index-name prefix of the bench\'s indices (its own: they are deleted before and after)', NS)
    .option('--elasticsearch-url <url>', 'Elasticsearch URL (default: the local server)');
  const flags = parseArgv(cmd, argv);
  if (flags === 'help') return 0;
  const opts = flags as { posts: number; stepS: number; namespace: string; elasticsearchUrl?: string };
  if (!/^[a-z0-9][a-z0-9_-]{0,40}$/.test(opts.namespace)) throw new UsageError(`Bad --namespace "${opts.namespace}": lower-case letters, digits, _ or -, at most 41.`);
  const es = await connectElasticsearch(resolveConnection('elasticsearch', opts.elasticsearchUrl), { timeoutMs: 30_000 });
  const main = new EsPostSearch(es, { namespace: opts.namespace });
  const bulkSide = new EsPostSearch(es, { namespace: opts.namespace, name: 'bulk' });
  try {
    await main.reset();
    await bulkSide.reset();
    await main.setup();
    await bulkSide.setup();
    const gen = new PostGenerator({ authors: 10_000, contentWords: 40, zipfS: 1, seed: 1234, nowS: Math.floor(Date.now() / 1000) });

    // 1. Bulk indexing: client wall clock vs the server's took.
    out(`search.es bulk indexing: ${opts.posts} posts, 1 MiB requests, 2 in flight (load average ${load1()} before)`);
    let indexed = 0;
    let elapsed = 0;
    let took = 0;
    let rejected = 0;
    let bytes = 0;
    for (let i = 0; i < opts.posts; i += 5000) {
      const batch = Array.from({ length: Math.min(5000, opts.posts - i) }, (_, k) => gen.post(i + k));
      const r = await main.indexPosts(batch);
      indexed += r.indexed;
      elapsed += r.elapsedMs;
      took += r.serverTookMs;
      rejected += r.rejected429;
      bytes += r.bytes;
    }
    await main.refresh();
    out(`  client:  ${Math.round(indexed / (elapsed / 1000))} docs/s, ${(bytes / 1e6 / (elapsed / 1000)).toFixed(2)} MB/s (${indexed} docs in ${(elapsed / 1000).toFixed(1)} s wall clock)`);
    out(`  server:  ${Math.round(indexed / (took / 1000))} docs/s by the bulk API's took (sum ${(took / 1000).toFixed(1)} s over overlapping requests)`);
    out(`  429 rejections re-sent: ${rejected}; searchable after refresh: ${await main.count()} (load average ${load1()})`);

    // 2. Highest query rate with p99 < 50 ms, idle and with a flat-out bulk indexer.
    const queries: SearchQuery[] = [];
    for (let i = 0; i < 5000; i++) {
      const u = i % 10;
      queries.push(u < 4 ? { kind: 'match', text: gen.queryText() } : u < 7 ? { kind: 'recent', text: gen.queryText(), sinceS: Math.floor(Date.now() / 1000) - 7 * 86_400 } : u < 9 ? { kind: 'title', text: gen.queryText() } : { kind: 'author', author: gen.author() });
    }
    let qi = 0;
    let nextBulkId = 10_000_000;
    const step = async (rate: number, withBulk: boolean) => {
      let stop = false;
      const bulk = withBulk
        ? (async () => {
            while (!stop) {
              const batch = Array.from({ length: 2000 }, () => gen.post(nextBulkId++, Math.floor(Date.now() / 1000)));
              await bulkSide.indexPosts(batch);
            }
          })()
        : Promise.resolve();
      const h = newHistogram();
      let errors = 0;
      const t0 = performance.now();
      const n = Math.round(rate * opts.stepS);
      const pending: Promise<void>[] = [];
      for (let i = 0; i < n; i++) {
        const intended = t0 + (i * 1000) / rate;
        const wait = intended - performance.now();
        if (wait > 1) await sleep(wait);
        const q = queries[qi++ % queries.length]!;
        pending.push(
          main.search(q).then(
            () => recordNs(h, (performance.now() - intended) * 1e6),
            () => void errors++,
          ),
        );
      }
      await Promise.all(pending);
      stop = true;
      await bulk;
      const p = percentilesMs(h);
      const passed = errors === 0 && p.p99 !== null && p.p99 < P99_LIMIT_MS;
      out(`  ${withBulk ? 'with bulk' : 'idle     '}  ${String(rate).padStart(6)} q/s  p50 ${p.p50} ms  p99 ${p.p99 ?? '—'} ms  errors ${errors}  load ${load1()}  ${passed ? 'PASS' : 'FAIL'}`);
      return { rate, passed };
    };
    const best: Record<string, number | null> = {};
    for (const withBulk of [false, true]) {
      out(`highest query rate with p99 < ${P99_LIMIT_MS} ms ${withBulk ? 'with a flat-out bulk indexer beside it' : 'idle'} (${opts.stepS} s steps, open loop, latency from the intended start):`);
      const r = await driveSearch({ startRate: 20, maxRate: 5000, minRate: MIN_QUERY_RATE, resolution: 0.1 }, 20, 12, {
        run: (rate) => step(rate, withBulk),
        passed: (s) => s.passed,
        pause: () => sleep(1000),
      });
      best[withBulk ? 'bulk' : 'idle'] = r.best;
    }
    const rateOf = (r: number | null | undefined) => (r === null || r === undefined ? `none down to ${MIN_QUERY_RATE} q/s` : `${r} q/s`);
    out(`result: highest query rate with p99 < ${P99_LIMIT_MS} ms: idle ${rateOf(best.idle)}, with bulk indexing ${rateOf(best.bulk)} (load average ${load1()}; shared 2-core machine)`);
    return 0;
  } finally {
    await main.reset().catch(() => undefined);
    await bulkSide.reset().catch(() => undefined);
    await es.close();
  }
}

runBench('search-es', main);
