/** KeyedSerializer (reference-impl/common/mongo.ts): one task at a time per key, and a task that waited too long for its turn is given up unsent. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyedSerializer, SerialQueueTimeoutError } from '../../reference-impl/common/mongo.js';

test('tasks of one key run one at a time, in order; other keys do not wait', async () => {
  const s = new KeyedSerializer();
  const log: string[] = [];
  const task = (name: string, ms: number) => async () => {
    log.push(`start ${name}`);
    await sleep(ms);
    log.push(`end ${name}`);
    return name;
  };
  const results = await Promise.all([s.run(0, task('a', 20)), s.run(0, task('b', 5)), s.run(1, task('x', 5))]);
  assert.deepEqual(results, ['a', 'b', 'x']);
  assert.ok(log.indexOf('end a') < log.indexOf('start b'), log.join(', '));
  assert.ok(log.indexOf('start x') < log.indexOf('end a'), log.join(', '));
});

test('a failing task does not stop the ones queued behind it', async () => {
  const s = new KeyedSerializer();
  const first = s.run(0, async () => {
    throw new Error('boom');
  });
  const second = s.run(0, async () => 2);
  await assert.rejects(first, /boom/);
  assert.equal(await second, 2);
});

test('a task whose turn comes after maxWaitMs is rejected without running; later tasks run again', async () => {
  const s = new KeyedSerializer(30);
  let ran = 0;
  const slow = s.run(0, async () => {
    await sleep(80);
    return 'slow';
  });
  const starved = s.run(0, async () => {
    ran++;
    return 'starved';
  });
  assert.equal(await slow, 'slow');
  await assert.rejects(starved, (err: unknown) => err instanceof SerialQueueTimeoutError && /not sent: waited \d+ ms behind earlier writes/.test((err as Error).message));
  assert.equal(ran, 0);
  assert.equal(await s.run(0, async () => 'fresh'), 'fresh');
});
