/**
 * The classify folder's public surface: the {@link Classifier} contract and the built-in
 * classifiers. The contract file imports none of its built-ins; this file re-exports both, so
 * there is no import circle.
 */
export type { Classifier } from './Classifier.js';
export type { OutputTokens, RuleClassifier, RuleClassifierOptions } from './ruleClassifier.js';
export { createRuleClassifier, defaultOutputTokens } from './ruleClassifier.js';
export type {
  ClassificationReport,
  LabelledExample,
  LabelScore,
  LearnedClassifier,
  LearnedClassifierOptions,
} from './learnedClassifier.js';
export { createLearnedClassifier, defaultClassifier } from './learnedClassifier.js';
export type { Cue, WeightedCue } from './ruleCues.js';
export { defaultCodeCues, defaultReasoningCues } from './ruleCues.js';
export type {
  EmbedFunction,
  EmbeddingClassifier,
  EmbeddingClassifierOptions,
} from './embeddingClassifier.js';
export { createEmbeddingClassifier } from './embeddingClassifier.js';
