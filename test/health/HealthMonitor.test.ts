import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type HealthChange,
  HealthMonitor,
  type HealthOptions,
  healthOptionProblems,
} from '../../src/health/HealthMonitor.js';

/** A monitor for model 'm' recording every change, with helpers that feed it calls at `t`. */
function harness(options: HealthOptions = {}) {
  const changes: HealthChange[] = [];
  const m = new HealthMonitor('m', options, (c) => changes.push(c));
  const clock = { t: 0 };
  const ok = (n = 1, latencyMs = 100) => {
    for (let i = 0; i < n; i++) m.onFinish(true, latencyMs, clock.t);
  };
  const fail = (n = 1, latencyMs = 100) => {
    for (let i = 0; i < n; i++) m.onFinish(false, latencyMs, clock.t);
  };
  /** Starts a probe at `t` (the router asks canRoute, then starts the call). */
  const probe = (okay: boolean, latencyMs = 100) => {
    expect(m.canRoute(clock.t)).toBe(true);
    m.onStart();
    expect(m.canRoute(clock.t)).toBe(false);
    m.onFinish(okay, latencyMs, clock.t);
  };
  const path = () => changes.map((c) => `${c.from}->${c.to}`);
  return { m, changes, clock, ok, fail, probe, path };
}

describe('HealthMonitor: healthy', () => {
  it('starts healthy, routable, with no errors', () => {
    const { m, changes } = harness();
    expect(m.state).toBe('healthy');
    expect(m.errorRate).toBe(0);
    expect(m.canRoute(0)).toBe(true);
    const snap = m.snapshot();
    expect(snap).toMatchObject({ state: 'healthy', errorRate: 0, consecutiveFailures: 0 });
    expect(snap.retryAt).toBeNaN();
    expect(changes).toEqual([]);
  });

  it('keeps an exponentially weighted error rate with weight alpha on the newest call', () => {
    const { m, ok, fail } = harness({ openAfterFailures: 100 });
    fail();
    expect(m.errorRate).toBeCloseTo(0.1, 12);
    fail();
    expect(m.errorRate).toBeCloseTo(0.19, 12);
    ok();
    expect(m.errorRate).toBeCloseTo(0.171, 12);
    const fast = harness({ alpha: 0.5, openAfterFailures: 100 });
    fast.fail();
    fast.fail();
    expect(fast.m.errorRate).toBe(0.75);
  });

  it('stays healthy on successes, and does not judge error rates before minSamples calls', () => {
    const { m, ok, changes } = harness();
    ok(50);
    expect(m.state).toBe('healthy');
    const early = harness();
    early.fail(3); // error rate 27% after 3 calls, but only 3 samples
    expect(early.m.errorRate).toBeGreaterThan(0.2);
    early.ok(7); // by the 10th call the rate is back down to 13%
    expect(early.m.state).toBe('healthy');
    expect(early.changes).toEqual([]);
    expect(changes).toEqual([]);
  });
});

