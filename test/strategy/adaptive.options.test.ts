import { describe, expect, it } from 'vitest';
import {
  type AdaptiveStrategyOptions,
  createAdaptiveStrategy,
} from '../../src/strategy/adaptive.js';
import { configError } from '../helpers/configError.js';
import { candidate, ids, input } from './candidates.js';

describe('adaptive: option validation', () => {
  const bad: Array<[keyof AdaptiveStrategyOptions, unknown]> = [
    ['defaultPriorMs', 0],
    ['defaultPriorMs', -1],
    ['defaultPriorMs', Number.NaN],
    ['defaultPriorMs', Number.POSITIVE_INFINITY],
    ['defaultPriorMs', '100'],
    ['priorWeight', -0.5],
    ['priorWeight', Number.NaN],
    ['priorWeight', Number.POSITIVE_INFINITY],
    ['homeFactor', 0],
    ['homeFactor', 1.01],
    ['homeFactor', -1],
    ['homeFactor', Number.NaN],
    ['costWeight', -1],
    ['costWeight', Number.POSITIVE_INFINITY],
    ['costWeight', null],
    ['degradedFactor', 0.99],
    ['degradedFactor', Number.POSITIVE_INFINITY],
    ['degradedFactor', Number.NaN],
    ['tailWeight', -0.1],
    ['tailWeight', 1.1],
    ['tailWeight', Number.NaN],
    ['lateBindSlack', 0.99],
    ['lateBindSlack', 0],
    ['lateBindSlack', Number.NaN],
    ['trialBudgetMs', -1],
    ['trialBudgetMs', Number.POSITIVE_INFINITY],
    ['trialBudgetMs', Number.NaN],
  ];

  it.each(bad)('rejects %s = %s with CONFIG_INVALID naming the option and the value', (name, v) => {
    const error = configError(() =>
      createAdaptiveStrategy({ [name]: v } as AdaptiveStrategyOptions),
    );
    expect(error.message).toMatch(/^Invalid adaptive strategy options:/);
    expect(error.problems).toEqual([expect.stringContaining(`\`${name}\` must be`)]);
    expect(error.message).toContain(`got ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`);
  });

  it('takes an option set to undefined as absent (the default applies)', () => {
    const options = { lateBindSlack: undefined } as unknown as AdaptiveStrategyOptions;
    expect(() => createAdaptiveStrategy(options)).not.toThrow();
  });

  it('lists every problem at once', () => {
    const error = configError(() =>
      createAdaptiveStrategy({ homeFactor: 2, tailWeight: 2, priorWeight: -1 }),
    );
    expect(error.problems).toHaveLength(3);
    expect(error.message).toMatch(/`priorWeight`[\s\S]*`homeFactor`[\s\S]*`tailWeight`/);
  });

  it('rejects unknown option keys, suggesting the one meant', () => {
    const error = configError(() =>
      createAdaptiveStrategy({ costweight: 50 } as unknown as AdaptiveStrategyOptions),
    );
    expect(error.problems).toEqual([
      expect.stringContaining('unknown option `costweight` (did you mean `costWeight`?)'),
    ]);
  });

  it('rejects options that are not an object', () => {
    const error = configError(() =>
      createAdaptiveStrategy(5 as unknown as AdaptiveStrategyOptions),
    );
    expect(error.message).toContain('options must be an object or undefined, got 5');
  });

  it('accepts the boundary values', () => {
    expect(() =>
      createAdaptiveStrategy({
        defaultPriorMs: Number.MIN_VALUE,
        priorWeight: 0,
        homeFactor: 1,
        costWeight: 0,
        degradedFactor: 1,
        tailWeight: 1,
        lateBindSlack: 1,
      }),
    ).not.toThrow();
    expect(() =>
      createAdaptiveStrategy({ tailWeight: 0, lateBindSlack: Number.POSITIVE_INFINITY }),
    ).not.toThrow();
  });

  it('breaks ties with the random source it is given, one draw per candidate', () => {
    const cs = Array.from({ length: 5 }, (_, i) => candidate({ id: `m${i}`, priorLatencyMs: 1 }));
    let next = 1;
    const falling = () => (next -= 0.1);
    const ranking = createAdaptiveStrategy().rank({ ...input(cs), random: falling });
    expect(ids(ranking)).toEqual(['m4', 'm3', 'm2', 'm1', 'm0']);
  });
});
