import type { TaskProfile, TaskType } from '../types.js';
import {
  configInvalid,
  describeValue,
  throwIfProblems,
  unknownKeyProblems,
} from '../utils/options.js';
import { WINDOW_HEAD, WINDOW_TAIL } from './internal/features.js';
import { embeddingByPredicate, makeProfile, resolveProfileConfig } from './internal/profile.js';
import { readRequestText, scanWindow } from './internal/requestText.js';
import { defaultClassifier, type LabelledExample } from './learnedClassifier.js';
import { defaultOutputTokens } from './ruleClassifier.js';

/** An embedding function the app already has: text in, vector out. */
export type EmbedFunction = (text: string) => Promise<ArrayLike<number>> | ArrayLike<number>;

/**
 * Options of {@link createEmbeddingClassifier}. Validated when the classifier is created; bad
 * values throw one `ZetaError` (`CONFIG_INVALID`) listing every problem.
 */
export interface EmbeddingClassifierOptions {
  /**
   * The app's embedding function (its own embedding model client). Called once per labelled
   * example (on the first classification) and once per classified request, with at most the first
   * 768 and last 256 characters of the request's text.
   *
   * @example
   * createEmbeddingClassifier({ embed: (text) => embedder.embed(text), examples });
   */
  readonly embed: EmbedFunction;
  /** Labelled prompts: at least two labels. Each label's centroid is the mean of its examples' unit vectors. */
  readonly examples: readonly LabelledExample[];
  /** Characters per token for the token estimate. A finite number > 0. @default 4 */
  readonly charsPerToken?: number;
  /**
   * Expected output tokens per task type; labels left out get 512.
   *
   * @default { simple: 256, code: 1024, embedding: 0, reasoning: 2048 }
   */
  readonly outputTokens?: Readonly<Record<string, number>>;
  /** The `priority` of every profile. @default 0 */
  readonly priority?: number;
  /** Marks requests as `embedding` beyond the `{ input }` shape. @default undefined */
  readonly isEmbedding?: (req: unknown) => boolean;
}

/** What {@link createEmbeddingClassifier} returns: an asynchronous classifier. */
export interface EmbeddingClassifier {
  (req: unknown): Promise<TaskProfile>;
  /** The labels, in the order of the examples. */
  readonly labels: readonly TaskType[];
  /** Embeds the examples now (otherwise done on the first call); rejects if `embed` does. */
  ready(): Promise<void>;
}

const optionKeys = Object.freeze(
  Object.keys({
    embed: true,
    examples: true,
    charsPerToken: true,
    outputTokens: true,
    priority: true,
    isEmbedding: true,
  } satisfies Record<keyof EmbeddingClassifierOptions, true>),
);

