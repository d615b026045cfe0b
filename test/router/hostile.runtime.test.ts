// Regression tests for defects a hostile test found in the request path (issue #8): each case was
// reproduced on the old router. The property test in hostile.property.test.ts hunts the classes.
import { describe, expect, it } from 'vitest';
import type { ZetaError } from '../../src/errors/ZetaError.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import type { Clock } from '../../src/types.js';
import { flush, ManualClock } from '../helpers/manualClock.js';
import { FakeModel, rejection } from './fixtures.js';
import { single } from './hostile.harness.js';

describe('no busy loops', () => {
  it('requests waiting for a model whose half-open probe runs arm no timers', async () => {
    const clock = new ManualClock();
    let timersSet = 0;
    const counting: Clock = {
      now: () => clock.now(),
      setTimeout: (fn, ms) => {
        if (++timersSet > 1000) throw new Error('busy loop: over 1000 timers armed');
        return clock.setTimeout(fn, ms);
      },
      clearTimeout: (h) => clock.clearTimeout(h),
    };
    const a = new FakeModel('a');
    const b = new FakeModel('b');
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        { id: 'a', call: a.call, tasks: ['simple'], home: ['simple'], maxQueue: 4 },
        { id: 'b', call: b.call, tasks: ['simple'], maxQueue: 4 },
      ],
      health: { openAfterFailures: 1, cooldownMs: 100 },
      clock: counting,
      maxAttempts: 1,
    });
    const settled: string[] = [];
    const track = (p: Promise<string>) =>
      p.then(
        (v) => settled.push(v),
        (e: ZetaError) => settled.push(e.code),
      );
    const first = track(router.run('x1', { task: 'simple' })); // on a
    const long = track(router.run('y', { task: 'simple' })); // on b
    await flush();
    const waiting = ['r2', 'r3', 'r4'].map((r) => track(router.run(r, { task: 'simple' })));
    await flush();
    expect(router.waiting).toBe(3);
    a.failNext(); // a opens; the three still wait (b may take them)
    await first;
    await clock.advance(100); // cool-off over: one waiting request becomes a's probe
    expect(a.calls.filter((c) => !c.done)).toHaveLength(1);
    const before = timersSet;
    await clock.advance(10_000); // the probe runs long; nothing must spin meanwhile
    expect(timersSet - before).toBeLessThanOrEqual(1);
    a.finishNext(); // the probe succeeds: a serves again
    await flush();
    await a.finishAll();
    await b.finishAll();
    await Promise.all([long, ...waiting]);
    expect(settled.filter((v) => /^(a|b):/.test(v))).toHaveLength(4);
    await router.close();
    expect(clock.pending).toBe(0);
  });
});

describe('re-entrant listeners cannot break the invariants', () => {
  it('a decision listener that calls run() never pushes a model past its token budget', async () => {
    const clock = new ManualClock();
    const model = new FakeModel('m');
    let tokensRunning = 0;
    let maxTokensRunning = 0;
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        {
          id: 'm',
          tasks: ['simple'],
          concurrency: 10,
          maxTokens: 100,
          call: (req, ctx) => {
            tokensRunning += ctx.task.tokens ?? 0;
            maxTokensRunning = Math.max(maxTokensRunning, tokensRunning);
            const p = model.call(req, ctx);
            p.finally(() => {
              tokensRunning -= ctx.task.tokens ?? 0;
            });
            return p;
          },
        },
      ],
      clock,
    });
    let nested = 0;
    router.on('decision', () => {
      if (nested++ < 5)
        router
          .run('inner', { task: { type: 'simple', complexity: 0, tokens: 60 } })
          .catch(() => undefined);
    });
    const outer = router.run('outer', { task: { type: 'simple', complexity: 0, tokens: 60 } });
    await flush();
    expect(router.snapshot().models[0]!.tokensInFlight).toBeLessThanOrEqual(100);
    await model.finishAll();
    await outer.catch(() => undefined);
    await router.drain();
    expect(maxTokensRunning).toBeLessThanOrEqual(100);
    await router.close();
  });

  it('a decision listener that calls run() never exceeds a rate limit', async () => {
    const clock = new ManualClock();
    const starts: number[] = [];
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        {
          id: 'm',
          tasks: ['simple'],
          concurrency: 10,
          rateLimit: { requests: 2, intervalMs: 1000 },
          call: async (req) => {
            starts.push(clock.now());
            return req;
          },
        },
      ],
      clock,
    });
    let nested = 0;
    router.on('decision', () => {
      if (nested++ < 5) router.run('inner', { task: 'simple' }).catch(() => undefined);
    });
    const outer = router.run('outer', { task: 'simple' }).catch(() => undefined);
    await clock.advance(5000);
    await outer;
    await router.drain();
    for (const t of starts)
      expect(starts.filter((s) => s > t - 1000 && s <= t).length).toBeLessThanOrEqual(2);
    await router.close();
  });

  it('a decision listener that removes the chosen model: the request goes elsewhere', async () => {
    const clock = new ManualClock();
    const a = new FakeModel('a');
    const b = new FakeModel('b');
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        { id: 'a', call: a.call, tasks: ['simple'], home: ['simple'] },
        { id: 'b', call: b.call, tasks: ['simple'] },
      ],
      clock,
    });
    router.once('decision', (e) => {
      if (e.decision.model !== undefined) void router.removeModel(e.decision.model);
    });
    const run = router.runWithInfo('x', { task: 'simple' });
    await flush();
    expect(a.calls).toHaveLength(0);
    await b.finishAll();
    expect((await run).model).toBe('b');
    await router.close();
  });
});

