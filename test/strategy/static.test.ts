import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { staticStrategy } from '../../src/strategy/static.js';
import { arbCandidates, candidate, ids, input, loaded, samples, scoreOf } from './candidates.js';

describe('staticStrategy', () => {
  it("is named 'static'", () => {
    expect(staticStrategy.name).toBe('static');
  });

  it('ranks only the home models', () => {
    const ranking = staticStrategy.rank(
      input([
        candidate({ id: 'a' }),
        candidate({ id: 'home', home: true }),
        candidate({ id: 'b' }),
      ]),
    );
    expect(ids(ranking)).toEqual(['home']);
    expect(ranking[0]!.reasons).toEqual(["home model for 'code'"]);
  });

  it('waits at home even when every other model is idle and faster', () => {
    const ranking = staticStrategy.rank(
      input([
        loaded(
          'home',
          { inFlight: 2, queued: 5, waiting: 3, concurrency: 2 },
          {
            home: true,
            latency: samples(100, 5000),
            health: 'degraded',
            errorRate: 0.4,
          },
        ),
        loaded('idle', { concurrency: 8 }, { latency: samples(100, 10) }),
      ]),
    );
    expect(ids(ranking)).toEqual(['home']);
    expect(ranking[0]!.score).toBe(5);
    expect(ranking[0]!.components).toEqual({ load: 5 });
  });

  it('shares several home models by load: (inFlight + queued + waiting) / concurrency', () => {
    for (let seed = 0; seed < 20; seed++) {
      const ranking = staticStrategy.rank(
        input(
          [
            loaded('h1', { inFlight: 4, queued: 2, concurrency: 4 }, { home: true }), // 1.5
            loaded('h2', { inFlight: 1, waiting: 1, concurrency: 4 }, { home: true }), // 0.5
            loaded('h3', { inFlight: 2, concurrency: 2 }, { home: true }), // 1
            loaded('x', {}),
          ],
          seed,
        ),
      );
      expect(ids(ranking)).toEqual(['h2', 'h3', 'h1']);
      expect(scoreOf(ranking, 'h1').score).toBe(1.5);
    }
  });

  it('falls back to every capable model, by load, when none is a home model', () => {
    const ranking = staticStrategy.rank(
      input([
        loaded('a', { inFlight: 1 }),
        loaded('b', {}),
        loaded('c', { inFlight: 1, queued: 1 }),
      ]),
    );
    expect(ids(ranking)).toEqual(['b', 'a', 'c']);
    expect(ranking[0]!.reasons).toEqual(["no capable home model for 'code': any capable model"]);
  });

  it('breaks ties between equally loaded home models by the seeded random, evenly', () => {
    const cs = [0, 1, 2].map((i) => candidate({ id: `h${i}`, home: true }));
    const firsts = new Map<string, number>();
    for (let seed = 0; seed < 3000; seed++) {
      const first = ids(staticStrategy.rank(input(cs, seed)))[0]!;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    for (const c of cs) expect(Math.abs((firsts.get(c.id) ?? 0) - 1000)).toBeLessThan(150);
  });

  it('is deterministic and returns a sorted subset of the input: the homes, or all of them', () => {
    fc.assert(
      fc.property(arbCandidates(), fc.integer(), (cs, seed) => {
        const ranking = staticStrategy.rank(input(cs, seed));
        expect(staticStrategy.rank(input(cs, seed))).toEqual(ranking);
        const homes = cs.filter((c) => c.home).map((c) => c.id);
        const expected = homes.length > 0 ? homes : cs.map((c) => c.id);
        expect([...ids(ranking)].sort()).toEqual([...expected].sort());
        for (let i = 1; i < ranking.length; i++)
          expect(ranking[i]!.score).toBeGreaterThanOrEqual(ranking[i - 1]!.score);
      }),
    );
  });
});