describe('HealthMonitor: degraded', () => {
  it('degrades once the error rate reaches degradedErrorRate', () => {
    const { m, ok, fail, changes, clock } = harness({ openAfterFailures: 100 });
    ok(10);
    clock.t = 1234;
    fail(2); // 19%
    expect(m.state).toBe('healthy');
    fail(); // 27.1%
    expect(m.state).toBe('degraded');
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ model: 'm', from: 'healthy', to: 'degraded', at: 1234 });
    expect(changes[0]!.reason).toMatch(/error rate 27%/);
  });

  it('returns to healthy only once the error rate is below half the threshold (hysteresis)', () => {
    const { m, ok, fail, path } = harness({ openAfterFailures: 100 });
    ok(10);
    fail(3); // 27.1%
    expect(m.state).toBe('degraded');
    // 0.271 * 0.9^k: k = 3 gives 19.8% (below 20%, not below 10%): still degraded
    ok(3);
    expect(m.errorRate).toBeLessThan(0.2);
    expect(m.state).toBe('degraded');
    // k = 10 gives 9.45%
    ok(6);
    expect(m.errorRate).toBeGreaterThan(0.1);
    expect(m.state).toBe('degraded');
    ok();
    expect(m.errorRate).toBeLessThan(0.1);
    expect(m.state).toBe('healthy');
    expect(path()).toEqual(['healthy->degraded', 'degraded->healthy']);
  });

  it('degrades on latency drift: recent latency over the usual latency of the task at driftRatio or above', () => {
    const { m, ok, changes, clock } = harness();
    ok(20, 100);
    ok(1, 1000); // 10x the usual 100: drift 1 + 0.2 * 9 = 2.8
    expect(m.state).toBe('healthy');
    clock.t = 77;
    ok(1, 1000); // 7x the usual 142.9: drift 2.8 + 0.2 * (7 - 2.8) = 3.64
    expect(m.state).toBe('degraded');
    expect(changes[0]).toMatchObject({ from: 'healthy', to: 'degraded', at: 77 });
    expect(changes[0]!.reason).toMatch(/latency drift: recent calls 3\.6x their usual latency/);
  });

  it('judges drift per task type: long tasks finishing in a row are no drift', () => {
    const m = new HealthMonitor('m', {}, () => undefined);
    for (let i = 0; i < 30; i++) {
      m.onFinish(true, 100, i, 'simple');
      m.onFinish(true, 3000, i, 'reasoning');
    }
    for (let i = 0; i < 5; i++) m.onFinish(true, 3000, 100 + i, 'reasoning');
    expect(m.state).toBe('healthy');
    for (let i = 0; i < 5; i++) m.onFinish(true, 1000, 200 + i, 'simple');
    expect(m.state).toBe('degraded');
  });

  it('becomes healthy again once the long-run mean has caught up with a new steady latency', () => {
    const { m, ok, path } = harness();
    ok(20, 100);
    ok(2, 1000);
    expect(m.state).toBe('degraded');
    ok(3, 1000);
    expect(m.state).toBe('degraded');
    ok(100, 1000);
    expect(m.state).toBe('healthy');
    expect(path()).toEqual(['healthy->degraded', 'degraded->healthy']);
  });

  it('judges drift only once the task has minSamples calls of baseline', () => {
    const { m, ok } = harness({ minSamples: 10 });
    ok(5, 100);
    ok(2, 100_000); // far above 3x, but the baseline has only 5 calls: not judged
    expect(m.state).toBe('healthy');
    const fresh = harness({ minSamples: 10 });
    fresh.ok(10, 100);
    fresh.ok(2, 1000);
    expect(fresh.m.state).toBe('degraded');
  });

  it('ignores drift when driftRatio is Infinity', () => {
    const { m, ok } = harness({ driftRatio: Number.POSITIVE_INFINITY });
    ok(20, 100);
    ok(50, 100_000);
    expect(m.state).toBe('healthy');
  });

  it('takes latency only from successful calls with a finite latency', () => {
    const { m, ok, fail } = harness();
    ok(20, 100);
    fail(1, 1e9); // a timeout's long latency is not the model's speed
    ok(1, Number.NaN);
    ok(1, Number.POSITIVE_INFINITY);
    ok(1, 100);
    expect(m.state).toBe('healthy');
  });
});

