import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AdaptiveStrategyOptions,
  adaptiveStrategy,
  createAdaptiveStrategy,
} from '../../src/strategy/adaptive.js';
import type { CandidateState } from '../../src/types.js';
import { configError } from '../helpers/configError.js';
import {
  arbCandidates,
  candidate,
  ids,
  input,
  loaded,
  noSamples,
  samples,
  scoreOf,
} from './candidates.js';

/** An adaptive strategy that never prunes, so every candidate's score can be read. */
const all = (options: AdaptiveStrategyOptions = {}) =>
  createAdaptiveStrategy({ lateBindSlack: Number.POSITIVE_INFINITY, ...options });

/** Ranks a single candidate and returns its scored entry. */
function scoreAlone(c: CandidateState, options: AdaptiveStrategyOptions = {}) {
  return scoreOf(all(options).rank(input([c])), c.id);
}

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

  it('uses the fleet prior as the prior of a model with samples but no prior of its own', () => {
    const ranking = all().rank(
      input([
        candidate({ id: 'a', latency: samples(5, 100) }),
        candidate({ id: 'b', latency: samples(5, 300) }),
      ]),
    );
    // fleet prior = 200
    expect(scoreOf(ranking, 'a').components.serviceMs).toBe(150);
    expect(scoreOf(ranking, 'b').components.serviceMs).toBe(250);
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

describe('adaptive: expected wait', () => {
  const svc = { priorLatencyMs: 100 };

  it('is zero on a free model, whatever runs there', () => {
    const r = scoreAlone(loaded('a', { inFlight: 1, concurrency: 2 }, svc));
    expect(r.components.waitMs).toBe(0);
    expect(r.score).toBe(100);
  });

  it('counts the running, queued and waiting work ahead, shared over the slots', () => {
    // 2 running + 1 queued on 2 slots: 2 completions before this one starts, at 2 per 100 ms.
    const queued = scoreAlone(loaded('a', { inFlight: 2, queued: 1, concurrency: 2 }, svc));
    expect(queued.components.waitMs).toBe(100);
    expect(queued.score).toBe(200);
    expect(queued.reasons.join('; ')).toMatch(/slot|ahead|wait/i);
    const waiting = scoreAlone(loaded('a', { inFlight: 2, waiting: 3, concurrency: 2 }, svc));
    expect(waiting.components.waitMs).toBe(200);
    const full = scoreAlone(loaded('a', { inFlight: 1, concurrency: 1 }, svc));
    expect(full.components.waitMs).toBe(100);
  });

  it('matches (inFlight + queued + waiting - concurrency + 1) * service / concurrency when busy', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 5000 }),
        (concurrency, queued, waiting, prior) => {
          const r = scoreAlone(
            loaded(
              'a',
              { inFlight: concurrency, queued, waiting, concurrency },
              {
                priorLatencyMs: prior,
              },
            ),
          );
          const ahead = queued + waiting + 1;
          expect(r.components.waitMs).toBeCloseTo((ahead * prior) / concurrency, 6);
        },
      ),
    );
  });

  it('is not zero on a model blocked by its token budget', () => {
    // One of four slots used, but the token budget is spent: at least one call must finish first.
    const blocked = candidate({
      id: 'a',
      concurrency: 4,
      inFlight: 1,
      tokensInFlight: 900,
      maxTokens: 1000,
      free: false,
      priorLatencyMs: 100,
    });
    const r = scoreAlone(blocked);
    expect(r.components.waitMs).toBe(25);
    expect(r.score).toBeGreaterThan(scoreAlone({ ...blocked, free: true }).score);
  });

  it('ranks an idle model above a busy one of the same speed', () => {
    const ranking = createAdaptiveStrategy().rank(
      input([loaded('busy', { inFlight: 1 }, svc), loaded('idle', {}, svc)]),
    );
    expect(ids(ranking)).toEqual(['idle', 'busy']);
  });
});

