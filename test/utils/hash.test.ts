import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goldenPoint, hashString, unitHash } from '../../src/utils/hash.js';

describe('hash', () => {
  it('hashString is FNV-1a (known vectors)', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(hashString('foobar')).toBe(0xbf9cf968);
  });

  it('unitHash and goldenPoint stay in [0, 1)', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer(), (s, n) => {
        for (const u of [unitHash(s), goldenPoint(n)]) {
          expect(u).toBeGreaterThanOrEqual(0);
          expect(u).toBeLessThan(1);
        }
      }),
    );
  });

  it('goldenPoint spreads consecutive integers evenly', () => {
    const n = 1000;
    const inFirstTenth = Array.from({ length: n }, (_, i) => goldenPoint(i + 77)).filter(
      (u) => u < 0.1,
    ).length;
    expect(Math.abs(inFirstTenth - 100)).toBeLessThan(3);
  });
});
