import { describe, expect, it } from 'vitest';
import { ModelCallError } from '../../src/errors/ModelCallError.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { seededRandom } from '../../src/utils/random.js';
import { ManualClock } from '../helpers/manualClock.js';

/**
 * The adaptive strategy's trials in a large fleet, through the real router: a short request
 * measures a model nothing measured yet, at most once per (model, task type), whatever comes of it.
 */
describe('trials in a large fleet (adaptive, through the router)', () => {
  it('measures unknown models with short requests, once per model and task, rejections too', async () => {
    const clock = new ManualClock();
    const calls = new Map<string, number>();
    // 40 models serve chat: a large fleet. m00 answers in 100 ms; the others in 100..490 ms;
    // `picky` rejects every request (nothing is learned of such a call).
    const models = Array.from({ length: 40 }, (_, i) => {
      const id = i === 39 ? 'picky' : `m${String(i).padStart(2, '0')}`;
      return {
        id,
        tasks: ['chat'],
        concurrency: 2,
        call: () => {
          calls.set(id, (calls.get(id) ?? 0) + 1);
          return new Promise<string>((resolve, reject) =>
            clock.setTimeout(
              () =>
                id === 'picky'
                  ? reject(new ModelCallError('rejected-request', 'HTTP 400: not for this model'))
                  : resolve(id),
              100 + 10 * i,
            ),
          );
        },
      };
    });
    const router = new ZetaDynamicRouter<string, string>({
      models,
      clock,
      random: seededRandom(5),
    });
    const trials: string[] = [];
    router.on('decision', ({ decision: d }) => {
      const top = d.ranking[0];
      if (top?.components.trial === 1 && top.components.explored === 1) trials.push(top.id);
    });
    for (let i = 0; i < 400; i++) {
      const run = router.run('x', { task: 'chat' }).catch(() => undefined);
      await clock.advance(1000);
      await run;
    }
    // Each model tried at most once; picky's rejection taught nothing, yet it is not tried again.
    expect(new Set(trials).size).toBe(trials.length);
    expect(trials.length).toBeGreaterThan(10);
    expect(calls.get('picky') ?? 0).toBeLessThanOrEqual(1);
  });

  it('never makes a retry a trial: a request whose trial failed goes to the model it knows', async () => {
    const clock = new ManualClock();
    // known: the home, with a prior; 39 others nothing measured, all failing.
    const models = Array.from({ length: 40 }, (_, i) => {
      const id = i === 0 ? 'known' : `u${i}`;
      return {
        id,
        tasks: ['chat'],
        home: i === 0 ? ['chat'] : [],
        concurrency: 4,
        ...(i === 0 ? { latencyPriorMs: 100 } : {}),
        call: () =>
          new Promise<string>((resolve, reject) =>
            clock.setTimeout(
              () => (id === 'known' ? resolve(id) : reject(new Error('HTTP 500'))),
              100,
            ),
          ),
      };
    });
    const router = new ZetaDynamicRouter<string, string>({
      models,
      clock,
      random: seededRandom(4),
    });
    let failed = 0;
    for (let i = 0; i < 40; i++) {
      const run = router.run('x', { task: 'chat' }).catch(() => failed++);
      await clock.advance(10_000);
      await run;
    }
    expect(failed).toBe(0);
  });
});
