import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Classifier } from '../../src/classify/Classifier.js';
import * as contract from '../../src/classify/Classifier.js';
import * as rule from '../../src/classify/ruleClassifier.js';
import type { TaskProfile } from '../../src/types.js';

describe('Classifier', () => {
  it('re-exports the built-in classifier', () => {
    expect(contract.createRuleClassifier).toBe(rule.createRuleClassifier);
    expect(contract.defaultClassifier).toBe(rule.defaultClassifier);
    expect(contract.defaultCodeCues).toBe(rule.defaultCodeCues);
    expect(contract.defaultReasoningCues).toBe(rule.defaultReasoningCues);
    expect(contract.defaultOutputTokens).toBe(rule.defaultOutputTokens);
  });

  it('accepts synchronous and asynchronous classifiers', () => {
    const sync: Classifier<string> = (req) => ({ type: 'simple', complexity: req.length / 100 });
    const async: Classifier = async () => ({ type: 'code', complexity: 0.5, tokens: 10 });
    expectTypeOf(sync).returns.toEqualTypeOf<TaskProfile | Promise<TaskProfile>>();
    expectTypeOf(async).parameter(0).toBeUnknown();
    expect(sync('abc')).toEqual({ type: 'simple', complexity: 0.03 });
  });
});
