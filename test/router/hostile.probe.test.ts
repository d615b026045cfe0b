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
