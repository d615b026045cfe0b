import type { Strategy } from '../../src/strategy/Strategy.js';
import type { CandidateState } from '../../src/types.js';

/** A strategy that ranks the candidates in the order given and keeps what it was shown. */
export function spyStrategy(): Strategy & { seen: CandidateState[][] } {
  const seen: CandidateState[][] = [];
  return {
    name: 'spy',
    seen,
    rank: (input) => {
      seen.push([...input.candidates]);
      return input.candidates.map((c) => ({ id: c.id, score: 0, components: {}, reasons: [] }));
    },
  };
}
