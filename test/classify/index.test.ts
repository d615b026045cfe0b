import { describe, expect, it } from 'vitest';
import * as classify from '../../src/classify/index.js';
import * as root from '../../src/index.js';

describe('classify/index', () => {
  it('re-exports the built-in classifiers, and the package root exports them', () => {
    expect(root.createRuleClassifier).toBe(classify.createRuleClassifier);
    expect(root.createLearnedClassifier).toBe(classify.createLearnedClassifier);
    expect(root.createEmbeddingClassifier).toBe(classify.createEmbeddingClassifier);
    expect(root.defaultClassifier).toBe(classify.defaultClassifier);
    expect(root.defaultCodeCues).toBe(classify.defaultCodeCues);
    expect(root.defaultReasoningCues).toBe(classify.defaultReasoningCues);
    expect(root.defaultOutputTokens).toBe(classify.defaultOutputTokens);
    expect(typeof classify.createLearnedClassifier).toBe('function');
  });
});
