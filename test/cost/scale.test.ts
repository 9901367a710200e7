/** --scale: known entities with amounts; anything else is one line. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SCALE_ENTITIES, formatScale, parseScale } from '../../reports/cost/index.js';
import { oneLineError } from './helpers.js';

test('a scale reads entity=amount pairs, with 1e6 and K/M/B', () => {
  assert.deepEqual(parseScale('posts=1000000, users=2.5M ,likesPerSec=5K,follows=1e9,followsPerSec=100'), { posts: 1e6, users: 2.5e6, likesPerSec: 5000, follows: 1e9, followsPerSec: 100 });
  assert.deepEqual(parseScale(formatScale({ posts: 1e6, likesPerSec: 50 })), { posts: 1e6, likesPerSec: 50 });
});

test('an unknown entity is one line listing the known ones', () => {
  const line = oneLineError(() => parseScale('posts=1,comments=5'), /^Bad --scale: unknown entity "comments"\. Known entities: /);
  for (const e of SCALE_ENTITIES) assert.ok(line.includes(e.name), e.name);
});

test('a bad amount, a pair without =, a repeated or missing entity is one line', () => {
  oneLineError(() => parseScale('posts=-5'), /^Bad --scale: posts: "-5" is not a number >= 0/);
  oneLineError(() => parseScale('posts=lots'), /posts: "lots" is not a number/);
  oneLineError(() => parseScale('posts'), /^Bad --scale part "posts": write entity=amount\./);
  oneLineError(() => parseScale('posts=1,posts=2'), /"posts" is named twice/);
  oneLineError(() => parseScale(' , '), /it names no entity/);
});
