import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adaptiveStrategy, createAdaptiveStrategy } from '../../src/strategy/adaptive.js';
import { all, scoreAlone } from './adaptive.harness.js';
import { arbCandidates, candidate, ids, input, noSamples, samples, scoreOf } from './candidates.js';

describe('createAdaptiveStrategy', () => {
  it("is named 'adaptive', and the default instance uses the default options", () => {
    expect(createAdaptiveStrategy().name).toBe('adaptive');
    expect(adaptiveStrategy.name).toBe('adaptive');
    fc.assert(
      fc.property(arbCandidates(), fc.integer(), (cs, seed) => {
        expect(adaptiveStrategy.rank(input(cs, seed))).toEqual(
          createAdaptiveStrategy({}).rank(input(cs, seed)),
        );
      }),
      { numRuns: 100 },
    );
  });
});

describe('adaptive: service estimate', () => {
  it("uses the model's own prior on a cold start", () => {
    const r = scoreAlone(candidate({ id: 'a', priorLatencyMs: 300 }));
    expect(r.components.serviceMs).toBe(300);
    expect(r.score).toBe(300);
    expect(r.reasons.join('; ')).toMatch(/cold start/i);
  });

  it('falls back to the fleet prior: the mean latency of the other candidates with samples', () => {
    const ranking = all().rank(
      input([
        candidate({ id: 'cold' }),
        candidate({ id: 'fast', latency: samples(1000, 200) }),
        candidate({ id: 'slow', latency: samples(1000, 400) }),
        // Samples with no usable mean do not count towards the fleet prior.
        candidate({ id: 'broken', latency: samples(3, Number.NaN), priorLatencyMs: 50 }),
        candidate({ id: 'own', priorLatencyMs: 50 }),
      ]),
    );
    expect(scoreOf(ranking, 'cold').components.serviceMs).toBe(300);
    expect(scoreOf(ranking, 'cold').reasons.join('; ')).toMatch(/cold start/i);
    // An own prior beats the fleet prior.
    expect(scoreOf(ranking, 'own').components.serviceMs).toBe(50);
    // A NaN observed mean is ignored: the estimate is the prior.
    expect(scoreOf(ranking, 'broken').components.serviceMs).toBe(50);
  });

  it('falls back to defaultPriorMs when no candidate has samples or a prior', () => {
    const cs = [candidate({ id: 'a' }), candidate({ id: 'b' })];
    for (const r of all().rank(input(cs))) expect(r.components.serviceMs).toBe(1000);
    for (const r of all({ defaultPriorMs: 250 }).rank(input(cs)))
      expect(r.components.serviceMs).toBe(250);
  });

  it('blends the observed mean with the prior by sample count', () => {
    const at = (count: number, priorWeight?: number) =>
      scoreAlone(
        candidate({ id: 'a', latency: samples(count, 100), priorLatencyMs: 1000 }),
        priorWeight === undefined ? {} : { priorWeight },
      );
    // (n * observed + 5 * prior) / (n + 5)
    expect(at(5).components.serviceMs).toBe(550);
    expect(at(45).components.serviceMs).toBe(190);
    expect(at(45).reasons.join('; ')).not.toMatch(/cold start/i);
    expect(at(45).reasons.join('; ')).toMatch(/latency|sample/i);
    expect(at(1, 0).components.serviceMs).toBe(100);
    expect(at(5, 15).components.serviceMs).toBe(775);
  });

  it('prices a model with samples but no prior of its own by its samples, not the fleet', () => {
    // Every model is ranked each time here: its own window is what it runs like now.
    const ranking = all().rank(
      input([
        candidate({ id: 'a', latency: samples(5, 100) }),
        candidate({ id: 'b', latency: samples(5, 300) }),
      ]),
    );
    expect(scoreOf(ranking, 'a').components.serviceMs).toBe(100);
    expect(scoreOf(ranking, 'b').components.serviceMs).toBe(300);
  });

  it('moves monotonically from the prior towards the observed mean as samples accrue', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 1000 }),
        (observed, prior, n) => {
          const est = (count: number) =>
            scoreAlone(
              candidate({
                id: 'a',
                latency: count > 0 ? samples(count, observed) : noSamples,
                priorLatencyMs: prior,
              }),
            ).components.serviceMs!;
          const lo = Math.min(observed, prior);
          const hi = Math.max(observed, prior);
          expect(est(0)).toBe(prior);
          expect(est(n)).toBeGreaterThanOrEqual(lo - 1e-9);
          expect(est(n)).toBeLessThanOrEqual(hi + 1e-9);
          expect(Math.abs(est(n + 1) - observed)).toBeLessThanOrEqual(
            Math.abs(est(n) - observed) + 1e-9,
          );
        },
      ),
    );
  });

  it('blends the 95th percentile in by tailWeight', () => {
    const c = candidate({ id: 'a', latency: samples(5, 100, 300), priorLatencyMs: 100 });
    expect(scoreAlone(c).components.serviceMs).toBe(100);
    // observed = 0.5 * 100 + 0.5 * 300 = 200; (5 * 200 + 5 * 100) / 10 = 150
    expect(scoreAlone(c, { tailWeight: 0.5 }).components.serviceMs).toBe(150);
    expect(scoreAlone(c, { tailWeight: 1 }).components.serviceMs).toBe(200);
    // A NaN p95 leaves the mean alone.
    const noTail = candidate({
      id: 'a',
      latency: samples(5, 100, Number.NaN),
      priorLatencyMs: 100,
    });
    expect(scoreAlone(noTail, { tailWeight: 1 }).components.serviceMs).toBe(100);
  });

  it('scales the estimate by how far running calls have overrun their usual duration', () => {
    const base = {
      id: 'a',
      concurrency: 2,
      inFlight: 1,
      latency: samples(100, 100),
      priorLatencyMs: 100,
    };
    const slow = scoreAlone(candidate({ ...base, inFlightOverrun: 8 }));
    expect(slow.components.serviceMs).toBe(800);
    expect(slow.reasons.join('; ')).toMatch(/running calls/i);
    // Running calls within overrunThreshold of their usual duration say nothing new: long calls
    // are simply more likely to be caught running.
    expect(scoreAlone(candidate({ ...base, inFlightOverrun: 1.9 })).components.serviceMs).toBe(100);
    expect(
      scoreAlone(candidate({ ...base, inFlightOverrun: 1.9 }), { overrunThreshold: 1.5 }).components
        .serviceMs,
    ).toBeCloseTo(190);
    // Elapsed time alone (calls of other task types) is not used.
    expect(
      scoreAlone(candidate({ ...base, inFlightMeanElapsedMs: 800, inFlightOverrun: 0 })).components
        .serviceMs,
    ).toBe(100);
  });

  it('avoids a model gone slow before its running calls finish', () => {
    const fast = { id: 'fast', home: true, concurrency: 4, latency: samples(100, 100) };
    const other = candidate({ id: 'other', concurrency: 4, latency: samples(100, 300) });
    const healthy = createAdaptiveStrategy().rank(
      input([candidate({ ...fast, inFlight: 2, inFlightOverrun: 0.9 }), other]),
    );
    expect(ids(healthy)[0]).toBe('fast');
    const stuck = createAdaptiveStrategy().rank(
      input([candidate({ ...fast, inFlight: 2, inFlightOverrun: 30 }), other]),
    );
    expect(ids(stuck)[0]).toBe('other');
    expect(scoreOf(stuck, 'fast').components.serviceMs).toBeCloseTo(
      30 * scoreOf(healthy, 'fast').components.serviceMs!,
    );
  });
});
