import { describe, expect, it } from 'vitest';
import { generateArrivals } from '../../../src/sim/workloads/arrivals.js';
import { generateWorkload } from '../../../src/sim/workloads/requests.js';
import {
  type ArrivalSpec,
  assertValidWorkload,
  type WorkloadSpec,
  workloadProblems,
} from '../../../src/sim/workloads/spec.js';
import { seededRandom } from '../../../src/utils/random.js';
import { configError } from '../../helpers/configError.js';
import { c, single } from './fixture.js';

describe('validation', () => {
  it('rejects unknown keys at every level, with a hint', () => {
    const spec = {
      arrivals: { kind: 'onOff', onRate: 1, onMs: 10, offMs: 10, offrate: 0 },
      mix: [{ at: 0, mix: { x: 1 }, until: 5 }],
      types: {
        x: { complexity: c(0.2), promptTokens: { kind: 'constant', value: 1, mean: 1 }, prio: 1 },
      },
      seed: 1,
    };
    expect(workloadProblems(spec)).toEqual([
      'unknown option `workload.seed` (known: arrivals, mix, types)',
      'unknown option `workload.arrivals.offrate` (did you mean `workload.arrivals.offRate`?) (known: kind, onRate, offRate, onMs, offMs)',
      'unknown option `workload.types.x.prio` (known: complexity, promptTokens, outputTokens, priority)',
      'unknown option `workload.types.x.promptTokens.mean` (known: kind, value)',
      'unknown option `workload.mix[0].until` (known: at, mix)',
    ]);
    const error = configError(() => assertValidWorkload(spec as unknown as WorkloadSpec));
    expect(error.message.split('\n')[0]).toBe('Invalid assertValidWorkload spec:');
    expect(error.problems).toHaveLength(5);
  });
  it('bounds times to the 1e12 ms horizon', () => {
    expect(
      workloadProblems(single({ kind: 'diurnal', meanRate: 1, amplitude: 0.5, periodMs: 1e300 })),
    ).toEqual([
      'workload.arrivals.periodMs must be a number > 0 and <= 1000000000000 (milliseconds), got 1e+300',
    ]);
  });

  it('lists every problem with its path', () => {
    const problems = workloadProblems({
      arrivals: {
        kind: 'piecewise',
        segments: [
          { at: 5, rate: 1 },
          { at: 2, rate: 0 },
        ],
      },
      mix: { a: 1, b: -1, c: 2 },
      types: {
        a: { complexity: { kind: 'uniform', min: 1, max: 0 }, promptTokens: c(1), priority: [] },
      },
    });
    expect(problems).toEqual([
      'workload.arrivals.segments[0].at must be 0, got 5',
      'workload.arrivals.segments[1].at must be a number > 0 and <= 1000000000000 (milliseconds) and > the previous at, got 2',
      'workload.arrivals.segments[1].rate must be > 0 (the last segment holds forever)',
      'workload.types.a.complexity.max must be a finite number >= min, got 0',
      'workload.types.a.priority must be a finite number or a non-empty array of { value, weight >= 0 } (no other keys), got an array of 0',
      'workload.mix.b must be a finite number >= 0, got -1',
      'workload.mix.c has no entry in types',
    ]);
  });

  it('rejects bad arrival processes', () => {
    expect(
      configError(() => generateWorkload(single({ kind: 'poisson', rate: 0 }), 1, 1)).message,
    ).toBe(
      'Invalid generateWorkload arguments:\n- spec.arrivals.rate must be a finite number > 0, got 0',
    );
    expect(() =>
      generateWorkload(single({ kind: 'mmpp', states: [{ rate: 1, meanSojournMs: 1 }] }), 1, 1),
    ).toThrow(/states must be an array of at least 2 states/);
    expect(() =>
      generateWorkload(single({ kind: 'diurnal', meanRate: 1, amplitude: 2, periodMs: 1 }), 1, 1),
    ).toThrow(/amplitude must be a number in \[0, 1\], got 2/);
    expect(() =>
      generateWorkload(single({ kind: 'weibull' } as unknown as ArrivalSpec), 1, 1),
    ).toThrow(/kind must be one of/);
    expect(() => generateWorkload(single({ kind: 'poisson', rate: 1 }), 1, -1)).toThrow(
      /requests must be an integer from 0 to 1,000,000, got -1/,
    );
    expect(() => generateArrivals({ kind: 'poisson', rate: 1 }, seededRandom(1), 1.5)).toThrow(
      /count must be an integer/,
    );
  });

  it('rejects a mix without positive weights and timed mixes out of order', () => {
    expect(workloadProblems({ ...single({ kind: 'poisson', rate: 1 }), mix: { x: 0 } })).toEqual([
      'workload.mix must have at least one weight > 0',
    ]);
    expect(
      workloadProblems({
        ...single({ kind: 'poisson', rate: 1 }),
        mix: [
          { at: 10, mix: { x: 1 } },
          { at: 10, mix: { x: 1 } },
        ],
      }),
    ).toEqual([
      'workload.mix[1].at must be a number >= 0 and <= 1000000000000 (milliseconds) and > the previous at, got 10',
    ]);
  });
});
