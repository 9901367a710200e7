/**
 * Fixtures of the cost tests: the sample run with a measured "bytes per post counter" and a
 * like operation whose best second is a known rate, a follow-queries-shaped run, and small
 * price books whose figures make the expected $/month easy to check by hand.
 */
import assert from 'node:assert/strict';
import { CapbenchError } from '../../core/errors.js';
import type { OperationResult, RunResult } from '../../core/results.js';
import { parsePriceBook, type PriceBook } from '../../reports/cost/index.js';
import { sampleResult } from '../fixtures/sample-result.js';

/** Stores of the fixture's paths (what reference-impl's registry says for them). */
export const storesOfPath = (p: string): string[] => ({ 'likes.redis-counter': ['redis'], 'likes.batch-sync': ['redis', 'mongodb'], 'follows.pg': ['postgres'] })[p] ?? [];

/** The operation with every measured second capped at `peak` ops/s and no errors: its best second is exactly `peak`. */
export function capped(op: OperationResult, name: string, path: string, peak: number): OperationResult {
  return { ...structuredClone(op), name, path, series: op.series.map((p) => ({ ...p, completedOps: p.warmup ? p.completedOps : peak, errors: 0 })) };
}

/** viral-like-spike on likes.redis-counter: 80 B per post counter, like peaks at 4,000 ops/s. */
export function likesRun(bytesPerPost: number | null = 80): RunResult {
  const r = sampleResult({ scenario: { options: { posts: 100_000, path: 'likes.redis-counter' } } });
  r.operations = [capped(r.operations[0]!, 'like', 'likes.redis-counter', 4000)];
  r.scenario.paths = ['likes.redis-counter'];
  r.targets = [r.targets[0]!];
  r.footprint.derived = [{ name: 'bytes per post counter', value: bytesPerPost, unit: 'bytes', note: 'fixture' }];
  return r;
}

/** search on search.es: `bytesPerPost` index bytes per post (the derived figure the search scenario reports). */
export function searchRun(bytesPerPost: number | null): RunResult {
  const r = sampleResult({ scenario: { id: 'search', options: { posts: 1_000_000 } } });
  r.scenario.paths = ['search.es'];
  r.operations = [capped(r.operations[0]!, 'match', 'search.es', 50)];
  r.targets = [{ store: 'elasticsearch', product: 'Elasticsearch', version: '8.19.21', address: '127.0.0.1:9200' }];
  r.footprint.derived = [{ name: 'bytes per post (index)', value: bytesPerPost, unit: 'bytes', note: 'default codec' }];
  r.claims = [];
  return r;
}

/** follow-queries on follows.pg: 100 B per follow edge, follow peaks at 1,000 ops/s. */
export function followsRun(): RunResult {
  const r = sampleResult({ scenario: { id: 'follow-queries', options: { users: 1000, followsPerUser: 10, schema: 'public' } } });
  r.scenario.paths = ['follows.pg'];
  r.operations = [capped(r.operations[0]!, 'follow', 'follows.pg', 1000)];
  r.targets = [{ store: 'postgres', product: 'PostgreSQL', version: '15.14', address: '127.0.0.1:5432' }];
  r.footprint.before = [
    {
      store: 'postgres',
      takenAt: r.startedAt,
      totalBytes: 400_000,
      items: [
        { name: 'table users', kind: 'table', bytes: 100_000, count: 1000, countUnit: 'rows' },
        { name: 'index users_pkey', kind: 'index', bytes: 50_000, note: 'on users' },
        { name: 'table user_stats', kind: 'table', bytes: 40_000, count: 1000, countUnit: 'rows' },
        { name: 'index user_stats_pkey', kind: 'index', bytes: 10_000, note: 'on user_stats' },
        { name: 'table follows', kind: 'table', bytes: 200_000, count: 10_000, countUnit: 'rows' },
      ],
    },
  ];
  r.footprint.derived = [{ name: 'bytes per follow edge', value: 100, unit: 'bytes' }];
  r.claims = [];
  return r;
}

const e = (fields: Record<string, unknown>) => ({ region: 'test-1', source: 'https://example.com/pricing', readAt: '2026-01-15', ...fields });

/**
 * A small price book: a Redis cache product (a.small: 0.5 GiB, a.large: 4 GiB, 75 % usable;
 * $0.01 and $0.10 per node-hour), a serverless Redis (per million commands $1, data $0.50 per
 * GB-month with 1 GB free), and a PostgreSQL product (db.small 2 vCPU $0.02/h, db.big 8 vCPU
 * $0.20/h, storage $0.10/GB-month with a 20 GB minimum, IOPS $0.01 above 3,000).
 */
export function smallBook(): PriceBook {
  return parsePriceBook(
    JSON.stringify({
      currency: 'USD',
      entries: [
        e({ id: 'a.small', provider: 'P', product: 'Cache A', stores: ['redis'], offer: 'a.small', unit: 'node-hour', priceUsd: 0.01, memoryGiB: 0.5, usableMemoryFraction: 0.75, vcpu: 2 }),
        e({ id: 'a.large', provider: 'P', product: 'Cache A', stores: ['redis'], offer: 'a.large', unit: 'node-hour', priceUsd: 0.1, memoryGiB: 4, usableMemoryFraction: 0.75, vcpu: 2 }),
        e({ id: 'srv.cmd', provider: 'Q', product: 'Serverless', stores: ['redis'], offer: 'commands', unit: 'million-requests', requests: 'any', priceUsd: 1 }),
        e({ id: 'srv.data', provider: 'Q', product: 'Serverless', stores: ['redis'], offer: 'data', unit: 'GB-month', priceUsd: 0.5, freeQuantity: 1 }),
        e({ id: 'db.small', provider: 'P', product: 'DB', stores: ['postgres'], offer: 'db.small', unit: 'node-hour', priceUsd: 0.02, vcpu: 2 }),
        e({ id: 'db.big', provider: 'P', product: 'DB', stores: ['postgres'], offer: 'db.big', unit: 'node-hour', priceUsd: 0.2, vcpu: 8 }),
        e({ id: 'db.storage', provider: 'P', product: 'DB', stores: ['postgres'], offer: 'storage', unit: 'GB-month', priceUsd: 0.1, minQuantity: 20 }),
        e({ id: 'db.iops', provider: 'P', product: 'DB', stores: ['postgres'], offer: 'iops', unit: 'IOPS-month', priceUsd: 0.01, freeQuantity: 3000 }),
      ],
    }),
    'small-book.json',
  );
}

/** Assert that `f` throws a CapbenchError whose one line matches `re`; returns the line. */
export function oneLineError(f: () => unknown, re: RegExp): string {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof CapbenchError, `expected a CapbenchError, got ${String(err)}`);
    const line = err.oneLine();
    assert.doesNotMatch(line, /\n/, 'one line');
    assert.match(line, re);
    return line;
  }
  assert.fail('expected an error');
}
