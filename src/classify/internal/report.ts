/**
 * Classification reports: accuracy, per-label precision and recall, the confusion matrix, and the
 * rank statistic (AUC) used for complexity. Not public API; the report type is exported by
 * `learnedClassifier.ts`.
 */

/** Precision, recall and support of one label. */
export interface LabelScore {
  /** Of the examples predicted as this label, the share that had it (NaN when none were). */
  readonly precision: number;
  /** Of the examples that had this label, the share predicted as it (NaN when none had it). */
  readonly recall: number;
  /** Examples that had this label. */
  readonly support: number;
}

/** How a classifier did on labelled examples. */
export interface ClassificationReport {
  /** Examples evaluated. */
  readonly total: number;
  /** Share of examples whose predicted type was their label, 0..1. */
  readonly accuracy: number;
  /** Every label seen (the classifier's, then any other the examples or predictions held). */
  readonly labels: readonly string[];
  /** Precision, recall and support per label. */
  readonly perLabel: Readonly<Record<string, LabelScore>>;
  /** `confusion[i][j]`: examples labelled `labels[i]` predicted as `labels[j]`. */
  readonly confusion: readonly (readonly number[])[];
  /**
   * How well complexity ranks harder above easier examples: the probability that an example
   * whose `complexity` target is above 0.5 gets a higher complexity than one whose target is
   * below 0.5 (ties count half). NaN when the examples do not hold both kinds.
   */
  readonly complexityAuc: number;
}

/**
 * The probability that a random `positive` score beats a random `negative` one (ties count half):
 * the area under the ROC curve, by sorting, O(n log n).
 */
export function auc(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) return Number.NaN;
  const all = [
    ...positives.map((score) => ({ score, positive: true })),
    ...negatives.map((score) => ({ score, positive: false })),
  ].sort((a, b) => a.score - b.score);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.score === all[i]!.score) j++;
    const midRank = (i + j + 1) / 2; // 1-based mean rank of the tie group
    for (let k = i; k < j; k++) if (all[k]!.positive) rankSum += midRank;
    i = j;
  }
  const p = positives.length;
  return (rankSum - (p * (p + 1)) / 2) / (p * negatives.length);
}

/** One evaluated example. */
export interface Outcome {
  readonly label: string;
  readonly predicted: string;
  readonly complexity: number;
  /** The example's complexity target, if it had one. */
  readonly target?: number | undefined;
}

/** Builds the report of `outcomes`; `known` labels come first, in order. */
export function buildReport(
  known: readonly string[],
  outcomes: readonly Outcome[],
): ClassificationReport {
  const labels = [...known];
  for (const o of outcomes) {
    if (!labels.includes(o.label)) labels.push(o.label);
    if (!labels.includes(o.predicted)) labels.push(o.predicted);
  }
  const confusion = labels.map(() => new Array<number>(labels.length).fill(0));
  let correct = 0;
  const hard: number[] = [];
  const easy: number[] = [];
  for (const o of outcomes) {
    confusion[labels.indexOf(o.label)]![labels.indexOf(o.predicted)]! += 1;
    if (o.label === o.predicted) correct += 1;
    if (o.target !== undefined && o.target > 0.5) hard.push(o.complexity);
    else if (o.target !== undefined && o.target < 0.5) easy.push(o.complexity);
  }
  const perLabel: Record<string, LabelScore> = {};
  labels.forEach((label, i) => {
    const row = confusion[i]!;
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, r) => a + r[i]!, 0);
    perLabel[label] = {
      precision: predicted === 0 ? Number.NaN : row[i]! / predicted,
      recall: support === 0 ? Number.NaN : row[i]! / support,
      support,
    };
  });
  return {
    total: outcomes.length,
    accuracy: outcomes.length === 0 ? Number.NaN : correct / outcomes.length,
    labels,
    perLabel,
    confusion,
    complexityAuc: auc(hard, easy),
  };
}
