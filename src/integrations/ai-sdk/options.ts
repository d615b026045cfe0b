import type {
  EmbeddingModelV4,
  EmbeddingModelV4CallOptions,
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Prompt,
} from '@ai-sdk/provider';
import { modelKeys, modelProblems } from '../../router/internal/validate.js';
import type { ModelConfig } from '../../router/options.js';
import type { TaskProfile, TaskType } from '../../types.js';
import { describeValue, rules, throwIfProblems, unknownKeyProblems } from '../../utils/options.js';

/**
 * What a router model made by `aiSdkModel` takes: the AI SDK call options of one `doGenerate`,
 * plus the prompt again as `messages`, which is what the router's classifiers read.
 */
export interface AiSdkLanguageRequest {
  /** The prompt (`options.prompt`): the AI SDK's standardized messages. */
  readonly messages: LanguageModelV4Prompt;
  /** The call options passed on to the served model's `doGenerate` (with the router's signal). */
  readonly options: LanguageModelV4CallOptions;
}

/**
 * What a router model made by `aiSdkEmbeddingModel` takes: the AI SDK call options of one
 * `doEmbed`, plus the values again as `input`, which is what the router's classifiers read.
 */
export interface AiSdkEmbeddingRequest {
  /** The values to embed (`options.values`). */
  readonly input: readonly string[];
  /** The call options passed on to the served model's `doEmbed` (with the router's signal). */
  readonly options: EmbeddingModelV4CallOptions;
}

/** The model fields of {@link ModelConfig} an AI SDK router model passes on to the router unchanged. */
export type AiSdkRoutingOptions = Omit<ModelConfig<never, unknown>, 'call' | 'stream' | 'usage'>;

/** Options of `aiSdkModel`: the routing fields plus the app's AI SDK language model. */
export interface AiSdkModelOptions extends AiSdkRoutingOptions {
  /** The AI SDK model the router calls, e.g. `createOpenAICompatible({ ... })('qwen2.5-7b')`. */
  readonly model: LanguageModelV4;
}

/** Options of `aiSdkEmbeddingModel`: the routing fields plus the app's AI SDK embedding model. */
export interface AiSdkEmbeddingModelOptions extends AiSdkRoutingOptions {
  /** The AI SDK embedding model the router calls, e.g. `provider.embeddingModel('bge-m3')`. */
  readonly model: EmbeddingModelV4;
}

/**
 * What a call may set under `providerOptions.zeta` (e.g. `generateText({ ..., providerOptions:
 * { zeta: { task: 'code' } } })`). The `zeta` entry is removed before the call options reach the
 * served model.
 */
export interface ZetaProviderOptions {
  /** The task type or full task profile of this call; skips the classifier. */
  readonly task?: TaskType | TaskProfile;
  /** Admission priority of this call (higher first). */
  readonly priority?: number;
  /** Milliseconds until this call must settle, waiting and running included. */
  readonly timeoutMs?: number;
}

/** Options of `languageModel(router, options?)` and `embeddingModel(router, options?)`. */
export interface RouterModelOptions {
  /**
   * The task type or profile of every call, unless `providerOptions.zeta.task` sets one. Omit to
   * let the router's classifier decide.
   */
  readonly task?: TaskType | TaskProfile;
  /**
   * The `modelId` the router model reports to the AI SDK before a call (after one, the response
   * metadata names the model that served).
   * @default 'zeta-router'
   */
  readonly modelId?: string;
  /**
   * How long a caller should wait before retrying a call the router shed (`CAPACITY_EXCEEDED`),
   * in milliseconds: sent as `retry-after-ms` and `retry-after` (seconds, rounded up) in the
   * `APICallError`'s `responseHeaders`, which the AI SDK's retries honour.
   * @default 1000
   */
  readonly retryAfterMs?: number;
}

/** {@link RouterModelOptions} with defaults applied. */
export interface ResolvedRouterModelOptions {
  readonly task: TaskType | TaskProfile | undefined;
  readonly modelId: string;
  readonly retryAfterMs: number;
}

const routerModelKeys = [
  'task',
  'modelId',
  'retryAfterMs',
] as const satisfies readonly (keyof RouterModelOptions)[];

/** Reads and checks the options of `languageModel` / `embeddingModel`; throws `CONFIG_INVALID`. */
export function readRouterModelOptions(
  subject: string,
  options: unknown,
): ResolvedRouterModelOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throwIfProblems(subject, [
      `options must be an object or undefined, got ${describeValue(options)}`,
    ]);
  }
  const o = (options ?? {}) as Record<string, unknown>;
  const problems = unknownKeyProblems(o, routerModelKeys);
  const { task, modelId = 'zeta-router', retryAfterMs = 1000 } = o;
  if (task !== undefined && typeof task !== 'string' && (typeof task !== 'object' || task === null))
    problems.push(
      `\`task\` must be a task type string or a task profile, got ${describeValue(task)}`,
    );
  if (typeof modelId !== 'string' || modelId === '')
    problems.push(`\`modelId\` must be a non-empty string, got ${describeValue(modelId)}`);
  const rule = rules.integerBetween(0, 3_600_000);
  if (typeof retryAfterMs !== 'number' || !rule.test(retryAfterMs))
    problems.push(`\`retryAfterMs\` must be ${rule.expect}, got ${describeValue(retryAfterMs)}`);
  throwIfProblems(subject, problems);
  return {
    task: task as TaskType | TaskProfile | undefined,
    modelId: modelId as string,
    retryAfterMs: retryAfterMs as number,
  };
}

/** The routing keys (every {@link ModelConfig} key but `call`, `stream` and `usage`: the adapter's own). */
const routingKeys = [...modelKeys].filter(
  (key) => key !== 'call' && key !== 'stream' && key !== 'usage',
);

/**
 * Reads and checks the options of `aiSdkModel` / `aiSdkEmbeddingModel`: the routing fields as the
 * router checks a model, and `model` by the method it must have. Throws `CONFIG_INVALID`.
 */
export function readAiSdkModelOptions<T extends LanguageModelV4 | EmbeddingModelV4>(
  subject: string,
  options: unknown,
  method: 'doGenerate' | 'doEmbed',
): { readonly model: T; readonly routing: AiSdkRoutingOptions } {
  if (typeof options !== 'object' || options === null) {
    throwIfProblems(subject, [
      `options must be an object with \`id\`, \`model\` and \`tasks\`, got ${describeValue(options)}`,
    ]);
  }
  const o = options as Record<string, unknown>;
  const problems = unknownKeyProblems(o, [...routingKeys, 'model']);
  const routing: Record<string, unknown> = {};
  for (const key of Object.keys(o)) if (routingKeys.includes(key)) routing[key] = o[key];
  // The router's own checks of a model's fields, against a stand-in `call`.
  problems.push(...modelProblems({ ...routing, call: () => undefined }, 'options'));
  const model = o['model'] as Record<string, unknown> | null | undefined;
  if (
    typeof model !== 'object' ||
    model === null ||
    model['specificationVersion'] !== 'v4' ||
    typeof model[method] !== 'function'
  ) {
    const kind = method === 'doEmbed' ? 'EmbeddingModelV4' : 'LanguageModelV4';
    problems.push(
      `\`model\` must be an AI SDK ${kind} (specificationVersion 'v4', with ${method}), got ${describeValue(model)}`,
    );
  }
  throwIfProblems(subject, problems);
  return { model: model as unknown as T, routing: routing as unknown as AiSdkRoutingOptions };
}
