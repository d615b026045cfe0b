import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bandOf,
  COMPLEXITY_BANDS,
  decayFactor,
  Evidence,
  TokenFit,
} from '../../../src/load/internal/Learned.js';

const lambda = Math.LN2 / 1000; // half-life 1 s

describe('bandOf', () => {
  it('splits 0..1 into the fixed bands, 1 in the last, unknown as -1', () => {
    expect(COMPLEXITY_BANDS).toBe(4);
    expect([0, 0.24, 0.25, 0.5, 0.74, 0.75, 1].map(bandOf)).toEqual([0, 0, 1, 2, 2, 3, 3]);
    expect([-1, 2].map(bandOf)).toEqual([0, 3]);
    expect([undefined, Number.NaN, Number.POSITIVE_INFINITY].map(bandOf)).toEqual([-1, -1, -1]);
  });
});

describe('Evidence', () => {
  it('halves its weight every half-life and keeps its mean', () => {
    const e = new Evidence();
    e.decayTo(0, lambda);
    e.addOutcome(true, 100);
    e.addOutcome(true, 300);
    e.addOutcome(false, 50);
    e.decayTo(1000, lambda);
    expect(e.ok).toBeCloseTo(1, 12);
    expect(e.failed).toBeCloseTo(0.5, 12);
    expect(e.latency / e.ok).toBeCloseTo(200, 9);
    e.decayTo(3000, lambda);
    expect(e.ok).toBeCloseTo(0.25, 12);
  });

  it('weighs recent outcomes more: the mean moves to new latencies', () => {
    const e = new Evidence();
    for (let t = 0; t < 10_000; t += 100) {
      e.decayTo(t, lambda);
      e.addOutcome(true, t < 5000 ? 100 : 1000);
    }
    // Five half-lives later the old 100 ms calls weigh about 1/32 of the evidence.
    expect(e.latency / e.ok).toBeGreaterThan(960);
    expect(e.latency / e.ok).toBeLessThan(1000);
  });

  it('does not count a failure as latency, nor a success with no finite latency', () => {
    const e = new Evidence();
    e.addOutcome(false, 5);
    e.addOutcome(true, Number.NaN);
    expect([e.ok, e.latency, e.failed]).toEqual([0, 0, 1]);
  });

  it('ignores a time earlier than one already seen', () => {
    const e = new Evidence();
    e.decayTo(1000, lambda);
    e.addOutcome(true, 10);
    e.decayTo(500, lambda);
    e.decayTo(Number.NaN, lambda);
    expect(e.ok).toBe(1);
    expect(e.at).toBe(1000);
  });

  it('decays the same whether in one step or many (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5000 }), { maxLength: 20 }), (steps) => {
        const a = new Evidence();
        const b = new Evidence();
        for (const x of [a, b]) {
          x.decayTo(0, lambda);
          x.addOutcome(true, 42);
        }
        let t = 0;
        for (const s of steps) {
          t += s;
          a.decayTo(t, lambda);
        }
        b.decayTo(t, lambda);
        expect(a.ok).toBeCloseTo(b.ok, 9);
        expect(a.ok).toBeCloseTo(decayFactor(lambda, t), 9);
      }),
    );
  });
});

describe('TokenFit', () => {
  it('recovers base and per-token cost from exact samples', () => {
    const f = new TokenFit();
    for (const tokens of [10, 100, 400, 50, 800]) f.add(tokens, 200 + 3 * tokens);
    const [base, perToken] = f.fit();
    expect(base).toBeCloseTo(200, 6);
    expect(perToken).toBeCloseTo(3, 9);
  });

  it('prices everything per token when every sample has the same count', () => {
    const f = new TokenFit();
    f.add(100, 500);
    f.add(100, 700);
    expect(f.fit()).toEqual([0, 6]);
  });

  it('never fits a negative slope or base, and gives NaN with no sample', () => {
    expect(new TokenFit().fit().every(Number.isNaN)).toBe(true);
    const f = new TokenFit();
    f.add(10, 1000);
    f.add(1000, 10);
    const [base, perToken] = f.fit();
    expect(perToken).toBe(0);
    expect(base).toBeGreaterThanOrEqual(0);
  });
});
