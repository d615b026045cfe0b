import { describe, expect, it } from 'vitest';
import { createAdaptiveStrategy } from '../../src/strategy/adaptive.js';
import type { LearnedStats } from '../../src/types.js';
import { all } from './adaptive.harness.js';
import { candidate, ids, input, learnedStats, loaded, scoreOf } from './candidates.js';

/** Learned figures: `weight` calls of mean `ms` for the task, the same in the request's band. */
function learned(ms: number, weight: number, more: Partial<LearnedStats> = {}): LearnedStats {
  return learnedStats({
    bandWeight: weight,
    bandMeanMs: ms,
    taskWeight: weight,
    taskMeanMs: ms,
    ...more,
  });
}

describe('adaptive: learned service times', () => {
  it('shrinks the learned mean towards the prior while evidence is thin', () => {
    const c = candidate({ id: 'a', priorLatencyMs: 1000, learned: learned(200, 5) });
    // (5 * 200 + 5 * 1000) / 10 for the task, then the band (same figures) shrunk to that.
    const task = 600;
    const band = (5 * 200 + 5 * task) / 10;
    expect(scoreOf(all().rank(input([c])), 'a').components.serviceMs).toBeCloseTo(band, 9);
  });

  it('prices a hard request by its band, not by the task average', () => {
    const figures = learned(1000, 100, { bandMeanMs: 4000, bandWeight: 50 });
    const hard = scoreOf(all().rank(input([candidate({ id: 'a', learned: figures })])), 'a');
    const est = hard.components.serviceMs!;
    expect(est).toBeGreaterThan(3500);
    expect(hard.reasons.join('; ')).toMatch(/complexity band/);
    // The same model with the band unknown (e.g. no complexity) is priced as an average call.
    const average = learned(1000, 100, { band: -1, bandWeight: 0, bandMeanMs: Number.NaN });
    const plain = scoreOf(all().rank(input([candidate({ id: 'a', learned: average })])), 'a');
    expect(plain.components.serviceMs).toBeLessThan(1100);
  });

  it('lets learned evidence override the home preference', () => {
    const home = candidate({ id: 'home', home: true, priorLatencyMs: 500 });
    const other = candidate({ id: 'other', priorLatencyMs: 520 });
    // Cold: the home table decides.
    expect(ids(all().rank(input([home, other])))[0]).toBe('home');
    // Evidence says the other is clearly faster: it wins, and home's preference has faded.
    const homeL = { ...home, learned: learned(500, 200) };
    const otherL = { ...other, learned: learned(300, 200) };
    const ranking = all().rank(input([homeL, otherL]));
    expect(ids(ranking)[0]).toBe('other');
    expect(scoreOf(ranking, 'home').components.homeFactor).toBeGreaterThan(0.99);
  });

  it('prices a request by its predicted output when real usage was learned', () => {
    const fit = { tokenBaseMs: 100, msPerOutputToken: 2, tokenWeight: 1000 };
    const l = learned(600, 1000, { ...fit, outputPerEstimatedToken: 0.5 });
    const rank = (tokens: number) =>
      scoreOf(
        all().rank(
          input([candidate({ id: 'a', learned: l })], 1, { type: 'code', complexity: 0.5, tokens }),
        ),
        'a',
      );
    const long = rank(4000); // 2,000 output tokens predicted: about 4,100 ms
    const short = rank(200); // 100 predicted: about 300 ms
    expect(long.components.serviceMs).toBeGreaterThan(3500);
    expect(short.components.serviceMs).toBeLessThan(400);
    expect(long.reasons.join('; ')).toMatch(/per output token/);
  });

  it('adds the retries of failures learned in the band', () => {
    const l = learned(100, 10, { bandFailures: 10 });
    const c = scoreOf(all().rank(input([candidate({ id: 'a', learned: l })])), 'a');
    expect(c.components.retryMs).toBeGreaterThan(0);
  });

  it('penalises reported quality below 1 by qualityWeight', () => {
    const bad = candidate({
      id: 'bad',
      learned: learned(100, 50, { quality: 0, qualityWeight: 9 }),
    });
    const good = candidate({
      id: 'good',
      learned: learned(150, 50, { quality: 1, qualityWeight: 9 }),
    });
    const ranking = all().rank(input([bad, good]));
    expect(ids(ranking)).toEqual(['good', 'bad']);
    expect(scoreOf(ranking, 'bad').components.qualityFactor).toBeCloseTo(1.9, 9);
    expect(ids(all({ qualityWeight: 0 }).rank(input([bad, good])))[0]).toBe('bad');
  });
});

