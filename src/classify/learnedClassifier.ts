import type { TaskProfile, TaskType } from '../types.js';
import {
  configInvalid,
  describeValue,
  throwIfProblems,
  unknownKeyProblems,
} from '../utils/options.js';
import { MAX_FEATURES } from './internal/features.js';
import { argmax, type LinearModel, scoreFeatures, sigmoid } from './internal/linearModel.js';
import {
  embeddingByPredicate,
  makeProfile,
  type ProfileConfig,
  resolveProfileConfig,
} from './internal/profile.js';
import { readFeatures } from './internal/readFeatures.js';
import { buildReport, type ClassificationReport, type Outcome } from './internal/report.js';
import { type TrainingExample, trainingDefaults, trainModel } from './internal/trainer.js';
import { deserializeModel } from './internal/weightsCodec.js';
import { defaultOutputTokens } from './ruleClassifier.js';
import { builtinWeights } from './weights/builtin.js';

export type { ClassificationReport, LabelScore } from './internal/report.js';

/** A labelled prompt, to train or evaluate a classifier. */
export interface LabelledExample {
  /** The request: a prompt string, or any request shape the classifiers read (chat, prompt...). */
  readonly request: unknown;
  /** Its task type: any string (`'code'`, `'sql'`, `'translation'` ...). */
  readonly label: TaskType;
  /**
   * How hard it is, 0 (easy) .. 1 (hard), if known. Trains the difficulty part of complexity;
   * in {@link LearnedClassifier.evaluate}, examples above 0.5 and below 0.5 give the AUC.
   */
  readonly complexity?: number;
}

/**
 * Options of {@link createLearnedClassifier}. Every option is validated when the classifier is
 * created; bad values throw one `ZetaError` (`CONFIG_INVALID`) listing every problem.
 */
export interface LearnedClassifierOptions {
  /**
   * The app's labelled prompts. Needs at least two labels unless `base` is `'builtin'`; with
   * `'builtin'` and no examples, the built-in model is used as is (to change only the other
   * options).
   *
   * @default []
   * @example
   * createLearnedClassifier({ examples: [{ request: 'Translate to French: hi', label: 'translation' }, ...] });
   */
  readonly examples?: readonly LabelledExample[];
  /**
   * `'builtin'` starts from the built-in weights: labels `code`, `reasoning` and `simple` keep
   * what the built-in model knows, and complexity keeps its difficulty model unless examples
   * carry `complexity`. `'none'` starts from zero.
   *
   * @default 'none'
   */
  readonly base?: 'builtin' | 'none';
  /** Passes over the examples. An integer from 1 to 100. @default 4 */
  readonly epochs?: number;
  /** Learning rate of the first epoch (decays as `rate / (1 + epoch)`). A number in (0, 10]. @default 0.1 */
  readonly learningRate?: number;
  /** L2 regularisation. A number in [0, 1). @default 1e-5 */
  readonly l2?: number;
  /** Seed of the example order: the same examples and seed give the same weights. @default 1 */
  readonly seed?: number;
  /**
   * log2 of the hashed feature space (memory: `2 ** featureBits × (labels + 1)` floats). An
   * integer from 8 to 20; must be the built-in's 15 with `base: 'builtin'`.
   *
   * @default 15
   */
  readonly featureBits?: number;
  /** Characters per token for the token estimate. A finite number > 0. @default 4 */
  readonly charsPerToken?: number;
  /**
   * Expected output tokens per task type, added to the prompt estimate. Labels left out get 512.
   *
   * @default { simple: 256, code: 1024, embedding: 0, reasoning: 2048 }
   */
  readonly outputTokens?: Readonly<Record<string, number>>;
  /** The `priority` of every profile. A finite number. @default 0 */
  readonly priority?: number;
  /**
   * Marks requests as `embedding` beyond the `{ input }` shape; a predicate that throws counts as
   * `false`.
   *
   * @default undefined (only the `{ input }` shape is an embedding)
   */
  readonly isEmbedding?: (req: unknown) => boolean;
}

