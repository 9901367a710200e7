/**
 * The run phase of the search scenario, one per thread: match / recent / title / author queries
 * and single-post indexing on search.es through its aliases, mixed by a golden-ratio sequence
 * over the operation shares (scenarios/search/options.ts). Thread 0 also runs, in the
 * background, the two events of the run: the bulk stage (bulkPosts new posts bulk-indexed flat
 * out from 25% of the run: the seed's backpressure pitfall) and the alias swap (reindex into
 * the next version from `swapAt` of the run, with a probe querying every 50 ms through the
 * alias until the swap is done). Each thread keeps (intended start, service time) of its
 * queries; at close it writes them, and thread 0 its timeline, to the meta index
 * `<namespace>-meta` (mapping disabled), which verify() reads.
 *
 * `--via http` (args.via): the queries and the single-post index stream go through the
 * reference service (service/routes/search.ts; each request named by its kind, "index" for a
 * post); the bulk stage, the alias swap and its probe stay at driver level (they are the
 * store's events the run measures the load against, not the load).
 *
 * Outcomes: a query resolves 'ok' with hits and 'not_found' with none (not an error); index
 * resolves 'ok'; the client's errors reject (counted by kind).
 */
import { bindOperations, type OperationFn, type Workload } from '../../engine/types.js';
import { EsPostSearch, esSearchPath, type IndexOutcome } from '../../reference-impl/search/index.js';
import { clientOf } from '../../reference-impl/path.js';
import { openStoreClients } from '../../targets/clients.js';
import { ServiceClient, searchOverHttp, type SearchOps } from '../../service/client.js';
import type { WorkloadArgs } from '../types.js';
import { PostGenerator } from './corpus.js';
import { BULK_ID, LIVE_ID, metaIndex, operationShares, searchOperations, type SearchOptions } from './options.js';

/** What thread 0 leaves in the meta index. Times in s since the run phase began; ms for durations. */
export interface SearchTimeline {
  bulk?: { startS: number; endS: number; posts: number; outcome: IndexOutcome; error?: string };
  swap?: { startS: number; swappedAtS: number; endS: number; from: string; to: string; copied: number; conflicts: number; copyMs: number; probeQueries: number; probeErrors: number; probeEmpty: number; error?: string };
}
/** Query samples of one thread: intended start (s since the run began) and service time (ms) per query, by kind. */
export interface ThreadSamples {
  thread: number;
  t: number[];
  ms: number[];
  kind: string[];
}

