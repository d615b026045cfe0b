/**
 * The recipe of the shipped classifier, shared by `train-classifier.ts` and `eval-classifier.ts`:
 * where the corpus is, how sources are weighted, which sources stand for hard and easy prompts,
 * and one call that featurises and trains with the library's own trainer.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MAX_FEATURES } from '../src/classify/internal/features.js';
import type { LinearModel } from '../src/classify/internal/linearModel.js';
import { readFeatures } from '../src/classify/internal/readFeatures.js';
import {
  type TrainingExample,
  trainingDefaults,
  trainModel,
} from '../src/classify/internal/trainer.js';

/** The corpus rows. */
export interface Row {
  readonly text: string;
  readonly label: string;
  readonly source: string;
}

/** The labels the built-in model predicts, in column order. */
export const LABELS = ['code', 'reasoning', 'simple'] as const;

/**
 * The corpus path: `--corpus <path>`, else `ZETA_CLASSIFY_CORPUS`, else
 * `../shared/classify-train/train.jsonl` from the repository root.
 */
export function corpusPath(argv: readonly string[] = process.argv): string {
  const i = argv.indexOf('--corpus');
  if (i >= 0 && argv[i + 1] !== undefined) return resolve(argv[i + 1]!);
  return resolve(
    process.env.ZETA_CLASSIFY_CORPUS ??
      resolve(import.meta.dirname, '..', '..', 'shared', 'classify-train', 'train.jsonl'),
  );
}

export function loadCorpus(path: string): Row[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as Row);
}

/**
 * Difficulty targets by source (0 easy .. 1 hard), within each label: the proxies the complexity
 * model learns from. Grade-school word problems below competition, university and proof problems;
 * one-line command and query questions below multi-part programming specifications; short
 * assistant requests below expert advice questions. Sources left out teach no difficulty.
 */
export const difficultyBySource: Readonly<Record<string, number>> = {
  svamp: 0,
  'agieval-sat-math': 0.4,
  'mmlu-math': 0.5,
  'tal-scq5k': 0.5,
  'agieval-lsat': 0.8,
  theoremqa: 1,
  scibench: 1,
  proofnet: 1,
  tldr: 0,
  cosqa: 0,
  'staqc-sql': 0.2,
  exercism: 0.8,
  classeval: 1,
  clinc150: 0,
  hwu64: 0,
  banking77: 0,
  sgd: 0,
  webquestions: 0.1,
  expertqa: 0.7,
};

/** Hard and easy sources per label, for the complexity AUC of `eval:classifier`. */
export const difficultyPairs: readonly { label: string; hard: string[]; easy: string[] }[] = [
  { label: 'reasoning', hard: ['theoremqa', 'scibench', 'proofnet'], easy: ['svamp'] },
  { label: 'code', hard: ['classeval', 'exercism'], easy: ['tldr', 'cosqa', 'staqc-sql'] },
  { label: 'simple', hard: ['expertqa'], easy: ['clinc150', 'hwu64', 'banking77', 'sgd'] },
];

/** Featurises every row once (the features do not depend on the model). */
export function featurize(rows: readonly Row[], bits = trainingDefaults.bits): Int32Array[] {
  const buffer = new Int32Array(MAX_FEATURES);
  return rows.map((row) => buffer.slice(0, readFeatures(row.text, (1 << bits) - 1, buffer).count));
}

/**
 * Example weights: every label weighs the same in total, and within a label every source weighs
 * the same, so no source's style dominates its label.
 */
export function sourceBalancedWeights(rows: readonly Row[]): number[] {
  const perSource = new Map<string, number>();
  const sourcesPerLabel = new Map<string, Set<string>>();
  for (const row of rows) {
    perSource.set(row.source, (perSource.get(row.source) ?? 0) + 1);
    if (!sourcesPerLabel.has(row.label)) sourcesPerLabel.set(row.label, new Set());
    sourcesPerLabel.get(row.label)!.add(row.source);
  }
  const labels = sourcesPerLabel.size;
  return rows.map(
    (row) =>
      rows.length / (labels * sourcesPerLabel.get(row.label)!.size * perSource.get(row.source)!),
  );
}

/** Trains the built-in kind of model on `rows` (with their precomputed `features`). */
export function trainOnRows(
  rows: readonly Row[],
  features: readonly Int32Array[],
  overrides: Partial<Record<keyof typeof trainingDefaults, number>> = {},
): LinearModel {
  const settings = { ...trainingDefaults, ...overrides };
  const weights = sourceBalancedWeights(rows);
  const examples: TrainingExample[] = rows.map((row, i) => ({
    features: features[i]!,
    label: LABELS.indexOf(row.label as (typeof LABELS)[number]),
    difficulty: difficultyBySource[row.source] ?? Number.NaN,
    weight: weights[i]!,
  }));
  return trainModel(examples, { ...settings, labels: LABELS });
}