/**
 * What {@link createLearnedClassifier} returns: a synchronous {@link Classifier} that never throws
 * at call time, with its labels and an `evaluate` method.
 */
export interface LearnedClassifier {
  (req: unknown): TaskProfile;
  /** The labels the model predicts (besides `embedding`, which the request shape decides). */
  readonly labels: readonly string[];
  /**
   * Classifies every example and reports accuracy, per-label precision and recall, the confusion
   * matrix and the complexity AUC.
   *
   * @example
   * const report = classify.evaluate(heldOut);
   * report.accuracy; //=> 0.93
   */
  evaluate(examples: readonly LabelledExample[]): ClassificationReport;
}

/** Every option key; the `satisfies` keeps it in step with {@link LearnedClassifierOptions}. */
const optionKeys = Object.freeze(
  Object.keys({
    examples: true,
    base: true,
    epochs: true,
    learningRate: true,
    l2: true,
    seed: true,
    featureBits: true,
    charsPerToken: true,
    outputTokens: true,
    priority: true,
    isEmbedding: true,
  } satisfies Record<keyof LearnedClassifierOptions, true>),
);

let builtin: LinearModel | undefined;
/**
 * The built-in model, decoded once (about 2 ms cold) and shared. `defaultClassifier` decodes it
 * when the module loads, so no request pays for it.
 */
function builtinModel(): LinearModel {
  builtin ??= deserializeModel(builtinWeights);
  return builtin;
}

/** Feature buffer shared by every classifier: calls are synchronous, so never concurrent. */
const scratch = new Int32Array(MAX_FEATURES);

/** Classifies with `model`; the hot path. */
function classifyWith(
  model: LinearModel,
  config: ProfileConfig,
  scores: Float64Array,
  codeLabel: number,
  req: unknown,
): TaskProfile {
  const read = readFeatures(req, (1 << model.bits) - 1, scratch);
  if (read.shape === 'embedding' || embeddingByPredicate(config, req)) {
    return makeProfile(config, 'embedding', undefined, read.chars, read.tokenIds);
  }
  if (read.count === 0) return makeProfile(config, 'simple', undefined, read.chars, read.tokenIds);
  scoreFeatures(model, scratch, read.count, scores);
  const classes = model.labels.length;
  // A fence or a stack trace is code whatever the words around it say.
  const best =
    codeLabel >= 0 && (read.fence || read.stackTrace) ? codeLabel : argmax(scores, classes);
  const difficulty = model.difficulty ? sigmoid(scores[classes]!) : undefined;
  return makeProfile(config, model.labels[best]!, difficulty, read.chars, read.tokenIds);
}

/** Wraps a model as a {@link LearnedClassifier}. */
export function classifierFromModel(model: LinearModel, config: ProfileConfig): LearnedClassifier {
  const scores = new Float64Array(model.labels.length + 1);
  const codeLabel = model.labels.indexOf('code');
  const fallback: TaskProfile = Object.freeze(makeProfile(config, 'simple', undefined, 0, 0));
  const classify = (req: unknown): TaskProfile => {
    try {
      return classifyWith(model, config, scores, codeLabel, req);
    } catch {
      // Only hostile values (throwing getters, revoked proxies) get here; the router must not fail.
      return fallback;
    }
  };
  const evaluate = (examples: readonly LabelledExample[]): ClassificationReport => {
    const outcomes: Outcome[] = [];
    for (const example of checkExamples('evaluate', examples)) {
      const profile = classify(example.request);
      outcomes.push({
        label: example.label,
        predicted: profile.type,
        complexity: profile.complexity,
        target: example.complexity,
      });
    }
    return buildReport(model.labels, outcomes);
  };
  return Object.assign(classify, { labels: model.labels, evaluate });
}

/** Throws `CONFIG_INVALID` listing the problems of an examples array. */
function checkExamples(where: string, value: unknown): readonly LabelledExample[] {
  throwIfProblems(`${where} examples`, exampleProblems(value));
  return value as readonly LabelledExample[];
}

