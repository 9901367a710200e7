/**
 * The run phase of caches, one per thread (one "app server": its own cache instance, so
 * caches.pubsub-l1 has one L1 per thread): zipfian reads of posts, users and feed pages, and
 * updates of posts and users. At close the instance's counters are added to a Redis hash
 * (statsKey) for verify()'s hit ratio and database load saved.
 * Outcomes: a read 'ok' when found, 'not_found' otherwise; updates 'ok'.
 */
import { bindOperations, type Workload } from '../../engine/types.js';
import { mulberry32 } from '../../engine/schedule.js';
import { getStoragePath, openStoragePath } from '../../reference-impl/registry.js';
import { openStoreClients } from '../../targets/clients.js';
import { zipfian } from '../common/zipf.js';
import { mixPicker } from '../common/mix.js';
import type { WorkloadArgs } from '../types.js';
import { cacheOptions, cachesMix, cachesOperations, statsKey, type CachesOptions } from './options.js';

/**
 * This thread's workload.
 * @throws TargetUnreachableError when a store does not answer.
 */
export async function createWorkload(args: WorkloadArgs<CachesOptions>, thread: { index: number; count: number }): Promise<Workload> {
  const o = args.options;
  const clients = await openStoreClients(args.connections, getStoragePath(o.path, 'caches').stores, { pgPoolSize: o.pgPoolSize });
  try {
    const cache = await openStoragePath('caches', o.path, clients, cacheOptions(o));
    const seed = args.seed * 7919 + thread.index;
    const rand = mulberry32(seed);
    const posts = zipfian(o.posts, o.zipfS, seed ^ 0x1);
    const users = zipfian(o.users, o.zipfS, seed ^ 0x2);
    let edit = 0;
    const operations = bindOperations(cachesOperations(o), {
      get_post: async () => ((await cache.getPost(posts.next())) ? 'ok' : 'not_found'),
      get_user: async () => ((await cache.getUser(users.next())) ? 'ok' : 'not_found'),
      feed: async () => ((await cache.feed(users.next(), 0)).length > 0 ? 'ok' : 'not_found'),
      update_post: async () => {
        await cache.updatePost(posts.next(), `edited by thread ${thread.index} #${edit++}`);
      },
      update_user: async () => {
        await cache.updateUser(users.next(), `bio edited by thread ${thread.index} #${edit++}`);
      },
    });
    const pick = mixPicker(cachesMix(o), rand());
    return {
      operations,
      pick: (seq) => operations[pick(seq)]!,
      close: async () => {
        try {
          const s = cache.stats();
          const k = statsKey(o);
          await clients.redis?.multi().hIncrBy(k, 'hits', s.hits).hIncrBy(k, 'l1Hits', s.l1Hits).hIncrBy(k, 'misses', s.misses).hIncrBy(k, 'dbWrites', s.dbWrites).exec();
          await cache.close();
        } finally {
          await clients.close();
        }
      },
    };
  } catch (err) {
    await clients.close();
    throw err;
  }
}
