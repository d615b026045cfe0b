import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  constant,
  type Distribution,
  type DistributionSpec,
  distributionMean,
  distributionProblems,
  empirical,
  exponential,
  lognormal,
  makeDistribution,
  prefillDecode,
  uniform,
} from '../../src/sim/distributions.js';
import { seededRandom } from '../../src/utils/random.js';
import { configError } from '../helpers/configError.js';

const draw = (d: Distribution, n: number, seed = 1): number[] => {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => d(random));
};
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);
const at = (xs: readonly number[], p: number): number =>
  sorted(xs)[Math.floor(p * (xs.length - 1))] as number;

describe('samplers', () => {
  it('constant always returns its value', () => {
    expect(draw(constant(7), 5)).toEqual([7, 7, 7, 7, 7]);
  });

  it('exponential(rate) has mean 1 / rate', () => {
    const xs = draw(exponential(1 / 200), 50_000);
    expect(mean(xs)).toBeGreaterThan(196);
    expect(mean(xs)).toBeLessThan(204);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
  });

  it('lognormal({ median, spread }) has that median and p95 = spread × median', () => {
    const xs = draw(lognormal({ median: 1000, spread: 2.5 }), 50_000);
    expect(at(xs, 0.5) / 1000).toBeCloseTo(1, 1);
    expect(at(xs, 0.95) / 2500).toBeCloseTo(1, 1);
    expect(
      mean(xs) / distributionMean({ kind: 'lognormal', median: 1000, spread: 2.5 }),
    ).toBeCloseTo(1, 1);
  });

  it('lognormal with spread 1 is constant', () => {
    expect(new Set(draw(lognormal({ median: 42, spread: 1 }), 10))).toEqual(new Set([42]));
  });

  it('lognormal samples are always positive and finite (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        fc.double({ min: 1, max: 20, noNaN: true }),
        fc.integer(),
        (median, spread, seed) => {
          const x = lognormal({ median, spread })(seededRandom(seed));
          return x > 0 && Number.isFinite(x);
        },
      ),
    );
  });

  it('uniform stays in [min, max) with mean (min + max) / 2', () => {
    const xs = draw(uniform(2, 4), 20_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...xs)).toBeLessThan(4);
    expect(mean(xs)).toBeCloseTo(3, 1);
  });

  it('empirical picks only given values, about equally often, from a copy', () => {
    const values = [1, 2, 3];
    const d = empirical(values);
    values.push(99);
    const xs = draw(d, 30_000);
    for (const v of [1, 2, 3]) {
      expect(xs.filter((x) => x === v).length / xs.length).toBeCloseTo(1 / 3, 1);
    }
    expect(xs).not.toContain(99);
  });

  it('prefillDecode charges prompt and output tokens, plus overhead', () => {
    const d = prefillDecode({ prefillMsPerToken: 0.2, decodeMsPerToken: 25, overheadMs: 40 });
    const random = seededRandom(1);
    expect(d(random, { tokens: 1100, outputTokens: 100 })).toBeCloseTo(
      40 + 0.2 * 1000 + 25 * 100,
      9,
    );
    expect(d(random, { tokens: 500 })).toBeCloseTo(40 + 0.2 * 500, 9);
    expect(d(random)).toBe(40);
  });

  it('prefillDecode jitter is multiplicative noise with median 1', () => {
    const d = prefillDecode({ prefillMsPerToken: 1, decodeMsPerToken: 0, jitter: 3 });
    const random = seededRandom(3);
    const xs = Array.from({ length: 20_000 }, () => d(random, { tokens: 100 }));
    expect(at(xs, 0.5) / 100).toBeCloseTo(1, 1);
    expect(at(xs, 0.95) / 300).toBeCloseTo(1, 1);
  });
});

