import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAdaptiveStrategy } from '../../src/strategy/adaptive.js';
import { all, scoreAlone } from './adaptive.harness.js';
import { arbCandidates, candidate, ids, input, loaded } from './candidates.js';

describe('adaptive: expected wait', () => {
  const svc = { priorLatencyMs: 100 };

  it('is zero on a free model, whatever runs there', () => {
    const r = scoreAlone(loaded('a', { inFlight: 1, concurrency: 2 }, svc));
    expect(r.components.waitMs).toBe(0);
    expect(r.score).toBe(100);
  });

  it('counts the running, queued and waiting work ahead, shared over the slots, queueWeight times', () => {
    // 2 running + 1 queued on 2 slots: 2 completions before this one starts, at 2 per 100 ms.
    const busy = loaded('a', { inFlight: 2, queued: 1, concurrency: 2 }, svc);
    const queued = scoreAlone(busy, { queueWeight: 1 });
    expect(queued.components.waitMs).toBe(100);
    expect(queued.score).toBe(200);
    expect(queued.reasons.join('; ')).toMatch(/slot|ahead|wait/i);
    // The default queueWeight 2 counts joining the queue twice: it delays those behind too.
    expect(scoreAlone(busy).components.waitMs).toBe(200);
    const waiting = scoreAlone(loaded('a', { inFlight: 2, waiting: 3, concurrency: 2 }, svc), {
      queueWeight: 1,
    });
    expect(waiting.components.waitMs).toBe(200);
    const full = scoreAlone(loaded('a', { inFlight: 1, concurrency: 1 }, svc), { queueWeight: 1 });
    expect(full.components.waitMs).toBe(100);
  });

  it('matches (inFlight + queued + waiting - concurrency + 1) * service / concurrency * queueWeight when busy', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 5000 }),
        (concurrency, queued, waiting, prior) => {
          const r = scoreAlone(
            loaded(
              'a',
              { inFlight: concurrency, queued, waiting, concurrency },
              {
                priorLatencyMs: prior,
              },
            ),
          );
          const ahead = queued + waiting + 1;
          expect(r.components.waitMs).toBeCloseTo((2 * (ahead * prior)) / concurrency, 6);
        },
      ),
    );
  });

  it('is not zero on a model blocked by its token budget', () => {
    // One of four slots used, but the token budget is spent: at least one call must finish first.
    const blocked = candidate({
      id: 'a',
      concurrency: 4,
      inFlight: 1,
      tokensInFlight: 900,
      maxTokens: 1000,
      free: false,
      priorLatencyMs: 100,
    });
    const r = scoreAlone(blocked, { queueWeight: 1 });
    expect(r.components.waitMs).toBe(25);
    expect(r.score).toBeGreaterThan(scoreAlone({ ...blocked, free: true }).score);
  });

  it('ranks an idle model above a busy one of the same speed', () => {
    const ranking = createAdaptiveStrategy().rank(
      input([loaded('busy', { inFlight: 1 }, svc), loaded('idle', {}, svc)]),
    );
    expect(ids(ranking)).toEqual(['idle', 'busy']);
  });
});

