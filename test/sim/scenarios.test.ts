import { describe, expect, it } from 'vitest';
import { assertValidFleet, type SimModelSpec } from '../../src/sim/models.js';
import { simulatePooled } from '../../src/sim/pooled.js';
import {
  defaultFleet,
  estimateLoad,
  getScenario,
  heterogeneousFleet,
  scenarioNames,
  scenarios,
} from '../../src/sim/scenarios.js';
import { computeStats } from '../../src/sim/stats.js';
import { assertValidWorkload, generateWorkload } from '../../src/sim/workloads.js';
import { configError } from '../helpers/configError.js';

const byId = (id: string): SimModelSpec => defaultFleet.find((m) => m.id === id) as SimModelSpec;

describe('built-in scenarios', () => {
  it('are valid, named after their key, and plain JSON data', () => {
    expect(scenarioNames).toEqual([
      'steady',
      'code-burst',
      'embedding-flood',
      'reasoning-spike',
      'slow-model',
      'failing-model',
      'heterogeneous-1000',
    ]);
    for (const name of scenarioNames) {
      const s = scenarios[name];
      expect(s.name).toBe(name);
      expect(s.description.length).toBeGreaterThan(40);
      expect(Number.isInteger(s.requests) && s.requests > 0).toBe(true);
      assertValidFleet(s.models);
      assertValidWorkload(s.workload);
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    }
  });

  it('getScenario returns a deep copy and names the known scenarios on a typo', () => {
    const copy = getScenario('steady');
    expect(copy).toEqual(scenarios.steady);
    expect(copy.models).not.toBe(scenarios.steady.models);
    expect(configError(() => getScenario('stedy')).message).toMatch(
      /^Invalid getScenario arguments:\n- unknown scenario 'stedy' \(known: steady, code-burst/,
    );
    expect(configError(() => getScenario('toString')).code).toBe('CONFIG_INVALID');
    expect(configError(() => getScenario('Steady')).message).toMatch(/did you mean 'steady'\?/);
  });

  it('the default fleet follows the mission table', () => {
    expect(defaultFleet.map((m) => [m.id, m.concurrency, m.home, m.maxComplexity])).toEqual([
      ['coder-7b', 8, ['code', 'simple'], 0.7],
      ['embedder-4b', 16, ['embedding'], 0.5],
      ['reasoner-14b', 4, ['reasoning'], 1],
    ]);
    expect(byId('coder-7b').tasks).toEqual(['simple', 'code', 'reasoning']);
    expect(byId('embedder-4b').tasks).toEqual(['embedding', 'simple']);
    expect(byId('reasoner-14b').tasks).not.toContain('embedding');
  });

  it('every scenario request has a capable model', () => {
    for (const name of scenarioNames) {
      const s = scenarios[name];
      const requests = generateWorkload(s.workload, 1, Math.min(s.requests, 2000));
      expect(estimateLoad(s.models, s.workload, { samples: 2000 }).incapable).toBe(0);
      expect(requests).toHaveLength(Math.min(s.requests, 2000));
    }
  });
});

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

describe('the pooled reference on the scenarios', () => {
  const run = (
    models: readonly SimModelSpec[],
    name: keyof typeof scenarios,
    requests?: number,
  ) => {
    const s = scenarios[name];
    const reqs = generateWorkload(s.workload, 7, requests ?? s.requests);
    return computeStats(simulatePooled({ models, requests: reqs, seed: 7 }), models);
  };
  /** The static table as a fleet: each model serves only its home task types. */
  const homeOnly = (models: readonly SimModelSpec[]): SimModelSpec[] =>
    models.map((m) => ({ ...m, tasks: m.home ?? [] }));

  it('code-burst: the fleet keeps queues short where the static table explodes', () => {
    const pooled = run(scenarios['code-burst'].models, 'code-burst');
    const table = run(homeOnly(scenarios['code-burst'].models), 'code-burst');
    expect(pooled.failed).toBe(0);
    expect(pooled.queued.p95).toBeLessThan(2_000);
    expect(table.queued.p95).toBeGreaterThan(20_000);
    expect(pooled.spillShare).toBeGreaterThan(0.1);
  });

  it('reasoning-spike and slow-model: pooled p99 stays far below the static table', () => {
    for (const name of ['reasoning-spike', 'slow-model'] as const) {
      const pooled = run(scenarios[name].models, name);
      const table = run(homeOnly(scenarios[name].models), name);
      expect(pooled.latency.p99 * 2.5).toBeLessThan(table.latency.p99);
    }
  });

  it('failing-model: pooled routes around the failure, the static table fails its requests', () => {
    const pooled = run(scenarios['failing-model'].models, 'failing-model');
    const table = run(homeOnly(scenarios['failing-model'].models), 'failing-model');
    expect(pooled.failed).toBe(0);
    expect(table.errors['MODEL_FAILED']).toBeGreaterThan(200);
  });

  it('heterogeneous-1000: runs a slice of the scenario', () => {
    const report = run(scenarios['heterogeneous-1000'].models, 'heterogeneous-1000', 2000);
    expect(report.ok).toBe(2000);
    expect(report.models).toHaveLength(1000);
  });
});

describe('heterogeneousFleet', () => {
  it('is deterministic, with unique ids and the documented mix of kinds', () => {
    const fleet = heterogeneousFleet(1000, 1);
    expect(heterogeneousFleet(1000, 1)).toEqual(fleet);
    expect(heterogeneousFleet(1000, 2)).not.toEqual(fleet);
    expect(new Set(fleet.map((m) => m.id)).size).toBe(1000);
    expect(fleet[0]?.id).toBe('m0000');
    const share = (home: string): number => fleet.filter((m) => m.home?.[0] === home).length / 1000;
    expect(share('embedding')).toBeCloseTo(0.1, 1);
    expect(share('simple')).toBeCloseTo(0.4, 1);
    expect(share('code')).toBeCloseTo(0.35, 1);
    expect(share('reasoning')).toBeCloseTo(0.15, 1);
    assertValidFleet(fleet);
    expect(configError(() => heterogeneousFleet(0)).message).toBe(
      'Invalid heterogeneousFleet arguments:\n- count must be an integer from 1 to 100000, got 0',
    );
    expect(configError(() => heterogeneousFleet(1e12, 0.5)).problems).toEqual([
      'count must be an integer from 1 to 100000, got 1000000000000',
      'seed must be a safe integer, got 0.5',
    ]);
  });
});
