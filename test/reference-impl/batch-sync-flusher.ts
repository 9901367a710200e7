/**
 * A likes.batch-sync flusher as its own process, for the kill -9 test
 * (likes-batch-sync.test.ts): flushes in a loop until killed, one JSON line per flush.
 * argv: keyPrefix schema.
 */
import { openStoragePath } from '../../reference-impl/registry.js';
import type { BatchSyncLikes } from '../../reference-impl/likes/batch-sync.js';
import { testClients } from './env.js';

const [keyPrefix, schema] = process.argv.slice(2);
const clients = await testClients(['redis', 'mongodb']);
const c = (await openStoragePath('likes', 'likes.batch-sync', clients, { keyPrefix, schema })) as BatchSyncLikes;
process.stdout.write('ready\n');
for (;;) {
  const r = await c.flushOnce();
  if (r.batch !== 0) process.stdout.write(JSON.stringify(r) + '\n');
  else await new Promise((res) => setTimeout(res, 5));
}
