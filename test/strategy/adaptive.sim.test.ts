import { describe, expect, it } from 'vitest';
import {
  defaultFleet,
  defaultTaskTypes,
  generateWorkload,
  getScenario,
  heterogeneousFleet,
  runSimulation,
  type SimModelSpec,
  type SimOutcome,
  summarize,
} from '../../src/sim/index.js';
import { createAdaptiveStrategy } from '../../src/strategy/adaptive.js';

/** The adaptive strategy in the simulator: learning over time, and the arrival forecast. */

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('adaptive in the simulator', () => {
  it('tries a model that failed early again once it recovers, and it regains its traffic', async () => {
    // coder-7b fails every call for the first minute, then serves normally.
    const models: SimModelSpec[] = defaultFleet.map((m) =>
      m.id === 'coder-7b' ? { ...m, phases: [{ at: 0, until: 60_000, failureProbability: 1 }] } : m,
    );
    const workload = {
      arrivals: { kind: 'poisson' as const, rate: 3 },
      mix: { simple: 0.4, code: 0.4, reasoning: 0.2 },
      types: defaultTaskTypes,
    };
    const requests = generateWorkload(workload, 7, 900);
    const { outcomes } = await runSimulation({
      models,
      requests,
      strategy: createAdaptiveStrategy(),
      seed: 7,
    });
    const share = (from: number, to: number): number => {
      const code = outcomes.filter((o: SimOutcome) => o.type === 'code' && o.t >= from && o.t < to);
      return code.filter((o) => o.model === 'coder-7b').length / code.length;
    };
    // While failing, it is avoided; well after, it serves most code again (it is the fastest).
    expect(share(20_000, 60_000)).toBeLessThan(0.3);
    expect(share(120_000, Number.POSITIVE_INFINITY)).toBeGreaterThan(0.8);
    expect(outcomes.filter((o) => o.t >= 120_000).every((o) => o.ok)).toBe(true);
  });

  it('on a ramp, the forecast lowers p99 (seeds 1..5, same arrivals, forecast on and off)', async () => {
    const s = getScenario('ramp');
    const p99 = async (seed: number, forecastWeight: number): Promise<number> => {
      const { outcomes } = await runSimulation({
        models: s.models,
        requests: generateWorkload(s.workload, seed, s.requests),
        strategy: createAdaptiveStrategy({ forecastWeight }),
        seed,
      });
      return summarize(outcomes.map((o) => o.latency)).p99;
    };
    const on: number[] = [];
    const off: number[] = [];
    for (const seed of [1, 2, 3, 4, 5]) {
      on.push(await p99(seed, 1));
      off.push(await p99(seed, 0));
    }
    // Measured: 1.6% lower on average, lower on 4 seeds of 5 (seed 3: 1.8% higher; before the
    // cross-task speed prior it was lower on every seed, 2.4% on average).
    expect(mean(on)).toBeLessThan(mean(off) * 0.99);
    for (const [i, v] of on.entries()) expect(v).toBeLessThanOrEqual(off[i]! * 1.02);
  });

  it('prices a large fleet ranked whole as one it samples (sampleSize above the fleet size)', async () => {
    // 100 models of mixed speed. Ranking all of them once switched adaptive to its small-fleet
    // pricing (no speed prior, no slow start): p99 about 1.6x the sampled router's.
    const models = heterogeneousFleet(100, 1);
    const p99 = async (seed: number, sampleSize: number): Promise<number> => {
      const { outcomes } = await runSimulation({
        models,
        requests: generateWorkload(
          {
            arrivals: { kind: 'poisson', rate: 100 },
            mix: { simple: 0.4, code: 0.3, embedding: 0.2, reasoning: 0.1 },
            types: defaultTaskTypes,
          },
          seed,
          3000,
        ),
        strategy: createAdaptiveStrategy(),
        seed,
        router: { sampleSize },
      });
      return summarize(outcomes.map((o) => o.latency)).p99;
    };
    const whole: number[] = [];
    const sampled: number[] = [];
    for (const seed of [1, 2, 3]) {
      whole.push(await p99(seed, 100));
      sampled.push(await p99(seed, 4));
    }
    // Measured: 0.90x (7,389 against 8,256 ms); 1.65x before.
    expect(mean(whole)).toBeLessThan(mean(sampled) * 1.2);
  });
});
