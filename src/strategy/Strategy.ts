import type { RoutingInput, ScoredCandidate } from '../types.js';

/**
 * A routing policy: a pure function from a {@link RoutingInput} snapshot to a ranking.
 *
 * `rank` must not touch queues, clocks or I/O: given the same input (including the same `random`
 * sequence) it returns the same ranking. It returns the candidates it is willing to use, best (lowest
 * score) first; it may leave out candidates it would never use (the `static` strategy keeps only the
 * home models). The router binds the request to the first ranked candidate that has room, or keeps it
 * waiting for any ranked candidate to free up.
 *
 * @example
 * const cheapest: Strategy = {
 *   name: 'cheapest',
 *   rank: ({ candidates }) =>
 *     [...candidates]
 *       .sort((a, b) => a.cost - b.cost)
 *       .map((c) => ({ id: c.id, score: c.cost, components: { cost: c.cost }, reasons: [] })),
 * };
 */
export interface Strategy {
  /** A short name, shown in `explain()`, events and simulator reports. */
  readonly name: string;
  /** Ranks the candidates, best first. */
  rank(input: RoutingInput): readonly ScoredCandidate[];
}
