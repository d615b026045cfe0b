import { describe, expect, it } from 'vitest';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { seededRandom } from '../../src/utils/random.js';
import { flush, ManualClock } from '../helpers/manualClock.js';
import { fleet } from './fixtures.js';

describe('events', () => {
  it('emits decision, dispatch and complete with the same decision record runWithInfo returns', async () => {
    const { router, coder } = fleet();
    const log: string[] = [];
    const decisions: unknown[] = [];
    router.on('decision', (e) => {
      log.push(`decision:${e.requestId}:${e.attempt}`);
      decisions.push(e.decision);
    });
    router.on('dispatch', (e) => log.push(`dispatch:${e.model}:${e.attempt}`));
    router.on('complete', (e) => log.push(`complete:${e.model}:${e.attempts}`));
    const run = router.runWithInfo('x', { task: 'code' });
    await flush();
    coder.finishNext();
    const info = await run;
    expect(log).toEqual([`decision:${info.id}:1`, 'dispatch:coder-7b:1', 'complete:coder-7b:1']);
    expect(decisions[0]).toBe(info.decision);
  });

  it('emits fail for each failed call and reject once for the request', async () => {
    const { router, coder, reasoner } = fleet();
    const fails: Array<[string, boolean]> = [];
    const rejects: string[] = [];
    router.on('fail', (e) => fails.push([e.model, e.willRetry]));
    router.on('reject', (e) => rejects.push(e.error.code));
    const run = router.run('x', { task: { type: 'code', complexity: 0.1 } }).catch(() => undefined);
    await flush();
    const [first, second] = coder.calls.length === 1 ? [coder, reasoner] : [reasoner, coder];
    first.failNext();
    await flush();
    second.failNext();
    await run;
    expect(fails).toEqual([
      [first.id, true],
      [second.id, false],
    ]);
    expect(rejects).toEqual(['MODEL_FAILED']);
  });

  it('opens a failing model, routes around it, and probes it again after the cool-off', async () => {
    const clock = new ManualClock();
    let flakyFails = true;
    const calls: Record<string, number> = { flaky: 0, steady: 0 };
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        {
          id: 'flaky',
          tasks: ['code'],
          home: ['code'],
          concurrency: 4,
          call: async () => {
            calls.flaky!++;
            if (flakyFails) throw new Error('flaky is down');
            return 'flaky';
          },
        },
        {
          id: 'steady',
          tasks: ['code'],
          concurrency: 4,
          call: async () => {
            calls.steady!++;
            return 'steady';
          },
        },
      ],
      clock,
      random: seededRandom(3),
      health: { openAfterFailures: 3, cooldownMs: 1000 },
    });
    const changes: string[] = [];
    router.on('health', (e) => changes.push(`${e.model}:${e.from}->${e.to}`));
    for (let i = 0; i < 20; i++) {
      await router.run('x', { task: 'code' });
      await clock.advance(10);
    }
    expect(changes).toContain('flaky:healthy->open');
    const flakyCallsWhileOpen = calls.flaky!;
    expect(flakyCallsWhileOpen).toBeLessThanOrEqual(3);
    expect(router.explain({ type: 'code', complexity: 0.1 }).excluded[0]?.reason).toMatch(
      /health is open/,
    );
    flakyFails = false;
    await clock.advance(1000);
    for (let i = 0; i < 10; i++) await router.run('x', { task: 'code' });
    expect(calls.flaky!).toBeGreaterThan(flakyCallsWhileOpen);
    expect(changes).toContain('flaky:open->degraded');
  });
});

describe('close event', () => {
  it('is emitted once, after the accepted requests settled, however often close() is called', async () => {
    const { router, coder, clock } = fleet();
    const log: string[] = [];
    router.on('complete', () => log.push('complete'));
    router.on('close', (e) => log.push(`close@${e.at}`));
    const run = router.run('x', { task: 'code' });
    await flush();
    const closing = router.close();
    await clock.advance(40);
    coder.finishNext();
    await Promise.all([run, closing, router.close()]);
    await router.close();
    expect(log).toEqual(['complete', 'close@40']);
  });
});

describe('health probes', () => {
  it('lets the next request probe when the caller abandons the probe call', async () => {
    const clock = new ManualClock();
    let fail = true;
    const pending: Array<() => void> = [];
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        {
          id: 'only',
          tasks: ['code'],
          concurrency: 2,
          call: (_req, ctx) =>
            new Promise<string>((resolve, reject) => {
              if (fail) {
                reject(new Error('down'));
                return;
              }
              pending.push(() => resolve('ok'));
              ctx.signal.addEventListener('abort', () => reject(new Error('aborted')));
            }),
        },
      ],
      clock,
      random: seededRandom(1),
      maxAttempts: 1,
      health: { openAfterFailures: 2, cooldownMs: 1000 },
    });
    for (let i = 0; i < 2; i++) await router.run('x', { task: 'code' }).catch(() => undefined);
    expect(router.snapshot().models[0]?.health).toBe('open');
    await clock.advance(1000);
    fail = false;
    const ac = new AbortController();
    const probe = router
      .run('probe', { task: 'code', signal: ac.signal })
      .catch((e: Error) => e.message);
    await flush();
    ac.abort();
    expect(await probe).toMatch(/aborted/);
    const next = router.run('again', { task: 'code' });
    await flush();
    pending.at(-1)?.();
    expect(await next).toBe('ok');
  });
});

describe('quality feedback', () => {
  it('degrades a model reported as giving poor answers, so adaptive routing moves away from it', async () => {
    const clock = new ManualClock();
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        {
          id: 'sloppy',
          tasks: ['code'],
          home: ['code'],
          concurrency: 4,
          call: async () => 'bad',
          latencyPriorMs: 100,
        },
        {
          id: 'careful',
          tasks: ['code'],
          concurrency: 4,
          call: async () => 'good',
          // Slower than sloppy's 100 ms, but not twice: only the degraded penalty sends work here.
          latencyPriorMs: 120,
        },
      ],
      clock,
      random: seededRandom(4),
      health: { minSamples: 3 },
    });
    const changes: string[] = [];
    router.on('health', (e) => changes.push(`${e.model}:${e.to}`));
    expect((await router.runWithInfo('x', { task: 'code' })).model).toBe('sloppy');
    for (let i = 0; i < 3; i++) router.reportQuality('sloppy', 0);
    expect(changes).toEqual(['sloppy:degraded']);
    expect(router.snapshot().models.find((m) => m.id === 'sloppy')?.quality).toBeLessThan(0.5);
    expect((await router.runWithInfo('y', { task: 'code' })).model).toBe('careful');
    expect(() => router.reportQuality('nope', 1)).toThrow(/no model 'nope'/);
    expect(() => router.reportQuality('careful', 2)).toThrow(
      /quality must be a number from 0 to 1, got 2/,
    );
  });
});
