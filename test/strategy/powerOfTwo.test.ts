import { describe, expect, it } from 'vitest';
import { leastLoadedStrategy } from '../../src/strategy/leastLoaded.js';
import { powerOfTwoChoices } from '../../src/strategy/powerOfTwo.js';
import type { Strategy } from '../../src/strategy/Strategy.js';
import { seededRandom } from '../../src/utils/random.js';
import { configError } from '../helpers/configError.js';
import { candidate, input } from './candidates.js';

const loads = [0, 1, 2, 3, 4, 5];
const cands = loads.map((inFlight, i) => candidate({ id: `m${i}`, concurrency: 10, inFlight }));

describe('powerOfTwoChoices', () => {
  it('ranks two random candidates by the wrapped strategy first, then the rest in its order', () => {
    const p2c = powerOfTwoChoices(leastLoadedStrategy);
    expect(p2c.name).toBe('p2c(least-loaded)');
    const random = seededRandom(7);
    const firsts = new Map<string, number>();
    for (let i = 0; i < 600; i++) {
      const ranking = p2c.rank({ ...input(cands), random });
      expect(new Set(ranking.map((r) => r.id)).size).toBe(6);
      // The first is the better of two distinct draws: never the most loaded.
      expect(ranking[0]!.id).not.toBe('m5');
      expect(ranking[0]!.score).toBeLessThanOrEqual(ranking[1]!.score);
      const rest = ranking.slice(2).map((r) => r.score);
      expect(rest).toEqual([...rest].sort((a, b) => a - b));
      firsts.set(ranking[0]!.id, (firsts.get(ranking[0]!.id) ?? 0) + 1);
    }
    // m_k wins when drawn with a worse one: P = 2 * (5 - k) / 30. Spread, not always the best.
    expect(firsts.get('m0')! / 600).toBeCloseTo(1 / 3, 1);
    expect(firsts.get('m4')! / 600).toBeCloseTo(1 / 15, 1);
  });

  it('draws among the candidates with room when two have, and leaves small sets to the strategy', () => {
    const p2c = powerOfTwoChoices(leastLoadedStrategy);
    const withRoom = cands.map((c, i) => ({ ...c, free: i >= 4 }));
    for (let seed = 0; seed < 50; seed++) {
      const ranking = p2c.rank(input(withRoom, seed));
      expect(
        ranking
          .slice(0, 2)
          .map((r) => r.id)
          .sort(),
      ).toEqual(['m4', 'm5']);
    }
    const two = cands.slice(0, 2);
    expect(p2c.rank(input(two)).map((r) => r.id)).toEqual(['m0', 'm1']);
  });

  it('rejects what is not a strategy', () => {
    expect(configError(() => powerOfTwoChoices({} as Strategy)).message).toContain(
      '`strategy` must be a Strategy',
    );
  });
});
