import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AdaptiveStrategyOptions,
  createAdaptiveStrategy,
  createAdaptiveStrategy as createStrategy,
} from '../../src/strategy/adaptive.js';
import { all } from './adaptive.harness.js';
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
    // home: (2 * 100 wait + 100) * 0.9 = 270 against 100 (queueWeight 2).
    expect(ids(ranking)).toEqual(['other', 'home']);
    expect(scoreOf(ranking, 'home').score).toBeCloseTo(270, 9);
  });
});

describe('adaptive: lateBindSlack', () => {
  // queueWeight 1: the wait counts once, to keep the figures below simple.
  const createAdaptiveStrategy = (o: AdaptiveStrategyOptions = {}) =>
    createStrategy({ queueWeight: 1, ...o });
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
          const full = all({ queueWeight: 1 }).rank(input(cs, seed));
          const pruned = createAdaptiveStrategy({ lateBindSlack: slack, explore: 0 }).rank(
            input(cs, seed),
          );
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
          // Exploration (1% of decisions) may put one free candidate first, marked `explored`,
          // within exploreSlack of the best: the rest stays best-first with the best kept.
          const explored = ranking[0]!.components['explored'] === 1;
          const rest = explored ? ranking.slice(1) : ranking;
          for (let i = 1; i < rest.length; i++)
            expect(rest[i]!.score).toBeGreaterThanOrEqual(rest[i - 1]!.score);
          const bestOfAll = Math.min(
            ...all()
              .rank(input(cs, seed))
              .map((r) => r.score),
          );
          expect(rest[0]!.score).toBe(bestOfAll);
          if (explored) expect(ranking[0]!.score).toBeLessThanOrEqual(2 * bestOfAll);
        },
      ),
      { numRuns: 10 },
    );
  });
});
