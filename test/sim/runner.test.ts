import { describe, expect, it } from 'vitest';
import { compareStrategies, runSimulation, simulateRouter } from '../../src/sim/runner.js';
import { getScenario, scenarioNames } from '../../src/sim/scenarios/scenarios.js';
import { mergeAzureTraces } from '../../src/sim/traces/mergeAzureTraces.js';
import { readJsonlTrace } from '../../src/sim/traces/readJsonlTrace.js';
import { generateWorkload } from '../../src/sim/workloads/requests.js';
import type { Strategy } from '../../src/strategy/Strategy.js';

function small(name: string, requests: number, seed = 1) {
  const scenario = getScenario(name);
  return { scenario, requests: generateWorkload(scenario.workload, seed, requests) };
}

describe('simulateRouter', () => {
  it('settles every request once, in request order, on the real router', async () => {
    const { scenario, requests } = small('code-burst', 500);
    const outcomes = await simulateRouter({
      models: scenario.models,
      requests,
      strategy: 'adaptive',
      seed: 1,
    });
    expect(outcomes).toHaveLength(500);
    outcomes.forEach((o, i) => {
      expect(o.id).toBe(requests[i]!.id);
      expect(o.end).toBeGreaterThanOrEqual(o.t);
      if (o.ok) expect(o.model).not.toBeNull();
    });
  });

  it('is deterministic: the same seed gives the same outcomes, another seed others', async () => {
    const { scenario, requests } = small('steady', 400);
    const run = (seed: number) =>
      simulateRouter({ models: scenario.models, requests, strategy: 'adaptive', seed });
    const [a, b, c] = await Promise.all([run(7), run(7), run(8)]);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it('turns overload into CAPACITY_EXCEEDED when the fleet sets small queues', async () => {
    const scenario = getScenario('code-burst');
    const models = scenario.models.map((m) => ({ ...m, maxQueue: 1 }));
    const requests = generateWorkload(scenario.workload, 1, 800);
    const outcomes = await simulateRouter({ models, requests, strategy: 'static', seed: 1 });
    expect(outcomes.some((o) => o.error === 'CAPACITY_EXCEEDED')).toBe(true);
  });
});

describe('compareStrategies', () => {
  it('gives byte-identical comparisons for the same seed', async () => {
    const { scenario, requests } = small('reasoning-spike', 600);
    const compare = () =>
      compareStrategies({
        scenario: 'x',
        models: scenario.models,
        requests,
        strategies: ['static', 'adaptive'],
        seed: 3,
      });
    expect(JSON.stringify(await compare())).toBe(JSON.stringify(await compare()));
  });

  it('runs a custom strategy beside the built-ins (A/B) and ends with the pooled reference', async () => {
    const { scenario, requests } = small('steady', 300);
    const cheapest: Strategy = {
      name: 'cheapest',
      rank: ({ candidates }) =>
        [...candidates]
          .sort((a, b) => a.cost - b.cost)
          .map((c) => ({ id: c.id, score: c.cost, components: {}, reasons: [] })),
    };
    const cmp = await compareStrategies({
      scenario: 'ab',
      models: scenario.models,
      requests,
      strategies: ['adaptive', cheapest],
      seed: 1,
    });
    expect(cmp.results.map((r) => r.name)).toEqual(['adaptive', 'cheapest', 'pooled']);
    expect(cmp.results.at(-1)!.p99VsPooled).toBe(1);
    for (const r of cmp.results) expect(r.report.ok + r.report.failed).toBe(300);
  });

  it('shows adaptive routing beating the static table on a code burst', async () => {
    const { scenario, requests } = small('code-burst', 2000);
    const cmp = await compareStrategies({
      scenario: 'code-burst',
      models: scenario.models,
      requests,
      strategies: ['static', 'adaptive'],
      seed: 1,
    });
    const [st, ad, pooled] = cmp.results.map((r) => r.report);
    expect(ad!.latency.p99 * 3).toBeLessThan(st!.latency.p99);
    expect(ad!.latency.p99).toBeLessThan(pooled!.latency.p99 * 1.25);
    expect(ad!.spillShare).toBeGreaterThan(0);
    expect(st!.spillShare).toBe(0);
  });

  for (const name of scenarioNames) {
    it(`runs the ${name} scenario`, async () => {
      const { scenario, requests } = small(name, name === 'heterogeneous-1000' ? 3000 : 600);
      const cmp = await compareStrategies({
        scenario: name,
        models: scenario.models,
        requests,
        strategies: ['static', 'least-loaded', 'adaptive'],
        seed: 1,
      });
      expect(cmp.results.map((r) => r.name)).toEqual([
        'static',
        'least-loaded',
        'adaptive',
        'pooled',
      ]);
      for (const r of cmp.results) {
        expect(r.report.ok + r.report.failed).toBe(requests.length);
        expect(Number.isFinite(r.report.latency.p99)).toBe(true);
      }
    });
  }
});

describe('trace replay through the router', () => {
  it('replays a JSONL trace', async () => {
    const lines = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({
        t: i * 50,
        type: ['code', 'simple', 'embedding', 'reasoning'][i % 4],
        complexity: 0.3,
        tokens: 500,
        priority: i % 2,
      }),
    ).join('\n');
    const requests = readJsonlTrace(lines);
    const cmp = await compareStrategies({
      scenario: 'jsonl',
      models: getScenario('steady').models,
      requests,
      strategies: ['adaptive'],
      seed: 1,
    });
    expect(cmp.results[0]!.report.ok).toBe(200);
    expect(Object.keys(cmp.results[0]!.report.latencyByType).sort()).toEqual([
      'code',
      'embedding',
      'reasoning',
      'simple',
    ]);
  });

  it('replays merged Azure CSV traces: code as code, conversation split by prompt size', async () => {
    const header = 'TIMESTAMP,ContextTokens,GeneratedTokens';
    const code = [
      header,
      ...Array.from(
        { length: 60 },
        (_, i) => `2023-11-16 18:00:${String(i).padStart(2, '0')}.0000000,${1000 + i},20`,
      ),
    ].join('\n');
    const conv = [
      header,
      ...Array.from(
        { length: 60 },
        (_, i) =>
          `2023-11-16 18:00:${String(i).padStart(2, '0')}.5000000,${i % 3 === 0 ? 4000 : 300},150`,
      ),
    ].join('\n');
    const requests = mergeAzureTraces({ code, conv });
    const cmp = await compareStrategies({
      scenario: 'azure',
      models: getScenario('steady').models,
      requests,
      strategies: ['static', 'adaptive'],
      seed: 1,
    });
    const byType = cmp.results[1]!.report.latencyByType;
    expect(byType.code?.count).toBe(60);
    expect(byType.reasoning?.count).toBe(20);
    expect(byType.simple?.count).toBe(40);
  });
});

describe('report accounting', () => {
  it('refuses requests out of arrival order', async () => {
    const { scenario, requests } = small('steady', 10);
    const shuffled = [requests[5]!, ...requests.slice(0, 5)];
    await expect(
      simulateRouter({
        models: scenario.models,
        requests: shuffled,
        strategy: 'adaptive',
        seed: 1,
      }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(
        /^Invalid simulateRouter options:\n- requests must be sorted by arrival time: requests\[1\]\.t is/,
      ),
    });
  });

  it('rejects unknown keys and lists every problem at once (simulateRouter, runSimulation)', async () => {
    const { scenario, requests } = small('steady', 3);
    const options = {
      models: [{ ...scenario.models[0]!, concurency: 2 }],
      requests: [{ ...requests[0]!, t: Number.NaN }],
      strategy: 'fastest',
      seed: 1.5,
      sed: 1,
      router: { clock: {} },
    } as never;
    const problems = [
      'unknown option `sed` (known: models, requests, strategy, seed, router, onProgress)',
      'unknown option `models[0].concurency` (known: id, tasks, home, maxComplexity, concurrency, maxTokens, maxQueue, cost, service, failureProbability, phases)',
      'requests[0].t must be a finite number >= 0 (milliseconds), got NaN',
      'seed must be a safe integer, got 1.5',
      'router.clock is set by the simulator; remove it from `router`',
      "strategy must be 'static', 'least-loaded', 'adaptive', a peer policy's name (see peerStrategyNames) or a Strategy ({ name, rank }), got \"fastest\"",
    ];
    await expect(simulateRouter(options)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      problems,
    });
    await expect(runSimulation(options)).rejects.toMatchObject({
      message: expect.stringMatching(/^Invalid runSimulation options:\n- unknown option `sed`/),
    });
  });

  it('compareStrategies rejects unknown keys, also in stats, and lists every problem', async () => {
    const { scenario, requests } = small('steady', 3);
    await expect(
      compareStrategies({
        scenario: 'x',
        models: scenario.models,
        requests,
        strategies: [],
        seed: 1,
        stats: { cdfpoints: 5 },
        Strategies: ['static'],
      } as never),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      problems: [
        'unknown option `Strategies` (did you mean `strategies`?) (known: scenario, models, requests, strategies, seed, router, stats, onProgress)',
        'strategies must be a non-empty array of strategies, got an array of 0',
        'unknown option `stats.cdfpoints` (did you mean `stats.cdfPoints`?) (known: bucketMs, cdfPoints, durationMs, busyMs)',
      ],
    });
  });

  it('measures utilization over one shared window: never above 100%, even for a backlog drained late', async () => {
    const { scenario, requests } = small('code-burst', 1500);
    const cmp = await compareStrategies({
      scenario: 'x',
      models: scenario.models,
      requests,
      strategies: ['static', 'adaptive'],
      seed: 1,
    });
    for (const r of cmp.results) {
      for (const m of r.report.models) expect(m.utilization).toBeLessThanOrEqual(1 + 1e-9);
    }
    const durations = new Set(cmp.results.map((r) => r.report.durationMs));
    expect(durations.size).toBe(1);
  });

  it('counts a failed attempt retried elsewhere as busy time of the model that failed', async () => {
    const models = [
      {
        id: 'bad',
        tasks: ['code'],
        home: ['code'],
        concurrency: 1,
        service: { kind: 'constant', value: 1000 },
        failureProbability: 1,
      },
      { id: 'good', tasks: ['code'], concurrency: 1, service: { kind: 'constant', value: 100 } },
    ] as const;
    const requests = Array.from({ length: 5 }, (_, i) => ({
      id: i,
      t: i * 5000,
      type: 'code',
      complexity: 0.1,
      tokens: 10,
      priority: 0,
    }));
    const run = await runSimulation({
      models,
      requests,
      strategy: 'static',
      seed: 1,
      router: { health: false },
    });
    expect(run.outcomes.every((o) => o.ok && o.model === 'good')).toBe(true);
    expect(run.models.bad!.busyMs).toBe(5000);
    const cmp = await compareStrategies({
      scenario: 'retry',
      models,
      requests,
      strategies: ['static'],
      seed: 1,
      router: { health: false },
    });
    expect(cmp.results[0]!.report.models.find((m) => m.id === 'bad')!.busyMs).toBe(5000);
  });
});