describe('HealthMonitor: open', () => {
  it('opens after openAfterFailures failures in a row, even before minSamples', () => {
    const { m, fail, changes, clock } = harness({ openAfterFailures: 3 });
    fail(2);
    expect(m.state).toBe('healthy');
    clock.t = 500;
    fail();
    expect(m.state).toBe('open');
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ model: 'm', from: 'healthy', to: 'open', at: 500 });
    expect(changes[0]!.reason).toMatch(/3 failures in a row/);
    expect(changes[0]!.reason).toMatch(/5000ms/);
    expect(m.snapshot()).toMatchObject({ state: 'open', consecutiveFailures: 3, retryAt: 5500 });
  });

  it('resets the failure streak on a success', () => {
    const { m, ok, fail } = harness({ openAfterFailures: 3 });
    fail(2);
    ok();
    expect(m.snapshot().consecutiveFailures).toBe(0);
    fail(2);
    expect(m.state).toBe('healthy');
    expect(m.snapshot().consecutiveFailures).toBe(2);
  });

  it('opens on an error rate at openErrorRate once minSamples calls were seen', () => {
    const { m, ok, fail, changes, path } = harness({ openAfterFailures: 100 });
    ok(10);
    fail(6); // 46.9%
    expect(m.state).toBe('degraded');
    fail(); // 52.2%
    expect(m.state).toBe('open');
    expect(path()).toEqual(['healthy->degraded', 'degraded->open']);
    expect(changes[1]!.reason).toMatch(/error rate 52%/);
  });

  it('rests for cooldownMs, then admits exactly one probe at a time', () => {
    const { m, fail, clock } = harness({ openAfterFailures: 1, cooldownMs: 1000 });
    clock.t = 100;
    fail();
    expect(m.canRoute(100)).toBe(false);
    expect(m.canRoute(1099)).toBe(false);
    expect(m.canRoute(1100)).toBe(true);
    expect(m.canRoute(5000)).toBe(true);
    m.onStart();
    expect(m.canRoute(5000)).toBe(false);
    expect(m.state).toBe('open');
  });

  it('a streamed probe succeeds at its first chunk; its end then counts like any call', () => {
    const { m, ok, fail, changes, clock, path } = harness({ openAfterFailures: 1 });
    ok(3);
    m.onFirstChunk(0); // not open: nothing to judge
    expect(changes).toEqual([]);
    fail();
    expect(m.state).toBe('open');
    m.onFirstChunk(10); // open but no probe running: still nothing
    expect(m.state).toBe('open');
    clock.t = 5000;
    expect(m.canRoute(5000)).toBe(true);
    m.onStart();
    m.onFirstChunk(5010);
    expect(m.state).toBe('degraded');
    expect(changes[1]).toMatchObject({ from: 'open', to: 'degraded', at: 5010 });
    expect(changes[1]!.reason).toMatch(/probe stream answered/);
    expect(m.canRoute(5010)).toBe(true);
    m.onFirstChunk(5020); // judged once
    expect(changes).toHaveLength(2);
    // The stream breaks later: an ordinary failure, which opens the model again.
    clock.t = 9000;
    fail();
    expect(path()).toEqual(['healthy->open', 'open->degraded', 'degraded->open']);
  });

  it('a streamed probe that answered clears the failure streak, as a call probe does', () => {
    for (const streamed of [false, true]) {
      const { m, fail, clock } = harness({ openAfterFailures: 3 });
      fail(3);
      expect(m.state).toBe('open');
      clock.t = 5000;
      m.onStart();
      if (streamed) m.onFirstChunk(5000);
      else m.onFinish(true, 100, 5000);
      fail(); // one failure after the probe: not three in a row
      expect(m.state).not.toBe('open');
    }
  });

  it('ignores calls that finish while open without a probe (they started before it opened)', () => {
    const { m, ok, fail, changes } = harness({ openAfterFailures: 1 });
    fail();
    ok(20);
    fail(5);
    expect(m.state).toBe('open');
    expect(m.canRoute(4999)).toBe(false);
    expect(changes).toHaveLength(1);
  });

  it('a successful probe makes the model degraded with its error rate capped, then healthy', () => {
    const { m, ok, fail, probe, changes, clock, path } = harness();
    ok(10);
    fail(5); // error rate 41%: degraded at the 3rd failure, open at the 5th in a row
    expect(m.state).toBe('open');
    clock.t = 5000;
    probe(true);
    expect(m.state).toBe('degraded');
    expect(changes[2]).toMatchObject({ from: 'open', to: 'degraded', at: 5000 });
    expect(changes[2]!.reason).toMatch(/probe call succeeded/);
    expect(m.errorRate).toBe(0.2);
    expect(m.canRoute(5000)).toBe(true);
    expect(m.snapshot().retryAt).toBeNaN();
    // 0.2 * 0.9^k < 0.1 first at k = 7
    ok(6);
    expect(m.state).toBe('degraded');
    ok();
    expect(m.state).toBe('healthy');
    expect(path()).toEqual([
      'healthy->degraded',
      'degraded->open',
      'open->degraded',
      'degraded->healthy',
    ]);
  });

  it('keeps a low error rate low after a successful probe', () => {
    const { m, ok, fail, probe, clock } = harness({ openAfterFailures: 2 });
    ok(10);
    fail(2); // 19%
    expect(m.state).toBe('open');
    const before = m.errorRate;
    clock.t = 5000;
    probe(true);
    // Faded by the 5 s of rest (half-life 30 s), then one success.
    expect(m.errorRate).toBeCloseTo(before * 2 ** (-5000 / 30_000) * 0.9, 12);
  });

  it('a failed probe keeps the model open and doubles the rest, up to maxCooldownMs', () => {
    const { m, fail, probe, clock } = harness({
      openAfterFailures: 1,
      cooldownMs: 1000,
      maxCooldownMs: 5000,
    });
    fail();
    let retryAt = m.snapshot().retryAt;
    expect(retryAt).toBe(1000);
    const rests: number[] = [];
    for (let i = 0; i < 5; i++) {
      clock.t = retryAt + 10;
      expect(m.canRoute(retryAt - 1)).toBe(false);
      probe(false);
      expect(m.state).toBe('open');
      retryAt = m.snapshot().retryAt;
      rests.push(retryAt - clock.t);
    }
    expect(rests).toEqual([2000, 4000, 5000, 5000, 5000]);
  });

  it('resets the rest to cooldownMs after a successful probe', () => {
    const { m, fail, probe, clock } = harness({ openAfterFailures: 1, cooldownMs: 1000 });
    fail();
    clock.t = 1000;
    probe(false); // next rest 2000
    clock.t = 3000;
    probe(true);
    expect(m.state).toBe('degraded');
    clock.t = 10_000;
    fail();
    expect(m.state).toBe('open');
    expect(m.snapshot().retryAt).toBe(11_000);
  });

  it('reports every transition once, with from !== to', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            ok: fc.boolean(),
            latency: fc.integer({ min: 1, max: 5000 }),
            dt: fc.integer({ min: 0, max: 3000 }),
            start: fc.boolean(),
          }),
          { maxLength: 300 },
        ),
        (calls) => {
          const { m, changes, clock } = harness({ openAfterFailures: 4, cooldownMs: 1000 });
          let state = m.state;
          for (const c of calls) {
            clock.t += c.dt;
            if (c.start && m.canRoute(clock.t)) m.onStart();
            const before = changes.length;
            m.onFinish(c.ok, c.latency, clock.t);
            const s = m.snapshot();
            if (m.state !== state) {
              expect(changes.length).toBe(before + 1);
              expect(changes[before]).toMatchObject({ from: state, to: m.state, at: clock.t });
              expect(changes[before]!.reason.length).toBeGreaterThan(0);
              // Opening always means a rest from now on.
              if (s.state === 'open') expect(s.retryAt).toBeGreaterThan(clock.t);
              state = m.state;
            } else {
              expect(changes.length).toBe(before);
            }
            expect(s.errorRate).toBeGreaterThanOrEqual(0);
            expect(s.errorRate).toBeLessThanOrEqual(1);
            if (s.state === 'open') expect(Number.isFinite(s.retryAt)).toBe(true);
            else expect(s.retryAt).toBeNaN();
          }
          for (const c of changes) expect(c.from).not.toBe(c.to);
        },
      ),
    );
  });
});

