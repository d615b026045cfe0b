// A request that needs more of a model's token budget than is free is not starved by smaller ones
// that keep arriving: the model is held for it (they wait behind it, in priority order).
import { describe, expect, it } from 'vitest';
import type { ZetaError } from '../../../src/errors/ZetaError.js';
import { ZetaDynamicRouter } from '../../../src/router/ZetaDynamicRouter.js';
import { runSimulation, type SimModelSpec, type SimRequest } from '../../../src/sim/index.js';
import { flush, ManualClock } from '../../helpers/manualClock.js';

/** One model: 4 slots, a budget of 100 tokens, every call 100 ms. */
const model: SimModelSpec = {
  id: 'm',
  tasks: ['simple'],
  concurrency: 4,
  maxTokens: 100,
  service: { kind: 'constant', value: 100 },
};

/** Small requests of 30 tokens every 40 ms for 4 s (3 run at once), and one of 90 at 500 ms. */
function requests(bigPriority = 0): SimRequest[] {
  const out: SimRequest[] = [];
  for (let i = 0; i < 100; i++)
    out.push({ id: i, t: i * 40, type: 'simple', complexity: 0, tokens: 30, priority: 0 });
  out.push({ id: 1000, t: 500, type: 'simple', complexity: 0, tokens: 90, priority: bigPriority });
  return out.sort((a, b) => a.t - b.t || a.id - b.id);
}

describe('Admission: token reservation', () => {
  it('starts a large request once the calls ahead of it end, not when small arrivals pause', async () => {
    for (const strategy of ['adaptive', 'static', 'least-loaded'] as const) {
      const { outcomes } = await runSimulation({
        models: [model],
        requests: requests(),
        strategy,
        seed: 1,
      });
      const big = outcomes.find((o) => o.id === 1000)!;
      expect(big.ok).toBe(true);
      // The calls running at 500 ms end by 600 ms; then it runs (before this fix: 3,560 ms, until
      // the small arrivals stopped).
      expect(big.queued, strategy).toBeLessThanOrEqual(100);
      // Every request still settles; the small ones held behind it waited one call at most.
      expect(outcomes.every((o) => o.ok)).toBe(true);
      expect(Math.max(...outcomes.map((o) => o.queued)), strategy).toBeLessThanOrEqual(200);
    }
  });

  it('holds the model only for requests of the same or a higher priority than the newcomers', async () => {
    const { outcomes } = await runSimulation({
      models: [model],
      requests: requests(-1),
      strategy: 'adaptive',
      seed: 1,
    });
    // A lower-priority large request waits for the smaller ones of higher priority, as it would
    // in the wait list: it runs once they stop (the last arrives at 3,960 ms).
    const big = outcomes.find((o) => o.id === 1000)!;
    expect(big.ok).toBe(true);
    expect(big.start).toBeGreaterThanOrEqual(3960);
  });
});

describe('Admission: a hold ends with the request it was for', () => {
  it('serves the requests behind a held-for request at once when it leaves (timeout) without starting', async () => {
    const clock = new ManualClock();
    const router = new ZetaDynamicRouter<number, string>({
      clock,
      models: [
        {
          id: 'm',
          tasks: ['simple'],
          concurrency: 4,
          maxTokens: 1000,
          call: (ms) => new Promise((done) => clock.setTimeout(() => done('ok'), ms)),
        },
      ],
    });
    const task = (tokens: number) => ({ type: 'simple', complexity: 0, tokens });
    const long = router.run(2000, { task: task(600) }); // holds 600 tokens for 2 s
    const big = router.run(10, { task: task(900), timeoutMs: 200 }).catch((e: ZetaError) => e.code);
    const small = router.runWithInfo(10, { task: task(50) }); // held behind the big one
    await flush();
    await clock.advance(200); // the big one times out
    await flush();
    expect(await big).toBe('TIMEOUT');
    await clock.advance(10);
    const info = await small;
    // It starts when the big one leaves (200 ms), not when the long call ends (2,000 ms).
    expect(info.queuedMs).toBe(200);
    await clock.advance(2000);
    await long;
    await router.close();
  });
});
