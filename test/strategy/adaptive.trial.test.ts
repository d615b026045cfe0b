import { describe, expect, it } from 'vitest';
import { createAdaptiveStrategy } from '../../src/strategy/adaptive.js';
import type { CandidateState, LearnedStats } from '../../src/types.js';
import { input, learnedStats, loaded } from './candidates.js';

/** Known: a model measured fast (speed and evidence for the task). */
const known = loaded(
  'known',
  { concurrency: 4 },
  {
    taskTried: true,
    learned: learnedStats({
      taskWeight: 20,
      taskMeanMs: 100,
      bandWeight: 20,
      bandMeanMs: 100,
      speed: 0.5,
      speedWeight: 20,
      fleetMeanMs: 200,
    }),
  },
);

/** Unknown: nothing measured of it (the fleet's level prices it), never sent the task. */
function unknown(
  id: string,
  more: Partial<CandidateState> = {},
  learned: Partial<LearnedStats> = {},
) {
  return loaded(
    id,
    { concurrency: 4 },
    { taskTried: false, learned: learnedStats({ fleetMeanMs: 200, ...learned }), ...more },
  );
}

const first = (cs: CandidateState[], options = {}, large = true, seed = 1) =>
  createAdaptiveStrategy(options).rank({ ...input(cs, seed), largeFleet: large })[0]!;

describe('adaptive: trials in a large fleet', () => {
  it('tries a model nothing measured yet first, when it costs at most trialBudgetMs', () => {
    const tried = first([known, unknown('u')]);
    expect(tried.id).toBe('u');
    expect(tried.components.explored).toBe(1);
    expect(tried.reasons.join('; ')).toMatch(/measures the speed/);
    // Priced at the fleet's level (200 ms) against the known model's 100 ms: 100 ms later.
    expect(first([known, unknown('u')], { trialBudgetMs: 99 }).id).toBe('known');
    expect(first([known, unknown('u')], { trialBudgetMs: 101 }).id).toBe('u');
    // A model the tracker has never seen (no learned figures) is worth a trial as well.
    expect(first([known, unknown('u', { learned: undefined })]).id).toBe('u');
  });

  it('tries only an idle, error-free model never sent the task, in a large fleet, with a budget', () => {
    const never = (c: CandidateState, options = {}, large = true) =>
      expect(first([known, c], options, large).id).toBe('known');
    never(unknown('u', {}, { speed: 2, speedWeight: 0.01 })); // measured, however little
    never(unknown('u', { inFlight: 1 })); // its first call runs (slow start prices it)
    never(unknown('u', { queued: 1, free: true }));
    never(unknown('u', { errorRate: 0.01 }));
    never(unknown('u', { priorLatencyMs: 150 })); // its configured prior prices it
    never(unknown('u', { taskTried: true })); // sent it before, whatever came of it
    never(loaded('u', { concurrency: 4 }, { learned: learnedStats({ fleetMeanMs: 200 }) })); // no count
    never(unknown('u', { free: false, inFlight: 4 }));
    never(unknown('u'), { trialBudgetMs: 0 });
    // A small fleet looks at pairs instead (the first look), not by this budget.
    const small = first([known, unknown('u')], { trialBudgetMs: 0 }, false);
    expect(small.reasons.join('; ')).not.toMatch(/measures the speed/);
    expect(first([known, unknown('u')], { trialBudgetMs: 0, explore: 0 }, false).id).toBe('known');
  });

  it('tries only on a short request, never on a retry, and leaves a lone little-known home first', () => {
    // The best's expected service above the budget: a long request is not the one to measure with.
    const slow = loaded(
      'known',
      { concurrency: 4 },
      { ...known, learned: { ...known.learned!, taskMeanMs: 3000, bandMeanMs: 3000 } },
    );
    expect(first([slow, unknown('u', {}, { fleetMeanMs: 3500 })]).id).toBe('known');
    expect(first([slow, unknown('u', {}, { fleetMeanMs: 3500 })], { trialBudgetMs: 4000 }).id).toBe(
      'u',
    );
    // A retry's caller has waited already.
    const retry = createAdaptiveStrategy().rank({
      ...input([known, unknown('u')], 1),
      largeFleet: true,
      retry: true,
    });
    expect(retry[0]!.id).toBe('known');
    // A cold home model the table names alone stands; among several homes (a class), a trial goes.
    const home = unknown('home', { home: true, priorLatencyMs: 100 });
    expect(first([home, unknown('u')]).id).toBe('home');
    const other = unknown('home2', { home: true, priorLatencyMs: 100 });
    expect(['home', 'home2']).not.toContain(first([home, other, unknown('u')]).id);
  });

  it('tells homes by the home table, not by the preference, counted before late binding drops any', () => {
    const home = unknown('home', { home: true, priorLatencyMs: 100 });
    // homeFactor 1 turns the preference off; the lone home still stands while little known.
    expect(first([home, unknown('u')], { homeFactor: 1 }).id).toBe('home');
    // A second home, busy and slow, is dropped from the ranking (lateBindSlack): still two homes.
    const busy = unknown('home2', { home: true, priorLatencyMs: 400, free: false, inFlight: 4 });
    const ranked = createAdaptiveStrategy().rank({
      ...input([home, busy, unknown('u')], 1),
      largeFleet: true,
    });
    expect(ranked.map((r) => r.id)).not.toContain('home2');
    expect(ranked[0]!.id).toBe('u');
  });

  it('draws the model tried at random among those within budget', () => {
    const cs = [known, unknown('a'), unknown('b'), unknown('c')];
    const picked = new Set<string>();
    for (let seed = 0; seed < 40; seed++) picked.add(first(cs, {}, true, seed).id);
    expect([...picked].sort()).toEqual(['a', 'b', 'c']);
  });
});