describe('healthOptionProblems', () => {
  it('accepts the defaults and the boundary values', () => {
    expect(healthOptionProblems({})).toEqual([]);
    expect(
      healthOptionProblems({
        openAfterFailures: 1,
        degradedErrorRate: 1,
        openErrorRate: 1,
        minSamples: 1,
        alpha: 1,
        driftRatio: Number.POSITIVE_INFINITY,
        cooldownMs: 1,
        maxCooldownMs: 1,
      }),
    ).toEqual([]);
  });

  const bad: Array<[keyof HealthOptions, unknown]> = [
    ['openAfterFailures', 0],
    ['openAfterFailures', 1.5],
    ['openAfterFailures', Number.NaN],
    ['degradedErrorRate', 0],
    ['degradedErrorRate', 1.1],
    ['degradedErrorRate', Number.NaN],
    ['degradedErrorRate', '0.3'],
    ['openErrorRate', 0],
    ['openErrorRate', 2],
    ['openErrorRate', true],
    ['minSamples', 0],
    ['minSamples', 2.5],
    ['minSamples', '10'],
    ['alpha', 0],
    ['alpha', 1.5],
    ['alpha', Number.NaN],
    ['alpha', '0.5'],
    ['driftRatio', 1],
    ['driftRatio', 0.5],
    ['driftRatio', Number.NaN],
    ['driftRatio', '3'],
    ['cooldownMs', 0],
    ['cooldownMs', -5],
    ['cooldownMs', Number.POSITIVE_INFINITY],
    ['cooldownMs', Number.NaN],
    ['maxCooldownMs', 4999],
    ['maxCooldownMs', Number.NaN],
    ['maxCooldownMs', '60000'],
  ];

  it.each(bad)('reports %s = %j, naming the option and the value', (name, value) => {
    const problems = healthOptionProblems({ [name]: value } as HealthOptions);
    const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
    const own = problems.filter((p) => p.startsWith(`\`health.${name}\` must be`));
    expect(own).toHaveLength(1);
    expect(own[0]).toContain(`got ${shown}`);
    // A bad cooldownMs may also make the default maxCooldownMs look wrong; nothing else is blamed.
    for (const p of problems)
      expect(p).toMatch(new RegExp(`^\`health\\.(${name}|maxCooldownMs)\``));
  });

  it('checks maxCooldownMs against the cooldownMs given', () => {
    expect(healthOptionProblems({ cooldownMs: 1000, maxCooldownMs: 999 })).toEqual([
      '`health.maxCooldownMs` must be a number >= `health.cooldownMs`, got 999',
    ]);
    expect(healthOptionProblems({ cooldownMs: 100_000 })).toHaveLength(1);
    expect(healthOptionProblems({ cooldownMs: 1000, maxCooldownMs: 1000 })).toEqual([]);
  });

  it('lists every problem at once', () => {
    const problems = healthOptionProblems({ alpha: 0, minSamples: 0, driftRatio: 1 });
    expect(problems).toHaveLength(3);
    expect(problems.join(' ')).toMatch(/minSamples.*alpha.*driftRatio/);
  });
});

