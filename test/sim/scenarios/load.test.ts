import { describe, expect, it } from 'vitest';
import { defaultFleet } from '../../../src/sim/scenarios/fleets.js';
import { estimateLoad } from '../../../src/sim/scenarios/load.js';
import { scenarios } from '../../../src/sim/scenarios/scenarios.js';
import { configError } from '../../helpers/configError.js';

describe('documented loads (estimateLoad)', () => {
  const near = (actual: number | undefined, expected: number, tolerance = 0.03): void => {
    expect(actual).toBeDefined();
    expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(tolerance);
  };

  it('steady: below capacity everywhere', () => {
    const load = estimateLoad(scenarios.steady.models, scenarios.steady.workload, {
      samples: 40_000,
    });
    near(load.rate, 5, 0.1);
    near(load.static['coder-7b'], 0.41);
    near(load.static['reasoner-14b'], 0.58);
    near(load.static['embedder-4b'], 0.002, 0.002);
    near(load.balanced['coder-7b'], 0.35);
  });

  it('code-burst: saturates coder-7b alone but not the fleet', () => {
    const s = scenarios['code-burst'];
    const load = estimateLoad(s.models, s.workload, { samples: 40_000 });
    near(load.static['coder-7b'], 1.11);
    expect(load.static['reasoner-14b']).toBe(0);
    near(load.balanced['coder-7b'], 0.79);
    near(load.balanced['reasoner-14b'], 0.79);
    expect(Math.max(...Object.values(load.proportional))).toBeLessThan(0.85);
  });

  it('embedding-flood: the embedder at 0.89 during the flood', () => {
    const s = scenarios['embedding-flood'];
    const load = estimateLoad(s.models, s.workload, {
      from: 60_000,
      until: 90_000,
      samples: 40_000,
    });
    near(load.rate, 499, 10);
    near(load.static['embedder-4b'], 0.89);
    near(load.static['coder-7b'], 0.4, 0.04);
    near(load.static['reasoner-14b'], 0.58, 0.04);
  });

  it('reasoning-spike: static reasoner 1.75 during the spike, balanced 0.67', () => {
    const s = scenarios['reasoning-spike'];
    const load = estimateLoad(s.models, s.workload, {
      from: 120_000,
      until: 240_000,
      samples: 40_000,
    });
    near(load.static['reasoner-14b'], 1.75, 0.05);
    near(load.static['coder-7b'], 0.42);
    near(load.balanced['reasoner-14b'], 0.67);
  });

  it('slow-model: static coder 3.3 during the slowdown, balanced 0.91', () => {
    const s = scenarios['slow-model'];
    const during = estimateLoad(s.models, s.workload, {
      from: 120_000,
      until: 240_000,
      samples: 40_000,
    });
    near(during.static['coder-7b'], 3.3, 0.1);
    near(during.balanced['coder-7b'], 0.91);
    const before = estimateLoad(s.models, s.workload, { from: 0, until: 120_000, samples: 40_000 });
    near(before.static['coder-7b'], 0.33);
  });

  it('failing-model: without coder-7b the reasoner runs at 0.87', () => {
    const s = scenarios['failing-model'];
    const rest = s.models.filter((m) => m.id !== 'coder-7b');
    const load = estimateLoad(rest, s.workload, { from: 120_000, until: 240_000, samples: 40_000 });
    near(load.balanced['reasoner-14b'], 0.87);
    near(estimateLoad(s.models, s.workload, { samples: 40_000 }).static['coder-7b'], 0.25);
  });

  it('heterogeneous-1000: static overloads the reasoning homes, balanced stays below 0.6', () => {
    const s = scenarios['heterogeneous-1000'];
    const load = estimateLoad(s.models, s.workload, { samples: 10_000 });
    const values = Object.values(load.static);
    near(values.reduce((a, b) => a + b, 0) / values.length, 0.28);
    near(Math.max(...values), 1.33, 0.06);
    near(Math.max(...Object.values(load.balanced)), 0.54);
  });

  it('rejects bad options', () => {
    expect(
      configError(() => estimateLoad(defaultFleet, scenarios.steady.workload, { samples: 0 }))
        .message,
    ).toMatch(/samples/);
    expect(
      configError(() =>
        estimateLoad(defaultFleet, scenarios.steady.workload, { from: 10, until: 5 }),
      ).message,
    ).toMatch(/until/);
    const error = configError(() =>
      estimateLoad(
        [],
        { ...scenarios.steady.workload, mixx: {} } as never,
        {
          sample: 5,
          samples: 1e12,
          seed: 0.5,
        } as never,
      ),
    );
    expect(error.message.split('\n')[0]).toBe('Invalid estimateLoad arguments:');
    expect(error.problems).toEqual([
      'models must be a non-empty array of model specs, got an array of 0',
      'unknown option `workload.mixx` (known: arrivals, mix, types)',
      'unknown option `sample` (known: samples, seed, from, until)',
      'samples must be an integer from 1 to 10000000, got 1000000000000',
      'seed must be a safe integer, got 0.5',
    ]);
  });
});
