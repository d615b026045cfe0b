import { describe, expect, it } from 'vitest';
import { RedisCapacityCoordinator } from '../../../src/integrations/redis/index.js';
import { ZetaDynamicRouter } from '../../../src/router/ZetaDynamicRouter.js';
import { ManualClock } from '../../helpers/manualClock.js';
import { FakeRedis } from './fakeRedis.js';

describe('RedisCapacityCoordinator when Redis never answers (virtual clock)', () => {
  it('a request with no timeout waits up to the lease TTL for Redis, then sheds with CAPACITY_EXCEEDED: it never hangs', async () => {
    const clock = new ManualClock();
    const redis = new FakeRedis(() => clock.now());
    const capacity = new RedisCapacityCoordinator({
      client: redis.client(() => Promise.reject(new Error('connection refused'))),
      clock,
      leaseTtlMs: 1000,
      refreshMs: 50,
    });
    const router = new ZetaDynamicRouter<string, string>({
      models: [{ id: 'm', tasks: ['simple'], call: async () => 'ok' }],
      capacity,
      clock,
      health: false,
    });
    let outcome: unknown;
    const run = router.run('x', { task: 'simple' }).then(
      (r) => {
        outcome = r;
      },
      (e: unknown) => {
        outcome = e;
      },
    );
    // Never reached Redis: the other instances are unknown, so no local share; the request waits.
    await clock.advance(900);
    expect(capacity.state).toBe('down');
    expect(outcome).toBeUndefined();
    expect(router.snapshot().waiting).toBe(1);
    await clock.advance(200);
    await run;
    expect(outcome).toMatchObject({ code: 'CAPACITY_EXCEEDED' });
    expect(String((outcome as Error).cause)).toContain('Redis is unreachable');
    await router.close();
    await capacity.close();
  });

  it('with a fallbackShare it serves on its own share while Redis is away', async () => {
    const clock = new ManualClock();
    const redis = new FakeRedis(() => clock.now());
    const capacity = new RedisCapacityCoordinator({
      client: redis.client(() => Promise.reject(new Error('connection refused'))),
      clock,
      fallbackShare: 0.5,
    });
    const limits = { concurrency: 4, maxTokens: Number.POSITIVE_INFINITY };
    const a = await capacity.acquire({ model: 'm', tokens: 0, limits });
    const b = capacity.acquire({ model: 'm', tokens: 0, limits });
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(capacity.acquire({ model: 'm', tokens: 0, limits })).toBeUndefined();
    expect(capacity.isFull('m')).toBe(true);
    await capacity.close();
  });
});