/** Most query samples a thread keeps (beyond: every other one is dropped, keeping the time spread). */
const MAX_SAMPLES = 200_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Create this thread's workload (called by the engine). @throws TargetUnreachableError when Elasticsearch does not answer; UsageError when the index has other mappings. */
export async function createWorkload(args: WorkloadArgs<SearchOptions>, thread: { index: number; count: number }): Promise<Workload> {
  const o = args.options;
  const clients = await openStoreClients(args.connections, ['elasticsearch']);
  const es = clientOf(clients, 'elasticsearch', esSearchPath.id);
  const s = new EsPostSearch(es, { namespace: o.namespace, shape: { codec: o.codec === 'best_compression' ? 'best_compression' : 'default' } });
  try {
    await s.setup();
  } catch (err) {
    await clients.close();
    throw err;
  }
  const http = args.via ? new ServiceClient(args.via) : undefined;
  /** What the measured operations use: search.es at driver level, or the same path through the service. */
  const hot: SearchOps = http ? searchOverHttp(http, esSearchPath.id) : s;
  const nowS = Math.floor(Date.now() / 1000);
  const gen = new PostGenerator({ authors: o.authors, contentWords: o.contentWords, zipfS: o.zipfS, seed: o.seed * 31 + thread.index + 7, nowS });
  let liveId = LIVE_ID + thread.index * 1_000_000_000;
  const samples: ThreadSamples = { thread: thread.index, t: [], ms: [], kind: [] };
  let keepEvery = 1;
  let seen = 0;
  const record = (kind: string, tS: number, ms: number) => {
    if (seen++ % keepEvery !== 0) return;
    samples.t.push(Math.round(tS * 1000) / 1000);
    samples.ms.push(Math.round(ms * 100) / 100);
    samples.kind.push(kind);
    if (samples.t.length >= MAX_SAMPLES) {
      for (const k of ['t', 'ms', 'kind'] as const) (samples[k] as unknown[]) = (samples[k] as unknown[]).filter((_, i) => i % 2 === 0);
      keepEvery *= 2;
    }
  };
  const query = (kind: 'match' | 'recent' | 'title' | 'author'): OperationFn => async (_seq, tS) => {
    const q =
      kind === 'author'
        ? { kind, author: gen.author() }
        : kind === 'recent'
          ? { kind, text: gen.queryText(), sinceS: Math.floor(Date.now() / 1000) - 7 * 86_400 }
          : { kind, text: gen.queryText() };
    const t0 = performance.now();
    const r = await hot.search(q as never);
    record(kind, tS, performance.now() - t0);
    return r.ids.length > 0 ? 'ok' : 'not_found';
  };
  const run: Record<string, OperationFn> = {
    match: query('match'),
    recent: query('recent'),
    title: query('title'),
    author: query('author'),
    index: async () => {
      await hot.indexPosts([gen.post(liveId++, Math.floor(Date.now() / 1000))]);
    },
  };
  const operations = bindOperations(searchOperations(o), run);
  const shares = operationShares(o);
  const cumulative = shares.map((_, i) => shares.slice(0, i + 1).reduce((a, x) => a + x.share, 0));
  cumulative[cumulative.length - 1] = 1;
  const offset = ((o.seed * 0.618 + thread.index * 0.3819) % 1 + 1) % 1;

  // Thread 0: the bulk stage and the alias swap, in the background, timed from the run's start.
  const timeline: SearchTimeline = {};
  // The events are placed on the run's own length (stages), which --duration or --stages may change.
  const runS = args.stages.reduce((a, st) => a + st.durationS, 0) || o.durationS;
  let runStartMs: number | undefined;
  const sinceStart = () => (Date.now() - runStartMs!) / 1000;
  const background: Promise<void>[] = [];
  const startEvents = () => {
    if (o.bulkPosts > 0) {
      background.push(
        (async () => {
          await sleep(Math.max(0, 0.25 * runS * 1000 - (Date.now() - runStartMs!)));
          const bulk = new EsPostSearch(es, { namespace: o.namespace, bulk: { concurrency: 2 } });
          const bgen = new PostGenerator({ authors: o.authors, contentWords: o.contentWords, zipfS: o.zipfS, seed: o.seed * 17 + 3, nowS });
          const startS = sinceStart();
          const sum: IndexOutcome = { indexed: 0, rejected429: 0, requestRejects: 0, elapsedMs: 0, serverTookMs: 0, bytes: 0 };
          let error: string | undefined;
          try {
            for (let i = 0; i < o.bulkPosts; i += 5000) {
              const batch = [];
              for (let k = i; k < Math.min(o.bulkPosts, i + 5000); k++) batch.push(bgen.post(BULK_ID + k, Math.floor(Date.now() / 1000)));
              const r = await bulk.indexPosts(batch);
              sum.indexed += r.indexed;
              sum.rejected429 += r.rejected429;
              sum.requestRejects! += r.requestRejects ?? 0;
              sum.elapsedMs += r.elapsedMs;
              sum.serverTookMs += r.serverTookMs;
              sum.bytes += r.bytes;
            }
          } catch (err) {
            error = String((err as Error).message ?? err);
          }
          timeline.bulk = { startS, endS: sinceStart(), posts: o.bulkPosts, outcome: sum, ...(error ? { error } : {}) };
        })(),
      );
    }
    if (o.swapAt > 0) {
      background.push(
        (async () => {
          await sleep(Math.max(0, o.swapAt * runS * 1000 - (Date.now() - runStartMs!)));
          const startS = sinceStart();
          let stop = false;
          let probeQueries = 0;
          let probeErrors = 0;
          let probeEmpty = 0;
          const probe = (async () => {
            while (!stop) {
              try {
                const r = await s.search({ kind: 'author', author: 'u_0', size: 1 });
                probeQueries++;
                if (r.ids.length === 0) probeEmpty++;
              } catch {
                probeErrors++;
              }
              await sleep(50);
            }
          })();
          try {
            const r = await s.reindex();
            const swappedAtS = (r.swappedAtMs - runStartMs!) / 1000;
            await sleep(500);
            stop = true;
            await probe;
            timeline.swap = { startS, swappedAtS, endS: sinceStart(), from: r.from, to: r.to, copied: r.copied, conflicts: r.conflicts, copyMs: r.copyMs, probeQueries, probeErrors, probeEmpty };
          } catch (err) {
            stop = true;
            await probe;
            timeline.swap = { startS, swappedAtS: NaN, endS: sinceStart(), from: '', to: '', copied: 0, conflicts: 0, copyMs: 0, probeQueries, probeErrors, probeEmpty, error: String((err as Error).message ?? err) };
          }
        })(),
      );
    }
  };

  return {
    operations,
    pick(seq, tS) {
      if (runStartMs === undefined) {
        runStartMs = Date.now() - tS * 1000;
        if (thread.index === 0) startEvents();
      }
      const x = offset + seq * INV_PHI;
      const u = x - Math.floor(x);
      let i = 0;
      while (u >= cumulative[i]!) i++;
      return operations[i]!;
    },
    async close() {
      try {
        await Promise.all(background);
        const meta = metaIndex(o);
        await es.index({ index: meta, id: `thread-${thread.index}`, document: { samples, ...(thread.index === 0 ? { timeline } : {}) }, refresh: 'wait_for' });
      } finally {
        await http?.close();
        await clients.close();
      }
    },
  };
}

/** 1/φ: the step of the golden-ratio sequence that picks the mix. */
const INV_PHI = (Math.sqrt(5) - 1) / 2;
