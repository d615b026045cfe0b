import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRuleClassifier } from '../../src/classify/ruleClassifier.js';
import { adversarialRequest, shapes } from '../helpers/adversarial.js';
import { classify, expectValidProfile } from './ruleClassifier.harness.js';

describe('createRuleClassifier: properties', () => {
  const anything = fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withUnicodeString: true,
  });
  const content = fc.oneof(
    fc.string(),
    fc.array(fc.oneof(fc.record({ type: fc.constant('text'), text: fc.string() }), anything)),
    anything,
  );
  const shaped = fc.oneof(
    fc.string({ unit: 'grapheme' }),
    fc.record({ prompt: fc.oneof(fc.string(), fc.array(fc.string()), anything) }),
    fc.record({
      messages: fc.array(fc.oneof(fc.record({ role: fc.string(), content }), anything)),
    }),
    fc.record({
      input: fc.oneof(fc.string(), fc.array(fc.string()), fc.array(fc.nat()), anything),
    }),
  );

  it('returns a valid TaskProfile for any input and never throws', () => {
    fc.assert(
      fc.property(fc.oneof(anything, shaped), (req) => {
        expectValidProfile(classify(req));
      }),
      { numRuns: 500 },
    );
  });

  it('returns a valid TaskProfile for any input under any valid options', () => {
    const options = fc.record(
      {
        charsPerToken: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        reasoningMinTokens: fc.oneof(fc.integer({ min: 1 }), fc.constant(Number.POSITIVE_INFINITY)),
        maxScanChars: fc.integer({ min: 1, max: 100_000 }),
        priority: fc.double({ noNaN: true, noDefaultInfinity: true }),
        outputTokens: fc.record(
          { simple: fc.nat(), code: fc.nat(), embedding: fc.nat(), reasoning: fc.nat() },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(options, fc.oneof(anything, shaped), (o, req) => {
        expectValidProfile(createRuleClassifier(o)(req));
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same request gives the same profile', () => {
    fc.assert(
      fc.property(shaped, (req) => {
        expect(classify(req)).toEqual(classify(req));
      }),
    );
  });
});

describe('createRuleClassifier: adversarial input', () => {
  const rules = createRuleClassifier();

  it('returns a valid profile for adversarial strings at every request shape (property)', () => {
    fc.assert(
      fc.property(adversarialRequest, (makeRequest) => {
        expectValidProfile(rules(makeRequest()));
      }),
      { numRuns: 300 },
    );
  });

  it('answers at once on the inputs that made the old patterns backtrack', () => {
    // Before the cues were bounded, each of these took from 0.2 s to over 2 s.
    for (const text of [
      `${'function '.repeat(10)}${' '.repeat(2000)}${'function'.repeat(200)}`,
      '\n'.repeat(16_000),
      ' \n'.repeat(8000),
    ]) {
      for (const req of shapes(text)) expectValidProfile(rules(req));
    }
  });
});
