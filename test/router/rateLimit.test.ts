import { describe, expect, it } from 'vitest';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { seededRandom } from '../../src/utils/random.js';
import { flush, ManualClock } from '../helpers/manualClock.js';

describe('per-model rate limit (on the router clock)', () => {
  it('starts at most `requests` calls per sliding window and starts the rest as the window allows', async () => {
    const clock = new ManualClock();
    const starts: number[] = [];
    const router = new ZetaDynamicRouter<number, number>({
      models: [
        {
          id: 'limited',
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
      random: seededRandom(1),
    });
    const runs = [1, 2, 3, 4, 5].map((i) => router.run(i, { task: 'simple' }));
    await flush();
    expect(starts).toEqual([0, 0]);
    expect(router.waiting).toBe(3);
    await clock.advance(999);
    expect(starts).toEqual([0, 0]);
    await clock.advance(1);
    expect(starts).toEqual([0, 0, 1000, 1000]);
    await clock.advance(1000);
    expect(starts).toEqual([0, 0, 1000, 1000, 2000]);
    expect(await Promise.all(runs)).toEqual([1, 2, 3, 4, 5]);
  });

  it('spills to another capable model while the home model is rate-limited', async () => {
    const clock = new ManualClock();
    const served: string[] = [];
    const model = (id: string, extra: object) => ({
      id,
      tasks: ['simple'],
      concurrency: 10,
      call: async () => {
        served.push(id);
        return id;
      },
      ...extra,
    });
    const router = new ZetaDynamicRouter<number, string>({
      models: [
        model('home', {
          home: ['simple'],
          rateLimit: { requests: 1, intervalMs: 60_000 },
          latencyPriorMs: 100,
        }),
        model('other', { latencyPriorMs: 150 }),
      ],
      clock,
      random: seededRandom(1),
    });
    await Promise.all([1, 2, 3].map((i) => router.run(i, { task: 'simple' })));
    expect(served.sort()).toEqual(['home', 'other', 'other']);
  });

  it('rejects a bad rateLimit at construction', () => {
    expect(
      () =>
        new ZetaDynamicRouter({
          models: [
            {
              id: 'm',
              tasks: ['simple'],
              call: async () => 1,
              rateLimit: { requests: 0, intervalMs: 1000 },
            },
          ],
        }),
    ).toThrow(/rateLimit must be \{ requests: integer >= 1, intervalMs: finite number > 0 \}/);
  });
});
