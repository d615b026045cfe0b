import { describe, expect, it } from 'vitest';
import { MAX_FEATURES } from '../../../src/classify/internal/features.js';
import { readFeatures } from '../../../src/classify/internal/readFeatures.js';
import {
  balancedWeights,
  type TrainingExample,
  trainModel,
} from '../../../src/classify/internal/trainer.js';
import {
  deserializeModel,
  quantizeModel,
  serializeModel,
} from '../../../src/classify/internal/weightsCodec.js';

const texts: [string, number, number][] = [
  ['sort a list in python', 0, 0.1],
  ['write a class with three methods and tests for each', 0, 0.9],
  ['how many apples are left', 1, 0.1],
  ['prove the theorem for every prime', 1, 0.9],
  ['what is the weather today', 2, Number.NaN],
  ['book a table for two', 2, Number.NaN],
];
const buffer = new Int32Array(MAX_FEATURES);
const examples: TrainingExample[] = texts.map(([text, label, difficulty]) => ({
  features: buffer.slice(0, readFeatures(text, 1023, buffer).count),
  label,
  difficulty,
  weight: 1,
}));
const options = {
  bits: 10,
  labels: ['code', 'reasoning', 'simple'],
  epochs: 5,
  learningRate: 0.5,
  l2: 1e-5,
  seed: 3,
};

describe('trainModel', () => {
  it('gives identical weights for the same examples and seed', () => {
    const a = trainModel(examples, options);
    const b = trainModel(examples, options);
    expect(a.weights).toEqual(b.weights);
    expect(a.bias).toEqual(b.bias);
    expect(a.difficulty).toBe(true);
    expect(trainModel(examples, { ...options, seed: 4 }).weights).not.toEqual(a.weights);
  });

  it('copies matching columns from init and leaves an untrained difficulty column alone', () => {
    const base = trainModel(examples, options);
    const noTargets = examples.map((e) => ({ ...e, difficulty: Number.NaN }));
    const next = trainModel(noTargets, {
      ...options,
      labels: ['simple', 'new'],
      epochs: 1,
      init: base,
    });
    expect(next.difficulty).toBe(true);
    for (let row = 0; row < 1 << 10; row++) {
      expect(next.weights[row * 3 + 2]).toBe(base.weights[row * 4 + 3]);
    }
  });

  it('balances classes', () => {
    expect(balancedWeights([0, 0, 0, 1], 2)).toEqual([4 / 6, 2]);
    expect(balancedWeights([0, 0], 3)).toEqual([1, 0, 0]);
  });
});

describe('weights codec', () => {
  it('round-trips through int8 and base64 within one quantisation step', () => {
    const model = trainModel(examples, options);
    const stored = serializeModel(model);
    const back = deserializeModel(stored);
    expect(back.labels).toEqual(model.labels);
    for (let i = 0; i < model.weights.length; i++) {
      const step = stored.scales[i % 4]!;
      expect(Math.abs(back.weights[i]! - model.weights[i]!)).toBeLessThanOrEqual(step / 2 + 1e-9);
    }
    expect(serializeModel(quantizeModel(model)).data).toBe(stored.data);
  });
});
