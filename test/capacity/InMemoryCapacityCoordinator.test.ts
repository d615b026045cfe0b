import { describe, expect, it } from 'vitest';
import { InMemoryCapacityCoordinator } from '../../src/capacity/index.js';
import type { CallContext, ModelConfig } from '../../src/router/options.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { configError } from '../helpers/configError.js';
import { type Deferred, deferred, flush, ManualClock } from '../helpers/manualClock.js';

const limits = { concurrency: 2, maxTokens: 100 };

describe('InMemoryCapacityCoordinator', () => {
  it('grants up to the concurrency and the token budget, then refuses until a lease comes back', () => {
    const c = new InMemoryCapacityCoordinator();
    const a = c.acquire({ model: 'm', tokens: 60, limits });
    expect(a).toEqual({ model: 'm', tokens: 60 });
    expect(c.acquire({ model: 'm', tokens: 50, limits })).toBeUndefined(); // 110 tokens > 100
    const b = c.acquire({ model: 'm', tokens: 40, limits });
    expect(b).toBeDefined();
    expect(c.isFull('m')).toBe(true);
    expect(c.acquire({ model: 'm', tokens: 0, limits })).toBeUndefined(); // 2 calls
    const heard: string[] = [];
    const unwatch = c.watch((model) => heard.push(model));
    c.release(a!);
    expect(heard).toEqual(['m']);
    expect(c.isFull('m')).toBe(false);
    expect(c.usage('m')).toEqual({ calls: 1, tokens: 40 });
    unwatch();
    c.release(b!);
    expect(heard).toEqual(['m']);
    expect(c.usage('m')).toEqual({ calls: 0, tokens: 0 });
    // A stray release changes nothing.
    c.release(b!);
    expect(c.usage('m')).toEqual({ calls: 0, tokens: 0 });
  });

  it('holds its own limits for a model over those of the request', () => {
    const c = new InMemoryCapacityCoordinator({
      limits: { m: { concurrency: 1, maxTokens: Infinity } },
    });
    expect(c.acquire({ model: 'm', tokens: 500, limits })).toBeDefined();
    expect(c.acquire({ model: 'm', tokens: 0, limits })).toBeUndefined();
    expect(c.isFull('unknown')).toBe(false);
  });

  it('rejects bad options with CONFIG_INVALID naming each problem', () => {
    expect(configError(() => new InMemoryCapacityCoordinator(5 as never)).message).toContain(
      'options must be an object',
    );
    const e = configError(
      () =>
        new InMemoryCapacityCoordinator({
          limits: { m: { concurrency: 0, maxTokens: -1 }, n: 3 },
          extra: 1,
        } as never),
    );
    expect(e.problems).toEqual([
      expect.stringContaining('unknown option `extra`'),
      expect.stringContaining('`limits["m"].concurrency` must be an integer >= 1, got 0'),
      expect.stringContaining('`limits["m"].maxTokens` must be a number > 0'),
      expect.stringContaining('`limits["n"]` must be { concurrency, maxTokens }, got 3'),
    ]);
  });
});

/** Two routers on one model server of capacity 2 (each router's own config says 2 as well). */
function pair(capacity: InMemoryCapacityCoordinator, clock: ManualClock) {
  const calls: Deferred<string>[] = [];
  let running = 0;
  let peak = 0;
  const model = (): ModelConfig<string, string> => ({
    id: 'm',
    tasks: ['simple'],
    concurrency: 2,
    maxQueue: 8,
    call: (_req: string, _ctx: CallContext) => {
      running++;
      peak = Math.max(peak, running);
      const d = deferred<string>();
      calls.push(d);
      return d.promise.finally(() => {
        running--;
      });
    },
  });
  const routers = [0, 1].map(
    () =>
      new ZetaDynamicRouter<string, string>({ models: [model()], capacity, clock, health: false }),
  );
  return { routers, calls, peak: () => peak };
}

describe('routers sharing an InMemoryCapacityCoordinator', () => {
  it('keep the sum of calls on a shared model within its limit; a waiting request starts when another router frees a lease', async () => {
    const clock = new ManualClock();
    const capacity = new InMemoryCapacityCoordinator();
    const { routers, calls, peak } = pair(capacity, clock);
    const [a, b] = routers as [
      ZetaDynamicRouter<string, string>,
      ZetaDynamicRouter<string, string>,
    ];
    const ra = [a.run('1', { task: 'simple' }), a.run('2', { task: 'simple' })];
    await flush();
    expect(calls).toHaveLength(2);
    // b's own lane is empty, but the model is full across both: b's request waits.
    const rb = b.run('3', { task: 'simple' });
    await flush();
    expect(calls).toHaveLength(2);
    expect(b.snapshot().waiting).toBe(1);
    calls[0]!.resolve('one');
    await flush();
    expect(calls).toHaveLength(3);
    calls[1]!.resolve('two');
    calls[2]!.resolve('three');
    await expect(Promise.all([...ra, rb])).resolves.toEqual(['one', 'two', 'three']);
    expect(peak()).toBe(2);
    expect(capacity.usage('m')).toEqual({ calls: 0, tokens: 0 });
  });

  it('a full shared model with no waiting room left sheds with CAPACITY_EXCEEDED', async () => {
    const clock = new ManualClock();
    const capacity = new InMemoryCapacityCoordinator();
    const calls: Deferred<string>[] = [];
    const model = (maxQueue: number): ModelConfig<string, string> => ({
      id: 'm',
      tasks: ['simple'],
      concurrency: 1,
      maxQueue,
      call: () => {
        const d = deferred<string>();
        calls.push(d);
        return d.promise;
      },
    });
    const a = new ZetaDynamicRouter<string, string>({ models: [model(1)], capacity, clock });
    const b = new ZetaDynamicRouter<string, string>({ models: [model(0)], capacity, clock });
    const first = a.run('1', { task: 'simple' });
    await flush();
    await expect(b.run('2', { task: 'simple' })).rejects.toMatchObject({
      code: 'CAPACITY_EXCEEDED',
    });
    calls[0]!.resolve('ok');
    await expect(first).resolves.toBe('ok');
  });
});
