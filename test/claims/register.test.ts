/**
 * The claims register (scenarios/claims/register.yaml): it validates, its ids are unique, each
 * entry measured by a built scenario names a claim id that scenario's verify() emits, each quote
 * is in its seed document as written, and a bad entry is refused in one line that names it.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../core/errors.js';
import { DEFAULT_REGISTER, loadRegister, parseRegister } from '../../scenarios/claims/register.js';
import { SCENARIOS } from '../../scenarios/registry.js';

const ROOT = new URL('../../../', import.meta.url);
const SEEDS = new URL('../shared/seeds/', ROOT);

test('the shipped register validates: unique ids, about 25 claims or more, every seed document', async () => {
  const reg = await loadRegister();
  const ids = reg.claims.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length, 'unique ids');
  assert.ok(ids.length >= 25, `${ids.length} claims`);
  assert.deepEqual([...new Set(reg.claims.map((c) => c.seed))].sort(), ['000', '001', '002', '003', '004']);
  const measurable = reg.claims.filter((c) => c.measure.kind === 'scenario' && 'experiment' in c.measure);
  assert.ok(measurable.length >= 7, `${measurable.length} measurable by a built scenario`);
  for (const e of reg.experiments.values()) assert.ok(SCENARIOS[e.scenario], `${e.id} runs a built-in scenario`);
});

test("every entry measured by a built scenario names a claim id that scenario's verify() emits", async () => {
  const reg = await loadRegister();
  for (const c of reg.claims) {
    if (c.measure.kind !== 'scenario' || !('experiment' in c.measure)) continue;
    // Any module of the scenario's folder (e.g. viral-like-spike/memory-table.ts) may build the claim.
    const dir = new URL(`scenarios/${c.measure.scenario}/`, ROOT);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.ts'));
    const sources = await Promise.all(files.map((f) => readFile(new URL(f, dir), 'utf8')));
    assert.ok(sources.some((src) => src.includes(`id: '${c.id}'`)), `scenarios/${c.measure.scenario}/ emits ${c.id}`);
  }
});

test('every quote is in its seed document as written ("..." joins fragments, in order)', { skip: existsSync(SEEDS) ? false : `no seed documents at ${SEEDS.pathname}` }, async () => {
  const norm = (s: string) => s.replace(/\*\*/g, '').replace(/\s+/g, ' ').trim();
  const texts = new Map<string, string>();
  for (const f of await readdir(SEEDS)) if (/^\d{3}_.*\.txt$/.test(f)) texts.set(f.slice(0, 3), norm(await readFile(new URL(f, SEEDS), 'utf8')));
  const reg = await loadRegister();
  for (const c of reg.claims) {
    const text = texts.get(c.seed);
    assert.ok(text, `seed ${c.seed} exists`);
    let at = 0;
    for (const fragment of c.quote.split(' ... ').map(norm)) {
      const i = text.indexOf(fragment, at);
      assert.ok(i >= 0, `${c.id}: "${fragment}" is in seed ${c.seed}${at > 0 ? ' after the fragment before it' : ''}`);
      at = i + fragment.length;
    }
  }
});

/** The shipped register as parsed YAML, to break one thing at a time. */
async function rawRegister(): Promise<{ claims: Record<string, unknown>[]; experiments: Record<string, Record<string, unknown>> }> {
  return parseYaml(await readFile(DEFAULT_REGISTER, 'utf8'));
}

const BAD: Array<{ what: string; entry: string; breakIt: (raw: Awaited<ReturnType<typeof rawRegister>>) => void; says: RegExp }> = [
  { what: 'an unknown scenario', entry: 'entry "likes.viral-spike-10k"', breakIt: (r) => ((r.claims[1]!.measure as Record<string, unknown>).scenario = 'viral-like-spiek'), says: /neither a built-in scenario/ },
  { what: 'a duplicate id', entry: 'entry "likes.throughput-100k"', breakIt: (r) => (r.claims[1]!.id = 'likes.throughput-100k'), says: /unique/ },
  { what: 'no figures', entry: 'entry "likes.viral-spike-10k"', breakIt: (r) => (r.claims[1]!.figures = []), says: /figures: give at least one figure/ },
  { what: 'an experiment of another scenario', entry: 'entry "follows.throughput-100"', breakIt: (r) => ((r.claims.find((c) => c.id === 'follows.throughput-100')!.measure as Record<string, unknown>).experiment = 'likes-hash'), says: /runs viral-like-spike, not follow-queries/ },
  { what: 'measuredBy without why', entry: 'entry "ops.cross-region-lag"', breakIt: (r) => delete (r.claims.find((c) => c.id === 'ops.cross-region-lag')!.measure as Record<string, unknown>).why, says: /measuredBy none needs why/ },
  { what: 'an unknown field', entry: 'entry "likes.viral-spike-10k"', breakIt: (r) => (r.claims[1]!.verdict = 'holds'), says: /unknown field "verdict"/ },
  { what: 'a built scenario with neither experiment nor pending', entry: 'entry "likes.viral-spike-10k"', breakIt: (r) => delete (r.claims[1]!.measure as Record<string, unknown>).experiment, says: /name the experiment/ },
  { what: 'a bad option in an experiment', entry: 'experiment "likes-hash"', breakIt: (r) => ((r.experiments['likes-hash']!.quick as { options: Record<string, unknown> }).options.posts = -5), says: /quick: Bad option posts/ },
  { what: 'a bad schedule in an experiment', entry: 'experiment "follows"', breakIt: (r) => (r.experiments.follows!.full = { stages: '10s' }), says: /full: / },
  { what: 'an unquoted seed number', entry: 'entry "likes.viral-spike-10k"', breakIt: (r) => (r.claims[1]!.seed = 0), says: /seed: a seed document number/ },
];

for (const bad of BAD) {
  test(`a register with ${bad.what} is refused in one line naming ${bad.entry}`, async () => {
    const raw = await rawRegister();
    bad.breakIt(raw);
    assert.throws(
      () => parseRegister(raw, 'mine.yaml'),
      (err: unknown) => {
        assert.ok(err instanceof UsageError, String(err));
        const line = err.oneLine();
        assert.ok(!line.includes('\n'), `one line: ${line}`);
        assert.ok(line.startsWith(`Claims register mine.yaml: ${bad.entry}: `), line);
        assert.match(line, bad.says);
        return true;
      },
    );
  });
}

test('the unbroken copy parses (so each refusal above is its one change)', async () => {
  assert.equal(parseRegister(await rawRegister(), 'mine.yaml').claims.length, (await loadRegister()).claims.length);
});
