// Testing a routing policy in isolation: hand-made RoutingInputs, no router, no clock, no sleeps.
import { describe, expect, it } from 'vitest';
import { cheapestWithinSlo, OUTSIDE_SLO } from '../../examples/custom-strategy.js';
import {
  type CandidateState,
  type LatencyStats,
  type RoutingInput,
  seededRandom,
} from '../../src/index.js';

const noSamples: LatencyStats = {
  count: 0,
  mean: Number.NaN,
  p50: Number.NaN,
  p95: Number.NaN,
  p99: Number.NaN,
};

/** An idle candidate with a free slot; override what the case is about. */
function candidate(id: string, overrides: Partial<CandidateState> = {}): CandidateState {
  return {
    id,
    home: false,
    concurrency: 1,
    inFlight: 0,
    queued: 0,
    waiting: 0,
    tokensInFlight: 0,
    maxTokens: Number.POSITIVE_INFINITY,
    free: true,
    cost: 1,
    latency: noSamples,
    priorLatencyMs: undefined,
    inFlightMeanElapsedMs: 0,
    inFlightMaxElapsedMs: 0,
    inFlightOverrun: 0,
    errorRate: 0,
    throughput: 0,
    health: 'healthy',
    ...overrides,
  };
}

function input(candidates: CandidateState[], seed = 1): RoutingInput {
  return {
    task: { type: 'simple', complexity: 0.2 },
    candidates,
    now: 0,
    random: seededRandom(seed),
  };
}

const sampled = (count: number, p95: number): LatencyStats => ({
  count,
  mean: p95 / 2,
  p50: p95 / 2,
  p95,
  p99: p95 * 1.5,
});

const ids = (ranking: readonly { id: string }[]): string[] => ranking.map((r) => r.id);

describe('cheapestWithinSlo', () => {
  const strategy = cheapestWithinSlo({ sloMs: 200 });

  it('ranks the cheapest candidate that fits the SLO first', () => {
    const ranking = strategy.rank(
      input([
        candidate('dear', { cost: 4, priorLatencyMs: 50 }),
        candidate('cheap', { cost: 0.2, priorLatencyMs: 150 }),
        candidate('mid', { cost: 1, priorLatencyMs: 100 }),
      ]),
    );
    expect(ids(ranking)).toEqual(['cheap', 'mid', 'dear']);
    expect(ranking[0]!.score).toBe(0.2);
    expect(ranking[0]!.reasons).toContain('fits the 200ms SLO at cost 0.2');
  });

  it('skips a cheap model whose expected latency misses the SLO', () => {
    const ranking = strategy.rank(
      input([
        candidate('cheap-slow', { cost: 0.1, priorLatencyMs: 500 }),
        candidate('dear-fast', { cost: 3, priorLatencyMs: 80 }),
      ]),
    );
    expect(ids(ranking)).toEqual(['dear-fast', 'cheap-slow']);
    expect(ranking[1]!.score).toBe(OUTSIDE_SLO + 500);
  });

  it('ranks the fastest first when nothing fits', () => {
    const ranking = strategy.rank(
      input([
        candidate('slow', { cost: 0.1, priorLatencyMs: 900 }),
        candidate('slower', { cost: 0.1, priorLatencyMs: 1200 }),
        candidate('least-slow', { cost: 5, priorLatencyMs: 300 }),
      ]),
    );
    expect(ids(ranking)).toEqual(['least-slow', 'slow', 'slower']);
  });

  it('trusts the p95 over the prior once the window has minSamples samples', () => {
    const fewSamples = strategy.rank(
      input([
        candidate('a', { cost: 0.5, priorLatencyMs: 100, latency: sampled(4, 400) }),
        candidate('b', { cost: 1, priorLatencyMs: 100 }),
      ]),
    );
    expect(ids(fewSamples)).toEqual(['a', 'b']);
    expect(fewSamples[0]!.components.latencyMs).toBe(100);

    const enough = strategy.rank(
      input([
        candidate('a', { cost: 0.5, priorLatencyMs: 100, latency: sampled(5, 400) }),
        candidate('b', { cost: 1, priorLatencyMs: 100 }),
      ]),
    );
    expect(ids(enough)).toEqual(['b', 'a']);
    expect(enough[1]!.components.latencyMs).toBe(400);
  });

  it('uses defaultPriorMs for a model with neither samples nor a prior', () => {
    const fleet = (): CandidateState[] => [
      candidate('unknown', { cost: 0.1 }),
      candidate('known', { cost: 1, priorLatencyMs: 50 }),
    ];
    // The default of 1000ms misses a 200ms SLO; a default of 150ms fits it.
    expect(ids(strategy.rank(input(fleet())))).toEqual(['known', 'unknown']);
    const lenient = cheapestWithinSlo({ sloMs: 200, defaultPriorMs: 150 }).rank(input(fleet()));
    expect(ids(lenient)).toEqual(['unknown', 'known']);
    expect(lenient[0]!.components.expectedMs).toBe(150);
  });

  it('counts the work ahead of a busy model against the SLO', () => {
    // 2 running + 1 queued + 1 waiting on 2 slots: 3 ahead, each slot 100ms -> 150ms wait.
    const busy = candidate('cheap', {
      cost: 0.2,
      priorLatencyMs: 100,
      concurrency: 2,
      inFlight: 2,
      queued: 1,
      waiting: 1,
      free: false,
    });
    const ranking = strategy.rank(
      input([busy, candidate('dear', { cost: 2, priorLatencyMs: 100 })]),
    );
    expect(ids(ranking)).toEqual(['dear', 'cheap']);
    expect(ranking[1]!.components).toMatchObject({ waitMs: 150, expectedMs: 250 });
    expect(ranking[1]!.reasons).toContain('3 ahead on 2 slots');
  });

  it('prefers the faster of two equally cheap models', () => {
    const ranking = strategy.rank(
      input([
        candidate('slower', { cost: 1, priorLatencyMs: 150 }),
        candidate('faster', { cost: 1, priorLatencyMs: 90 }),
      ]),
    );
    expect(ids(ranking)).toEqual(['faster', 'slower']);
  });

  it('breaks exact ties with the seeded random: same seed, same ranking; no input-order bias', () => {
    const twins = (): CandidateState[] => [
      candidate('a', { priorLatencyMs: 100 }),
      candidate('b', { priorLatencyMs: 100 }),
    ];
    const firsts = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const once = ids(strategy.rank(input(twins(), seed)));
      expect(ids(strategy.rank(input(twins(), seed)))).toEqual(once);
      firsts.add(once[0]!);
    }
    expect(firsts).toEqual(new Set(['a', 'b']));
  });

  it('ranks every candidate and never mutates its input', () => {
    const candidates = Object.freeze([
      Object.freeze(candidate('x', { priorLatencyMs: 10 })),
      Object.freeze(candidate('y', { priorLatencyMs: 1000 })),
    ]);
    const ranking = strategy.rank({ ...input([]), candidates });
    expect(ids(ranking).sort()).toEqual(['x', 'y']);
  });

  it('rejects bad options at creation', () => {
    expect(() => cheapestWithinSlo({ sloMs: 0 })).toThrow(RangeError);
    expect(() => cheapestWithinSlo({ sloMs: 100, minSamples: 0 })).toThrow(/minSamples/);
    expect(() => cheapestWithinSlo({ sloMs: 100, defaultPriorMs: Number.NaN })).toThrow(
      /defaultPriorMs/,
    );
  });
});
