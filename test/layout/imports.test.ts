/**
 * Imports point one way (DESIGN.md "Layout"): cli → scenarios, reports → engine,
 * reference-impl → targets → core. Reads every source file's relative imports and checks each
 * crosses only into a layer below (or stays in its own folder).
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** What each top-level folder may import besides itself. */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  engine: ['core'],
  targets: ['core'],
  'reference-impl': ['targets', 'core'],
  reports: ['engine', 'core'],
  service: ['reference-impl', 'targets', 'core'],
  scenarios: ['service', 'engine', 'reference-impl', 'targets', 'core'],
  k6: ['scenarios', 'service', 'engine', 'reference-impl', 'targets', 'core'],
  workloads: ['k6', 'scenarios', 'service', 'engine', 'reference-impl', 'targets', 'core'],
  cli: ['workloads', 'k6', 'scenarios', 'service', 'reports', 'engine', 'reference-impl', 'targets', 'core'],
};

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(p)));
    else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

test('every import points down the layers: cli → scenarios, reports → engine, reference-impl → targets → core', async () => {
  const wrong: string[] = [];
  let checked = 0;
  for (const layer of Object.keys(ALLOWED)) {
    for (const file of await sources(join(ROOT, layer))) {
      const text = await readFile(file, 'utf8');
      checked++;
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = relative(ROOT, resolve(dirname(file), m[1]!)).split(sep)[0]!;
        if (target !== layer && !ALLOWED[layer]!.includes(target)) wrong.push(`${relative(ROOT, file)} imports ${m[1]} (${target})`);
      }
    }
  }
  assert.ok(checked > 50, `read ${checked} source files`);
  assert.deepEqual(wrong, []);
});
