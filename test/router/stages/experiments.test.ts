import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Experiments } from '../../../src/router/stages/experiments.js';
import { leastLoadedStrategy } from '../../../src/strategy/leastLoaded.js';
import { staticStrategy } from '../../../src/strategy/static.js';

/** Arms with the given shares (named a0, a1, ...), control on `static`. */
function arms(shares: readonly number[]): Experiments {
  return new Experiments(
    shares.map((share, i) => ({ name: `a${i}`, strategy: 'least-loaded', share })),
    staticStrategy,
    () => leastLoadedStrategy,
  );
}

/** 1 to 4 shares summing to at most 1. */
const sharesArb = fc
  .array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 })
  .map((xs) => {
    const sum = xs.reduce((a, b) => a + b, 0);
    return sum <= 1 ? xs : xs.map((x) => x / sum / 1.0001);
  });

describe('Experiments (arm assignment)', () => {
  it('puts the same key in the same arm, whatever the request id', () => {
    fc.assert(
      fc.property(sharesArb, fc.string(), fc.nat(), fc.nat(), (shares, key, id1, id2) => {
        const x = arms(shares);
        const y = arms(shares);
        expect(x.pick(id1, key, undefined)).toBe(x.pick(id2, key, undefined));
        // Another router with the same experiments agrees (no state, no randomness).
        expect(y.pick(id1, key, undefined)!.name).toBe(x.pick(id1, key, undefined)!.name);
      }),
    );
  });

  it('keys: observed shares converge to the configured ones', () => {
    fc.assert(
      fc.property(sharesArb, fc.string({ maxLength: 8 }), (shares, prefix) => {
        const x = arms(shares);
        const n = 20_000;
        for (let i = 0; i < n; i++) x.arrived(x.pick(i, `${prefix}user-${i}`, undefined)!);
        for (const a of x.snapshot(0)) {
          // 4.5 standard deviations of a binomial share, at most 0.016 for n = 20,000.
          expect(Math.abs(a.observedShare - a.share)).toBeLessThan(
            4.5 * Math.sqrt(0.25 / n) + 1e-9,
          );
        }
      }),
      { numRuns: 20 },
    );
  });

  it('request ids: any run of consecutive ids splits within a few requests of the shares', () => {
    fc.assert(
      fc.property(
        sharesArb,
        fc.nat(1_000_000),
        fc.integer({ min: 1, max: 5000 }),
        (shares, first, n) => {
          const x = arms(shares);
          for (let id = first; id < first + n; id++) x.arrived(x.pick(id, undefined, undefined)!);
          for (const a of x.snapshot(0)) expect(Math.abs(a.requests - n * a.share)).toBeLessThan(4);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('a forced arm wins over the key; an unknown one is undefined', () => {
    const x = arms([0.5]);
    expect(x.pick(1, 'k', 'control')!.name).toBe('control');
    expect(x.pick(1, 'k', 'a0')!.name).toBe('a0');
    expect(x.pick(1, 'k', 'zz')).toBeUndefined();
  });

  it('forgets old request ids for quality attribution, and keeps at most 10,000', () => {
    const x = arms([1]);
    const a0 = x.find('a0')!;
    for (let id = 1; id <= 10_001; id++) x.completed(a0, id, 'm', 1, 0);
    x.quality('m', 1, 1); // forgotten: counts for no arm
    x.quality('m', 0.5, 2);
    expect(x.snapshot(0)[0]).toMatchObject({ quality: 0.5, qualityReports: 1 });
  });
});