describe('adaptive: penalties and preferences', () => {
  const svc = { priorLatencyMs: 100 };

  it('inflates the score by the retries the error rate causes', () => {
    const half = scoreAlone(candidate({ id: 'a', ...svc, errorRate: 0.5 }));
    expect(half.components.retryMs).toBe(100);
    expect(half.score).toBe(200);
    expect(half.reasons.join('; ')).toMatch(/error/i);
    expect(scoreAlone(candidate({ id: 'a', ...svc, errorRate: 0.2 })).components.retryMs).toBe(25);
    // A tiny error rate costs a little but is not worth a reason.
    const tiny = scoreAlone(candidate({ id: 'a', ...svc, errorRate: 0.005 }));
    expect(tiny.components.retryMs).toBeGreaterThan(0);
    expect(tiny.reasons.join('; ')).not.toMatch(/error/i);
  });

  it('clamps the error rate to [0, 0.95] so the score stays finite', () => {
    const always = scoreAlone(candidate({ id: 'a', ...svc, errorRate: 1 }));
    expect(always.components.retryMs).toBeCloseTo(1900, 9);
    expect(Number.isFinite(always.score)).toBe(true);
    expect(scoreAlone(candidate({ id: 'a', ...svc, errorRate: -0.3 })).components.retryMs).toBe(0);
  });

  it('multiplies a degraded model by degradedFactor', () => {
    const c = candidate({ id: 'a', ...svc, health: 'degraded' });
    expect(scoreAlone(c).score).toBe(200);
    expect(scoreAlone(c).components.healthFactor).toBe(2);
    expect(scoreAlone(c).reasons.join('; ')).toMatch(/degraded/i);
    expect(scoreAlone(c, { degradedFactor: 3 }).score).toBe(300);
    expect(scoreAlone(c, { degradedFactor: 1 }).score).toBe(100);
  });

  it('prefers a degraded model less than a healthy one of the same speed', () => {
    for (let seed = 0; seed < 20; seed++) {
      const ranking = createAdaptiveStrategy().rank(
        input(
          [
            candidate({ id: 'sick', ...svc, health: 'degraded' }),
            candidate({ id: 'well', ...svc }),
          ],
          seed,
        ),
      );
      expect(ids(ranking)[0]).toBe('well');
    }
  });

  it('multiplies a home model by homeFactor', () => {
    const c = candidate({ id: 'a', ...svc, home: true });
    expect(scoreAlone(c).score).toBeCloseTo(90, 9);
    expect(scoreAlone(c).components.homeFactor).toBe(0.9);
    expect(scoreAlone(c).reasons.join('; ')).toMatch(/home/i);
    expect(scoreAlone(candidate({ id: 'b', ...svc })).reasons.join('; ')).not.toMatch(/home/i);
    expect(scoreAlone(c, { homeFactor: 0.5 }).score).toBe(50);
    expect(scoreAlone(c, { homeFactor: 1 }).score).toBe(100);
    expect(scoreAlone(candidate({ id: 'b', ...svc })).components.homeFactor).toBe(1);
  });

  it('adds costWeight per unit of cost after the multipliers', () => {
    const c = candidate({ id: 'a', ...svc, cost: 3, home: true, health: 'degraded' });
    expect(scoreAlone(c).components.costMs).toBe(0);
    const r = scoreAlone(c, { costWeight: 10 });
    expect(r.components.costMs).toBe(30);
    expect(r.score).toBeCloseTo(100 * 0.9 * 2 + 30, 9);
  });

  it('lets cost decide between equally fast models', () => {
    const cs = [candidate({ id: 'dear', ...svc, cost: 5 }), candidate({ id: 'cheap', ...svc })];
    for (let seed = 0; seed < 20; seed++) {
      expect(ids(all({ costWeight: 1 }).rank(input(cs, seed)))).toEqual(['cheap', 'dear']);
    }
  });

  it('scores (wait + service + retry) * homeFactor * healthFactor + cost, lowest first', () => {
    fc.assert(
      fc.property(arbCandidates(), fc.integer(), (cs, seed) => {
        const ranking = all({ costWeight: 7 }).rank(input(cs, seed));
        expect(ranking).toHaveLength(cs.length);
        for (const r of ranking) {
          const k = r.components;
          expect(r.score).toBeCloseTo(
            (k.waitMs! + k.serviceMs! + k.retryMs!) * k.homeFactor! * k.healthFactor! + k.costMs!,
            6,
          );
          expect(k.waitMs).toBeGreaterThanOrEqual(0);
          expect(k.serviceMs).toBeGreaterThan(0);
          expect(k.retryMs).toBeGreaterThanOrEqual(0);
        }
        for (let i = 1; i < ranking.length; i++)
          expect(ranking[i]!.score).toBeGreaterThanOrEqual(ranking[i - 1]!.score);
      }),
    );
  });
});

