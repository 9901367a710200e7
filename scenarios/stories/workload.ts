/**
 * The run phase of stories, one per thread (seed 001 "Stories Database"): create stories,
 * view seeded stories (zipfian: a few stories get most views; the viewer uniform), read a
 * user's active stories (uniform users), read a story's view counts (set and HyperLogLog).
 * Outcomes: view_story 'ok' for a new viewer, 'not_found' for a repeat view (counted apart, not
 * an error); active_stories 'not_found' when the user has none; the rest 'ok'.
 */
import { bindOperations, type Workload } from '../../engine/types.js';
import { mulberry32 } from '../../engine/schedule.js';
import { getStoragePath, openStoragePath } from '../../reference-impl/registry.js';
import { openStoreClients } from '../../targets/clients.js';
import { zipfian } from '../common/zipf.js';
import { mixPicker } from '../common/mix.js';
import type { WorkloadArgs } from '../types.js';
import { createdStoryBase, storiesMix, storiesOperations, storyStoreOptions, type StoriesOptions } from './options.js';

/**
 * This thread's workload: the stories path on its own clients.
 * @throws TargetUnreachableError when a store does not answer.
 */
export async function createWorkload(args: WorkloadArgs<StoriesOptions>, thread: { index: number; count: number }): Promise<Workload> {
  const o = args.options;
  const clients = await openStoreClients(args.connections, getStoragePath(o.path, 'stories').stores);
  try {
    const store = await openStoragePath('stories', o.path, clients, storyStoreOptions(o));
    const seed = args.seed * 7919 + thread.index;
    const rand = mulberry32(seed);
    const seededStories = o.users * o.storiesPerUser;
    const popular = zipfian(seededStories, o.zipfS, seed ^ 0x2545f491);
    let next = createdStoryBase(thread.index);
    const user = () => Math.floor(rand() * o.users);
    const operations = bindOperations(storiesOperations(o), {
      create_story: async () => {
        const id = next++;
        await store.create({ storyId: id, userId: user(), mediaUrl: `https://cdn.example/s/${id}.jpg`, mediaType: rand() < 0.3 ? 'video' : 'image', createdAt: Date.now() });
      },
      view_story: async () => ((await store.view(popular.next(), user())) ? 'ok' : 'not_found'),
      active_stories: async () => ((await store.active(user())).length > 0 ? 'ok' : 'not_found'),
      view_counts: async () => {
        await store.viewCounts(popular.next());
      },
    });
    const pick = mixPicker(storiesMix(o), rand());
    return { operations, pick: (seq) => operations[pick(seq)]!, close: () => clients.close() };
  } catch (err) {
    await clients.close();
    throw err;
  }
}
