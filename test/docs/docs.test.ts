/**
 * The docs read the registries: docs/storage-paths.md carries the table `capbench paths
 * --markdown` prints, and every registered path and scenario has its section in the docs.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { pathsMarkdown } from '../../cli/commands/paths.js';
import { STORAGE_PATHS } from '../../reference-impl/registry.js';
import { SCENARIOS } from '../../scenarios/registry.js';

const doc = (name: string) => readFile(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');

test('docs/storage-paths.md carries the registry table and a section per path', async () => {
  const text = await doc('storage-paths.md');
  const m = /<!-- paths:begin -->\n([\s\S]*?)\n<!-- paths:end -->/.exec(text);
  assert.ok(m, 'the paths:begin / paths:end markers are there');
  assert.equal(m[1], pathsMarkdown(), 'paste `capbench paths --markdown` between the markers');
  for (const id of STORAGE_PATHS.keys()) assert.match(text, new RegExp(`^## ${id.replace('.', '\\.')} `, 'm'), `a section for ${id}`);
});

test('docs/scenarios.md has a section per built-in scenario', async () => {
  const text = await doc('scenarios.md');
  for (const id of Object.keys(SCENARIOS)) assert.match(text, new RegExp(`^## ${id}\\b`, 'm'), `a section for ${id}`);
});
