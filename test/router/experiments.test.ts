import { describe, expect, it } from 'vitest';
import type { Experiment, ZetaRouterOptions } from '../../src/router/options.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import type { Strategy } from '../../src/strategy/Strategy.js';
import { seededRandom } from '../../src/utils/random.js';
import { flush, ManualClock } from '../helpers/manualClock.js';
import { fleet, rejection } from './fixtures.js';

const trial: Experiment = { name: 'trial', strategy: 'least-loaded', share: 0.25 };

/**
 * One model ('m', code, 200 slots) whose call takes `Number(req)` ms on the virtual clock and
 * throws for 'fail'.
 */
function timedRouter(extra: Partial<ZetaRouterOptions<string, string>> = {}) {
  const clock = new ManualClock();
  const router = new ZetaDynamicRouter<string, string>({
    models: [
      {
        id: 'm',
        tasks: ['code'],
        home: ['code'],
        concurrency: 200,
        maxQueue: 200,
        call: (req) =>
          req === 'fail'
            ? Promise.reject(new Error('m broke'))
            : new Promise((resolve) => clock.setTimeout(() => resolve(req), Number(req))),
      },
    ],
    maxAttempts: 1,
    clock,
    random: seededRandom(3),
    experiments: [trial],
    ...extra,
  });
  return { clock, router };
}

