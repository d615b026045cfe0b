import { describe, expect, it } from 'vitest';
import { flush } from '../helpers/manualClock.js';
import { fleet, rejection } from './fixtures.js';

const code = { type: 'code', complexity: 0.3 } as const;

describe('ZetaDynamicRouter: routing', () => {
  it('sends a task to its home model when it is free and resolves with the result', async () => {
    const { router, coder } = fleet();
    const info = router.runWithInfo('fn', { task: code });
    await flush();
    expect(coder.calls).toHaveLength(1);
    coder.finishNext();
    const done = await info;
    expect(done.result).toBe('coder-7b:fn');
    expect(done.model).toBe('coder-7b');
    expect(done.attempts).toBe(1);
    expect(done.decision.binding).toBe('start');
    expect(done.decision.excluded).toContainEqual({
      id: 'embedder-4b',
      reason: "does not serve 'code'",
    });
  });

  it('spills work from a saturated home model to another capable model', async () => {
    const { router, coder, reasoner } = fleet();
    const spills: string[] = [];
    router.on('overflow', (e) => spills.push(String(e.model)));
    const runs = [1, 2, 3].map((i) => router.runWithInfo(`c${i}`, { task: code }));
    await flush();
    expect(coder.calls).toHaveLength(2);
    expect(reasoner.calls).toHaveLength(1);
    expect(spills).toContain('reasoner-14b');
    coder.finishNext();
    coder.finishNext();
    reasoner.finishNext();
    const infos = await Promise.all(runs);
    expect(infos.filter((i) => i.model === 'reasoner-14b')[0]?.decision.spilled).toBe(true);
  });

  it('binds waiting requests late, to whichever capable model frees first', async () => {
    const { router, coder, reasoner } = fleet();
    const runs = [1, 2, 3, 4].map((i) => router.runWithInfo(`c${i}`, { task: code }));
    await flush();
    expect(router.waiting).toBe(1);
    reasoner.finishNext();
    await flush();
    expect(reasoner.calls).toHaveLength(2);
    expect(router.waiting).toBe(0);
    coder.finishNext();
    coder.finishNext();
    reasoner.finishNext();
    expect((await Promise.all(runs)).map((i) => i.result).sort()).toEqual(
      ['coder-7b:c1', 'coder-7b:c2', 'reasoner-14b:c3', 'reasoner-14b:c4'].sort(),
    );
  });

  it('rejects at once with CAPACITY_EXCEEDED when capable models and their waiting room are full', async () => {
    const { router } = fleet({}, { coder: { maxQueue: 1 }, reasoner: { maxQueue: 1 } });
    for (let i = 0; i < 5; i++) router.run(`c${i}`, { task: code }).catch(() => undefined);
    await flush();
    expect(router.waiting).toBe(2);
    const error = await rejection(router.run('too many', { task: code }));
    expect(error.code).toBe('CAPACITY_EXCEEDED');
    expect(error.message).toMatch(/maxQueue/);
  });

  it('static routing waits for the home model even when others idle', async () => {
    const { router, coder, reasoner } = fleet({ strategy: 'static' });
    const runs = [1, 2, 3].map((i) => router.runWithInfo(`c${i}`, { task: code }));
    await flush();
    expect(coder.calls).toHaveLength(2);
    expect(reasoner.calls).toHaveLength(0);
    expect(router.waiting).toBe(1);
    coder.finishNext();
    await flush();
    expect(coder.calls).toHaveLength(3);
    coder.finishNext();
    coder.finishNext();
    expect((await Promise.all(runs)).every((i) => i.model === 'coder-7b')).toBe(true);
  });

  it('serves higher priority waiting requests first', async () => {
    const { router, coder } = fleet({ strategy: 'static' });
    router.run('a', { task: code });
    router.run('b', { task: code });
    const low = router.runWithInfo('low', { task: code, priority: 0 });
    const high = router.runWithInfo('high', { task: code, priority: 5 });
    await flush();
    coder.finishNext();
    await flush();
    expect(coder.calls[2]?.req).toBe('high');
    for (let i = 0; i < 3; i++) {
      coder.finishNext();
      await flush();
    }
    await Promise.all([low, high]);
  });
});

