import { describe, expect, it } from 'vitest';
import { finaglePeakEwmaStrategy } from '../../../src/sim/peers/finagle.js';
import type { Strategy } from '../../../src/strategy/Strategy.js';
import { candidate, ids, input, loaded, samples } from '../../strategy/candidates.js';

const pick = (s: Strategy, ...args: Parameters<typeof input>) => ids(s.rank(input(...args)));

describe('Finagle peak-EWMA (P2C)', () => {
  it('weighs latency by pending requests + 1', () => {
    // 100 ms × (3 pending + 1) = 400 against 300 ms × (0 + 1) = 300: the idle, slower one wins.
    const quickBusy = loaded(
      'quick',
      { inFlight: 3, concurrency: 4 },
      { latency: samples(20, 100) },
    );
    const slowIdle = candidate({ id: 'slow', latency: samples(20, 300) });
    expect(pick(finaglePeakEwmaStrategy, [quickBusy, slowIdle])).toEqual(['slow']);
  });

  it('raises the estimate to a running call that outlasts the mean (the peak rule)', () => {
    const stuck = loaded(
      'stuck',
      { inFlight: 1, concurrency: 4 },
      { latency: samples(20, 100), inFlightMaxElapsedMs: 5000 },
    );
    const other = loaded('other', { inFlight: 1, concurrency: 4 }, { latency: samples(20, 400) });
    const ranking = finaglePeakEwmaStrategy.rank(input([stuck, other]));
    expect(ids(ranking)).toEqual(['other']);
    expect(finaglePeakEwmaStrategy.rank(input([stuck, stuck]))[0]!.components['costMs']).toBe(5000);
  });

  it('penalises a model with requests pending and no sample; an idle cold one costs 0', () => {
    const coldBusy = loaded('cold', { inFlight: 1, concurrency: 4 });
    const warm = candidate({ id: 'warm', latency: samples(20, 10_000) });
    expect(pick(finaglePeakEwmaStrategy, [coldBusy, warm])).toEqual(['warm']);
    expect(pick(finaglePeakEwmaStrategy, [candidate({ id: 'cold' }), warm])).toEqual(['cold']);
  });
});
