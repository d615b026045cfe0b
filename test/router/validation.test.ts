import { describe, expect, it } from 'vitest';
import { isZetaError, type ZetaError } from '../../src/errors/ZetaError.js';
import type { ModelConfig, ZetaRouterOptions } from '../../src/router/options.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { flush } from '../helpers/manualClock.js';
import { fleet, rejection } from './fixtures.js';

const ok = (
  id: string,
  extra: Partial<ModelConfig<string, string>> = {},
): ModelConfig<string, string> => ({
  id,
  call: async (req) => `${id}:${req}`,
  tasks: ['simple'],
  ...extra,
});

function configError(options: unknown): ZetaError {
  try {
    new ZetaDynamicRouter(options as ZetaRouterOptions<string, string>);
  } catch (error) {
    if (isZetaError(error)) return error;
    throw error;
  }
  throw new Error('expected the constructor to throw');
}

describe('bad configuration fails at construction with CONFIG_INVALID and says what to fix', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['no options', undefined, /options must be an object/],
    ['empty model list', { models: [] }, /`models` must be a non-empty array/],
    ['duplicate ids', { models: [ok('a'), ok('a')] }, /'a' is used twice/],
    [
      'concurrency 0',
      { models: [ok('a', { concurrency: 0 })] },
      /concurrency must be an integer >= 1, got 0/,
    ],
    [
      'negative concurrency',
      { models: [ok('a', { concurrency: -2 })] },
      /concurrency must be an integer >= 1, got -2/,
    ],
    [
      'non-integer concurrency',
      { models: [ok('a', { concurrency: 1.5 })] },
      /concurrency must be an integer >= 1, got 1.5/,
    ],
    [
      'NaN concurrency',
      { models: [ok('a', { concurrency: Number.NaN })] },
      /concurrency must be an integer >= 1, got NaN/,
    ],
    [
      'NaN maxComplexity',
      { models: [ok('a', { maxComplexity: Number.NaN })] },
      /maxComplexity must be a number from 0 to 1, got NaN/,
    ],
    [
      'maxComplexity above 1',
      { models: [ok('a', { maxComplexity: 1.2 })] },
      /maxComplexity must be a number from 0 to 1, got 1.2/,
    ],
    [
      'NaN maxTokens',
      { models: [ok('a', { maxTokens: Number.NaN })] },
      /maxTokens must be a number > 0/,
    ],
    [
      'negative maxQueue',
      { models: [ok('a', { maxQueue: -1 })] },
      /maxQueue must be an integer >= 0, got -1/,
    ],
    [
      'NaN cost',
      { models: [ok('a', { cost: Number.NaN })] },
      /cost must be a finite number >= 0, got NaN/,
    ],
    [
      'NaN prior',
      { models: [ok('a', { latencyPriorMs: { simple: Number.NaN } })] },
      /latencyPriorMs must be/,
    ],
    ['empty tasks', { models: [ok('a', { tasks: [] })] }, /tasks must be a non-empty array/],
    [
      'home not in tasks',
      { models: [ok('a', { home: ['code'] })] },
      /home lists 'code', which is not in its tasks/,
    ],
    [
      'call not a function',
      { models: [{ id: 'a', tasks: ['simple'], call: 'http://x' }] },
      /call must be a function/,
    ],
    [
      'unknown model key',
      { models: [ok('a', { concurency: 2 } as never)] },
      /unknown option `concurency`/,
    ],
    ['unknown router key', { models: [ok('a')], strategi: 'static' }, /unknown option `strategi`/],
    [
      'unknown strategy name',
      { models: [ok('a')], strategy: 'fastest' },
      /`strategy` must be 'static', 'least-loaded', 'adaptive'/,
    ],
    [
      'NaN maxWaiting',
      { models: [ok('a')], maxWaiting: Number.NaN },
      /`maxWaiting` must be an integer >= 0, got NaN/,
    ],
    [
      'maxAttempts 0',
      { models: [ok('a')], maxAttempts: 0 },
      /`maxAttempts` must be an integer >= 1, got 0/,
    ],
    [
      'NaN timeoutMs',
      { models: [ok('a')], timeoutMs: Number.NaN },
      /`timeoutMs` must be a number from 1 to 2147483647/,
    ],
    [
      'bad clock',
      { models: [ok('a')], clock: { now: () => 0 } },
      /`clock` must have now\(\), setTimeout/,
    ],
    [
      'bad health option',
      { models: [ok('a')], health: { alpha: 2 } },
      /`health.alpha` must be in \(0, 1\]/,
    ],
    [
      'unknown health option',
      { models: [ok('a')], health: { cooldown: 10 } },
      /unknown option `health.cooldown`.*known: openAfterFailures/,
    ],
    [
      'tracker missing methods',
      { models: [ok('a')], tracker: { recordArrival() {} } },
      /`tracker` must implement LoadTracker; missing: recordStart/,
    ],
  ];
  for (const [name, options, message] of cases) {
    it(name, () => {
      const error = configError(options);
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toMatch(message);
      expect(error.problems.length).toBeGreaterThan(0);
    });
  }

  it('lists every problem at once', () => {
    const error = configError({ models: [ok('a', { concurrency: 0, maxQueue: -1 }), ok('a')] });
    expect(error.problems).toHaveLength(3);
  });
});

