import type { CandidateState, RoutingInput, ScoredCandidate } from '../types.js';
import { configInvalid, describeValue } from '../utils/options.js';
import type { Strategy } from './Strategy.js';

/**
 * Power of two choices over another strategy: each decision draws two candidates at random (among
 * those with room, when two have) and lets `strategy` rank just those two; the other candidates
 * follow in `strategy`'s own order (for failover and waiting).
 *
 * Use it when decisions read load data that may be a few ms stale, such as a load view shared by
 * several routers (`zeta-router/redis`): routers that all pick "the best" on the same stale view
 * send their work to the same model at once (herding), while two random choices spread it and still
 * avoid the worst. With fresh local data, the wrapped strategy alone chooses better.
 *
 * @example
 * new ZetaDynamicRouter({ models, strategy: powerOfTwoChoices(leastLoadedStrategy) });
 * @throws {ZetaError} `CONFIG_INVALID` when `strategy` has no `rank` function.
 */
export function powerOfTwoChoices(strategy: Strategy): Strategy {
  if (typeof (strategy as Partial<Strategy> | null)?.rank !== 'function') {
    throw configInvalid('powerOfTwoChoices', [
      `\`strategy\` must be a Strategy (an object with rank(input)), got ${describeValue(strategy)}`,
    ]);
  }
  const name = `p2c(${String(strategy.name)})`;
  return {
    name,
    rank(input: RoutingInput): readonly ScoredCandidate[] {
      const all = input.candidates;
      if (all.length <= 2) return strategy.rank(input);
      let free = 0;
      for (const c of all) if (c.free) free++;
      const pool = free >= 2 ? all.filter((c) => c.free) : all;
      const random = input.random;
      const i = Math.min(pool.length - 1, Math.floor(random() * pool.length));
      let j = Math.min(pool.length - 2, Math.floor(random() * (pool.length - 1)));
      if (j >= i) j++;
      const two: CandidateState[] = [pool[i]!, pool[j]!];
      const first = strategy.rank({ ...input, candidates: two });
      const chosen = new Set(first.map((r) => r.id));
      const rest = strategy.rank(input).filter((r) => !chosen.has(r.id));
      return [...first, ...rest];
    },
  };
}