describe('adaptive: exploration', () => {
  const known = loaded('known', { inFlight: 0, concurrency: 4 }, { learned: learned(100, 100) });
  const stale = loaded('stale', { concurrency: 4 }, { learned: learned(150, 0.5) });

  it('tries a free candidate with faded evidence first, with probability explore', () => {
    let explored = 0;
    const runs = 2000;
    for (let seed = 0; seed < runs; seed++) {
      const first = createAdaptiveStrategy({ explore: 0.1 }).rank(input([known, stale], seed))[0]!;
      if (first.id === 'stale') {
        explored++;
        expect(first.components.explored).toBe(1);
      }
    }
    expect(explored / runs).toBeGreaterThan(0.07);
    expect(explored / runs).toBeLessThan(0.13);
  });

  it('never explores with explore 0, a busy candidate, one scoring past exploreSlack, or a cold best', () => {
    const never = (cs: Parameters<typeof input>[0], options = {}) => {
      for (let seed = 0; seed < 300; seed++) {
        const s = createAdaptiveStrategy({ explore: 1, ...options });
        expect(s.rank(input(cs, seed))[0]!.id).not.toBe('stale');
      }
    };
    never([known, stale], { explore: 0 });
    never([known, { ...stale, free: false, inFlight: 4 }]);
    never([known, { ...stale, learned: learned(1000, 0.5) }]);
    never([{ ...known, learned: learned(100, 1) }, stale]);
    // Not stale as a model: it is busy with other tasks (the evidence behind its speed).
    never([known, { ...stale, learned: learned(150, 0.5, { speed: 1.5, speedWeight: 40 }) }]);
  });

  it('in a small fleet, first tries a free model never tried on the task', () => {
    // Busy with other tasks (speed evidence), never sent this task: the home table did not name it.
    const unseen = loaded(
      'unseen',
      { concurrency: 4 },
      {
        priorLatencyMs: 150,
        taskTried: false,
        learned: learned(Number.NaN, 0, { speed: 1, speedWeight: 40 }),
      },
    );
    const first = (cs: Parameters<typeof input>[0], options = {}, large = false) =>
      createAdaptiveStrategy(options).rank({ ...input(cs, 7), largeFleet: large })[0]!;
    const look = first([known, unseen]);
    expect(look.id).toBe('unseen');
    expect(look.components.explored).toBe(1);
    expect(look.reasons.join('; ')).toMatch(/evidence is missing/);
    // A model the tracker knows nothing of at all (no learned figures, no window) qualifies too.
    expect(first([known, { ...unseen, learned: undefined }]).id).toBe('unseen');
    // Not once the router sent it a call of the task (whatever came of it), nor when the tracker
    // learned of the pair elsewhere (an import, another process), nor from a router that does not
    // keep count.
    expect(first([known, { ...unseen, taskTried: true }]).id).toBe('known');
    const learnedOf = (more: Partial<LearnedStats>) => ({
      ...unseen,
      learned: learned(Number.NaN, 0, { speed: 1, speedWeight: 40, ...more }),
    });
    expect(first([known, learnedOf({ taskWeight: 0.5, taskMeanMs: 150 })]).id).toBe('known');
    expect(first([known, learnedOf({ taskFailures: 0.01 })]).id).toBe('known');
    const windowed = { ...unseen, learned: undefined, latency: { ...unseen.latency, count: 1 } };
    expect(first([known, windowed]).id).toBe('known');
    const { taskTried: _, ...uncounted } = unseen;
    expect(first([known, uncounted]).id).toBe('known');
    // Nor with explore 0, in a large fleet, busy, past exploreSlack, or against a little-known best.
    expect(first([known, unseen], { explore: 0 }).id).toBe('known');
    expect(first([known, unseen], {}, true).id).toBe('known');
    expect(first([known, { ...unseen, free: false, inFlight: 4 }]).id).toBe('known');
    expect(first([known, unseen], { exploreSlack: 1 }).id).toBe('known');
    expect(first([{ ...known, learned: learned(100, 1) }, unseen]).id).toBe('known');
  });
});
