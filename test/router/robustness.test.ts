import { afterEach, describe, expect, it, vi } from 'vitest';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { seededRandom } from '../../src/utils/random.js';
import { deferred, flush, ManualClock } from '../helpers/manualClock.js';
import { FakeModel, fleet, rejection } from './fixtures.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Collects errors rethrown asynchronously by the router (listener bugs) instead of crashing. */
function captureRethrown(): unknown[] {
  const errors: unknown[] = [];
  const original = globalThis.queueMicrotask;
  vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((cb) =>
    original(() => {
      try {
        cb();
      } catch (error) {
        errors.push(error);
      }
    }),
  );
  return errors;
}

describe('health and waiting requests', () => {
  it('routes a request waiting only for a model that opens elsewhere, or rejects it, instead of stranding it', async () => {
    const clock = new ManualClock();
    const only = new FakeModel('only');
    const router = new ZetaDynamicRouter<string, string>({
      models: [{ id: 'only', tasks: ['code'], concurrency: 1, call: only.call }],
      clock,
      random: seededRandom(1),
      maxAttempts: 1,
      health: { openAfterFailures: 1, cooldownMs: 1000 },
    });
    const first = rejection(router.run('a', { task: 'code' }));
    const waiting = rejection(router.run('b', { task: 'code' }));
    await flush();
    expect(router.waiting).toBe(1);
    only.failNext();
    expect((await first).code).toBe('MODEL_FAILED');
    const error = await waiting;
    expect(error.code).toBe('NO_CAPABLE_MODEL');
    expect(error.message).toMatch(/health is open/);
    await router.drain();
    expect(router.snapshot().pending).toBe(0);
  });

  it('wakes requests waiting for an open model and a busy one when the cool-off ends', async () => {
    const clock = new ManualClock();
    const flaky = new FakeModel('flaky');
    const busy = new FakeModel('busy');
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        { id: 'flaky', tasks: ['code'], concurrency: 1, call: flaky.call, latencyPriorMs: 10 },
        { id: 'busy', tasks: ['code'], concurrency: 1, call: busy.call, latencyPriorMs: 20 },
      ],
      clock,
      strategy: 'least-loaded',
      random: seededRandom(2),
      maxAttempts: 1,
      health: { openAfterFailures: 1, cooldownMs: 1000 },
    });
    const a = router.run('a', { task: 'code' }).catch(() => 'failed');
    const b = router.run('b', { task: 'code' });
    const c = router.runWithInfo('c', { task: 'code' });
    await flush();
    expect(router.waiting).toBe(1);
    flaky.calls.length === 1 ? flaky.failNext() : busy.failNext();
    await flush();
    // 'c' still waits: the failed model is open and the other is busy, and nothing frees up.
    expect(router.waiting).toBe(1);
    await clock.advance(1000);
    // The cool-off ended: the open model takes 'c' as its probe.
    const probe = [flaky, busy].find((m) => m.calls.some((x) => x.req === 'c' && !x.done))!;
    probe.finishNext();
    expect((await c).result).toMatch(/:c$/);
    for (const m of [flaky, busy]) while (m.calls.some((x) => !x.done)) m.finishNext();
    await Promise.all([a, b]);
  });

  it('does not call a model that opened while a request sat in its own queue', async () => {
    const { router, coder, reasoner } = fleet(
      { health: { openAfterFailures: 1, cooldownMs: 60_000 }, strategy: 'static' },
      { coder: { concurrency: 1 } },
    );
    const runs = ['a', 'b', 'c'].map((r) =>
      router.runWithInfo(r, { task: { type: 'code', complexity: 0.1 } }).catch((e) => e),
    );
    await flush();
    coder.failNext();
    await flush();
    expect(coder.calls).toHaveLength(1);
    await reasoner.finishAll();
    const results = await Promise.all(runs);
    expect(coder.calls).toHaveLength(1);
    expect(results.filter((r) => 'model' in r && r.model === 'reasoner-14b').length).toBe(3);
  });
});

