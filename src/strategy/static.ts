import type { RoutingInput, ScoredCandidate } from '../types.js';
import { sortByScore } from './internal/rankBy.js';
import type { Strategy } from './Strategy.js';

/**
 * The original routing table: a task goes to its home model and waits there, whatever the load
 * elsewhere. Several home models share by load; a task type with no capable home model may use any
 * capable model (ties broken by `random`). Use it as the baseline the other strategies must beat.
 */
export const staticStrategy: Strategy = {
  name: 'static',
  rank(input: RoutingInput): readonly ScoredCandidate[] {
    const homes = input.candidates.filter((c) => c.home);
    const pool = homes.length > 0 ? homes : input.candidates;
    const reason =
      homes.length > 0
        ? `home model for '${input.task.type}'`
        : `no capable home model for '${input.task.type}': any capable model`;
    return sortByScore(
      pool.map((c) => {
        const load = (c.inFlight + c.queued + c.waiting) / c.concurrency;
        return { id: c.id, score: load, components: { load }, reasons: [reason] };
      }),
      input.random,
    );
  },
};
