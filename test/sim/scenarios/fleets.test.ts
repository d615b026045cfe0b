import { describe, expect, it } from 'vitest';
import { assertValidFleet, type SimModelSpec } from '../../../src/sim/models/spec.js';
import { defaultFleet, heterogeneousFleet } from '../../../src/sim/scenarios/fleets.js';
import { configError } from '../../helpers/configError.js';

const byId = (id: string): SimModelSpec => defaultFleet.find((m) => m.id === id) as SimModelSpec;

describe('defaultFleet', () => {
  it('the default fleet follows the mission table', () => {
    expect(defaultFleet.map((m) => [m.id, m.concurrency, m.home, m.maxComplexity])).toEqual([
      ['coder-7b', 8, ['code', 'simple'], 0.7],
      ['embedder-4b', 16, ['embedding'], 0.5],
      ['reasoner-14b', 4, ['reasoning'], 1],
    ]);
    expect(byId('coder-7b').tasks).toEqual(['simple', 'code', 'reasoning']);
    expect(byId('embedder-4b').tasks).toEqual(['embedding', 'simple']);
    expect(byId('reasoner-14b').tasks).not.toContain('embedding');
  });
});

describe('heterogeneousFleet', () => {
  it('is deterministic, with unique ids and the documented mix of kinds', () => {
    const fleet = heterogeneousFleet(1000, 1);
    expect(heterogeneousFleet(1000, 1)).toEqual(fleet);
    expect(heterogeneousFleet(1000, 2)).not.toEqual(fleet);
    expect(new Set(fleet.map((m) => m.id)).size).toBe(1000);
    expect(fleet[0]?.id).toBe('m0000');
    const share = (home: string): number => fleet.filter((m) => m.home?.[0] === home).length / 1000;
    expect(share('embedding')).toBeCloseTo(0.1, 1);
    expect(share('simple')).toBeCloseTo(0.4, 1);
    expect(share('code')).toBeCloseTo(0.35, 1);
    expect(share('reasoning')).toBeCloseTo(0.15, 1);
    assertValidFleet(fleet);
    expect(configError(() => heterogeneousFleet(0)).message).toBe(
      'Invalid heterogeneousFleet arguments:\n- count must be an integer from 1 to 100000, got 0',
    );
    expect(configError(() => heterogeneousFleet(1e12, 0.5)).problems).toEqual([
      'count must be an integer from 1 to 100000, got 1000000000000',
      'seed must be a safe integer, got 0.5',
    ]);
  });
});
