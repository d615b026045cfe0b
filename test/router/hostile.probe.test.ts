// A hung probe cannot keep its model open for good (issue #8).
import { describe, expect, it } from 'vitest';
import type { ZetaError } from '../../src/errors/ZetaError.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { flush, ManualClock } from '../helpers/manualClock.js';

describe('a probe that never settles', () => {
  it('counts as a failed probe after abortGraceMs, so a later request probes the model again', async () => {
    const clock = new ManualClock();
    let mode: 'fail' | 'hang' | 'ok' = 'fail';
    const calls: string[] = [];
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        {
          id: 'm',
          tasks: ['simple'],
          concurrency: 2,
          call: (req) => {
            calls.push(req);
            if (mode === 'fail') return Promise.reject(new Error('down'));
            if (mode === 'hang') return new Promise<string>(() => undefined);
            return Promise.resolve(`ok:${req}`);
          },
        },
      ],
      clock,
      abortGraceMs: 1000,
      health: { openAfterFailures: 1, cooldownMs: 100, maxCooldownMs: 10_000 },
    });
    const first = await router.run('a', { task: 'simple' }).catch((e: ZetaError) => e.code);
    expect(first).toBe('MODEL_FAILED');
    expect(router.snapshot().models[0]!.health).toBe('open');
    await clock.advance(100);
    mode = 'hang';
    // The probe: no timeout, and its call never settles.
    const probe = router.run('probe', { task: 'simple' }).catch((e: ZetaError) => e.code);
    await flush();
    expect(calls).toEqual(['a', 'probe']);
    expect(await router.run('x', { task: 'simple' }).catch((e: ZetaError) => e.code)).toBe(
      'NO_CAPABLE_MODEL',
    );
    // Past the grace the probe counts as failed: the model rests 200 ms (doubled), then admits a new probe.
    await clock.advance(1000);
    await clock.advance(200);
    mode = 'ok';
    expect(await router.run('again', { task: 'simple' })).toBe('ok:again');
    expect(calls).toEqual(['a', 'probe', 'again']);
    expect(router.snapshot().models[0]!.health).not.toBe('open');
    void probe;
  });
});

describe('a streamed probe', () => {
  it('is judged by its first chunk: the model takes traffic again while the stream runs past abortGraceMs', async () => {
    const clock = new ManualClock();
    let down = true;
    let release!: () => void;
    const rest = new Promise<void>((resolve) => {
      release = resolve;
    });
    const health: string[] = [];
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        {
          id: 'm',
          tasks: ['simple'],
          concurrency: 2,
          call: (req) => (down ? Promise.reject(new Error('down')) : Promise.resolve(`ok:${req}`)),
          stream: async function* (req) {
            await clock.advance(10);
            yield `${req}:1`;
            await rest; // a long answer: it runs on past the grace
            yield `${req}:2`;
          },
        },
      ],
      clock,
      abortGraceMs: 1000,
      health: { openAfterFailures: 1, cooldownMs: 100, maxCooldownMs: 10_000 },
    });
    router.on('health', (e) => health.push(`${e.to}: ${e.reason}`));
    expect(await router.run('a', { task: 'simple' }).catch((e: ZetaError) => e.code)).toBe(
      'MODEL_FAILED',
    );
    await clock.advance(100);
    down = false;
    const probe = router.stream('probe', { task: 'simple' });
    expect((await probe.next()).value).toBe('probe:1');
    expect(health).toEqual([
      expect.stringMatching(/^open: /),
      'degraded: probe stream answered (its first chunk came)',
    ]);
    // Past the grace, the stream still running: the probe is not failed, and the model is routed to.
    await clock.advance(1500);
    expect(router.snapshot().models[0]!.health).not.toBe('open');
    expect(await router.run('x', { task: 'simple' })).toBe('ok:x');
    release();
    const chunks: unknown[] = [];
    for await (const c of probe) chunks.push(c);
    expect(chunks).toEqual(['probe:2']);
    await router.close();
  });
});
