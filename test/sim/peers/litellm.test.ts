import { describe, expect, it } from 'vitest';
import {
  litellmLatencyBasedStrategy,
  litellmLeastBusyStrategy,
  litellmSimpleShuffleStrategy,
  litellmUsageBasedStrategy,
} from '../../../src/sim/peers/litellm.js';
import type { Strategy } from '../../../src/strategy/Strategy.js';
import { candidate, ids, input, loaded, noSamples, samples } from '../../strategy/candidates.js';

const pick = (s: Strategy, ...args: Parameters<typeof input>) => ids(s.rank(input(...args)));

describe('LiteLLM', () => {
  it('simple-shuffle draws in proportion to concurrency', () => {
    const cs = [loaded('small', { concurrency: 1 }), loaded('big', { concurrency: 3 })];
    let big = 0;
    for (let seed = 0; seed < 2000; seed++)
      if (pick(litellmSimpleShuffleStrategy, cs, seed)[0] === 'big') big++;
    expect(big / 2000).toBeGreaterThan(0.7);
    expect(big / 2000).toBeLessThan(0.8);
  });

  it('least-busy takes the fewest requests in flight, queued or waiting, whatever the capacity', () => {
    const cs = [
      loaded('a', { inFlight: 2, concurrency: 8 }),
      loaded('b', { inFlight: 1, waiting: 0, concurrency: 1 }),
      loaded('c', { inFlight: 1, waiting: 2, concurrency: 4 }),
    ];
    expect(pick(litellmLeastBusyStrategy, cs)).toEqual(['b']);
  });

  it('latency-based takes the lowest mean, tries a never-used model first, ignores load', () => {
    const fast = loaded('fast', { inFlight: 5, concurrency: 1 }, { latency: samples(10, 100) });
    const slow = candidate({ id: 'slow', latency: samples(10, 900) });
    expect(pick(litellmLatencyBasedStrategy, [slow, fast])).toEqual(['fast']);
    expect(pick(litellmLatencyBasedStrategy, [slow, fast, candidate({ id: 'new' })])).toEqual([
      'new',
    ]);
    // An emptied window falls back to the mean the router remembered.
    const remembered = candidate({ id: 'old', latency: noSamples, priorLatencyMs: 50 });
    expect(pick(litellmLatencyBasedStrategy, [fast, remembered])).toEqual(['old']);
  });

  it('usage-based takes the lowest estimated tokens per minute', () => {
    const busy = candidate({ id: 'busy', throughput: 2, inFlight: 1, tokensInFlight: 1000 });
    const idle = candidate({ id: 'idle', throughput: 0.1 });
    const ranking = litellmUsageBasedStrategy.rank(
      input([busy, idle], 1, { type: 'code', complexity: 0.3, tokens: 500 }),
    );
    expect(ids(ranking)).toEqual(['idle']);
    expect(ranking[0]!.components['tpm']).toBeCloseTo(0.1 * 60 * 500);
  });
});
