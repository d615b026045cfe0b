import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/utils/random.js';

describe('seededRandom', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const r = seededRandom(seed);
        let sum = 0;
        for (let i = 0; i < 2000; i++) {
          const x = r();
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThan(1);
          sum += x;
        }
        expect(sum / 2000).toBeGreaterThan(0.45);
        expect(sum / 2000).toBeLessThan(0.55);
      }),
      { numRuns: 50 },
    );
  });
});
