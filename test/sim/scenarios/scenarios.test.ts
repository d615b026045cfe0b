import { describe, expect, it } from 'vitest';
import { assertValidFleet, type SimModelSpec } from '../../../src/sim/models/spec.js';
import { simulatePooled } from '../../../src/sim/pooled.js';
import { estimateLoad } from '../../../src/sim/scenarios/load.js';
import { getScenario, scenarioNames, scenarios } from '../../../src/sim/scenarios/scenarios.js';
import { computeStats } from '../../../src/sim/stats.js';
import { generateWorkload } from '../../../src/sim/workloads/requests.js';
import { assertValidWorkload } from '../../../src/sim/workloads/spec.js';
import { configError } from '../../helpers/configError.js';

describe('built-in scenarios', () => {
  it('are valid, named after their key, and plain JSON data', () => {
    expect(scenarioNames).toEqual([
      'steady',
      'code-burst',
      'embedding-flood',
      'reasoning-spike',
      'slow-model',
      'failing-model',
      'ramp',
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
  it('every scenario request has a capable model', () => {
    for (const name of scenarioNames) {
      const s = scenarios[name];
      const requests = generateWorkload(s.workload, 1, Math.min(s.requests, 2000));
      expect(estimateLoad(s.models, s.workload, { samples: 2000 }).incapable).toBe(0);
      expect(requests).toHaveLength(Math.min(s.requests, 2000));
    }
  });
});

describe('ramp', () => {
  it('ramps the static load from light to past the reasoner capacity; balanced stays below 0.9', () => {
    const s = scenarios.ramp;
    const at = (from: number, until: number) =>
      estimateLoad(s.models, s.workload, { from, until, samples: 20_000 });
    const start = at(0, 30_000);
    const peak = at(360_000, 420_000);
    expect(start.rate).toBeCloseTo(3, 0);
    expect(peak.rate).toBeCloseTo(12, 0);
    expect(start.static['reasoner-14b']!).toBeLessThan(0.4);
    expect(peak.static['reasoner-14b']!).toBeGreaterThan(1.3);
    expect(Math.max(...Object.values(peak.balanced))).toBeLessThan(0.9);
    const requests = generateWorkload(s.workload, 1, s.requests);
    expect(requests.at(-1)!.t).toBeGreaterThan(400_000);
    expect(requests.at(-1)!.t).toBeLessThan(440_000);
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