describe('calls that never settle', () => {
  it('keep their slot only abortGraceMs after the timeout; then the slot is free, health hears, hung is emitted', async () => {
    const clock = new ManualClock();
    const never = () => new Promise<string>(() => undefined);
    const router = new ZetaDynamicRouter<string, string>({
      models: [{ id: 'm', call: never, tasks: ['simple'], concurrency: 2 }],
      clock,
      abortGraceMs: 1000,
      health: { openAfterFailures: 2 },
    });
    const hung: unknown[] = [];
    router.on('hung', (e) => hung.push(e));
    const runs = [1, 2].map(() => rejection(router.run('x', { task: 'simple', timeoutMs: 100 })));
    await clock.advance(100);
    for (const r of runs) expect((await r).code).toBe('TIMEOUT');
    expect(router.snapshot().models[0]!.inFlight).toBe(2);
    const drained = router.drain();
    await clock.advance(1000);
    await drained;
    const snap = router.snapshot().models[0]!;
    expect(snap.inFlight).toBe(0);
    expect(snap.errorRate).toBeGreaterThan(0);
    expect(snap.health).toBe('open');
    expect(hung).toEqual([
      expect.objectContaining({ model: 'm', heldMs: 1100, graceMs: 1000 }),
      expect.objectContaining({ model: 'm', heldMs: 1100, graceMs: 1000 }),
    ]);
    await router.close();
    expect(clock.pending).toBe(0);
  });

  it('removeModel() resolves once a hung call is released, so the model can be replaced', async () => {
    const clock = new ManualClock();
    const router = new ZetaDynamicRouter<string, string>({
      models: [{ id: 'm', call: () => new Promise<string>(() => undefined), tasks: ['simple'] }],
      clock,
      abortGraceMs: 500,
    });
    const controller = new AbortController();
    const run = rejection(router.run('x', { task: 'simple', signal: controller.signal }));
    await flush();
    controller.abort();
    expect((await run).code).toBe('ABORTED');
    const removed = router.removeModel('m');
    await clock.advance(500);
    await removed;
    router.addModel({ id: 'm', call: async (r) => `new:${r}`, tasks: ['simple'] });
    expect(await router.run('y', { task: 'simple' })).toBe('new:y');
    await router.close();
  });
});

describe('time heals', () => {
  it('one early failure is forgotten with time: the model is preferred again', async () => {
    const clock = new ManualClock();
    let failA = true;
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        {
          id: 'a',
          tasks: ['simple'],
          home: ['simple'],
          latencyPriorMs: 10,
          call: async (r) => {
            if (failA) throw new Error('blip');
            return `a:${r}`;
          },
        },
        { id: 'b', tasks: ['simple'], latencyPriorMs: 10, call: async (r) => `b:${r}` },
      ],
      clock,
      maxAttempts: 2,
    });
    expect(await router.run('1', { task: 'simple' })).toBe('b:1');
    failA = false;
    expect(router.snapshot().models[0]!.errorRate).toBeGreaterThan(0.5);
    await clock.advance(300_000);
    expect(router.snapshot().models[0]!.errorRate).toBeLessThan(0.01);
    expect(router.explain({ type: 'simple', complexity: 0 }).ranking[0]!.id).toBe('a');
    await router.close();
  });
});

describe('bounded memory', () => {
  it('distinct task types per call do not grow the tracker without bound', async () => {
    const router = single(async (r) => r);
    for (let i = 0; i < 2000; i++) {
      await router.run('x', { task: { type: `t${i}`, complexity: 0 } }).catch(() => undefined);
    }
    const snap = router.snapshot();
    expect(snap.arrivals.length).toBeLessThanOrEqual(257);
    await router.close();
  });
});

describe('clean shutdown', () => {
  it('after close() no timer of the router is left: rate-limit wake-ups and cool-offs included', async () => {
    const clock = new ManualClock();
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        {
          id: 'slow',
          tasks: ['simple'],
          rateLimit: { requests: 1, intervalMs: 3_600_000 },
          concurrency: 4,
          call: async (r) => r,
        },
        {
          id: 'flaky',
          tasks: ['simple'],
          call: async () => {
            throw new Error('x');
          },
        },
      ],
      clock,
      health: { openAfterFailures: 1, cooldownMs: 600_000, maxCooldownMs: 600_000 },
    });
    const runs = ['a', 'b', 'c', 'd'].map((r) =>
      router.run(r, { task: 'simple', timeoutMs: 10 }).catch((e: ZetaError) => e.code),
    );
    await clock.advance(10);
    await Promise.all(runs);
    await router.close();
    expect(clock.pending).toBe(0);
  });
});