describe('adaptive: home preference', () => {
  it('puts the home model first among equals, whatever the seed', () => {
    for (let seed = 0; seed < 50; seed++) {
      const ranking = createAdaptiveStrategy().rank(
        input(
          [
            candidate({ id: 'a', priorLatencyMs: 100 }),
            candidate({ id: 'home', priorLatencyMs: 100, home: true }),
            candidate({ id: 'b', priorLatencyMs: 100 }),
          ],
          seed,
        ),
      );
      expect(ids(ranking)[0]).toBe('home');
    }
  });

  it('keeps home when it is up to 1/homeFactor slower, and spills once it is slower than that', () => {
    const other = candidate({ id: 'other', priorLatencyMs: 100 });
    const home = (ms: number) => candidate({ id: 'home', home: true, priorLatencyMs: ms });
    expect(ids(createAdaptiveStrategy().rank(input([home(110), other])))[0]).toBe('home');
    expect(ids(createAdaptiveStrategy().rank(input([home(112), other])))[0]).toBe('other');
  });

  it('spills to an idle model when the home model is busy', () => {
    const ranking = createAdaptiveStrategy().rank(
      input([
        loaded('home', { inFlight: 1 }, { home: true, priorLatencyMs: 100 }),
        loaded('other', {}, { priorLatencyMs: 100 }),
      ]),
    );
    // home: (100 wait + 100) * 0.9 = 180 against 100.
    expect(ids(ranking)).toEqual(['other', 'home']);
    expect(scoreOf(ranking, 'home').score).toBeCloseTo(180, 9);
  });
});

describe('adaptive: lateBindSlack', () => {
  const home = loaded('home', { inFlight: 1 }, { home: true, priorLatencyMs: 100 });
  const slowBusy = loaded('slow', { inFlight: 1 }, { priorLatencyMs: 300 });
  const slowFree = loaded('slow', {}, { priorLatencyMs: 300 });

  it('drops a busy candidate whose service time alone exceeds slack times the best completion', () => {
    // best: home at (100 + 100) * 0.9 = 180; slow runs 300 ms > 1.5 * 180 = 270.
    expect(ids(createAdaptiveStrategy().rank(input([home, slowBusy])))).toEqual(['home']);
    // 300 <= 2 * 180 = 360: kept, after home.
    expect(ids(createAdaptiveStrategy({ lateBindSlack: 2 }).rank(input([home, slowBusy])))).toEqual(
      ['home', 'slow'],
    );
  });

  it('keeps a free candidate however slow, so a full best model can still spill to it', () => {
    expect(ids(createAdaptiveStrategy().rank(input([home, slowFree])))).toEqual(['home', 'slow']);
    const crawl = loaded('crawl', {}, { priorLatencyMs: 1e6 });
    expect(ids(createAdaptiveStrategy({ lateBindSlack: 1 }).rank(input([home, crawl])))).toEqual([
      'home',
      'crawl',
    ]);
  });

  it('never drops the best candidate, even when its own service time exceeds the limit', () => {
    // Busy home on 10 slots: (10 wait + 100 service) * 0.9 = 99 < its own 100 ms service time.
    const best = loaded(
      'home',
      { inFlight: 10, concurrency: 10 },
      { home: true, priorLatencyMs: 100 },
    );
    const ranking = createAdaptiveStrategy({ lateBindSlack: 1 }).rank(input([best]));
    expect(ids(ranking)).toEqual(['home']);
    expect(ranking[0]!.score).toBeCloseTo(99, 9);
    expect(ranking[0]!.components.serviceMs).toBe(100);
  });

  it('equals the unpruned ranking minus busy candidates with serviceMs > slack * best score', () => {
    fc.assert(
      fc.property(
        arbCandidates(),
        fc.integer(),
        fc.double({ min: 1, max: 4, noNaN: true }),
        (cs, seed, slack) => {
          const free = new Set(cs.filter((c) => c.free).map((c) => c.id));
          const full = all().rank(input(cs, seed));
          const pruned = createAdaptiveStrategy({ lateBindSlack: slack }).rank(input(cs, seed));
          const limit = full[0]!.score * slack;
          expect(pruned).toEqual(
            full.filter((r, i) => i === 0 || free.has(r.id) || r.components.serviceMs! <= limit),
          );
        },
      ),
    );
  });
});

