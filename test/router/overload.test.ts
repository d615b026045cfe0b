// How the router reads a client's ModelCallError: overloads cool a model down and go to the next
// candidate without hurting its health; a refused request fails at once (issue #11).
import { describe, expect, it } from 'vitest';
import { ModelCallError } from '../../src/errors/ModelCallError.js';
import type { ZetaError } from '../../src/errors/ZetaError.js';
import type { ModelConfig } from '../../src/router/options.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { ManualClock } from '../helpers/manualClock.js';
import { rejection } from './fixtures.js';

/** A home model `busy` behaving as `call` and a `spare` that always answers; static routing. */
function fleet(call: ModelConfig<string, string>['call'], extra: { maxAttempts?: number } = {}) {
  const clock = new ManualClock();
  const calls: string[] = [];
  const router = new ZetaDynamicRouter<string, string>({
    models: [
      {
        id: 'busy',
        tasks: ['simple'],
        home: ['simple'],
        latencyPriorMs: 10,
        call: (req, ctx) => {
          calls.push(`busy:${req}`);
          return call(req, ctx);
        },
      },
      {
        id: 'spare',
        tasks: ['simple'],
        latencyPriorMs: 10,
        call: async (req) => {
          calls.push(`spare:${req}`);
          return `spare:${req}`;
        },
      },
    ],
    clock,
    strategy: 'static',
    ...extra,
  });
  return { clock, calls, router };
}

describe('overloaded models', () => {
  it('cool down for Retry-After, the request goes to the next candidate, health is not hurt', async () => {
    const { clock, calls, router } = fleet(
      async () => {
        throw new ModelCallError('overloaded', '429 Too Many Requests', {
          status: 429,
          retryAfterMs: 2000,
        });
      },
      { maxAttempts: 1 },
    );
    expect(await router.run('a', { task: 'simple' })).toBe('spare:a');
    const busy = router.snapshot().models.find((m) => m.id === 'busy')!;
    expect(busy.coolUntil).toBe(2000);
    expect(busy.errorRate).toBe(0);
    expect(busy.health).toBe('healthy');
    // While it cools down it is not a candidate, and says why.
    expect(router.explain({ type: 'simple', complexity: 0 }).excluded).toEqual([
      { id: 'busy', reason: 'cooling down after its server said it is overloaded, until 2000ms' },
    ]);
    expect(await router.run('b', { task: 'simple' })).toBe('spare:b');
    await clock.advance(2000);
    expect(router.snapshot().models.find((m) => m.id === 'busy')!.coolUntil).toBeNaN();
    await router.run('c', { task: 'simple' });
    expect(calls).toEqual(['busy:a', 'spare:a', 'spare:b', 'busy:c', 'spare:c']);
    await router.close();
  });

  it('without Retry-After, backs off 1 s, then twice as long for each overload in a row', async () => {
    const { clock, router } = fleet(async () => {
      throw new ModelCallError('overloaded', '503 queue full', { status: 503 });
    });
    const cools: number[] = [];
    for (let i = 0; i < 3; i++) {
      await router.run(`r${i}`, { task: 'simple' });
      const until = router.snapshot().models.find((m) => m.id === 'busy')!.coolUntil;
      cools.push(until - clock.now());
      await clock.advance(until - clock.now());
    }
    expect(cools).toEqual([1000, 2000, 4000]);
    await router.close();
  });

  it('sheds with CAPACITY_EXCEEDED and a retry-after when every capable model is overloaded', async () => {
    const clock = new ManualClock();
    const overloaded = (ms: number) => async () => {
      throw new ModelCallError('overloaded', 'full', { retryAfterMs: ms });
    };
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        { id: 'a', tasks: ['simple'], call: overloaded(3000) },
        { id: 'b', tasks: ['simple'], call: overloaded(500) },
      ],
      clock,
      maxAttempts: 1,
    });
    const error = await rejection(router.run('x', { task: 'simple' }));
    expect(error.code).toBe('CAPACITY_EXCEEDED');
    expect(error.limits).toEqual({ retryAfterMs: 500 });
    expect(error.attempts.map((a) => a.model).sort()).toEqual(['a', 'b']);
    await router.close();
  });
});

describe('refused requests', () => {
  it('fail at once with REQUEST_REJECTED, are not retried, and do not hurt the model', async () => {
    const { calls, router } = fleet(async () => {
      throw new ModelCallError('rejected-request', '413 prompt too long', { status: 413 });
    });
    const error = await rejection(router.run('huge', { task: 'simple' }));
    expect(error.code).toBe('REQUEST_REJECTED');
    expect(error.message).toMatch(
      /busy refused the request itself: ModelCallError: 413 prompt too long/,
    );
    expect((error.cause as ModelCallError).status).toBe(413);
    expect(calls).toEqual(['busy:huge']);
    const busy = router.snapshot().models.find((m) => m.id === 'busy')!;
    expect(busy).toMatchObject({ errorRate: 0, health: 'healthy', inFlight: 0 });
    await router.close();
  });
});

describe('unavailable models', () => {
  it('count as failures of the model and the request is retried elsewhere', async () => {
    const { router } = fleet(async () => {
      throw new ModelCallError('unavailable', 'ECONNREFUSED');
    });
    expect(await router.run('a', { task: 'simple' })).toBe('spare:a');
    expect(router.snapshot().models.find((m) => m.id === 'busy')!.errorRate).toBeGreaterThan(0);
    await router.close();
  });
});

describe('ModelCallError values from elsewhere', () => {
  it('a look-alike from another copy of the package is read by its brand; a bad kind or retry-after is ignored', async () => {
    const brand = Symbol.for('zeta-router.ModelCallError');
    const foreign = Object.assign(new Error('x'), {
      kind: 'overloaded',
      retryAfterMs: -5,
      [brand]: true,
    });
    const { router } = fleet(async () => {
      throw foreign;
    });
    expect(await router.run('a', { task: 'simple' })).toBe('spare:a');
    const busy = router.snapshot().models.find((m) => m.id === 'busy')!;
    expect(busy.coolUntil).toBe(1000); // the negative retry-after was ignored: the 1 s backoff
    const odd = { kind: 'sleepy', [brand]: true };
    const second = fleet(async () => {
      throw odd;
    });
    expect(await second.router.run('a', { task: 'simple' })).toBe('spare:a');
    expect(second.router.snapshot().models[0]!.errorRate).toBeGreaterThan(0);
    await Promise.all([router.close(), second.router.close()]);
    void (undefined as unknown as ZetaError);
  });
});