describe('makeDistribution', () => {
  const specs: DistributionSpec[] = [
    { kind: 'constant', value: 3 },
    { kind: 'exponential', mean: 250 },
    { kind: 'lognormal', median: 800 },
    { kind: 'lognormal', median: 800, spread: 4 },
    { kind: 'uniform', min: -1, max: 1 },
    { kind: 'empirical', values: [5, 10, 20] },
    {
      kind: 'prefillDecode',
      prefillMsPerToken: 0.1,
      decodeMsPerToken: 20,
      overheadMs: 30,
      jitter: 1.5,
    },
  ];

  it.each(specs)('builds $kind samplers matching their exact mean', (spec) => {
    const d = makeDistribution(spec);
    const random = seededRandom(11);
    const context = { tokens: 600, outputTokens: 100 };
    const xs = Array.from({ length: 40_000 }, () => d(random, context));
    const expected = distributionMean(spec, context);
    expect(Math.abs(mean(xs) - expected)).toBeLessThanOrEqual(Math.abs(expected) * 0.03 + 0.02);
  });

  it('is deterministic: same spec and seed, same draws', () => {
    for (const spec of specs) {
      expect(draw(makeDistribution(spec), 20, 5)).toEqual(draw(makeDistribution(spec), 20, 5));
    }
  });

  it('builds the same sampler as the factory', () => {
    expect(draw(makeDistribution({ kind: 'exponential', mean: 100 }), 10)).toEqual(
      draw(exponential(0.01), 10),
    );
    expect(draw(makeDistribution({ kind: 'lognormal', median: 5, spread: 3 }), 10)).toEqual(
      draw(lognormal({ median: 5, spread: 3 }), 10),
    );
  });
});

describe('validation', () => {
  it('names the field, the expectation and the value', () => {
    expect(configError(() => lognormal({ median: -1 })).message).toBe(
      'Invalid lognormal options:\n- median must be a finite number > 0, got -1',
    );
    expect(configError(() => lognormal({ median: 10, spread: 0.5 })).message).toMatch(
      /- spread must be a number from 1 to 1000 \(p95 \/ median\), got 0.5/,
    );
    expect(configError(() => exponential(0)).message).toBe(
      'Invalid exponential arguments:\n- rate must be a finite number > 0, got 0',
    );
    expect(configError(() => exponential(-1)).message).toMatch(/rate .* got -1/);
    expect(configError(() => empirical([])).message).toMatch(/- values must be a non-empty array/);
    expect(configError(() => uniform(3, 1)).message).toMatch(
      /- max must be a finite number >= min/,
    );
    expect(configError(() => constant(Number.NaN)).message).toBe(
      'Invalid constant arguments:\n- value must be a finite number, got NaN',
    );
    expect(
      configError(() => prefillDecode({ prefillMsPerToken: -1, decodeMsPerToken: 1 })).message,
    ).toMatch(/prefillMsPerToken/);
  });

  it('rejects unknown keys with a hint and lists every problem at once', () => {
    const error = configError(() =>
      lognormal({ median: -1, Spread: 2, kind: 'lognormal' } as unknown as { median: number }),
    );
    expect(error.problems).toEqual([
      'unknown option `Spread` (did you mean `spread`?) (known: median, spread)',
      'unknown option `kind` (known: median, spread)',
      'median must be a finite number > 0, got -1',
    ]);
    expect(
      configError(() =>
        prefillDecode({ prefillMsPerToken: -1, decodeMsPerToken: -1, jiter: 2 } as unknown as {
          prefillMsPerToken: number;
          decodeMsPerToken: number;
        }),
      ).problems,
    ).toHaveLength(3);
    const spec = configError(() =>
      makeDistribution({ kind: 'exponential', mean: 0, median: 5 } as unknown as DistributionSpec),
    );
    expect(spec.message).toBe(
      [
        'Invalid makeDistribution spec:',
        '- unknown option `distribution.median` (known: kind, mean)',
        '- distribution.mean must be a finite number > 0, got 0',
      ].join('\n'),
    );
    expect(distributionProblems({ kind: 'constant', value: 1, Value: 2 }, 'svc')).toEqual([
      'unknown option `svc.Value` (did you mean `svc.value`?) (known: kind, value)',
    ]);
  });

  it('lists every problem of a spec, with its path', () => {
    expect(
      distributionProblems(
        { kind: 'prefillDecode', prefillMsPerToken: -1, decodeMsPerToken: 'x' },
        'svc',
      ),
    ).toEqual([
      'svc.prefillMsPerToken must be a finite number >= 0, got -1',
      'svc.decodeMsPerToken must be a finite number >= 0, got "x"',
    ]);
    expect(distributionProblems({ kind: 'gamma' })[0]).toMatch(/distribution\.kind must be one of/);
    expect(distributionProblems(null, 'x')).toEqual([
      'x must be a distribution spec object, got null',
    ]);
    expect(distributionProblems({ kind: 'lognormal', median: 1 })).toEqual([]);
  });

  it('makeDistribution and distributionMean reject invalid specs', () => {
    const bad = { kind: 'exponential', mean: -5 } as DistributionSpec;
    expect(configError(() => makeDistribution(bad)).message).toMatch(
      /^Invalid makeDistribution spec/,
    );
    expect(configError(() => distributionMean(bad)).message).toMatch(
      /^Invalid distributionMean spec:\n- distribution\.mean must be/,
    );
  });
});
