import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { envoyLeastRequestStrategy } from '../../../src/sim/peers/envoy.js';
import { litellmUsageBasedStrategy } from '../../../src/sim/peers/litellm.js';
import {
  isPeerStrategyName,
  peerStrategies,
  peerStrategyNames,
} from '../../../src/sim/peers/peers.js';
import { compareStrategies } from '../../../src/sim/runner.js';
import { getScenario } from '../../../src/sim/scenarios/scenarios.js';
import { generateWorkload } from '../../../src/sim/workloads/requests.js';
import { arbCandidates, input } from '../../strategy/candidates.js';

describe('peer strategies: the shared contract', () => {
  it('are named after their key, and only own keys are peer names', () => {
    expect(peerStrategyNames).toEqual([
      'litellm-shuffle',
      'litellm-least-busy',
      'litellm-latency',
      'litellm-usage',
      'envoy-p2c',
      'finagle-peak-ewma',
      'portkey-least-latency',
    ]);
    for (const name of peerStrategyNames) expect(peerStrategies[name].name).toBe(name);
    expect(isPeerStrategyName('envoy-p2c')).toBe(true);
    expect(isPeerStrategyName('toString')).toBe(false);
    expect(isPeerStrategyName('adaptive')).toBe(false);
  });

  it('pick exactly one of the candidates, the same one for the same input (bind at arrival)', () => {
    fc.assert(
      fc.property(arbCandidates(), fc.integer(), (cs, seed) => {
        for (const s of Object.values(peerStrategies)) {
          const ranking = s.rank(input(cs, seed));
          expect(ranking).toHaveLength(1);
          expect(cs.map((c) => c.id)).toContain(ranking[0]!.id);
          expect(Number.isNaN(ranking[0]!.score)).toBe(false);
          expect(s.rank(input(cs, seed))).toEqual(ranking);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('peer strategies in the simulator', () => {
  it('compareStrategies takes their names and gives the same runs as the objects', async () => {
    const sc = getScenario('code-burst');
    const requests = generateWorkload(sc.workload, 3, 300);
    const base = { scenario: 'code-burst', models: sc.models, requests, seed: 3 };
    const byName = await compareStrategies({ ...base, strategies: ['envoy-p2c', 'litellm-usage'] });
    const byObject = await compareStrategies({
      ...base,
      strategies: [envoyLeastRequestStrategy, litellmUsageBasedStrategy],
    });
    expect(byName.results.map((r) => r.name)).toEqual(['envoy-p2c', 'litellm-usage', 'pooled']);
    expect(byName).toEqual(byObject);
    for (const r of byName.results) expect(r.report.failed).toBe(0);
  });
});
