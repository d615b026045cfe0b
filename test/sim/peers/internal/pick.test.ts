import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowest, twoChoices, weighted } from '../../../../src/sim/peers/internal/pick.js';
import { seededRandom } from '../../../../src/utils/random.js';
import { arbCandidates, candidate } from '../../../strategy/candidates.js';

describe('peer picking helpers', () => {
  it('twoChoices draws two distinct candidates (one candidate: itself twice)', () => {
    fc.assert(
      fc.property(arbCandidates(), fc.integer(), (cs, seed) => {
        const [a, b] = twoChoices(cs, seededRandom(seed));
        expect(cs).toContain(a);
        expect(cs).toContain(b);
        if (cs.length > 1) expect(a).not.toBe(b);
        else expect(a).toBe(b);
      }),
    );
  });

  it('twoChoices draws every pair about equally often', () => {
    const cs = ['a', 'b', 'c'].map((id) => candidate({ id }));
    const random = seededRandom(9);
    const pairs = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const key = twoChoices(cs, random)
        .map((c) => c.id)
        .sort()
        .join('');
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
    expect([...pairs.keys()].sort()).toEqual(['ab', 'ac', 'bc']);
    for (const n of pairs.values()) expect(Math.abs(n - 2000)).toBeLessThan(200);
  });

  it('lowest returns a minimum, treats NaN as worst, and spreads ties over the tied', () => {
    fc.assert(
      fc.property(arbCandidates(), fc.integer(), (cs, seed) => {
        const { candidate: c, score } = lowest(cs, (x) => x.inFlight, seededRandom(seed));
        expect(score).toBe(Math.min(...cs.map((x) => x.inFlight)));
        expect(c.inFlight).toBe(score);
      }),
    );
    const cs = [candidate({ id: 'nan' }), candidate({ id: 'a' }), candidate({ id: 'b' })];
    const score = (x: { id: string }) => (x.id === 'nan' ? Number.NaN : 1);
    const seen = new Set<string>();
    for (let seed = 0; seed < 50; seed++)
      seen.add(lowest(cs, score, seededRandom(seed)).candidate.id);
    expect(seen).toEqual(new Set(['a', 'b']));
  });

  it('weighted never draws a zero weight unless all are zero', () => {
    const cs = [candidate({ id: 'zero' }), candidate({ id: 'one' })];
    const random = seededRandom(3);
    for (let i = 0; i < 100; i++)
      expect(weighted(cs, (c) => (c.id === 'zero' ? 0 : 1), random).id).toBe('one');
    const all = new Set<string>();
    for (let i = 0; i < 100; i++) all.add(weighted(cs, () => 0, random).id);
    expect(all).toEqual(new Set(['zero', 'one']));
  });
});
