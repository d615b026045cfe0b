import { expect } from 'vitest';
import { createRuleClassifier, type RuleClassifier } from '../../src/classify/ruleClassifier.js';
import type { TaskProfile } from '../../src/types.js';

export const defaultRules = createRuleClassifier();
export const classify = defaultRules;
export const typeOf = (req: unknown, c: RuleClassifier = classify): string => c(req).type;

export function expectValidProfile(profile: TaskProfile): void {
  expect(typeof profile.type).toBe('string');
  expect(Number.isFinite(profile.complexity)).toBe(true);
  expect(profile.complexity).toBeGreaterThanOrEqual(0);
  expect(profile.complexity).toBeLessThanOrEqual(1);
  expect(Number.isSafeInteger(profile.tokens)).toBe(true);
  expect(profile.tokens).toBeGreaterThanOrEqual(1);
  expect(Number.isFinite(profile.priority)).toBe(true);
}
