// Server load probes (issue #11): what a model's server reports of its own load routes requests.
import { describe, expect, it } from 'vitest';
import type { ServerLoad } from '../../src/probe/ModelProbe.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { configError } from '../helpers/configError.js';
import { flush, ManualClock } from '../helpers/manualClock.js';
import { FakeModel } from './fixtures.js';

function setup(read: (signal: AbortSignal) => ServerLoad | Promise<ServerLoad>) {
  const clock = new ManualClock();
  const shared = new FakeModel('shared');
  const spare = new FakeModel('spare');
  const router = new ZetaDynamicRouter<string, string>({
    models: [
      {
        id: 'shared',
        call: shared.call,
        tasks: ['simple'],
        home: ['simple'],
        concurrency: 4,
        probe: {
          read,
          intervalMs: 1000,
          timeoutMs: 200,
          spillAt: { waiting: 5, kvCacheUsage: 0.9 },
        },
      },
      { id: 'spare', call: spare.call, tasks: ['simple'], concurrency: 4 },
    ],
    clock,
  });
  return { clock, shared, spare, router };
}

describe('server load probes', () => {
  it('a server that reports a long queue counts as busy: requests go elsewhere; it binds again once it clears', async () => {
    let load: ServerLoad = { running: 12, waiting: 9, kvCacheUsage: 0.5 };
    let reads = 0;
    const { clock, shared, spare, router } = setup(() => {
      reads++;
      return load;
    });
    await flush();
    expect(reads).toBe(1);
    const snap = router.snapshot().models.find((m) => m.id === 'shared')!;
    expect(snap.server).toMatchObject({
      load: { running: 12, waiting: 9, kvCacheUsage: 0.5 },
      busy: true,
    });
    // Busy by its server's word, the home model ranks below the free spare, with the reading shown.
    const ranking = router.explain({ type: 'simple', complexity: 0 }).ranking;
    expect(ranking[0]!.id).toBe('spare');
    const first = router.run('a', { task: 'simple' });
    await flush();
    expect(spare.calls).toHaveLength(1);
    expect(shared.calls).toHaveLength(0);
    // Fill the spare: the next request waits, even though the shared model's own lane is empty.
    const more = ['b', 'c', 'd'].map((r) => router.run(r, { task: 'simple' }));
    const waiting = router.run('e', { task: 'simple' });
    await flush();
    expect(router.waiting).toBe(1);
    expect(shared.calls).toHaveLength(0);
    // The server catches up: the next read clears it, and the waiting request binds to it.
    load = { running: 3, waiting: 0, kvCacheUsage: 0.4 };
    await clock.advance(1000);
    expect(reads).toBe(2);
    expect(shared.calls.map((c) => c.req)).toEqual(['e']);
    await shared.finishAll();
    await spare.finishAll();
    await Promise.all([first, waiting, ...more]);
    await router.close();
    expect(clock.pending).toBe(0);
  });

  it('a probe that throws, rejects, returns garbage or hangs leaves the load unknown and routing as usual', async () => {
    const reads: Array<(signal: AbortSignal) => ServerLoad | Promise<ServerLoad>> = [
      () => {
        throw new Error('connection refused');
      },
      () => Promise.reject(new Error('500')),
      () => ({ waiting: Number.NaN, kvCacheUsage: -1 }) as ServerLoad,
      (signal) =>
        new Promise<ServerLoad>((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        ),
    ];
    const errors: Array<string | undefined> = [];
    let i = 0;
    const { clock, shared, spare, router } = setup((signal) =>
      reads[Math.min(i++, reads.length - 1)]!(signal),
    );
    for (let k = 0; k < 4; k++) {
      await flush();
      if (k === 3) await clock.advance(200); // the hung read times out
      const server = router.snapshot().models.find((m) => m.id === 'shared')!.server!;
      errors.push(server.error);
      expect(server).toMatchObject({ load: undefined, busy: false });
      const run = router.run(`r${k}`, { task: 'simple' });
      await flush();
      await shared.finishAll();
      await spare.finishAll();
      expect(await run).toMatch(new RegExp(`^(shared|spare):r${k}$`));
      if (k < 3) await clock.advance(1000);
    }
    expect(errors[0]).toMatch(/connection refused/);
    expect(errors[1]).toMatch(/500/);
    expect(errors[2]).toBe('the probe returned no usable load');
    expect(errors[3]).toBe('timed out after 200ms');
    await router.close();
    expect(clock.pending).toBe(0);
  });

  it('rejects bad probe options, naming each', () => {
    const error = configError(
      () =>
        new ZetaDynamicRouter({
          models: [
            {
              id: 'm',
              call: async () => 'x',
              tasks: ['simple'],
              probe: { read: 5, intervalMs: 1, spillAt: { kvCacheUsage: 2, queue: 3 } } as never,
            },
          ],
        }),
    );
    expect(error.problems).toEqual([
      expect.stringContaining('probe.read must be a function'),
      expect.stringContaining('probe.intervalMs must be a number from 10'),
      expect.stringContaining(
        'unknown option `models[0].probe.spillAt.queue`'.replace('models[0].', "models[0] ('m')."),
      ),
      expect.stringContaining('probe.spillAt.kvCacheUsage must be a number from 0 to 1'),
    ]);
  });
});