/** The problems of an examples array: its type, and its first ten bad items. */
function exampleProblems(value: unknown): string[] {
  const problems: string[] = [];
  if (!Array.isArray(value)) {
    return [
      `\`examples\` must be an array of { request, label, complexity? }, got ${describeValue(value)}`,
    ];
  }
  value.forEach((example: unknown, i) => {
    if (problems.length >= 10) return;
    const e = example as Partial<LabelledExample> | null;
    if (typeof e !== 'object' || e === null) {
      problems.push(
        `\`examples[${i}]\` must be { request, label, complexity? }, got ${describeValue(e)}`,
      );
      return;
    }
    if (typeof e.label !== 'string' || e.label.length === 0 || e.label === 'embedding') {
      problems.push(
        `\`examples[${i}].label\` must be a non-empty string other than 'embedding' (the request shape decides it), got ${describeValue(e.label)}`,
      );
    }
    const c = e.complexity;
    if (c !== undefined && (typeof c !== 'number' || !(c >= 0 && c <= 1))) {
      problems.push(
        `\`examples[${i}].complexity\` must be a number from 0 to 1, got ${describeValue(c)}`,
      );
    }
  });
  return problems;
}

function integerOption(
  problems: string[],
  name: string,
  value: unknown,
  min: number,
  max: number,
): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) {
    return value;
  }
  problems.push(
    `\`${name}\` must be an integer from ${min} to ${max}, got ${describeValue(value)}`,
  );
  return min;
}

function rangeOption(
  problems: string[],
  name: string,
  value: unknown,
  ok: (v: number) => boolean,
  expected: string,
): number {
  if (typeof value === 'number' && ok(value)) return value;
  problems.push(`\`${name}\` must be ${expected}, got ${describeValue(value)}`);
  return 0;
}

/**
 * Creates a learned classifier: the same kind of model as {@link defaultClassifier}, trained in
 * process on the app's own labelled prompts, with any label strings as task types. Training is
 * synchronous and seeded (about a second for 10,000 examples); create it at startup.
 *
 * The request shapes, the `embedding` rule, complexity and tokens are those of
 * {@link defaultClassifier}: labels are whatever the examples hold; a ``` fence or a stack trace
 * makes a request `code` when `code` is one of the labels.
 *
 * @param options - See {@link LearnedClassifierOptions}; validated at once.
 * @returns A synchronous classifier with `labels` and `evaluate(examples)`.
 * @throws {ZetaError} `CONFIG_INVALID` listing every unknown option, every bad value and the first
 *   bad examples.
 * @example
 * const classify = createLearnedClassifier({
 *   examples: [
 *     { request: 'Translate "good night" into German', label: 'translation' },
 *     { request: 'List every customer who ordered twice in May', label: 'sql' },
 *     // ... a few hundred per label
 *   ],
 *   base: 'builtin',
 * });
 * classify('Translate this menu into Spanish'); //=> { type: 'translation', ... }
 * classify.evaluate(heldOutExamples).accuracy;
 */
