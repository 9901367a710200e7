/**
 * The operation tables (workloads/ops/): every path family on main has one, op names are unique
 * and each op names the entities it draws keys from; docs/workloads.md carries the table.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { PATH_FAMILIES } from '../../reference-impl/registry.js';
import { familiesWithOps, getOp, opNames, opsByFamily, opsMarkdown } from '../../workloads/ops/index.js';
import { ENTITIES } from '../../workloads/ops/types.js';

const ROOT = new URL('../../../', import.meta.url).pathname;

test('every path family has workload operations, each op under one family', () => {
  assert.deepEqual([...familiesWithOps()].sort(), [...PATH_FAMILIES].sort());
  const names = opNames();
  assert.equal(new Set(names).size, names.length);
  for (const { family, ops } of opsByFamily()) {
    assert.ok(ops.length > 0, family);
    for (const o of ops) {
      assert.equal(getOp(o.name).family, family);
      assert.ok(o.entities.length > 0 && o.entities.every((e) => ENTITIES.includes(e)), o.name);
    }
  }
});

test('an unknown op name is refused, listing the known ones', () => {
  assert.throws(() => getOp('likes'), (e: Error & { hint?: string }) => /Unknown operation "likes"/.test(e.message) && /like, like-count/.test(e.hint ?? ''));
});

test('docs/workloads.md carries the operation table', async () => {
  const text = await readFile(`${ROOT}docs/workloads.md`, 'utf8');
  const m = /<!-- ops:begin -->\n([\s\S]*?)\n<!-- ops:end -->/.exec(text);
  assert.ok(m, 'ops:begin/ops:end markers');
  assert.equal(m[1], opsMarkdown());
});
