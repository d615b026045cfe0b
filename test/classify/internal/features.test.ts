import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  extractFeatures,
  MAX_FEATURES,
  WINDOW_HEAD,
  WINDOW_TAIL,
  wordHash,
} from '../../../src/classify/internal/features.js';
import { readFeatures } from '../../../src/classify/internal/readFeatures.js';
import { scanWindow } from '../../../src/classify/internal/requestText.js';
import { adversarialString, shapes } from '../../helpers/adversarial.js';

const none = { fence: false, stackTrace: false };
const features = (text: string): number[] => {
  const out = new Int32Array(MAX_FEATURES);
  return [...out.slice(0, extractFeatures(text, text.length, none, 0xffff, out))];
};

describe('extractFeatures', () => {
  it('folds ASCII case and hashes words as wordHash does', () => {
    expect(features('Write Python')).toEqual(features('write python'));
    expect(wordHash('Python')).toBe(wordHash('python'));
    expect(features('write python')).not.toEqual(features('write pythons'));
  });

  it('maps numbers to tokens by digit count', () => {
    expect(features('add 12 and 34')).toEqual(features('add 56 and 78'));
    expect(features('add 12 and 34')).not.toEqual(features('add 123 and 34'));
  });

  it('writes at most 5 features per character plus the fixed ones, in the bucket range', () => {
    fc.assert(
      fc.property(adversarialString, (text) => {
        const window = text.slice(0, WINDOW_HEAD + WINDOW_TAIL);
        const f = features(window);
        expect(f.length).toBeLessThanOrEqual(5 * window.length + 16);
        for (const x of f) expect(x >= 0 && x <= 0xffff).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('readFeatures', () => {
  it(`reads at most ${WINDOW_HEAD} + ${WINDOW_TAIL} characters of any request (property)`, () => {
    // Counting work, not time: the window and the features are bounded whatever the input.
    fc.assert(
      fc.property(adversarialString, fc.integer({ min: 1, max: 8 }), (text, copies) => {
        const long = text.repeat(copies);
        for (const req of shapes(long)) {
          const read = readFeatures(req, 0x7fff, new Int32Array(MAX_FEATURES));
          expect(read.count).toBeLessThanOrEqual(MAX_FEATURES);
        }
        const window = scanWindow([long, long], WINDOW_HEAD + WINDOW_TAIL, WINDOW_HEAD);
        expect(window.length).toBeLessThanOrEqual(WINDOW_HEAD + WINDOW_TAIL + 2);
      }),
      { numRuns: 50 },
    );
  });

  it('finds fences and stack traces, and reads no features from embeddings', () => {
    const out = new Int32Array(MAX_FEATURES);
    expect(readFeatures('see ```x```', 0x7fff, out)).toMatchObject({ fence: true });
    expect(
      readFeatures('Traceback (most recent call last):\n  File "a.py", line 1', 0x7fff, out),
    ).toMatchObject({ stackTrace: true });
    expect(readFeatures('look at the sky', 0x7fff, out)).toMatchObject({ stackTrace: false });
    expect(readFeatures({ input: 'x' }, 0x7fff, out)).toMatchObject({ count: 0 });
  });
});