describe('adaptive: penalties and preferences', () => {
  const svc = { priorLatencyMs: 100 };

  it('inflates the score by the retries the error rate causes', () => {
    const half = scoreAlone(candidate({ id: 'a', ...svc, errorRate: 0.5 }));
    expect(half.components.retryMs).toBe(100);
    expect(half.score).toBe(200);
    expect(half.reasons.join('; ')).toMatch(/error/i);
    expect(scoreAlone(candidate({ id: 'a', ...svc, errorRate: 0.2 })).components.retryMs).toBe(25);
    // A tiny error rate costs a little but is not worth a reason.
    const tiny = scoreAlone(candidate({ id: 'a', ...svc, errorRate: 0.005 }));
    expect(tiny.components.retryMs).toBeGreaterThan(0);
    expect(tiny.reasons.join('; ')).not.toMatch(/error/i);
  });

  it('clamps the error rate to [0, 0.95] so the score stays finite', () => {
    const always = scoreAlone(candidate({ id: 'a', ...svc, errorRate: 1 }));
    expect(always.components.retryMs).toBeCloseTo(1900, 9);
    expect(Number.isFinite(always.score)).toBe(true);
    expect(scoreAlone(candidate({ id: 'a', ...svc, errorRate: -0.3 })).components.retryMs).toBe(0);
  });

  it('multiplies a degraded model by degradedFactor', () => {
    const c = candidate({ id: 'a', ...svc, health: 'degraded' });
    expect(scoreAlone(c).score).toBe(200);
    expect(scoreAlone(c).components.healthFactor).toBe(2);
    expect(scoreAlone(c).reasons.join('; ')).toMatch(/degraded/i);
    expect(scoreAlone(c, { degradedFactor: 3 }).score).toBe(300);
    expect(scoreAlone(c, { degradedFactor: 1 }).score).toBe(100);
  });

  it('prefers a degraded model less than a healthy one of the same speed', () => {
    for (let seed = 0; seed < 20; seed++) {
      const ranking = createAdaptiveStrategy().rank(
        input(
          [
            candidate({ id: 'sick', ...svc, health: 'degraded' }),
            candidate({ id: 'well', ...svc }),
          ],
          seed,
        ),
      );
      expect(ids(ranking)[0]).toBe('well');
    }
  });

  it('multiplies a home model by homeFactor', () => {
    const c = candidate({ id: 'a', ...svc, home: true });
    expect(scoreAlone(c).score).toBeCloseTo(90, 9);
    expect(scoreAlone(c).components.homeFactor).toBe(0.9);
    expect(scoreAlone(c).reasons.join('; ')).toMatch(/home/i);
    expect(scoreAlone(candidate({ id: 'b', ...svc })).reasons.join('; ')).not.toMatch(/home/i);
    expect(scoreAlone(c, { homeFactor: 0.5 }).score).toBe(50);
    expect(scoreAlone(c, { homeFactor: 1 }).score).toBe(100);
    expect(scoreAlone(candidate({ id: 'b', ...svc })).components.homeFactor).toBe(1);
  });

  it('adds costWeight per unit of cost after the multipliers', () => {
    const c = candidate({ id: 'a', ...svc, cost: 3, home: true, health: 'degraded' });
    expect(scoreAlone(c).components.costMs).toBe(0);
    const r = scoreAlone(c, { costWeight: 10 });
    expect(r.components.costMs).toBe(30);
    expect(r.score).toBeCloseTo(100 * 0.9 * 2 + 30, 9);
  });

  it('lets cost decide between equally fast models', () => {
    const cs = [candidate({ id: 'dear', ...svc, cost: 5 }), candidate({ id: 'cheap', ...svc })];
    for (let seed = 0; seed < 20; seed++) {
      expect(ids(all({ costWeight: 1 }).rank(input(cs, seed)))).toEqual(['cheap', 'dear']);
    }
  });

  it('scores (wait + service + retry) * homeFactor * qualityFactor * healthFactor + cost, lowest first', () => {
    fc.assert(
      fc.property(arbCandidates(), fc.integer(), (cs, seed) => {
        const ranking = all({ costWeight: 7 }).rank(input(cs, seed));
        expect(ranking).toHaveLength(cs.length);
        for (const r of ranking) {
          const k = r.components;
          expect(r.score).toBeCloseTo(
            (k.waitMs! + k.serviceMs! + k.retryMs!) *
              k.homeFactor! *
              k.qualityFactor! *
              k.healthFactor! +
              k.costMs!,
            6,
          );
          expect(k.waitMs).toBeGreaterThanOrEqual(0);
          expect(k.serviceMs).toBeGreaterThan(0);
          expect(k.retryMs).toBeGreaterThanOrEqual(0);
        }
        for (let i = 1; i < ranking.length; i++)
          expect(ranking[i]!.score).toBeGreaterThanOrEqual(ranking[i - 1]!.score);
      }),
    );
  });
});
