import { describe, expect, it } from 'vitest';
import { InMemoryLoadTracker } from '../../../src/load/InMemoryLoadTracker.js';
import { ZetaDynamicRouter } from '../../../src/router/ZetaDynamicRouter.js';
import { ManualClock } from '../../helpers/manualClock.js';
import { spyStrategy } from '../../helpers/spyStrategy.js';

describe("Decider: a candidate's latency prior", () => {
  it('is its configured prior, or its last mean once its window has emptied, never the live window', async () => {
    const clock = new ManualClock();
    const strategy = spyStrategy();
    const router = new ZetaDynamicRouter<string, string>({
      clock,
      strategy,
      tracker: new InMemoryLoadTracker({ windowMs: 10_000 }),
      models: [
        {
          id: 'a',
          tasks: ['code'],
          concurrency: 1,
          call: async (req) => {
            await clock.advance(100);
            return req;
          },
        },
        { id: 'b', tasks: ['code'], concurrency: 1, latencyPriorMs: 50, call: async (r) => r },
      ],
    });
    const seen = (id: string) => strategy.seen.at(-1)!.find((c) => c.id === id)!;
    await router.run('first', { task: 'code' }); // ranked a first: runs on a, 100 ms
    expect(seen('a').priorLatencyMs).toBeUndefined(); // nothing seen yet
    await router.run('second', { task: 'code' });
    // Its window holds that call: it is the evidence, and must not count again as the prior.
    expect(seen('a').latency.count).toBe(1);
    expect(seen('a').priorLatencyMs).toBeUndefined();
    expect(seen('b').priorLatencyMs).toBe(50);
    await clock.advance(30_000); // the window empties
    await router.run('third', { task: 'code' });
    expect(seen('a').latency.count).toBe(0);
    expect(seen('a').priorLatencyMs).toBe(100);
  });
});