describe('bad input per request is a typed error, and the router keeps serving', () => {
  it('rejects complexity out of range, NaN complexity, NaN tokens, NaN priority and NaN timeout with CONFIG_INVALID', async () => {
    const { router, coder } = fleet();
    const bad = [
      { task: { type: 'code', complexity: 1.5 } },
      { task: { type: 'code', complexity: Number.NaN } },
      { task: { type: 'code', complexity: 0.2, tokens: Number.NaN } },
      { task: { type: 'code', complexity: 0.2, priority: Number.NaN } },
      { task: 'code', priority: Number.NaN },
      { task: 'code', timeoutMs: Number.NaN },
      { task: 'code', timeoutMs: -5 },
      { task: 'code', timeoutMs: Number.POSITIVE_INFINITY },
      { task: 'code', timeoutMs: 2 ** 31 },
      { task: 'code', timeout: 50 } as never,
      { task: '' },
    ];
    for (const options of bad) {
      const error = await rejection(router.run('x', options));
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toMatch(/must be|unknown run option `timeout`/);
    }
    const served = router.run('still works', { task: 'code' });
    await flush();
    coder.finishNext();
    expect(await served).toBe('coder-7b:still works');
  });

  it('rejects an unknown task type with NO_CAPABLE_MODEL', async () => {
    const { router } = fleet();
    const error = await rejection(router.run('x', { task: 'translation' }));
    expect(error.code).toBe('NO_CAPABLE_MODEL');
    expect(error.message).toMatch(/Add a model listing 'translation'/);
  });

  it('rejects a request larger than every token budget with NO_CAPABLE_MODEL', async () => {
    const { router } = fleet({}, { coder: { maxTokens: 100 }, reasoner: { maxTokens: 100 } });
    const error = await rejection(
      router.run('x', { task: { type: 'code', complexity: 0.1, tokens: 500 } }),
    );
    expect(error.code).toBe('NO_CAPABLE_MODEL');
    expect(error.message).toMatch(/needs 500 tokens, more than its whole budget of 100/);
  });

  it('rejects with CLASSIFIER_FAILED when the classifier throws, rejects or returns garbage', async () => {
    const garbage: Array<() => unknown> = [
      () => {
        throw new Error('classifier bug');
      },
      () => Promise.reject(new Error('async classifier bug')),
      () => null,
      () => ({ type: 'code' }),
      () => ({ type: 'code', complexity: Number.NaN }),
      () => ({ type: 42, complexity: 0.5 }),
      () => Promise.resolve({ type: 'code', complexity: 7 }),
    ];
    for (const classifier of garbage) {
      const { router, coder } = fleet({ classifier: classifier as never });
      const error = await rejection(router.run('x'));
      expect(error.code).toBe('CLASSIFIER_FAILED');
      const served = router.run('y', { task: 'code' });
      await flush();
      coder.finishNext();
      expect(await served).toBe('coder-7b:y');
    }
  });

  it('accepts an async classifier', async () => {
    const { router, embedder } = fleet({
      classifier: async () => ({ type: 'embedding', complexity: 0.1 }),
    });
    const served = router.runWithInfo('v');
    await flush();
    embedder.finishNext();
    expect((await served).model).toBe('embedder-4b');
  });

  it('rejects with ABORTED when the signal is already aborted', async () => {
    const { router } = fleet();
    const error = await rejection(router.run('x', { task: 'code', signal: AbortSignal.abort() }));
    expect(error.code).toBe('ABORTED');
  });

  it('adds and removes models at run time with validation', async () => {
    const { router } = fleet();
    expect(() => router.addModel(ok('coder-7b'))).toThrow(/already in use/);
    expect(() => router.addModel(ok('x', { concurrency: 0 }))).toThrow(
      /concurrency must be an integer >= 1/,
    );
    router.addModel(ok('translator', { tasks: ['translation'] }));
    expect(await router.run('hola', { task: 'translation' })).toBe('translator:hola');
    await router.removeModel('translator');
    expect((await rejection(router.run('hola', { task: 'translation' }))).code).toBe(
      'NO_CAPABLE_MODEL',
    );
    await expect(router.removeModel('nope')).rejects.toThrow(/no model 'nope' to remove/);
  });

  it('re-routes requests waiting only for a removed model', async () => {
    const { router, coder, reasoner } = fleet(
      { strategy: 'static' },
      { coder: { concurrency: 1 } },
    );
    const first = router.run('a', { task: 'code' });
    const waiting = router.runWithInfo('b', { task: { type: 'code', complexity: 0.1 } });
    await flush();
    expect(router.waiting).toBe(1);
    const removal = router.removeModel('coder-7b');
    await flush();
    // Static falls back to any capable model once no home model remains: 'b' goes to the reasoner.
    expect(router.waiting).toBe(0);
    expect(reasoner.calls.map((c) => c.req)).toEqual(['b']);
    coder.finishNext();
    reasoner.finishNext();
    await first;
    await removal;
    expect((await waiting).model).toBe('reasoner-14b');
    expect(router.snapshot().models.map((m) => m.id)).not.toContain('coder-7b');
  });
});
