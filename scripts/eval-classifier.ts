/**
 * `npm run eval:classifier`: how well the learned classifier predicts prompts it has never seen,
 * measured leave-one-source-out: for each of the corpus's sources, train on all the others (with
 * the shipped recipe) and classify that one. The rule classifier, which needs no training, is
 * measured on the same prompts, side by side. Also the complexity AUC: within a label, how often
 * a prompt from a hard source gets a higher complexity than one from an easy source, for the
 * learned complexity, for prompt length alone and for the rule classifier.
 *
 * `--sweep` also prints the leave-one-source-out accuracy over a grid of epochs and learning
 * rates (how the shipped settings were picked). `--corpus <path>` as for `train:classifier`.
 */
import { MAX_FEATURES } from '../src/classify/internal/features.js';
import { argmax, scoreFeatures, sigmoid } from '../src/classify/internal/linearModel.js';
import { complexityOf } from '../src/classify/internal/profile.js';
import { readFeatures } from '../src/classify/internal/readFeatures.js';
import { auc, buildReport, type ClassificationReport } from '../src/classify/internal/report.js';
import { trainingDefaults } from '../src/classify/internal/trainer.js';
import { quantizeModel } from '../src/classify/internal/weightsCodec.js';
import { createRuleClassifier } from '../src/classify/ruleClassifier.js';
import {
  corpusPath,
  difficultyPairs,
  featurize,
  LABELS,
  loadCorpus,
  type Row,
  trainOnRows,
} from './classifierCorpus.js';

interface Prediction {
  readonly type: string;
  readonly complexity: number;
}

const pct = (x: number): string => (Number.isNaN(x) ? '  -  ' : `${(100 * x).toFixed(1)}%`);
const pad = (s: string, n: number): string => s.padEnd(n);
const lpad = (s: string, n: number): string => s.padStart(n);

/** Leave-one-source-out predictions of the learned model, in row order. */
function losoPredictions(
  rows: readonly Row[],
  features: readonly Int32Array[],
  overrides: Partial<Record<keyof typeof trainingDefaults, number>> = {},
): Prediction[] {
  const sources = [...new Set(rows.map((r) => r.source))].sort();
  const out = new Array<Prediction>(rows.length);
  const scores = new Float64Array(LABELS.length + 1);
  const buffer = new Int32Array(MAX_FEATURES);
  for (const source of sources) {
    const trainIdx = rows.flatMap((r, i) => (r.source === source ? [] : [i]));
    const model = quantizeModel(
      trainOnRows(
        trainIdx.map((i) => rows[i]!),
        trainIdx.map((i) => features[i]!),
        overrides,
      ),
    );
    rows.forEach((row, i) => {
      if (row.source !== source) return;
      // The full path of the classifier: the rule signals override as they do in use.
      const read = readFeatures(row.text, (1 << model.bits) - 1, buffer);
      scoreFeatures(model, buffer, read.count, scores);
      const best = read.fence || read.stackTrace ? 0 : argmax(scores, LABELS.length);
      const tokens = Math.ceil(read.chars / 4);
      out[i] = {
        type: LABELS[best]!,
        complexity: complexityOf(sigmoid(scores[LABELS.length]!), tokens),
      };
    });
  }
  return out;
}

function report(rows: readonly Row[], predictions: readonly Prediction[]): ClassificationReport {
  return buildReport(
    LABELS,
    rows.map((row, i) => ({
      label: row.label,
      predicted: predictions[i]!.type,
      complexity: predictions[i]!.complexity,
    })),
  );
}

function printConfusion(title: string, r: ClassificationReport): void {
  console.log(`\n${title} (rows: label, columns: predicted)`);
  console.log(`  ${pad('', 11)}${r.labels.map((l) => lpad(l, 11)).join('')}`);
  r.labels.forEach((label, i) => {
    console.log(`  ${pad(label, 11)}${r.confusion[i]!.map((n) => lpad(String(n), 11)).join('')}`);
  });
}

