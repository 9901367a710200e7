/**
 * The run phase of mixed-social, one per thread: the realistic day's operations on every
 * driven path at once (scenarios/mixed-social/options.ts DAY), the step chosen by the intended
 * start (step k runs operations "<op>_s<k+1>" at scale scales[k]), the operation within a step by
 * the mix (shares proportional to the DAY rates). Keys: likes, bookmarks, comments and story
 * views zipfian over their ids; users uniform; new posts, comments and stories get ids unique to
 * the thread. Outcomes: a duplicate follow or bookmark, an empty feed or search is 'not_found'.
 */
import { bindOperations, type OperationFn, type Workload } from '../../engine/types.js';
import { mulberry32 } from '../../engine/schedule.js';
import { zipfian } from '../common/zipf.js';
import { mixPicker, normaliseMix } from '../common/mix.js';
import type { WorkloadArgs } from '../types.js';
import { driven, mixedOperations, stepOpName, type MixedSocialOptions } from './options.js';
import { WORDS, openMixedPaths } from './paths.js';

/** This thread's workload. @throws TargetUnreachableError when a store does not answer. */
export async function createWorkload(args: WorkloadArgs<MixedSocialOptions>, thread: { index: number; count: number }): Promise<Workload> {
  const o = args.options;
  const m = await openMixedPaths(o, args.connections);
  const seed = args.seed * 7919 + thread.index;
  const rand = mulberry32(seed);
  const posts = zipfian(o.posts, o.zipfS, seed ^ 0x11);
  const stories = zipfian(o.users, o.zipfS, seed ^ 0x22);
  const user = () => Math.floor(rand() * o.users);
  let nextId = 2_000_000_000 + thread.index * 10_000_000;
  const fns: Record<string, OperationFn> = {
    like: async () => {
      await m.likes!.like(posts.next());
    },
    follow: async () => {
      const a = user();
      let b = user();
      if (b === a) b = (a + 1) % o.users;
      return (await m.follows!.follow(a, b)) ? 'ok' : 'not_found';
    },
    bookmark: async () => ((await m.bookmarks!.add(user(), posts.next())) ? 'ok' : 'not_found'),
    post: async () => {
      await m.posts!.create({ postId: nextId++, authorId: user(), createdAt: Date.now() });
    },
    comment: async () => {
      await m.comments!.add({ postId: posts.next(), commentId: nextId++, authorId: user(), createdAt: Date.now(), text: 'nice post' });
    },
    feed_read: async () => ((await m.caches!.feed(user(), 0)).length > 0 ? 'ok' : 'not_found'),
    story_view: async () => {
      await m.stories!.view(stories.next(), user());
    },
    story_create: async () => {
      const id = nextId++;
      await m.stories!.create({ storyId: id, userId: user(), mediaUrl: `https://cdn.example/s/${id}.jpg`, mediaType: 'image', createdAt: Date.now() });
    },
    search: async () => ((await m.search!.search({ kind: 'match', text: WORDS[Math.floor(rand() * WORDS.length)]! })).ids.length > 0 ? 'ok' : 'not_found'),
  };
  const { ops } = driven();
  const run: Record<string, OperationFn> = {};
  o.scales.forEach((_, k) => ops.forEach((d) => (run[stepOpName(d.op, k)] = fns[d.op]!)));
  const operations = bindOperations(mixedOperations(o), run);
  const pick = mixPicker(normaliseMix(ops.map((d) => ({ op: d.op, share: o.mix === 'even' ? 1 : d.rate }))), rand());
  const per = ops.length;
  return {
    operations,
    pick: (seq, tS) => {
      const k = Math.min(o.scales.length - 1, Math.max(0, Math.floor(tS / o.stepS)));
      return operations[k * per + pick(seq)]!;
    },
    close: () => m.close(),
  };
}
