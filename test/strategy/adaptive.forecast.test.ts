import { describe, expect, it } from 'vitest';
import type { RoutingInput } from '../../src/types.js';
import { all } from './adaptive.harness.js';
import { ids, input, loaded, scoreOf } from './candidates.js';

/** The arrival forecast in adaptive's expected wait: a queue that will build at the home model. */

type Arrivals = NonNullable<RoutingInput['arrivals']>;

/** Arrivals whose Holt level is `level` per second, rising by `trend` per second per second. */
const forecast = (level: number, trend: number): Arrivals => ({
  rate: level,
  forecast: level + (trend > 0 ? trend * 5 : 0),
  trend,
  horizonMs: 5000,
});

const at = (arrivals: Arrivals, candidates: Parameters<typeof input>[0]): RoutingInput => ({
  ...input(candidates),
  arrivals,
});

// A home model with 4 of 8 slots busy, completing 2 calls/s, 1 s per call.
const home = loaded(
  'home',
  { inFlight: 4, concurrency: 8 },
  {
    home: true,
    throughput: 2,
    priorLatencyMs: 1000,
  },
);
const other = loaded('other', { concurrency: 8 }, { priorLatencyMs: 1300 });

describe('adaptive: arrival forecast', () => {
  it('prices its home as full when the task arrives faster than the home completes', () => {
    // 10/s forecast over 1 s of service against 2 completions: 8 more calls, 4 + 8 of 8 slots,
    // so 5 ahead: 5 * 1000 / 8 ms of wait, and (625 + 1000) * 0.9 loses to the other's 1,300.
    const ranking = all().rank(at(forecast(10, 0), [home, other]));
    expect(ids(ranking)[0]).toBe('other');
    expect(scoreOf(ranking, 'home').components.waitMs).toBeCloseTo(625, 9);
    expect(scoreOf(ranking, 'home').reasons.some((r) => r.includes('forecast'))).toBe(true);
    expect(ids(all({ forecastWeight: 0 }).rank(at(forecast(10, 0), [home, other])))[0]).toBe(
      'home',
    );
  });

  it('counts the rising trend over the service time, not a falling one', () => {
    const busy = { ...home, inFlight: 7 };
    const waitFor = (trend: number) =>
      scoreOf(all().rank(at(forecast(2, trend), [busy])), 'home').components.waitMs;
    // Level 2/s = what it completes; rising 4/s²: 2 more calls over 1 s, 7 + 2 of 8: 2 ahead.
    expect(waitFor(4)).toBeCloseTo((2 * 1000) / 8, 9);
    expect(waitFor(0)).toBe(0);
    expect(waitFor(-4)).toBe(0);
  });

  it('leaves a home that keeps up, and spill targets, alone', () => {
    // Arrivals at what the home completes: no queue will build.
    expect(scoreOf(all().rank(at(forecast(2, 0), [home])), 'home').components.waitMs).toBe(0);
    // Where the task's other arrivals go is the router's choice: a spill target is not priced.
    const target = { ...home, home: false };
    expect(scoreOf(all().rank(at(forecast(10, 1), [target])), 'home').components.waitMs).toBe(0);
    // No forecast, or an empty one: nothing changes.
    expect(scoreOf(all().rank(input([home])), 'home').components.waitMs).toBe(0);
    expect(scoreOf(all().rank(at(forecast(0, 0), [home])), 'home').components.waitMs).toBe(0);
  });
});
