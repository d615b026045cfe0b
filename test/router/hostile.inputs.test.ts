// Regression tests for defects a hostile test found in the request path (issue #8): each case was
// reproduced on the old router. The property test in hostile.property.test.ts hunts the classes.
import { describe, expect, it } from 'vitest';
import { InMemoryLoadTracker } from '../../src/load/index.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import type { Clock } from '../../src/types.js';
import { configError } from '../helpers/configError.js';
import { ManualClock } from '../helpers/manualClock.js';
import { rejection } from './fixtures.js';
import { single } from './hostile.harness.js';

describe('hostile options', () => {
  const ok = { id: 'm', call: async (r: string) => r, tasks: ['simple'] };

  it('rejects a sparse models array, naming the hole', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    const error = configError(() => new ZetaDynamicRouter({ models: [ok, , ok] as never }));
    expect(error.message).toMatch(/models\[1\] is an empty slot/);
  });

  it('rejects options whose getters throw, without a raw TypeError', () => {
    const options = {
      get models(): never {
        throw new Error('nope');
      },
    };
    expect(configError(() => new ZetaDynamicRouter(options as never)).message).toMatch(
      /reading models threw/,
    );
  });

  it('rejects a revoked Proxy as options and as a model config', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(configError(() => new ZetaDynamicRouter(proxy as never)).message).toMatch(
      /cannot be read/,
    );
    expect(configError(() => new ZetaDynamicRouter({ models: [proxy] } as never)).message).toMatch(
      /models\[0\] cannot be read/,
    );
  });

  it('reads each option once: a getter that changes between reads cannot slip past validation', () => {
    let reads = 0;
    const model = {
      id: 'm',
      call: async (r: string) => r,
      tasks: ['simple'],
      get concurrency() {
        reads++;
        return reads === 1 ? 1 : -5;
      },
    };
    const router = new ZetaDynamicRouter({ models: [model] });
    expect(reads).toBe(1);
    expect(router.snapshot().models[0]!.concurrency).toBe(1);
  });

  it('rejects a clock whose now() is not a finite number', () => {
    const clock = { now: () => Number.NaN, setTimeout, clearTimeout } as unknown as Clock;
    expect(configError(() => new ZetaDynamicRouter({ models: [ok], clock })).message).toMatch(
      /clock.now\(\)` must return a finite number/,
    );
  });

  it('rejects a fake AbortSignal as a run option', async () => {
    const router = single(async (r) => r);
    const fake = { aborted: false, addEventListener() {}, removeEventListener() {} };
    const error = await rejection(router.run('x', { task: 'simple', signal: fake as never }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/signal must be an AbortSignal/);
    await router.close();
  });

  it('rejects run options whose getters throw', async () => {
    const router = single(async (r) => r);
    const options = {
      get task(): never {
        throw new Error('boom');
      },
    };
    const error = await rejection(router.run('x', options as never));
    expect(error.code).toBe('CONFIG_INVALID');
    await router.close();
  });
});

describe('exact counters and odd keys', () => {
  it('tokensInFlight returns to exactly 0 after fractional token estimates', async () => {
    const router = single(async (r) => r);
    await Promise.all(
      [0.1, 0.2, 0.7, 1e-9, 1 / 3].map((tokens) =>
        router.run('x', { task: { type: 'simple', complexity: 0, tokens } }),
      ),
    );
    expect(router.snapshot().models[0]!.tokensInFlight).toBe(0);
    await router.close();
  });

  it('__proto__ and constructor as task types and ids never corrupt snapshot()', async () => {
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        { id: '__proto__', call: async (r) => r, tasks: ['__proto__', 'constructor'] },
        { id: 'constructor', call: async (r) => r, tasks: ['toString'] },
      ],
      clock: new ManualClock(),
    });
    await router.run('x', { task: '__proto__' });
    await router.run('y', { task: 'constructor' });
    const snap = router.snapshot();
    expect(snap.models.map((m) => m.id)).toEqual(['__proto__', 'constructor']);
    const tasks = snap.models[0]!.tasks;
    expect(Object.keys(tasks).sort()).toEqual(['__proto__', 'constructor'].sort());
    expect(Object.getPrototypeOf(tasks)).toBe(null);
    expect(Object.getOwnPropertyDescriptor(tasks, '__proto__')?.value.count).toBe(1);
    await router.close();
  });
});

describe('bounded messages', () => {
  it('a NO_CAPABLE_MODEL message names a few models and counts the rest', async () => {
    const models = Array.from({ length: 10_000 }, (_, i) => ({
      id: `m${i}`,
      call: async (r: string) => r,
      tasks: ['simple'],
    }));
    const router = new ZetaDynamicRouter<string, string>({ models, clock: new ManualClock() });
    const error = await rejection(router.run('x', { task: 'code' }));
    expect(error.code).toBe('NO_CAPABLE_MODEL');
    expect(error.message.length).toBeLessThan(1000);
    expect(error.message).toMatch(/and 9995 more/);
    await router.close();
  });
});

describe('bounded configuration messages', () => {
  it('a CONFIG_INVALID for thousands of bad models lists 20 problems in the message and all in problems', () => {
    const models = Array.from({ length: 5000 }, (_, i) => ({
      id: `m${i}`,
      call: async () => 'x',
      tasks: [],
    }));
    const error = configError(() => new ZetaDynamicRouter({ models } as never));
    expect(error.problems).toHaveLength(5000);
    expect(error.message.split('\n')).toHaveLength(22);
    expect(error.message).toMatch(/and 4980 more \(see `problems`\)$/);
  });
});

describe('hostile parts plugged in', () => {
  it('a tracker whose every method throws: requests still settle, capacity returns, errors are reported', async () => {
    const reported: unknown[] = [];
    const onUncaught = (error: unknown) => reported.push(error);
    process.on('uncaughtException', onUncaught);
    const boom = (): never => {
      throw new Error('tracker bug');
    };
    const tracker = {
      recordArrival: boom,
      recordStart: boom,
      recordFinish: boom,
      recordAbandon: boom,
      latency: boom,
      modelStats: boom,
      arrivals: boom,
      snapshot: boom,
      removeModel: boom,
    };
    try {
      const router = new ZetaDynamicRouter<string, string>({
        models: [{ id: 'm', call: async (r) => `ok:${r}`, tasks: ['simple'], concurrency: 1 }],
        tracker,
        clock: new ManualClock(),
      });
      const results = await Promise.all(
        ['a', 'b', 'c'].map((r) => router.run(r, { task: 'simple' })),
      );
      expect(results).toEqual(['ok:a', 'ok:b', 'ok:c']);
      expect(router.snapshot().models[0]).toMatchObject({ inFlight: 0, tokensInFlight: 0 });
      await router.close();
      await new Promise((r) => setImmediate(r));
      expect(reported.length).toBeGreaterThan(0);
      expect(String(reported[0])).toMatch(/tracker bug/);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('a clock whose setTimeout throws: a request with a timeout still settles', async () => {
    const reported: unknown[] = [];
    const onUncaught = (error: unknown) => reported.push(error);
    process.on('uncaughtException', onUncaught);
    const inner = new ManualClock();
    const clock: Clock = {
      now: () => inner.now(),
      setTimeout: () => {
        throw new Error('no timers here');
      },
      clearTimeout: () => undefined,
    };
    try {
      const router = single(async (r) => `ok:${r}`, { clock });
      expect(await router.run('x', { task: 'simple', timeoutMs: 50 })).toBe('ok:x');
      await router.close();
      await new Promise((r) => setImmediate(r));
      expect(String(reported[0])).toMatch(/no timers here/);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
  it('prices with finite scores after an absurd latency and for an absurd token estimate', () => {
    const clock = new ManualClock();
    const tracker = new InMemoryLoadTracker();
    const model = (id: string) => ({ id, call: async () => id, tasks: ['chat'] });
    const router = new ZetaDynamicRouter({ models: [model('a'), model('b')], tracker, clock });
    const usage = { estimatedTokens: 10, usage: { promptTokens: 5, completionTokens: 10 } };
    for (let i = 0; i < 3; i++) {
      tracker.recordFinish('a', 'chat', 100, true, 0, { complexity: 0.5, ...usage });
      tracker.recordFinish('b', 'chat', Number.MAX_VALUE, true, 0); // a clock jump, a wrong unit
    }
    for (const tokens of [undefined, 1e3, 1e307, Number.MAX_VALUE]) {
      const { ranking } = router.explain({ type: 'chat', complexity: 0.5, tokens });
      if (tokens === undefined || tokens < 1e9) expect(ranking[0]!.id).toBe('a');
      for (const r of ranking)
        for (const v of [r.score, ...Object.values(r.components)])
          expect(Number.isFinite(v), `${tokens}: ${JSON.stringify(r)}`).toBe(true);
    }
  });
});
