import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leastLoadedStrategy } from '../../src/strategy/leastLoaded.js';
import { arbCandidates, candidate, ids, input, loaded, samples, scoreOf } from './candidates.js';

describe('leastLoadedStrategy', () => {
  it("is named 'least-loaded'", () => {
    expect(leastLoadedStrategy.name).toBe('least-loaded');
  });

  it('scores the load ratio (inFlight + queued + waiting) / concurrency, lowest first', () => {
    const ranking = leastLoadedStrategy.rank(
      input([
        loaded('a', { inFlight: 4, queued: 2, concurrency: 4 }), // 1.5
        loaded('b', { inFlight: 1, waiting: 1, concurrency: 8 }), // 0.25
        loaded('c', { inFlight: 1, concurrency: 2 }), // 0.5
      ]),
    );
    expect(ids(ranking)).toEqual(['b', 'c', 'a']);
    expect(scoreOf(ranking, 'a').score).toBe(1.5);
    expect(scoreOf(ranking, 'b').components).toEqual({ load: 0.25 });
    expect(scoreOf(ranking, 'a').reasons).toEqual(['6 busy or waiting of 4 slots']);
  });

  it('uses capacity, not raw counts: 3 calls on 8 slots beat 1 call on 1 slot', () => {
    const ranking = leastLoadedStrategy.rank(
      input([loaded('small', { inFlight: 1 }), loaded('big', { inFlight: 3, concurrency: 8 })]),
    );
    expect(ids(ranking)).toEqual(['big', 'small']);
  });

  it('is blind to speed, home, health, errors and cost', () => {
    for (let seed = 0; seed < 20; seed++) {
      const ranking = leastLoadedStrategy.rank(
        input(
          [
            loaded(
              'fast',
              { inFlight: 1, concurrency: 2 },
              { latency: samples(100, 10), home: true },
            ),
            loaded(
              'slow',
              {},
              {
                latency: samples(100, 10_000),
                health: 'degraded',
                errorRate: 0.9,
                cost: 100,
              },
            ),
          ],
          seed,
        ),
      );
      expect(ids(ranking)).toEqual(['slow', 'fast']);
    }
  });

  it('ranks every candidate, deterministically, sorted by load', () => {
    fc.assert(
      fc.property(arbCandidates(), fc.integer(), (cs, seed) => {
        const ranking = leastLoadedStrategy.rank(input(cs, seed));
        expect(leastLoadedStrategy.rank(input(cs, seed))).toEqual(ranking);
        expect([...ids(ranking)].sort()).toEqual(cs.map((c) => c.id).sort());
        for (const r of ranking) {
          const c = cs.find((x) => x.id === r.id)!;
          expect(r.score).toBe((c.inFlight + c.queued + c.waiting) / c.concurrency);
        }
        for (let i = 1; i < ranking.length; i++)
          expect(ranking[i]!.score).toBeGreaterThanOrEqual(ranking[i - 1]!.score);
      }),
    );
  });

  it('breaks ties by the seeded random, not input order', () => {
    const cs = [0, 1, 2, 3].map((i) => candidate({ id: `m${i}` }));
    const firsts = new Map<string, number>();
    for (let seed = 0; seed < 4000; seed++) {
      const first = ids(leastLoadedStrategy.rank(input(cs, seed)))[0]!;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    for (const c of cs) expect(Math.abs((firsts.get(c.id) ?? 0) - 1000)).toBeLessThan(150);
  });
});