export function createLearnedClassifier(options: LearnedClassifierOptions = {}): LearnedClassifier {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw configInvalid('learned classifier options', [
      `options must be an object, got ${describeValue(options)}`,
    ]);
  }
  const problems = unknownKeyProblems(options, optionKeys);
  const o = options as Record<keyof LearnedClassifierOptions, unknown>;
  const base = o.base ?? 'none';
  if (base !== 'builtin' && base !== 'none') {
    problems.push(`\`base\` must be 'builtin' or 'none', got ${describeValue(base)}`);
  }
  const settings = {
    epochs: integerOption(problems, 'epochs', o.epochs ?? trainingDefaults.epochs, 1, 100),
    learningRate: rangeOption(
      problems,
      'learningRate',
      o.learningRate ?? trainingDefaults.learningRate,
      (v) => v > 0 && v <= 10,
      'a number in (0, 10]',
    ),
    l2: rangeOption(
      problems,
      'l2',
      o.l2 ?? trainingDefaults.l2,
      (v) => v >= 0 && v < 1,
      'a number in [0, 1)',
    ),
    seed: integerOption(problems, 'seed', o.seed ?? trainingDefaults.seed, -(2 ** 31), 2 ** 32 - 1),
    bits: integerOption(problems, 'featureBits', o.featureBits ?? trainingDefaults.bits, 8, 20),
  };
  if (base === 'builtin' && settings.bits !== builtinWeights.bits) {
    problems.push(
      `\`featureBits\` must be ${builtinWeights.bits} (the built-in model's) with base 'builtin', got ${settings.bits}`,
    );
  }
  const config = resolveProfileConfig(problems, o, defaultOutputTokens);
  const exampleIssues = exampleProblems(o.examples ?? []);
  problems.push(...exampleIssues);
  const examples =
    exampleIssues.length === 0
      ? ((o.examples as readonly LabelledExample[] | undefined) ?? [])
      : [];
  const labels = [...new Set(examples.map((e) => e.label))];
  if (base === 'builtin') {
    for (const label of builtinModel().labels) if (!labels.includes(label)) labels.push(label);
  } else if (problems.length === 0 && labels.length < 2) {
    problems.push(
      `\`examples\` must hold at least two labels (or pass base: 'builtin'), got ${labels.length}`,
    );
  }
  throwIfProblems('learned classifier options', problems);

  if (base === 'builtin' && examples.length === 0)
    return classifierFromModel(builtinModel(), config);
  const model = trainModel(featurizeExamples(examples, labels, settings.bits), {
    ...settings,
    labels,
    init: base === 'builtin' ? builtinModel() : undefined,
  });
  return classifierFromModel(model, config);
}

/** Featurises examples, with class-balanced weights. */
function featurizeExamples(
  examples: readonly LabelledExample[],
  labels: readonly string[],
  bits: number,
): TrainingExample[] {
  const counts = new Map<string, number>();
  for (const e of examples) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  const mask = (1 << bits) - 1;
  return examples.map((e) => {
    let count = 0;
    try {
      count = readFeatures(e.request, mask, scratch).count;
    } catch {
      count = 0;
    }
    return {
      features: scratch.slice(0, count),
      label: labels.indexOf(e.label),
      difficulty: e.complexity ?? Number.NaN,
      weight: examples.length / (counts.size * counts.get(e.label)!),
    };
  });
}

/**
 * The router's default classifier: a small learned model (a linear softmax over hashed word,
 * symbol and word-group features of the request's text) trained on about 20,800 labelled prompts
 * from 19 public datasets, with its weights inside the package. Predicts `code`, `reasoning` or
 * `simple`; `embedding` comes from the request shape (`{ input }`); a ``` fence or a stack trace
 * is always `code`. Synchronous, pure, never throws at call time; reads at most the first 768
 * and last 256 characters of a request's text (and at most 512 items of any array), so a call
 * costs microseconds whatever the request's size.
 *
 * **Complexity** (0..1) = `0.75 × difficulty + 0.25 × length`, where difficulty is the model's
 * probability that the prompt resembles the hard prompts of its kind (competition, university and
 * proof maths over grade-school word problems; multi-part programming specifications over one-line
 * command and query questions; expert advice questions over short assistant requests), and length
 * is `log(1 + promptTokens) / log(1 + 8192)`, capped at 1. Embedding requests and unknown shapes
 * have `0.25 × length`.
 *
 * **Tokens**: `ceil(chars / 4)` plus token ids plus the type's expected output
 * (`{ simple: 256, code: 1024, embedding: 0, reasoning: 2048 }`).
 *
 * To change those settings, or train on your own labels, use {@link createLearnedClassifier}.
 *
 * @example
 * defaultClassifier('Write a binary search in Go');
 * //=> { type: 'code', complexity: 0.1…, tokens: 1031, priority: 0 }
 */
export const defaultClassifier: LearnedClassifier = /* @__PURE__ */ eagerDefault();

/**
 * The default classifier, built when the module loads (decoding the weights and warming the hot
 * path there, not on a request). Bundlers drop it when unused (`@__PURE__`).
 */
function eagerDefault(): LearnedClassifier {
  const classify = createLearnedClassifier({ base: 'builtin' });
  for (const warm of ['Write a function', 'What is 2 + 2?', 'hello']) classify(warm);
  return classify;
}