describe('ZetaDynamicRouter: failures, timeouts and aborts', () => {
  it('retries a failed call on the next model and reports MODEL_FAILED with every attempt', async () => {
    const { router, coder, reasoner } = fleet();
    const ok = router.runWithInfo('x', { task: code });
    await flush();
    coder.failNext();
    await flush();
    expect(reasoner.calls).toHaveLength(1);
    reasoner.finishNext();
    expect((await ok).attempts).toBe(2);

    const bad = router.run('y', { task: code });
    await flush();
    const [first, second] = coder.calls.length === 2 ? [coder, reasoner] : [reasoner, coder];
    first.failNext(new Error('first down'));
    await flush();
    second.failNext(new Error('second down'));
    const error = await rejection(bad);
    expect(error.code).toBe('MODEL_FAILED');
    expect(error.attempts.map((a) => a.model)).toEqual([first.id, second.id]);
    expect((error.cause as Error).message).toBe('second down');
    expect(error.message).toMatch(/first down.*second down/);
  });

  it('turns a synchronously throwing model call into a failed attempt', async () => {
    const { router } = fleet(
      { maxAttempts: 1 },
      {
        coder: {
          call: () => {
            throw new Error('sync');
          },
        },
      },
    );
    const error = await rejection(router.run('x', { task: code }));
    expect(error.code).toBe('MODEL_FAILED');
    expect(error.attempts[0]?.model).toBe('coder-7b');
  });

  it('times out a waiting request at once and releases its place', async () => {
    const { router, clock, coder } = fleet({ strategy: 'static' });
    router.run('a', { task: code });
    router.run('b', { task: code });
    const late = router.run('late', { task: code, timeoutMs: 100 });
    await flush();
    expect(router.waiting).toBe(1);
    const settled = rejection(late);
    await clock.advance(100);
    expect((await settled).code).toBe('TIMEOUT');
    expect(router.waiting).toBe(0);
    coder.finishNext();
    await flush();
    expect(coder.calls).toHaveLength(2);
  });

  it('times out a running call, aborts its signal, and keeps its slot until the call returns', async () => {
    const { router, clock, coder } = fleet({ strategy: 'static' }, { coder: { concurrency: 1 } });
    const first = router.run('slow', { task: code, timeoutMs: 50 });
    const second = router.runWithInfo('next', { task: code });
    await flush();
    const err = rejection(first);
    await clock.advance(50);
    expect((await err).code).toBe('TIMEOUT');
    expect(coder.calls[0]?.ctx.signal.aborted).toBe(true);
    expect(coder.calls).toHaveLength(1);
    expect(router.snapshot().models.find((m) => m.id === 'coder-7b')?.inFlight).toBe(1);
    coder.finishNext();
    await flush();
    expect(coder.calls).toHaveLength(2);
    coder.finishNext();
    expect((await second).result).toBe('coder-7b:next');
  });

  it('aborts a waiting request through its signal', async () => {
    const { router } = fleet({ strategy: 'static' });
    router.run('a', { task: code });
    router.run('b', { task: code });
    const ac = new AbortController();
    const waiting = rejection(router.run('c', { task: code, signal: ac.signal }));
    await flush();
    ac.abort();
    expect((await waiting).code).toBe('ABORTED');
    expect(router.waiting).toBe(0);
  });

  it('rejects NO_CAPABLE_MODEL with the reason of every model', async () => {
    const { router } = fleet();
    const error = await rejection(router.run('x', { task: { type: 'vision', complexity: 0.1 } }));
    expect(error.code).toBe('NO_CAPABLE_MODEL');
    expect(error.message).toMatch(/coder-7b: does not serve 'vision'/);
  });

  it('rejects run() after close() with CLOSED, and close waits for running calls', async () => {
    const { router, coder } = fleet();
    const running = router.run('x', { task: code });
    await flush();
    let closed = false;
    const closing = router.close().then(() => {
      closed = true;
    });
    expect((await rejection(router.run('y', { task: code }))).code).toBe('CLOSED');
    await flush();
    expect(closed).toBe(false);
    coder.finishNext();
    await running;
    await closing;
    expect(closed).toBe(true);
  });
});

describe('ZetaDynamicRouter: explain and snapshot', () => {
  it('explains the ranking without side effects', async () => {
    const { router, coder } = fleet();
    const before = router.snapshot();
    const d = router.explain({ type: 'reasoning', complexity: 0.9 });
    expect(d.ranking.map((r) => r.id)).toEqual(['reasoner-14b']);
    expect(d.excluded).toContainEqual({
      id: 'coder-7b',
      reason: 'complexity 0.9 is above its maxComplexity 0.7',
    });
    expect(router.snapshot()).toEqual(before);
    expect(coder.calls).toHaveLength(0);
  });

  it('snapshots counts per model and latency per task', async () => {
    const { router, clock, coder } = fleet();
    const run = router.run('x', { task: code });
    await flush();
    expect(router.snapshot().models.find((m) => m.id === 'coder-7b')?.inFlight).toBe(1);
    await clock.advance(120);
    coder.finishNext();
    await run;
    const s = router.snapshot().models.find((m) => m.id === 'coder-7b')!;
    expect(s.inFlight).toBe(0);
    expect(s.tasks.code?.count).toBe(1);
    expect(s.tasks.code?.p50).toBeCloseTo(120);
  });
});

