import type { RoutingInput, ScoredCandidate } from '../types.js';
import { sortByScore } from './internal/rankBy.js';
import type { Strategy } from './Strategy.js';

/**
 * Fewest requests in flight, queued and waiting relative to capacity: score =
 * `(inFlight + queued + waiting) / concurrency`. Blind to speed: a slow model with a free slot wins
 * over a fast busy one. Ties are broken by `random`.
 */
export const leastLoadedStrategy: Strategy = {
  name: 'least-loaded',
  rank(input: RoutingInput): readonly ScoredCandidate[] {
    return sortByScore(
      input.candidates.map((c) => {
        const load = (c.inFlight + c.queued + c.waiting) / c.concurrency;
        return {
          id: c.id,
          score: load,
          components: { load },
          reasons: [
            `${c.inFlight + c.queued + c.waiting} busy or waiting of ${c.concurrency} slots`,
          ],
        };
      }),
      input.random,
    );
  },
};
