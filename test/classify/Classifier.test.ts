import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Classifier } from '../../src/classify/Classifier.js';
import * as contract from '../../src/classify/Classifier.js';
import type { TaskProfile } from '../../src/types.js';

describe('Classifier', () => {
  it('exports no values: the contract does not import its built-ins', () => {
    expect(Object.keys(contract)).toEqual([]);
  });

  it('accepts synchronous and asynchronous classifiers', () => {
    const sync: Classifier<string> = (req) => ({ type: 'simple', complexity: req.length / 100 });
    const async: Classifier = async () => ({ type: 'code', complexity: 0.5, tokens: 10 });
    expectTypeOf(sync).returns.toEqualTypeOf<TaskProfile | Promise<TaskProfile>>();
    expectTypeOf(async).parameter(0).toBeUnknown();
    expect(sync('abc')).toEqual({ type: 'simple', complexity: 0.03 });
  });
});
