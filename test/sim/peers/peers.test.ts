import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/router/events.js';
import { envoyLeastRequestStrategy } from '../../../src/sim/peers/envoy.js';
import {
  litellmLeastBusyStrategy,
  litellmUsageBasedStrategy,
} from '../../../src/sim/peers/litellm.js';
import {
  isPeerStrategyName,
  peerStrategies,
  peerStrategyNames,
} from '../../../src/sim/peers/peers.js';
import { compareStrategies } from '../../../src/sim/runner.js';
import { getScenario } from '../../../src/sim/scenarios/scenarios.js';
import { generateWorkload } from '../../../src/sim/workloads/requests.js';
import { flush } from '../../helpers/manualClock.js';
import { fleet } from '../../router/fixtures.js';
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

describe('peer strategies in the router: bound at arrival', () => {
  it('a request waits for the model its peer policy picked, even when another frees first', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const f = fleet(
        { strategy: litellmLeastBusyStrategy, random: () => (seed * 0.37) % 1 },
        { coder: { concurrency: 1 } },
      );
      const decisions: Decision[] = [];
      f.router.on('decision', (e) => decisions.push(e.decision));
      const task = { type: 'code', complexity: 0.3 } as const;
      const runs = [1, 2, 3].map((i) => f.router.runWithInfo(`c${i}`, { task }));
      await flush();
      // Two start (one on each model: the second sees one busy model), the third waits.
      expect(f.coder.calls.length + f.reasoner.calls.length).toBe(2);
      const third = decisions[2]!;
      expect(third.ranking).toHaveLength(1);
      expect(third.binding).toBe('wait');
      const [picked, other] =
        third.ranking[0]!.id === 'coder-7b' ? [f.coder, f.reasoner] : [f.reasoner, f.coder];
      other.finishNext();
      await flush();
      expect(other.calls).toHaveLength(1);
      expect(picked.calls).toHaveLength(1);
      picked.finishNext();
      await flush();
      expect(picked.calls).toHaveLength(2);
      picked.finishNext();
      const infos = await Promise.all(runs);
      expect(infos[2]!.model).toBe(picked.id);
    }
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