describe('health and lane queues', () => {
  it('routes again, without calling it, requests bound to the queue of a model that opened', async () => {
    const { router, coder, reasoner } = fleet(
      { health: { openAfterFailures: 1, cooldownMs: 60_000 } },
      {
        coder: { concurrency: 1, maxQueue: 4, latencyPriorMs: 10 },
        reasoner: { concurrency: 4, latencyPriorMs: 1000 },
      },
    );
    const runs = ['a', 'b', 'c', 'd'].map((r) =>
      router.runWithInfo(r, { task: { type: 'code', complexity: 0.1 } }),
    );
    await flush();
    const bindings = router.snapshot().models.find((m) => m.id === 'coder-7b')!;
    expect(bindings.inFlight + bindings.queued).toBe(4);
    coder.failNext();
    await flush();
    expect(coder.calls).toHaveLength(1);
    await reasoner.finishAll();
    const infos = await Promise.all(runs);
    expect(coder.calls).toHaveLength(1);
    expect(infos.every((i) => i.model === 'reasoner-14b')).toBe(true);
  });
});

describe('listeners cannot break routing', () => {
  it('settles the request and keeps counts right when a listener throws', async () => {
    const errors = captureRethrown();
    const { router, coder } = fleet();
    for (const event of ['decision', 'dispatch', 'complete'] as const) {
      router.on(event, () => {
        throw new Error(`${event} listener bug`);
      });
    }
    const run = router.run('x', { task: 'code' });
    await flush();
    coder.finishNext();
    expect(await run).toBe('coder-7b:x');
    await router.drain();
    expect(router.snapshot().pending).toBe(0);
    expect(router.snapshot().models.find((m) => m.id === 'coder-7b')?.inFlight).toBe(0);
    expect(errors.map((e) => (e as Error).message).sort()).toEqual([
      'complete listener bug',
      'decision listener bug',
      'dispatch listener bug',
    ]);
  });

  it('does not park a request that a decision listener aborted', async () => {
    const { router } = fleet({ strategy: 'static', maxWaiting: 1 });
    router.run('a', { task: 'code' });
    router.run('b', { task: 'code' });
    await flush();
    const ac = new AbortController();
    router.on('decision', (e) => {
      if (e.decision.binding === 'wait') ac.abort();
    });
    expect((await rejection(router.run('c', { task: 'code', signal: ac.signal }))).code).toBe(
      'ABORTED',
    );
    expect(router.waiting).toBe(0);
    expect(router.snapshot().pending).toBe(2);
  });
});

describe('models added while requests wait', () => {
  it('asks the strategy again: a static router keeps waiting for the home model', async () => {
    const { router, coder } = fleet({ strategy: 'static' }, { reasoner: { tasks: ['reasoning'] } });
    router.run('a', { task: 'code' });
    router.run('b', { task: 'code' });
    const waiting = router.runWithInfo('c', { task: 'code' });
    await flush();
    const extra = new FakeModel('extra');
    router.addModel({ id: 'extra', tasks: ['code'], concurrency: 1, call: extra.call });
    await flush();
    expect(extra.calls).toHaveLength(0);
    expect(router.waiting).toBe(1);
    coder.finishNext();
    await flush();
    coder.finishNext();
    coder.finishNext();
    expect((await waiting).model).toBe('coder-7b');
  });

  it('lets an adaptive router bind waiting requests to the new model', async () => {
    const { router } = fleet({}, { reasoner: { tasks: ['reasoning'] } });
    const d = deferred<void>();
    router.run('a', { task: 'code' });
    router.run('b', { task: 'code' });
    const waiting = router.runWithInfo('c', { task: 'code' });
    await flush();
    router.addModel({
      id: 'extra',
      tasks: ['code'],
      concurrency: 1,
      call: async (r) => {
        await d.promise;
        return `extra:${r}`;
      },
    });
    d.resolve();
    const info = await waiting;
    expect(info.model).toBe('extra');
    expect(info.decision.ranking.map((r) => r.id)).toContain('extra');
  });
});
