import { describe, expect, it } from 'vitest';
import { canServe, modelConditionsAt, serviceSpecFor } from '../../../src/sim/models/serving.js';
import type { SimModelSpec } from '../../../src/sim/models/spec.js';
import { coder, req } from './fixture.js';

describe('capabilities and conditions', () => {
  it('canServe checks type, complexity and tokens', () => {
    expect(canServe(coder, req(1))).toBe(true);
    expect(canServe(coder, req(1, { type: 'embedding' }))).toBe(false);
    expect(canServe(coder, req(1, { complexity: 0.71 }))).toBe(false);
    expect(canServe(coder, req(1, { complexity: 0.7 }))).toBe(true);
    expect(canServe(coder, req(1, { tokens: 8001 }))).toBe(false);
  });

  it('serviceSpecFor falls back to the default', () => {
    expect(serviceSpecFor(coder, 'code')).toEqual({ kind: 'lognormal', median: 1200, spread: 2.5 });
    expect(serviceSpecFor(coder, 'simple')).toEqual({ kind: 'constant', value: 300 });
  });

  it('modelConditionsAt multiplies slowdowns and lets the last failure phase win', () => {
    const spec: SimModelSpec = {
      ...coder,
      failureProbability: 0.1,
      phases: [
        { at: 100, until: 200, slowdown: 10 },
        { at: 150, slowdown: 2, failureProbability: 0.5 },
        { at: 180, until: 190, failureProbability: 0 },
      ],
    };
    expect(modelConditionsAt(spec, 99)).toEqual({ slowdown: 1, failureProbability: 0.1 });
    expect(modelConditionsAt(spec, 100)).toEqual({ slowdown: 10, failureProbability: 0.1 });
    expect(modelConditionsAt(spec, 160)).toEqual({ slowdown: 20, failureProbability: 0.5 });
    expect(modelConditionsAt(spec, 185)).toEqual({ slowdown: 20, failureProbability: 0 });
    expect(modelConditionsAt(spec, 200)).toEqual({ slowdown: 2, failureProbability: 0.5 });
  });
});