/** A unit-length copy of `v` (all zeros stays zeros). */
function unit(v: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(v, (x) => (Number.isFinite(x) ? x : 0));
  let norm = 0;
  for (const x of out) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** The text an embedding classifier embeds: the bounded window of the request's text. */
function windowText(parts: readonly string[]): string {
  return scanWindow(parts, WINDOW_HEAD + WINDOW_TAIL, WINDOW_HEAD);
}

/**
 * Creates a classifier that embeds each request with the app's own embedding function and picks
 * the label whose centroid (the mean unit vector of its labelled examples) is nearest by cosine
 * similarity. For apps that already run an embedding model and prefer it to the built-in model.
 *
 * It is asynchronous: the router awaits it before routing, so its time counts in the request's
 * latency and within its `timeoutMs`, and `explain()` needs a task profile with it. The examples
 * are embedded on the first call (or by `ready()`); if `embed` throws or rejects, that call
 * rejects (the router fails the request with `CLASSIFIER_FAILED`). `{ input }` requests are
 * `embedding` without calling `embed`. Complexity is that of {@link defaultClassifier} (the
 * built-in difficulty and length), tokens as for the other classifiers.
 *
 * @param options - See {@link EmbeddingClassifierOptions}; validated at once.
 * @returns An asynchronous classifier with `labels` and `ready()`.
 * @throws {ZetaError} `CONFIG_INVALID` listing every unknown option and bad value.
 * @example
 * const classifier = createEmbeddingClassifier({
 *   embed: async (text) => (await openai.embeddings.create({ model, input: text })).data[0].embedding,
 *   examples: [{ request: 'Translate to Spanish: ...', label: 'translation' }, ...],
 * });
 * await classifier.ready();
 * const router = new ZetaDynamicRouter({ models, classifier });
 */
export function createEmbeddingClassifier(
  options: EmbeddingClassifierOptions,
): EmbeddingClassifier {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw configInvalid('embedding classifier options', [
      `options must be an object, got ${describeValue(options)}`,
    ]);
  }
  const problems = unknownKeyProblems(options, optionKeys);
  const o = options as Record<keyof EmbeddingClassifierOptions, unknown>;
  if (typeof o.embed !== 'function') {
    problems.push(`\`embed\` must be a function (text) => vector, got ${describeValue(o.embed)}`);
  }
  const examples = Array.isArray(o.examples) ? (o.examples as LabelledExample[]) : [];
  if (!Array.isArray(o.examples)) {
    problems.push(
      `\`examples\` must be an array of { request, label }, got ${describeValue(o.examples)}`,
    );
  }
  examples.forEach((e, i) => {
    if (typeof e !== 'object' || e === null || typeof e.label !== 'string' || e.label === '') {
      problems.push(`\`examples[${i}].label\` must be a non-empty string`);
    }
  });
  const labels = [...new Set(examples.map((e) => e?.label))].filter((l) => typeof l === 'string');
  if (problems.length === 0 && labels.length < 2) {
    problems.push(`\`examples\` must hold at least two labels, got ${labels.length}`);
  }
  const config = resolveProfileConfig(problems, o, defaultOutputTokens);
  throwIfProblems('embedding classifier options', problems);
  const embed = o.embed as EmbedFunction;

  let centroids: Promise<Float64Array[]> | undefined;
  const build = async (): Promise<Float64Array[]> => {
    const sums: (Float64Array | undefined)[] = labels.map(() => undefined);
    for (const example of examples) {
      const v = unit(await embed(windowText(readRequestText(example.request).parts)));
      const k = labels.indexOf(example.label);
      sums[k] ??= new Float64Array(v.length);
      const sum = sums[k]!;
      for (let i = 0; i < Math.min(sum.length, v.length); i++) sum[i]! += v[i]!;
    }
    return sums.map((s) => unit(s ?? []));
  };
  const ready = (): Promise<Float64Array[]> => {
    centroids ??= build();
    // A failed build is retried on the next call rather than cached.
    centroids.catch(() => {
      centroids = undefined;
    });
    return centroids;
  };

  const classify = async (req: unknown): Promise<TaskProfile> => {
    const text = readRequestText(req);
    if (text.shape === 'embedding' || embeddingByPredicate(config, req)) {
      return makeProfile(config, 'embedding', undefined, text.chars, text.tokenIds);
    }
    const builtIn = defaultClassifier(req);
    if (text.shape === 'unknown' || text.parts.length === 0) {
      return makeProfile(config, 'simple', undefined, text.chars, text.tokenIds);
    }
    const [centres, vector] = await Promise.all([ready(), embed(windowText(text.parts))]);
    const v = unit(vector);
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    centres.forEach((c, k) => {
      const score = dot(c, v);
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    });
    // The built-in complexity, with this classifier's own token settings.
    return {
      ...makeProfile(config, labels[best]!, undefined, text.chars, text.tokenIds),
      complexity: builtIn.complexity,
    };
  };
  return Object.assign(classify, {
    labels: Object.freeze(labels),
    ready: async () => {
      await ready();
    },
  });
}