function sourceAccuracy(rows: readonly Row[], predictions: readonly Prediction[], source: string) {
  let n = 0;
  let ok = 0;
  rows.forEach((row, i) => {
    if (row.source !== source) return;
    n += 1;
    if (predictions[i]!.type === row.label) ok += 1;
  });
  return ok / n;
}

const path = corpusPath();
const rows = loadCorpus(path);
console.log(`classifier evaluation: ${rows.length} prompts from ${path}`);
console.log('leave-one-source-out: each source is classified by a model trained without it\n');

const started = performance.now();
const features = featurize(rows);
const learned = losoPredictions(rows, features);
const seconds = (performance.now() - started) / 1000;
const rules = createRuleClassifier();
const ruled = rows.map((row) => rules(row.text));
const lr = report(rows, learned);
const rr = report(rows, ruled);
const sources = [...new Set(rows.map((r) => r.source))].sort();
const macro = (p: readonly Prediction[]): number =>
  sources.reduce((a, s) => a + sourceAccuracy(rows, p, s), 0) / sources.length;

console.log(`${pad('', 26)}${lpad('learned', 10)}${lpad('rules', 10)}`);
console.log(`${pad('accuracy', 26)}${lpad(pct(lr.accuracy), 10)}${lpad(pct(rr.accuracy), 10)}`);
console.log(
  `${pad('mean accuracy per source', 26)}${lpad(pct(macro(learned)), 10)}${lpad(pct(macro(ruled)), 10)}`,
);
for (const label of LABELS) {
  const a = lr.perLabel[label]!;
  const b = rr.perLabel[label]!;
  console.log(`${pad(`${label} recall`, 26)}${lpad(pct(a.recall), 10)}${lpad(pct(b.recall), 10)}`);
  console.log(
    `${pad(`${label} precision`, 26)}${lpad(pct(a.precision), 10)}${lpad(pct(b.precision), 10)}`,
  );
}
printConfusion('learned, confusion', lr);
printConfusion('rules, confusion', rr);

console.log(
  `\n${pad('held-out source', 20)}${pad('label', 11)}${lpad('n', 6)}${lpad('learned', 10)}${lpad('rules', 10)}`,
);
for (const source of sources) {
  const first = rows.find((r) => r.source === source)!;
  const n = rows.filter((r) => r.source === source).length;
  console.log(
    `${pad(source, 20)}${pad(first.label, 11)}${lpad(String(n), 6)}${lpad(pct(sourceAccuracy(rows, learned, source)), 10)}${lpad(pct(sourceAccuracy(rows, ruled, source)), 10)}`,
  );
}

console.log('\ncomplexity AUC: P(a prompt of a hard source ranks above one of an easy source)');
console.log(
  `${pad('label: hard vs easy', 62)}${lpad('learned', 9)}${lpad('length', 9)}${lpad('rules', 9)}`,
);
for (const pair of difficultyPairs) {
  const pick = (list: readonly string[], score: (i: number) => number): number[] =>
    rows.flatMap((r, i) => (list.includes(r.source) ? [score(i)] : []));
  const figure = (score: (i: number) => number): string =>
    auc(pick(pair.hard, score), pick(pair.easy, score)).toFixed(3);
  console.log(
    `${pad(`${pair.label}: ${pair.hard.join('+')} vs ${pair.easy.join('+')}`, 62)}${lpad(
      figure((i) => learned[i]!.complexity),
      9,
    )}${lpad(
      figure((i) => rows[i]!.text.length),
      9,
    )}${lpad(
      figure((i) => ruled[i]!.complexity),
      9,
    )}`,
  );
}
console.log(
  `\n(${sources.length} trainings in ${seconds.toFixed(1)} s; settings ${JSON.stringify(trainingDefaults)})`,
);

if (process.argv.includes('--sweep')) {
  console.log('\nsweep: leave-one-source-out accuracy / mean per source');
  for (const epochs of [2, 4, 8]) {
    for (const learningRate of [0.05, 0.1, 0.2, 0.5]) {
      const p = losoPredictions(rows, features, { epochs, learningRate });
      console.log(
        `  epochs ${epochs}, learningRate ${learningRate}: ${pct(report(rows, p).accuracy)} / ${pct(macro(p))}`,
      );
    }
  }
}