describe('live A/B experiments', () => {
  it('ranks each arm with its own strategy and names the arm in decisions, events and RunInfo', async () => {
    const { router, coder, reasoner } = fleet({ strategy: 'static', experiments: [trial] });
    const decisions: Array<[string | undefined, string]> = [];
    const completes: Array<string | undefined> = [];
    router.on('decision', (e) => decisions.push([e.decision.experiment, e.decision.strategy]));
    router.on('complete', (e) => completes.push(e.experiment));
    const a = router.runWithInfo('a', { task: 'code', experiment: 'trial' });
    const b = router.runWithInfo('b', { task: 'code', experiment: 'control' });
    await flush();
    await coder.finishAll();
    await reasoner.finishAll();
    const [ia, ib] = await Promise.all([a, b]);
    expect(decisions).toEqual([
      ['trial', 'least-loaded'],
      ['control', 'static'],
    ]);
    expect(completes).toEqual(['trial', 'control']);
    expect([ia.experiment, ia.decision.experiment]).toEqual(['trial', 'trial']);
    expect([ib.experiment, ib.decision.experiment]).toEqual(['control', 'control']);
    // static ranks only the home model; least-loaded ranks every capable one.
    expect(ib.decision.ranking.map((r) => r.id)).toEqual(['coder-7b']);
    expect(ia.decision.ranking.map((r) => r.id).sort()).toEqual(['coder-7b', 'reasoner-14b']);
  });

  it('explain() shows control by default, a forced arm, or the arm of a key', () => {
    const { router } = fleet({ strategy: 'static', experiments: [trial] });
    const task = { type: 'code', complexity: 0.2 };
    expect(router.explain(task)).toMatchObject({ experiment: 'control', strategy: 'static' });
    expect(router.explain(task, { experiment: 'trial' })).toMatchObject({
      experiment: 'trial',
      strategy: 'least-loaded',
    });
    for (const key of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) {
      const d = router.explain(task, { experimentKey: key });
      expect(d.strategy).toBe(d.experiment === 'trial' ? 'least-loaded' : 'static');
    }
  });

  it('puts the same key in the same arm, for run() and explain() alike', async () => {
    const { clock, router } = timedRouter({
      experiments: [trial, { name: 'static', strategy: 'static', share: 0.25 }],
    });
    const keys = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    const runs = [...keys, ...keys].map((key) =>
      router.runWithInfo('5', { task: 'code', experimentKey: key }),
    );
    await clock.advance(10);
    const infos = await Promise.all(runs);
    infos.forEach((info, i) => {
      const key = keys[i % keys.length]!;
      const expected = router.explain({ type: 'code', complexity: 0 }, { experimentKey: key });
      expect(info.experiment).toBe(expected.experiment);
      expect(info.decision.strategy).toBe(expected.strategy);
    });
    expect(new Set(infos.map((i) => i.experiment))).toEqual(
      new Set(['trial', 'static', 'control']),
    );
  });

  it('splits requests without a key by request id, close to the configured shares', async () => {
    const { clock, router } = timedRouter({
      experiments: [trial, { name: 'static', strategy: 'static', share: 0.15 }],
    });
    for (let batch = 0; batch < 4; batch++) {
      const runs = Array.from({ length: 100 }, () => router.run('1', { task: 'code' }));
      await clock.advance(1);
      await Promise.all(runs);
    }
    const snap = router.snapshot().experiments;
    expect(snap.map((a) => [a.name, a.share])).toEqual([
      ['trial', 0.25],
      ['static', 0.15],
      ['control', 0.6],
    ]);
    for (const arm of snap) {
      expect(arm.requests).toBe(arm.completed);
      // The golden-ratio split: within a few requests of the share, not within a random walk.
      expect(Math.abs(arm.requests - 400 * arm.share)).toBeLessThanOrEqual(3);
      expect(arm.observedShare).toBeCloseTo(arm.requests / 400, 12);
    }
  });

  it('reports per arm requests, completions, errors by code and latency on the virtual clock', async () => {
    const { clock, router } = timedRouter({ timeoutMs: 5000 });
    const runs: Promise<unknown>[] = [];
    const start = (req: string, experiment: string): void => {
      runs.push(router.run(req, { task: 'code', experiment }).catch((e: unknown) => e));
    };
    for (let ms = 1; ms <= 100; ms++) start(String(ms), 'trial');
    for (let i = 0; i < 20; i++) start('300', 'control');
    start('fail', 'trial');
    start('fail', 'control');
    start('9000', 'control'); // times out at 5000 ms
    await clock.advance(6000);
    await Promise.all(runs);
    const [t, c] = router.snapshot().experiments;
    expect(t).toMatchObject({
      name: 'trial',
      strategy: 'least-loaded',
      requests: 101,
      completed: 100,
      failed: 1,
      errors: { MODEL_FAILED: 1 },
    });
    expect(t!.latency.count).toBe(100);
    expect(t!.latency.mean).toBeCloseTo(50.5, 9);
    expect(t!.latency.p50).toBeGreaterThan(47);
    expect(t!.latency.p50).toBeLessThan(54);
    expect(t!.latency.p99).toBeGreaterThan(97);
    expect(t!.latency.p99).toBeLessThanOrEqual(100);
    expect(c).toMatchObject({
      name: 'control',
      strategy: 'adaptive',
      requests: 22,
      completed: 20,
      failed: 2,
      errors: { MODEL_FAILED: 1, TIMEOUT: 1 },
      latency: { count: 20, mean: 300, p50: 300, p95: 300, p99: 300 },
    });
    // Ten minutes later the latency window has moved on; the counters stay.
    await clock.advance(11 * 60_000);
    const [later] = router.snapshot().experiments;
    expect(later!.latency.count).toBe(0);
    expect(later!.completed).toBe(100);
  });

  it('attributes quality to the arm of a request id, or of the model’s last request', async () => {
    const { clock, router } = timedRouter();
    const a = router.runWithInfo('10', { task: 'code', experiment: 'trial' });
    const b = router.runWithInfo('20', { task: 'code', experiment: 'control' });
    await clock.advance(30);
    const [ia, ib] = await Promise.all([a, b]);
    router.reportQuality('m', 0.2, ia.id);
    router.reportQuality('m', 0.4, ia.id);
    router.reportQuality('m', 1, ib.id);
    router.reportQuality('m', 0.8); // the last request m completed was b's (control)
    router.reportQuality('m', 0.5, 999); // unknown request: no arm
    const [t, c] = router.snapshot().experiments;
    expect([t!.quality, t!.qualityReports]).toEqual([expect.closeTo(0.3, 12), 2]);
    expect([c!.quality, c!.qualityReports]).toEqual([expect.closeTo(0.9, 12), 2]);
  });

  it('fails a request whose arm strategy throws like one whose router strategy throws', async () => {
    const broken: Strategy = {
      name: 'broken',
      rank: () => {
        throw new Error('boom');
      },
    };
    const { router, coder } = fleet({
      experiments: [{ name: 'risky', strategy: broken, share: 0.5 }],
    });
    const rejects: Array<string | undefined> = [];
    router.on('reject', (e) => rejects.push(e.experiment));
    const error = await rejection(router.run('x', { task: 'code', experiment: 'risky' }));
    expect(error.code).toBe('STRATEGY_FAILED');
    expect(error.message).toContain("Strategy 'broken' (experiment arm 'risky') threw");
    expect(error.message).toContain('boom');
    expect(error.cause).toBeInstanceOf(Error);
    const ok = router.run('y', { task: 'code', experiment: 'control' });
    await flush();
    coder.finishNext();
    await expect(ok).resolves.toBe('coder-7b:y');
    expect(rejects).toEqual(['risky']);
    expect(() => router.explain({ type: 'code', complexity: 0 }, { experiment: 'risky' })).toThrow(
      /experiment arm 'risky'/,
    );
    const [risky, control] = router.snapshot().experiments;
    expect(risky).toMatchObject({ requests: 1, failed: 1, errors: { STRATEGY_FAILED: 1 } });
    expect(control).toMatchObject({ requests: 1, completed: 1, failed: 0 });
  });

  it('without experiments: no arm anywhere, and experimentKey is ignored', async () => {
    const { router, coder } = fleet();
    let decisionHasArm = true;
    router.on('decision', (e) => {
      decisionHasArm = 'experiment' in e.decision;
    });
    const run = router.runWithInfo('x', { task: 'code', experimentKey: 'u1' });
    await flush();
    coder.finishNext();
    const info = await run;
    expect(decisionHasArm).toBe(false);
    expect('experiment' in info).toBe(false);
    expect('experiment' in router.explain({ type: 'code', complexity: 0 })).toBe(false);
    expect(router.snapshot().experiments).toEqual([]);
    // 'control' is the only arm there is.
    const forced = router.run('y', { task: 'code', experiment: 'control' });
    await flush();
    coder.finishNext();
    await expect(forced).resolves.toBe('coder-7b:y');
  });

  it('counts streams as completed when they start, with the time to their first chunk', async () => {
    const clock = new ManualClock();
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        {
          id: 's',
          tasks: ['code'],
          call: async () => 'unused',
          stream: async function* () {
            await new Promise((resolve) => clock.setTimeout(() => resolve(undefined), 40));
            yield 'chunk';
          },
        },
      ],
      clock,
      experiments: [{ name: 'trial', strategy: 'static', share: 1 }],
    });
    const chunks: string[] = [];
    const consume = (async () => {
      for await (const c of router.stream('x', { task: 'code' })) chunks.push(c as string);
    })();
    await clock.advance(50);
    await consume;
    expect(chunks).toEqual(['chunk']);
    const [t, c] = router.snapshot().experiments;
    expect(t).toMatchObject({ requests: 1, completed: 1, latency: { count: 1, p50: 40 } });
    expect(c).toMatchObject({ share: 0, requests: 0, observedShare: 0 });
  });
});
