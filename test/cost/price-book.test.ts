/** The price book: the built-in one is valid and covers what the seeds price; bad entries are one line each. */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../../core/errors.js';
import { PRICE_UNITS, loadPriceBook, parsePriceBook } from '../../reports/cost/index.js';
import { oneLineError } from './helpers.js';

const entry = { id: 'x', provider: 'AWS', product: 'P', stores: ['redis'], offer: 'o', unit: 'node-hour', priceUsd: 1, region: 'us-east-1', source: 'https://example.com/p', readAt: '2026-01-01' };
const book = (e: Record<string, unknown>) => JSON.stringify({ currency: 'USD', entries: [entry, { ...entry, id: 'the-entry', ...e }] });
const without = (k: string) => {
  const copy: Record<string, unknown> = { ...entry, id: 'the-entry' };
  delete copy[k];
  return JSON.stringify({ currency: 'USD', entries: [entry, copy] });
};

test('the built-in price book is valid, dated and sourced, and prices every product the seeds and the issue name', async () => {
  const b = await loadPriceBook();
  assert.match(b.source, /built-in/);
  assert.ok(b.entries.length >= 40, `${b.entries.length} entries`);
  for (const e of b.entries) {
    assert.match(e.source, /^https:\/\//, e.id);
    assert.match(e.readAt, /^\d{4}-\d{2}-\d{2}$/, e.id);
    assert.ok(e.priceUsd > 0, e.id);
  }
  const has = (re: RegExp) => b.entries.some((e) => re.test(`${e.provider} ${e.product} ${e.offer}`));
  for (const re of [/ElastiCache.*cache\.r6g\.large/, /Redis Cloud/, /Upstash/, /OpenSearch/, /i3\.2xlarge/, /i3\.large/, /d2\.xlarge/, /S3/, /Atlas/, /RDS for PostgreSQL/, /Aurora PostgreSQL/, /Keyspaces/, /EC2 m5/]) {
    assert.ok(has(re), `an entry for ${re}`);
  }
  // Every store capbench drives has at least one product.
  for (const s of ['redis', 'postgres', 'mongodb', 'cassandra', 'elasticsearch']) assert.ok(b.entries.some((e) => e.stores.includes(s as never)), s);
});

test('a price book entry without a source or a read date is rejected in one line naming the entry', () => {
  oneLineError(() => parsePriceBook(without('source'), 'mine.yaml'), /^Price book mine\.yaml: entry "the-entry" has no source \(the public pricing page it comes from\)\./);
  oneLineError(() => parsePriceBook(without('readAt'), 'mine.yaml'), /^Price book mine\.yaml: entry "the-entry" has no readAt \(the date the price was read\)\./);
  // An entry without an id is named by its position.
  const noId = { ...entry } as Record<string, unknown>;
  delete noId.id;
  delete noId.source;
  oneLineError(() => parsePriceBook(JSON.stringify({ currency: 'USD', entries: [entry, noId] }), 'mine.yaml'), /entry #2 has no/);
});

test('a negative price, an unknown unit, a bad source or date, an unknown field or a duplicate id is one line', () => {
  oneLineError(() => parsePriceBook(book({ priceUsd: -0.5 }), 'b.yaml'), /entry "the-entry" has a negative price \(-0\.5 USD\)/);
  const unit = oneLineError(() => parsePriceBook(book({ unit: 'per-hour' }), 'b.yaml'), /entry "the-entry" has an unknown unit "per-hour"/);
  for (const u of PRICE_UNITS) assert.ok(unit.includes(u), `lists ${u}`);
  oneLineError(() => parsePriceBook(book({ source: 'file:///etc/passwd' }), 'b.yaml'), /entry "the-entry" has a source that is not an http\(s\) URL/);
  oneLineError(() => parsePriceBook(book({ readAt: 'yesterday' }), 'b.yaml'), /entry "the-entry": readAt: a date YYYY-MM-DD/);
  oneLineError(() => parsePriceBook(book({ discount: 0.2 }), 'b.yaml'), /entry "the-entry" has an unknown field "discount"/);
  oneLineError(() => parsePriceBook(book({ stores: ['oracle'] }), 'b.yaml'), /entry "the-entry": stores must list some of redis/);
  oneLineError(() => parsePriceBook(book({ id: 'x' }), 'b.yaml'), /entry "x" appears twice/);
  oneLineError(() => parsePriceBook('currency: EUR\nentries: []\n', 'b.yaml'), /^Price book b\.yaml: currency: /);
  oneLineError(() => parsePriceBook('entries: [ {', 'b.yaml'), /is not valid YAML or JSON/);
});

test('loadPriceBook reads YAML from a path, and a missing file is one line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'capbench-book-'));
  const p = join(dir, 'mine.yaml');
  await writeFile(p, `currency: USD\nentries:\n  - { id: a, provider: Me, product: Mine, stores: [redis], offer: box, unit: month, priceUsd: 7, memoryGiB: 1, region: home, source: "https://example.com", readAt: "2026-02-03" }\n`);
  const b = await loadPriceBook(p);
  assert.equal(b.source, p);
  assert.equal(b.entries[0]!.priceUsd, 7);
  await assert.rejects(loadPriceBook(join(dir, 'none.yaml')), (err: unknown) => err instanceof UsageError && /none\.yaml cannot be read \(ENOENT\)/.test(err.oneLine()));
});
