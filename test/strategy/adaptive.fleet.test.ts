import { describe, expect, it } from 'vitest';
import type { CandidateState, LearnedStats } from '../../src/types.js';
import { all } from './adaptive.harness.js';
import { candidate, ids, input, learnedStats, samples, scoreOf } from './candidates.js';

/** What a tracker knows of a model that never served the task: its speed and the fleet's level. */
const known = (speed: number, speedWeight: number, fleetMeanMs = 1000): LearnedStats =>
  learnedStats({ speed, speedWeight, fleetMeanMs });

describe('adaptive: a model on a task it has not served yet', () => {
  it("is priced at the fleet's level times its speed on other tasks, shrunk by one call", () => {
    const candidates = [
      candidate({ id: 'fast', learned: known(0.5, 9) }),
      candidate({ id: 'slow', learned: known(3, 9) }),
      candidate({ id: 'unknown', learned: known(Number.NaN, 0) }),
    ];
    const ranking = all().rank({ ...input(candidates), largeFleet: true });
    expect(ids(ranking)).toEqual(['fast', 'unknown', 'slow']);
    expect(scoreOf(ranking, 'fast').components.serviceMs).toBeCloseTo(1000 * 0.5 ** 0.9, 6);
    expect(scoreOf(ranking, 'slow').components.serviceMs).toBeCloseTo(1000 * 3 ** 0.9, 6);
    expect(scoreOf(ranking, 'unknown').components.serviceMs).toBe(1000);
    // A small fleet (every model ranked each time) keeps the candidates' own prior: all alike.
    const small = all().rank(input(candidates));
    expect(new Set(small.map((r) => r.components.serviceMs)).size).toBe(1);
  });

  it('shrinks what a model showed of the task towards its speed prior, not its own window', () => {
    // One lucky call of 1,000 ms on a model three times slower than the fleet's level (1,000):
    // with the default priorWeight 5, (1 x 1000 + 5 x 1000 x 3^(20/21)) / 6.
    const lucky = candidate({
      id: 'lucky',
      latency: samples(1, 1000),
      learned: learnedStats({
        taskWeight: 1,
        taskMeanMs: 1000,
        speed: 3,
        speedWeight: 20,
        fleetMeanMs: 1000,
      }),
    });
    const r = scoreOf(all().rank({ ...input([lucky]), largeFleet: true }), 'lucky');
    expect(r.components.serviceMs).toBeCloseTo((1000 + 5 * 1000 * 3 ** (20 / 21)) / 6, 6);
  });

  it('keeps a configured latency prior over the speed', () => {
    const c = candidate({ id: 'a', priorLatencyMs: 200, learned: known(4, 50) });
    expect(scoreOf(all().rank(input([c])), 'a').components.serviceMs).toBe(200);
  });
});

describe('adaptive: slow start in large fleets', () => {
  const cold = (over: Partial<CandidateState> = {}) =>
    candidate({ id: 'cold', concurrency: 4, inFlight: 1, ...over });

  it('prices an unknown model with a call running as one slot, in a sampled decision only', () => {
    const sampled = scoreOf(all().rank({ ...input([cold()]), largeFleet: true }), 'cold');
    expect(sampled.components.waitMs).toBeGreaterThan(0);
    expect(sampled.reasons.join('; ')).toMatch(/slow start/);
    const small = scoreOf(all().rank(input([cold()])), 'cold');
    expect(small.components.waitMs).toBe(0);
    expect(small.reasons.join('; ')).not.toMatch(/slow start/);
  });

  it('ends once anything is known: a call of the task, a speed, a prior, or no call running', () => {
    for (const c of [
      cold({ inFlight: 0 }),
      cold({ priorLatencyMs: 500 }),
      cold({ learned: known(1, 1) }),
      cold({ latency: { count: 1, mean: 500, p50: 500, p95: 500, p99: 500 } }),
    ]) {
      const r = scoreOf(all().rank({ ...input([c]), largeFleet: true }), 'cold');
      expect(r.components.waitMs).toBe(0);
    }
  });

  it('sends a burst to a known model before a second call to an unknown one', () => {
    const knownModel = candidate({
      id: 'known',
      concurrency: 4,
      inFlight: 1,
      learned: known(1, 5),
    });
    const ranking = all().rank({ ...input([cold(), knownModel]), largeFleet: true });
    expect(ids(ranking)[0]).toBe('known');
  });
});

describe('adaptive: the arrival forecast in a large fleet', () => {
  it("does not charge the task's whole flow to each home model of a sampled decision", () => {
    const home = candidate({
      id: 'h',
      home: true,
      concurrency: 4,
      throughput: 1,
      priorLatencyMs: 1000,
    });
    const arrivals = { rate: 100, forecast: 100, trend: 0, horizonMs: 5000 };
    const small = scoreOf(all().rank({ ...input([home]), arrivals }), 'h');
    expect(small.components.waitMs).toBeGreaterThan(0); // one home takes the flow: a queue builds
    const sampled = scoreOf(all().rank({ ...input([home]), arrivals, largeFleet: true }), 'h');
    expect(sampled.components.waitMs).toBe(0);
  });
});