describe('HealthMonitor: quality feedback', () => {
  it('degrades on poor reported quality after minSamples reports, and recovers when quality returns', () => {
    const changes: string[] = [];
    const m = new HealthMonitor('m', { minSamples: 5, alpha: 0.5 }, (c) =>
      changes.push(`${c.from}->${c.to}: ${c.reason}`),
    );
    for (let i = 0; i < 4; i++) m.onQuality(0, i);
    expect(m.state).toBe('healthy');
    m.onQuality(0, 4);
    expect(m.state).toBe('degraded');
    expect(changes[0]).toMatch(/reported quality 0\.00 below 0\.5/);
    for (let i = 0; i < 10; i++) m.onQuality(1, 10 + i);
    expect(m.state).toBe('healthy');
    expect(m.snapshot().quality).toBeGreaterThan(0.9);
  });

  it('ignores quality when minQuality is 0, and rejects a minQuality outside [0, 1]', () => {
    const m = new HealthMonitor('m', { minSamples: 1, minQuality: 0 }, () => undefined);
    for (let i = 0; i < 20; i++) m.onQuality(0, i);
    expect(m.state).toBe('healthy');
    expect(healthOptionProblems({ minQuality: 1.5 })[0]).toMatch(
      /`health.minQuality` must be in \[0, 1\], got 1.5/,
    );
  });
});

describe('HealthMonitor: time heals', () => {
  it('fades the error rate by half every recoveryHalfLifeMs, with no calls', () => {
    const { m, ok, fail, clock } = harness({ recoveryHalfLifeMs: 10_000, openAfterFailures: 100 });
    ok(9);
    fail(3);
    const rate = m.errorRate;
    clock.t = 10_000;
    expect(m.snapshot(clock.t).errorRate).toBeCloseTo(rate / 2, 12);
    clock.t = 30_000;
    expect(m.snapshot(clock.t).errorRate).toBeCloseTo(rate / 8, 12);
  });

  it('turns a model degraded by errors healthy again once the faded rate is low, and says so', () => {
    const { m, ok, fail, clock, path } = harness({
      recoveryHalfLifeMs: 10_000,
      openAfterFailures: 100,
    });
    ok(8);
    fail(3); // error rate ~27%: degraded
    expect(m.state).toBe('degraded');
    clock.t = 5_000;
    expect(m.stateAt(clock.t)).toBe('degraded');
    clock.t = 60_000;
    expect(m.stateAt(clock.t)).toBe('healthy');
    expect(path()).toEqual(['healthy->degraded', 'degraded->healthy']);
  });

  it('turns a model degraded by latency drift healthy again under light traffic', () => {
    const { m, ok, clock, path } = harness({ recoveryHalfLifeMs: 10_000 });
    ok(20, 100);
    ok(10, 1000); // 10x its usual latency: drift
    expect(m.state).toBe('degraded');
    clock.t = 120_000;
    expect(m.stateAt(clock.t)).toBe('healthy');
    expect(path()).toEqual(['healthy->degraded', 'degraded->healthy']);
  });

  it('never heals with recoveryHalfLifeMs Infinity', () => {
    const { m, ok, fail, clock } = harness({
      recoveryHalfLifeMs: Number.POSITIVE_INFINITY,
      openAfterFailures: 100,
    });
    ok(8);
    fail(3);
    clock.t = 1e9;
    expect(m.stateAt(clock.t)).toBe('degraded');
  });

  it('rejects a recoveryHalfLifeMs that is not > 0', () => {
    expect(healthOptionProblems({ recoveryHalfLifeMs: 0 })).toEqual([
      '`health.recoveryHalfLifeMs` must be a number > 0 (or Infinity for no healing), got 0',
    ]);
  });
});
