// Regression tests for defects a hostile test found in the request path (issue #8): each case was
// reproduced on the old router. The property test in hostile.property.test.ts hunts the classes.
import { describe, expect, it } from 'vitest';
import { rejection } from './fixtures.js';
import { hostileValues, single } from './hostile.harness.js';

describe('any thrown value settles run() with a ZetaError', () => {
  for (const [name, value] of hostileValues()) {
    it(`a model call that throws ${name}`, async () => {
      const router = single(() => {
        throw value;
      });
      const error = await rejection(router.run('x', { task: 'simple' }));
      expect(error.code).toBe('MODEL_FAILED');
      expect(typeof error.message).toBe('string');
      await router.close();
    });

    it(`a model call that rejects with ${name}`, async () => {
      const router = single(() => Promise.reject(value));
      expect((await rejection(router.run('x', { task: 'simple' }))).code).toBe('MODEL_FAILED');
      await router.close();
    });

    it(`a classifier that throws ${name}`, async () => {
      const router = single(async (r) => r, {
        classifier: () => {
          throw value;
        },
      });
      expect((await rejection(router.run('x'))).code).toBe('CLASSIFIER_FAILED');
      expect(() => router.explain('x')).toThrow(/classifier threw/);
      await router.close();
    });

    it(`a classifier that returns ${name}`, async () => {
      const router = single(async (r) => r, { classifier: () => value as never });
      expect((await rejection(router.run('x'))).code).toBe('CLASSIFIER_FAILED');
      await router.close();
    });

    it(`a strategy that throws ${name}`, async () => {
      const router = single(async (r) => r, {
        strategy: {
          name: 'bad',
          rank: () => {
            throw value;
          },
        },
      });
      expect((await rejection(router.run('x', { task: 'simple' }))).code).toBe('STRATEGY_FAILED');
      await router.close();
    });
  }
});
