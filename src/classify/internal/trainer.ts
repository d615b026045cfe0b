/**
 * The one trainer of the learned classifier, used both by `createLearnedClassifier` (in process)
 * and by `scripts/train-classifier.ts` (the shipped weights). Not public API.
 *
 * Plain stochastic gradient descent, seeded: the same examples, options and seed give the same
 * weights, bit for bit. Softmax cross-entropy for the label columns, logistic loss against a soft
 * target for the difficulty column (examples without a target leave it alone), L2 decay on the
 * weights each example touches, a learning rate that decays as `rate / (1 + epoch)`.
 */
import { seededRandom } from '../../utils/random.js';
import { columnsOf, emptyModel, type LinearModel, scoreFeatures, sigmoid } from './linearModel.js';

/**
 * The training settings of the shipped model, and the defaults of `createLearnedClassifier`:
 * picked by leave-one-source-out accuracy on the corpus (`npm run eval:classifier -- --sweep`).
 * Few epochs at a low rate are a strong regulariser: the model leans on features every source
 * shares (word groups, symbols) rather than on one source's style.
 */
export const trainingDefaults = Object.freeze({
  bits: 15,
  epochs: 4,
  learningRate: 0.1,
  l2: 1e-5,
  seed: 1,
});

/** One featurised training example. */
export interface TrainingExample {
  /** Feature buckets (see `extractFeatures`). */
  readonly features: Int32Array;
  /** Index of the example's label in the model's labels. */
  readonly label: number;
  /** Difficulty target in [0, 1], or NaN for none. */
  readonly difficulty: number;
  /** Weight of the example in the loss (e.g. to balance classes). */
  readonly weight: number;
}

/** Options of {@link trainModel}. */
export interface TrainerOptions {
  readonly bits: number;
  readonly labels: readonly string[];
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly seed: number;
  /** Starting weights: columns whose label matches (and the difficulty column) are copied. */
  readonly init?: LinearModel | undefined;
}

/** Copies `init`'s matching columns into a fresh model with `labels`. */
function startFrom(bits: number, labels: readonly string[], init: LinearModel | undefined) {
  const model = emptyModel(bits, labels);
  if (init === undefined || init.bits !== bits) return { model, difficulty: false };
  const columns = columnsOf(model);
  const from = columnsOf(init);
  const map = labels.map((label) => init.labels.indexOf(label));
  map.push(init.labels.length); // the difficulty column
  const rows = 1 << bits;
  for (let k = 0; k < columns; k++) {
    const j = map[k]!;
    if (j < 0) continue;
    if (k === columns - 1 && !init.difficulty) continue;
    model.bias[k] = init.bias[j]!;
    for (let r = 0; r < rows; r++) model.weights[r * columns + k] = init.weights[r * from + j]!;
  }
  return { model, difficulty: init.difficulty };
}

/** Class weights that give each label the same total weight. */
export function balancedWeights(labels: readonly number[], classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const label of labels) counts[label]! += 1;
  const present = counts.filter((c) => c > 0).length;
  return counts.map((c) => (c > 0 ? labels.length / (present * c) : 0));
}

/** Trains a model. Synchronous; about a second per 10,000 examples and 10 epochs. */
export function trainModel(
  examples: readonly TrainingExample[],
  options: TrainerOptions,
): LinearModel {
  const { bits, labels, epochs, learningRate, l2, seed } = options;
  const start = startFrom(bits, labels, options.init);
  const { weights, bias } = start.model;
  const classes = labels.length;
  const columns = classes + 1;
  const trainDifficulty = examples.some((e) => !Number.isNaN(e.difficulty));
  const random = seededRandom(seed);
  const order = Array.from(examples, (_, i) => i);
  const scores = new Float64Array(columns);
  const grad = new Float64Array(columns);
  for (let epoch = 0; epoch < epochs; epoch++) {
    // Fisher-Yates on the seeded source.
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    const rate = learningRate / (1 + epoch);
    for (const index of order) {
      const example = examples[index]!;
      const { features, weight } = example;
      const n = features.length;
      scoreFeatures(start.model, features, n, scores);
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < classes; k++) max = Math.max(max, scores[k]!);
      let sum = 0;
      for (let k = 0; k < classes; k++) {
        grad[k] = Math.exp(scores[k]! - max);
        sum += grad[k]!;
      }
      for (let k = 0; k < classes; k++) {
        grad[k] = weight * (grad[k]! / sum - (k === example.label ? 1 : 0));
      }
      const target = example.difficulty;
      grad[classes] =
        trainDifficulty && !Number.isNaN(target)
          ? weight * (sigmoid(scores[classes]!) - target)
          : 0;
      const last = trainDifficulty ? columns : classes;
      const scale = n > 0 ? 1 / Math.sqrt(n) : 0;
      for (let i = 0; i < n; i++) {
        const row = features[i]! * columns;
        for (let k = 0; k < last; k++) {
          const w = weights[row + k]!;
          weights[row + k] = w - rate * (grad[k]! * scale + l2 * w);
        }
      }
      for (let k = 0; k < last; k++) bias[k] = bias[k]! - rate * grad[k]!;
    }
  }
  return { ...start.model, difficulty: trainDifficulty || start.difficulty };
}
