import { describe, expect, it } from 'vitest';
import { defaultTaskTypes } from '../../../src/sim/scenarios/taskTypes.js';
import { workloadProblems } from '../../../src/sim/workloads/spec.js';

describe('defaultTaskTypes', () => {
  it('are valid task types with the documented complexity ranges and priorities', () => {
    const mix = { simple: 1, code: 1, embedding: 1, reasoning: 1 };
    expect(
      workloadProblems({ arrivals: { kind: 'poisson', rate: 1 }, mix, types: defaultTaskTypes }),
    ).toEqual([]);
    const ranges = Object.entries(defaultTaskTypes).map(([type, t]) => [type, t.complexity]);
    expect(ranges).toEqual([
      ['simple', { kind: 'uniform', min: 0, max: 0.4 }],
      ['code', { kind: 'uniform', min: 0.1, max: 0.65 }],
      ['embedding', { kind: 'uniform', min: 0, max: 0.2 }],
      ['reasoning', { kind: 'uniform', min: 0.3, max: 0.9 }],
    ]);
    expect(defaultTaskTypes['simple']?.priority).toBe(1);
    expect(defaultTaskTypes['embedding']?.outputTokens).toBeUndefined();
  });
});
