/**
 * The learned classifier's model: a linear layer over hashed features, with one column per label
 * (a softmax) and one difficulty column (a logistic regression). Not public API.
 */

/** A trained model. Weights are row-major by bucket: `weights[bucket * columns + column]`. */
export interface LinearModel {
  /** log2 of the bucket count. */
  readonly bits: number;
  /** The labels, one column each, in order; the difficulty column comes after them. */
  readonly labels: readonly string[];
  /** `2 ** bits * (labels.length + 1)` weights. */
  readonly weights: Float32Array;
  /** One bias per column. */
  readonly bias: Float32Array;
  /** Whether the difficulty column was trained (else complexity comes from length alone). */
  readonly difficulty: boolean;
}

/** Columns of a model: its labels plus the difficulty column. */
export const columnsOf = (model: Pick<LinearModel, 'labels'>): number => model.labels.length + 1;

/** An empty model (every weight 0). */
export function emptyModel(bits: number, labels: readonly string[]): LinearModel {
  const columns = labels.length + 1;
  return {
    bits,
    labels: Object.freeze([...labels]),
    weights: new Float32Array((1 << bits) * columns),
    bias: new Float32Array(columns),
    difficulty: false,
  };
}

/**
 * Raw scores of `n` features in `features` into `out` (one per column): the bias plus the mean-ish
 * sum of the features' weights, scaled by `1 / sqrt(n)` so long and short texts score alike.
 */
export function scoreFeatures(
  model: LinearModel,
  features: Int32Array,
  n: number,
  out: Float64Array,
): void {
  const columns = model.labels.length + 1;
  const { weights, bias } = model;
  for (let k = 0; k < columns; k++) out[k] = 0;
  if (columns === 4) {
    // The built-in shape (3 labels + difficulty), unrolled: the hot path of the default classifier.
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    for (let i = 0; i < n; i++) {
      const row = features[i]! << 2;
      a += weights[row]!;
      b += weights[row + 1]!;
      c += weights[row + 2]!;
      d += weights[row + 3]!;
    }
    out[0] = a;
    out[1] = b;
    out[2] = c;
    out[3] = d;
  } else {
    for (let i = 0; i < n; i++) {
      const row = features[i]! * columns;
      for (let k = 0; k < columns; k++) out[k]! += weights[row + k]!;
    }
  }
  const scale = n > 0 ? 1 / Math.sqrt(n) : 0;
  for (let k = 0; k < columns; k++) out[k] = out[k]! * scale + bias[k]!;
}

/** The index of the largest of the first `count` scores (the first one on ties). */
export function argmax(scores: Float64Array, count: number): number {
  let best = 0;
  for (let k = 1; k < count; k++) if (scores[k]! > scores[best]!) best = k;
  return best;
}

/** Logistic function. */
export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
