import { describe, expect, it } from 'vitest';
import type { ZetaRouterOptions } from '../../src/router/options.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { configError } from '../helpers/configError.js';
import { fleet, rejection } from './fixtures.js';

const models = [{ id: 'm', tasks: ['code'], call: async () => 'ok' }];
const build = (experiments: unknown) => () =>
  new ZetaDynamicRouter({ models, experiments } as unknown as ZetaRouterOptions);
const task = { type: 'code', complexity: 0 };

describe('experiments options', () => {
  it.each([
    ['not an array', { name: 'a' }, '`experiments` must be an array of { name, strategy, share }'],
    ['an arm that is not an object', [42], 'experiments[0] must be { name, strategy, share }'],
    [
      'an unknown key',
      [{ name: 'a', strategy: 'static', share: 0.1, Share: 1 }],
      'unknown option `experiments[0].Share` (did you mean `experiments[0].share`?)',
    ],
    [
      'an empty name',
      [{ name: '', strategy: 'static', share: 0.1 }],
      'experiments[0].name must be a non-empty string, got ""',
    ],
    [
      'a name that is not a string',
      [{ name: 7, strategy: 'static', share: 0.1 }],
      'experiments[0].name must be a non-empty string, got 7',
    ],
    [
      "the name 'control'",
      [{ name: 'control', strategy: 'static', share: 0.1 }],
      "experiments[0].name must not be 'control'",
    ],
    [
      'a repeated name',
      [
        { name: 'a', strategy: 'static', share: 0.1 },
        { name: 'a', strategy: 'adaptive', share: 0.1 },
      ],
      "experiments[1].name 'a' is used twice",
    ],
    [
      'an unknown strategy name',
      [{ name: 'a', strategy: 'fastest', share: 0.1 }],
      "experiments[0] ('a').strategy must be 'static', 'least-loaded', 'adaptive' or an object with a rank(input) method, got \"fastest\"",
    ],
    [
      'a strategy without rank()',
      [{ name: 'a', strategy: { name: 'x' }, share: 0.1 }],
      "experiments[0] ('a').strategy must be",
    ],
    [
      'a share of 0',
      [{ name: 'a', strategy: 'static', share: 0 }],
      "experiments[0] ('a').share must be a number > 0 and <= 1",
    ],
    [
      'a share above 1',
      [{ name: 'a', strategy: 'static', share: 1.5 }],
      'share must be a number > 0 and <= 1 (the fraction of requests it gets), got 1.5',
    ],
    ['a NaN share', [{ name: 'a', strategy: 'static', share: Number.NaN }], 'got NaN'],
    ['a missing share', [{ name: 'a', strategy: 'static' }], 'got undefined'],
    [
      'shares summing above 1',
      [
        { name: 'a', strategy: 'static', share: 0.6 },
        { name: 'b', strategy: 'least-loaded', share: 0.5 },
      ],
      'the shares of `experiments` sum to 1.1; they must sum to at most 1',
    ],
    [
      'too many arms',
      Array.from({ length: 101 }, (_, i) => ({ name: `a${i}`, strategy: 'static', share: 0.001 })),
      '`experiments` has 101 arms; at most 100 are allowed',
    ],
  ])('rejects %s', (_, experiments, message) => {
    const error = configError(build(experiments));
    expect(error.message).toContain('Invalid router options');
    expect(error.problems.some((p) => p.includes(message))).toBe(true);
  });

  it('lists every problem at once', () => {
    const error = configError(
      build([
        { name: '', strategy: 'static', share: 0.1 },
        { name: 'b', strategy: 'nope', share: 2 },
      ]),
    );
    expect(error.problems).toHaveLength(3);
  });

  it('reads an arm once: a getter cannot change what was validated', () => {
    let reads = 0;
    const arm = {
      name: 'a',
      strategy: 'static',
      get share() {
        reads++;
        return reads === 1 ? 0.5 : 7;
      },
    };
    const router = build([arm])() as ZetaDynamicRouter;
    expect(router.snapshot().experiments.map((a) => a.share)).toEqual([0.5, 0.5]);
    expect(reads).toBe(1);
  });

  it('accepts shares that sum to 1 in spite of float rounding, leaving control none', () => {
    const router = build([
      { name: 'a', strategy: 'static', share: 0.1 },
      { name: 'b', strategy: 'least-loaded', share: 0.2 },
      { name: 'c', strategy: 'adaptive', share: 0.7 },
    ])() as ZetaDynamicRouter;
    const shares = router.snapshot().experiments.map((a) => [a.name, a.share]);
    expect(shares[3]).toEqual(['control', 0]);
  });

  it('an empty list is no experiments', () => {
    const router = build([])() as ZetaDynamicRouter;
    expect(router.snapshot().experiments).toEqual([]);
  });
});

describe('experiment run, explain and reportQuality options', () => {
  const withArms = () =>
    fleet({ experiments: [{ name: 'trial', strategy: 'least-loaded', share: 0.5 }] });

  it.each([
    [
      { experimentKey: 42 },
      'options.experimentKey must be a string (e.g. a user or session id), got 42',
    ],
    [
      { experiment: '' },
      "options.experiment must be the name of an arm ('control' or an experiment's name), got \"\"",
    ],
    [
      { experiment: 'nope' },
      "options.experiment \"nope\" is not an arm of this router (arms: 'trial', 'control')",
    ],
  ])('run() rejects %o with CONFIG_INVALID', async (options, message) => {
    const { router } = withArms();
    const error = await rejection(router.run('x', { task: 'code', ...options } as never));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(message);
    expect(router.snapshot().experiments.every((a) => a.requests === 0)).toBe(true);
  });

  it('run() without experiments rejects an arm other than control', async () => {
    const { router } = fleet();
    const error = await rejection(router.run('x', { task: 'code', experiment: 'trial' }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain("the router has no `experiments` (only 'control')");
  });

  it.each([
    [{ experiment: 'nope' }, 'options.experiment "nope" is not an arm of this router'],
    [{ experimentKey: 1 }, 'options.experimentKey must be a string'],
    [
      { experimentkey: 'u' },
      'unknown option `options.experimentkey` (did you mean `options.experimentKey`?)',
    ],
    ['trial', 'explain options must be { experiment?, experimentKey? }, got "trial"'],
  ])('explain() rejects %o with CONFIG_INVALID', (options, message) => {
    const { router } = withArms();
    const error = configError(() => router.explain(task, options as never));
    expect(error.message).toContain(message);
  });

  it.each([0, 1.5, -3, Number.NaN, '7'])('reportQuality() rejects requestId %o', (id) => {
    const { router } = withArms();
    const error = configError(() => router.reportQuality('coder-7b', 0.5, id as never));
    expect(error.message).toContain('request id');
  });
});
