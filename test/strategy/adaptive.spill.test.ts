import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { delayOnOthersMs, queueLength } from '../../src/strategy/internal/queueing.js';
import { all } from './adaptive.harness.js';
import { candidate, ids, input, scoreOf } from './candidates.js';

describe('queueing: M/M/c', () => {
  it('gives M/M/1 its closed form, rho^2 / (1 - rho)', () => {
    for (const rho of [0.1, 0.5, 0.9])
      expect(queueLength(1, rho)).toBeCloseTo((rho * rho) / (1 - rho), 9);
  });

  it('matches Erlang C for M/M/2 at a = 1 (Lq = 1/3)', () => {
    // P(wait) = 1/3 for c = 2, a = 1; Lq = P(wait) * a / (c - a) = 1/3.
    expect(queueLength(2, 1)).toBeCloseTo(1 / 3, 9);
  });

  it('grows with the load, so a call always delays the others (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.double({ min: 0.01, max: 0.95, noNaN: true }),
        (c, rho) => {
          expect(queueLength(c, rho * c + 0.01)).toBeGreaterThanOrEqual(queueLength(c, rho * c));
          expect(delayOnOthersMs(c, rho * c, 100)).toBeGreaterThanOrEqual(0);
        },
      ),
    );
    expect(delayOnOthersMs(16, 0, 300)).toBe(0);
    expect(delayOnOthersMs(16, 14.2, 300)).toBeGreaterThan(delayOnOthersMs(16, 8, 300));
  });
});

describe('queueing: models with very many slots', () => {
  it('prices a billion slots at once, no lower than the exact figure (an upper bound)', () => {
    // The exact recursion is linear in the slots: a billion per candidate would hang a decision
    // (and this test past its timeout).
    for (const rho of [0.1, 0.5, 0.9, 0.97, 0.99]) {
      const q = queueLength(1e9, rho * 1e9);
      expect(Number.isFinite(q) && q >= 0).toBe(true);
      expect(Number.isFinite(delayOnOthersMs(1e9, rho * 1e9, 1000))).toBe(true);
    }
    fc.assert(
      fc.property(
        fc.integer({ min: 10_001, max: 40_000 }),
        fc.double({ min: 0.05, max: 0.99, noNaN: true }),
        (c, rho) => {
          // The exact figure, by the same recursion over every slot.
          const load = Math.min(rho * c, 0.98 * c);
          let b = 1;
          for (let k = 1; k <= c; k++) b = (load * b) / (k + load * b);
          const exact = (((c * b) / (c - load * (1 - b))) * load) / (c - load);
          const q = queueLength(c, rho * c);
          expect(q).toBeGreaterThanOrEqual(exact * (1 - 1e-9) - 1e-12);
          // Both are small against the slots: below saturation a huge pool barely queues.
          expect(q).toBeLessThan(0.01 * c);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('adaptive: the cost of a spill onto the only model of other traffic', () => {
  // A flooded embedder (the only model serving embeddings), 14 of 16 slots busy of late, one free.
  const embedder = candidate({
    id: 'embedder',
    concurrency: 16,
    inFlight: 14,
    meanInFlight: 14.2,
    soleServer: true,
    priorLatencyMs: 300,
  });
  const coder = candidate({
    id: 'coder',
    home: true,
    concurrency: 8,
    inFlight: 3,
    meanInFlight: 3.2,
    priorLatencyMs: 500,
  });
  const simple = { type: 'simple', complexity: 0.2 };

  it('keeps a spill off a busy sole server when the home is free', () => {
    const ranking = all().rank(input([embedder, coder], 1, simple));
    expect(ids(ranking)[0]).toBe('coder');
    const e = scoreOf(ranking, 'embedder');
    expect(e.components.spillCostMs).toBeGreaterThan(1000);
    expect(e.reasons.join('; ')).toMatch(/only model of other traffic/);
    // Without it, the faster embedder wins, as before.
    expect(ids(all({ spillCostWeight: 0 }).rank(input([embedder, coder], 1, simple)))[0]).toBe(
      'embedder',
    );
  });

  it('charges nothing to a home, to a model others can avoid, or to an idle sole server', () => {
    for (const c of [
      { ...embedder, home: true },
      { ...embedder, soleServer: false },
      { ...embedder, inFlight: 0, meanInFlight: 0 },
    ]) {
      expect(scoreOf(all().rank(input([c], 1, simple)), 'embedder').components.spillCostMs).toBe(0);
    }
  });
});
