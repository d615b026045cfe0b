import { describe, expect, it } from 'vitest';
import { envoyLeastRequestStrategy } from '../../../src/sim/peers/envoy.js';
import type { Strategy } from '../../../src/strategy/Strategy.js';
import { ids, input, loaded } from '../../strategy/candidates.js';

const pick = (s: Strategy, ...args: Parameters<typeof input>) => ids(s.rank(input(...args)));

describe('Envoy least-request (P2C)', () => {
  it('with two models, always the one with fewer active requests', () => {
    const cs = [loaded('a', { inFlight: 3, concurrency: 8 }), loaded('b', { inFlight: 1 })];
    for (let seed = 0; seed < 50; seed++)
      expect(pick(envoyLeastRequestStrategy, cs, seed)).toEqual(['b']);
  });

  it('never picks the busiest of three (it loses every pair it is drawn in)', () => {
    const cs = [
      loaded('a', { inFlight: 1 }),
      loaded('b', { inFlight: 2, concurrency: 2 }),
      loaded('c', { inFlight: 9, concurrency: 9 }),
    ];
    const seen = new Set<string>();
    for (let seed = 0; seed < 200; seed++) seen.add(pick(envoyLeastRequestStrategy, cs, seed)[0]!);
    expect(seen).toEqual(new Set(['a', 'b']));
  });
});