describe('adaptive: ties and determinism', () => {
  it('breaks ties by the seeded random, not input order: each of N equals leads ~1/N of seeds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer(), (n, base) => {
        const cs = Array.from({ length: n }, (_, i) =>
          candidate({ id: `m${i}`, priorLatencyMs: 100, concurrency: 2 }),
        );
        const trials = 400 * n;
        const firsts = new Map<string, number>();
        for (let s = 0; s < trials; s++) {
          const first = ids(createAdaptiveStrategy().rank(input(cs, base + s)))[0]!;
          firsts.set(first, (firsts.get(first) ?? 0) + 1);
        }
        for (const c of cs) {
          // expected 400 each; a standard deviation is under 20
          expect(Math.abs((firsts.get(c.id) ?? 0) - 400)).toBeLessThan(100);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('orders distinct scores by score, whatever the random source says', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 10 }),
        fc.integer(),
        (priors, seed) => {
          const cs = priors.map((p, i) => candidate({ id: `m${i}`, priorLatencyMs: p }));
          const ranking = all().rank(input(cs, seed));
          expect(ranking.map((r) => r.score)).toEqual([...priors].sort((a, b) => a - b));
        },
      ),
    );
  });

  it('returns the same ranking for the same input and seed', () => {
    fc.assert(
      fc.property(arbCandidates(), fc.integer(), (cs, seed) => {
        const s = createAdaptiveStrategy();
        expect(s.rank(input(cs, seed))).toEqual(s.rank(input(cs, seed)));
        expect(createAdaptiveStrategy().rank(input(cs, seed))).toEqual(s.rank(input(cs, seed)));
      }),
    );
  });

  it('does not mutate its input', () => {
    fc.assert(
      fc.property(arbCandidates(), (cs) => {
        const copy = structuredClone(cs);
        createAdaptiveStrategy().rank(input(cs));
        expect(cs).toEqual(copy);
      }),
      { numRuns: 50 },
    );
  });
});

describe('adaptive: large fleets', () => {
  it('ranks 1,000 candidates: a best-first subset of distinct input ids with the best kept', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2_000_000 }), { minLength: 1000, maxLength: 1000 }),
        fc.integer(),
        (keys, seed) => {
          const cs = keys.map((k, i) =>
            loaded(
              `m${i}`,
              { inFlight: k % 3, queued: k % 5, waiting: k % 2, concurrency: 1 + (k % 4) },
              {
                home: k % 97 === 0,
                latency: k % 7 === 0 ? noSamples : samples(1 + (k % 50), 50 + (k % 3000)),
                errorRate: (k % 11) / 20,
                health: k % 13 === 0 ? 'degraded' : 'healthy',
              },
            ),
          );
          const ranking = createAdaptiveStrategy().rank(input(cs, seed));
          const inputIds = new Set(cs.map((c) => c.id));
          expect(ranking.length).toBeGreaterThanOrEqual(1);
          expect(new Set(ids(ranking)).size).toBe(ranking.length);
          for (const r of ranking) {
            expect(inputIds.has(r.id)).toBe(true);
            expect(Number.isFinite(r.score)).toBe(true);
          }
          for (let i = 1; i < ranking.length; i++)
            expect(ranking[i]!.score).toBeGreaterThanOrEqual(ranking[i - 1]!.score);
          const bestOfAll = Math.min(
            ...all()
              .rank(input(cs, seed))
              .map((r) => r.score),
          );
          expect(ranking[0]!.score).toBe(bestOfAll);
        },
      ),
      { numRuns: 10 },
    );
  });
});

