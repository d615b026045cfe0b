import { describe, expect, it } from 'vitest';
import { clairvoyantServiceTime, drawSimCall } from '../../../src/sim/models/draw.js';
import type { SimModelSpec } from '../../../src/sim/models/spec.js';
import { coder, req } from './fixture.js';

describe('drawSimCall / clairvoyantServiceTime', () => {
  it('is a deterministic function of seed and request id, the service draw shared across models', () => {
    const a = drawSimCall(coder, req(7), 0, 42);
    expect(drawSimCall(coder, req(7, { t: 999, complexity: 0.1 }), 0, 42)).toEqual(a);
    expect(drawSimCall(coder, req(7), 0, 43).serviceMs).not.toBe(a.serviceMs);
    expect(drawSimCall(coder, req(8), 0, 42).serviceMs).not.toBe(a.serviceMs);
    // A long request is long everywhere: another model with the same distribution draws the same time.
    expect(drawSimCall({ ...coder, id: 'other' }, req(7), 0, 42).serviceMs).toBe(a.serviceMs);
    expect(drawSimCall(coder, req(7), 0, 42, 1).serviceMs).not.toBe(a.serviceMs);
    expect(clairvoyantServiceTime(coder, req(7), 0, 42)).toBe(a.serviceMs);
  });

  it('scales the same base draw by the slowdown at the start time', () => {
    const slow: SimModelSpec = { ...coder, phases: [{ at: 1000, until: 2000, slowdown: 10 }] };
    const base = clairvoyantServiceTime(slow, req(3), 0, 1);
    expect(clairvoyantServiceTime(slow, req(3), 1500, 1)).toBeCloseTo(base * 10, 9);
    expect(clairvoyantServiceTime(slow, req(3), 2000, 1)).toBe(base);
    expect(base).toBe(clairvoyantServiceTime(coder, req(3), 0, 1));
  });

  it('fails with the failure probability, independently of the service draw', () => {
    const flaky: SimModelSpec = { ...coder, failureProbability: 0.3 };
    let failures = 0;
    for (let id = 0; id < 10_000; id++) {
      const d = drawSimCall(flaky, req(id), 0, 5);
      if (!d.ok) failures++;
      expect(d.serviceMs).toBe(drawSimCall(coder, req(id), 0, 5).serviceMs);
    }
    expect(failures / 10_000).toBeCloseTo(0.3, 1);
  });

  it('uses the per-task distribution', () => {
    expect(clairvoyantServiceTime(coder, req(1, { type: 'simple' }), 0, 1)).toBe(300);
  });
});
