/**
 * The built-in scenarios by id. Adding a scenario: scenarios/<id>/ plus one line here.
 */
import { UsageError } from '../core/errors.js';
import type { AnyScenario } from './types.js';
import { viralLikeSpike } from './viral-like-spike/index.js';
import { followQueries } from './follow-queries/index.js';
import { search } from './search/index.js';
import { fanOut } from './fan-out/index.js';
import { bookmarks } from './bookmarks/index.js';
import { stories } from './stories/index.js';
import { shardSim } from './shard-sim/index.js';
import { caches } from './caches/index.js';
import { mixedSocial } from './mixed-social/index.js';
import { postsComments } from './posts-comments/index.js';

export const SCENARIOS: Readonly<Record<string, AnyScenario>> = {
  [viralLikeSpike.id]: viralLikeSpike,
  [followQueries.id]: followQueries,
  [search.id]: search,
  [fanOut.id]: fanOut,
  [bookmarks.id]: bookmarks,
  [stories.id]: stories,
  [shardSim.id]: shardSim,
  [caches.id]: caches,
  [mixedSocial.id]: mixedSocial,
  [postsComments.id]: postsComments,
};

/**
 * The scenario with this id.
 * @throws UsageError listing the scenarios there are.
 */
export function getScenario(id: string): AnyScenario {
  const s = SCENARIOS[id];
  if (!s) {
    throw new UsageError(`Unknown scenario "${id}".`, {
      hint: `Built-in scenarios: ${Object.keys(SCENARIOS).join(', ')}; or give a scenario file (.yaml, .yml, .json).`,
    });
  }
  return s;
}