describe('adaptive: option validation', () => {
  const bad: Array<[keyof AdaptiveStrategyOptions, unknown]> = [
    ['defaultPriorMs', 0],
    ['defaultPriorMs', -1],
    ['defaultPriorMs', Number.NaN],
    ['defaultPriorMs', Number.POSITIVE_INFINITY],
    ['defaultPriorMs', '100'],
    ['priorWeight', -0.5],
    ['priorWeight', Number.NaN],
    ['priorWeight', Number.POSITIVE_INFINITY],
    ['homeFactor', 0],
    ['homeFactor', 1.01],
    ['homeFactor', -1],
    ['homeFactor', Number.NaN],
    ['costWeight', -1],
    ['costWeight', Number.POSITIVE_INFINITY],
    ['costWeight', null],
    ['degradedFactor', 0.99],
    ['degradedFactor', Number.POSITIVE_INFINITY],
    ['degradedFactor', Number.NaN],
    ['tailWeight', -0.1],
    ['tailWeight', 1.1],
    ['tailWeight', Number.NaN],
    ['lateBindSlack', 0.99],
    ['lateBindSlack', 0],
    ['lateBindSlack', Number.NaN],
  ];

  it.each(bad)('rejects %s = %s with CONFIG_INVALID naming the option and the value', (name, v) => {
    const error = configError(() =>
      createAdaptiveStrategy({ [name]: v } as AdaptiveStrategyOptions),
    );
    expect(error.message).toMatch(/^Invalid adaptive strategy options:/);
    expect(error.problems).toEqual([expect.stringContaining(`\`${name}\` must be`)]);
    expect(error.message).toContain(`got ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`);
  });

  it('takes an option set to undefined as absent (the default applies)', () => {
    const options = { lateBindSlack: undefined } as unknown as AdaptiveStrategyOptions;
    expect(() => createAdaptiveStrategy(options)).not.toThrow();
  });

  it('lists every problem at once', () => {
    const error = configError(() =>
      createAdaptiveStrategy({ homeFactor: 2, tailWeight: 2, priorWeight: -1 }),
    );
    expect(error.problems).toHaveLength(3);
    expect(error.message).toMatch(/`priorWeight`[\s\S]*`homeFactor`[\s\S]*`tailWeight`/);
  });

  it('rejects unknown option keys, suggesting the one meant', () => {
    const error = configError(() =>
      createAdaptiveStrategy({ costweight: 50 } as unknown as AdaptiveStrategyOptions),
    );
    expect(error.problems).toEqual([
      expect.stringContaining('unknown option `costweight` (did you mean `costWeight`?)'),
    ]);
  });

  it('rejects options that are not an object', () => {
    const error = configError(() =>
      createAdaptiveStrategy(5 as unknown as AdaptiveStrategyOptions),
    );
    expect(error.message).toContain('options must be an object or undefined, got 5');
  });

  it('accepts the boundary values', () => {
    expect(() =>
      createAdaptiveStrategy({
        defaultPriorMs: Number.MIN_VALUE,
        priorWeight: 0,
        homeFactor: 1,
        costWeight: 0,
        degradedFactor: 1,
        tailWeight: 1,
        lateBindSlack: 1,
      }),
    ).not.toThrow();
    expect(() =>
      createAdaptiveStrategy({ tailWeight: 0, lateBindSlack: Number.POSITIVE_INFINITY }),
    ).not.toThrow();
  });

  it('breaks ties with the random source it is given, one draw per candidate', () => {
    const cs = Array.from({ length: 5 }, (_, i) => candidate({ id: `m${i}`, priorLatencyMs: 1 }));
    let next = 1;
    const falling = () => (next -= 0.1);
    const ranking = createAdaptiveStrategy().rank({ ...input(cs), random: falling });
    expect(ids(ranking)).toEqual(['m4', 'm3', 'm2', 'm1', 'm0']);
  });
});