describe('ZetaDynamicRouter: load prediction in snapshot', () => {
  it('reports arrivals per task type with a rate and a forecast that follows a ramp', async () => {
    const { router, clock, coder, reasoner } = fleet(
      {},
      { coder: { concurrency: 64, maxQueue: 1000 } },
    );
    // A rising rate of code requests: 1 in the first second, then 2, 3, ... 8 per second.
    for (let second = 1; second <= 8; second++) {
      for (let i = 0; i < second; i++) {
        router.run('x', { task: code }).catch(() => undefined);
        await clock.advance(1000 / second);
      }
    }
    const arrivals = router.snapshot().arrivals.find((a) => a.task === 'code')!;
    expect(arrivals.total).toBe(36);
    expect(arrivals.rate).toBeGreaterThan(1);
    expect(arrivals.trend).toBeGreaterThan(0);
    expect(arrivals.forecast).toBeGreaterThan(arrivals.rate);
    // The rising forecast may spill some requests to the reasoner: finish every model's calls.
    while ([coder, reasoner].some((m) => m.calls.some((c) => !c.done))) {
      await coder.finishAll();
      await reasoner.finishAll();
    }
    await router.drain();
  });
});

describe('ZetaDynamicRouter: settling and accounting', () => {
  it('rejects with STRATEGY_FAILED when the strategy throws, and leaves nothing pending', async () => {
    const { router } = fleet({
      strategy: {
        name: 'broken',
        rank: () => {
          throw new Error('oops');
        },
      },
    });
    const error = await rejection(router.run('x', { task: code, timeoutMs: 1000 }));
    expect(error.code).toBe('STRATEGY_FAILED');
    expect(error.message).toMatch(/broken.*oops/);
    expect(router.snapshot().pending).toBe(0);
    await router.drain();
  });

  it('rejects with STRATEGY_FAILED when the strategy ranks no candidate', async () => {
    const { router } = fleet({ strategy: { name: 'empty', rank: () => [] } });
    expect((await rejection(router.run('x', { task: code }))).code).toBe('STRATEGY_FAILED');
  });

  it('releases the slot before resolving, so sequential calls stay on a concurrency-1 home model', async () => {
    const { router, clock, coder, reasoner } = fleet({}, { coder: { concurrency: 1 } });
    for (let i = 0; i < 4; i++) {
      const run = router.runWithInfo(`s${i}`, { task: code });
      await clock.advance(100);
      coder.finishNext();
      expect((await run).model).toBe('coder-7b');
      expect(router.snapshot().models.find((m) => m.id === 'coder-7b')?.inFlight).toBe(0);
    }
    expect(reasoner.calls).toHaveLength(0);
  });

  it('does not record a call cut short by its caller as a latency sample', async () => {
    const { router, clock, coder } = fleet();
    const ac = new AbortController();
    const run = router.run('x', { task: code, signal: ac.signal }).catch(() => undefined);
    await flush();
    await clock.advance(5);
    ac.abort();
    coder.failNext(new Error('aborted by client'));
    await run;
    await flush();
    const s = router.snapshot().models.find((m) => m.id === 'coder-7b')!;
    expect(s.tasks.code?.count ?? 0).toBe(0);
    expect(s.errorRate).toBe(0);
    expect(s.inFlight).toBe(0);
  });

  it('emits overflow only when every home model is full', async () => {
    const { router, coder, reasoner } = fleet();
    const overflows: Array<{ model: string | undefined; home: readonly string[] }> = [];
    router.on('overflow', (e) => overflows.push({ model: e.model, home: e.home }));
    const runs = [1, 2, 3].map((i) => router.run(`c${i}`, { task: code }));
    await flush();
    expect(overflows).toEqual([{ model: 'reasoner-14b', home: ['coder-7b'] }]);
    coder.finishNext();
    coder.finishNext();
    reasoner.finishNext();
    await Promise.all(runs);
  });
});
