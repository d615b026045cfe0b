import { describe, expect, it } from 'vitest';
import { litellmLatencyBasedStrategy } from '../../../src/sim/peers/litellm.js';
import { portkeyLeastLatencyStrategy } from '../../../src/sim/peers/portkey.js';
import type { Strategy } from '../../../src/strategy/Strategy.js';
import { candidate, ids, input, samples } from '../../strategy/candidates.js';

const pick = (s: Strategy, ...args: Parameters<typeof input>) => ids(s.rank(input(...args)));

describe('Portkey least-latency', () => {
  it('takes the lowest windowed median', () => {
    const a = candidate({ id: 'a', latency: { ...samples(10, 100), p50: 400 } });
    const b = candidate({ id: 'b', latency: { ...samples(10, 300), p50: 200 } });
    expect(pick(portkeyLeastLatencyStrategy, [a, b])).toEqual(['b']);
    expect(pick(litellmLatencyBasedStrategy, [a, b])).toEqual(['a']);
  });
});
