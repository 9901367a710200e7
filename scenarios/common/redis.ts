/** Redis helpers for load phases. */
import type { RedisClient } from '../../targets/redis/driver.js';

/**
 * Wait until Redis has freed what UNLINK handed to its background thread
 * (INFO memory lazyfree_pending_objects = 0), so that a footprint read next is not
 * inflated by the previous run's keys. Gives up silently after `timeoutMs` (default 10 s).
 */
export async function waitForLazyFree(client: RedisClient, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const info = await client.info('memory');
    const m = /lazyfree_pending_objects:(\d+)/.exec(info);
    if (!m || m[1] === '0') return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
