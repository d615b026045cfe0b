import type {
  EmbeddingModelV4,
  EmbeddingModelV4Result,
  LanguageModelV4,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
} from '@ai-sdk/provider';
import { ModelCallError } from '../../errors/ModelCallError.js';
import type { CallContext, ModelConfig } from '../../router/options.js';
import { describeValue } from '../../utils/options.js';
import { fromAiSdkError } from './callError.js';
import { modelStreamParts } from './internal/modelStream.js';
import { embeddingUsage, languageUsage } from './internal/usage.js';
import {
  type AiSdkEmbeddingModelOptions,
  type AiSdkEmbeddingRequest,
  type AiSdkLanguageRequest,
  type AiSdkModelOptions,
  readAiSdkModelOptions,
} from './options.js';

/**
 * A router model over an AI SDK language model: takes {@link AiSdkLanguageRequest}; streams the
 * model's stream parts for `router.stream()`.
 */
export type AiSdkLanguageModelConfig = ModelConfig<
  AiSdkLanguageRequest,
  LanguageModelV4GenerateResult
> & {
  readonly stream: (
    req: AiSdkLanguageRequest,
    ctx: CallContext,
  ) => Promise<AsyncIterable<LanguageModelV4StreamPart>>;
};

/** A router model over an AI SDK embedding model: takes {@link AiSdkEmbeddingRequest}. */
export type AiSdkEmbeddingModelConfig = ModelConfig<AiSdkEmbeddingRequest, EmbeddingModelV4Result>;

/** The call options of `req`, or a refusal when `req` is not a request of this kind. */
function optionsOf<T>(req: unknown, id: string, field: 'prompt' | 'values'): T {
  const options =
    typeof req === 'object' && req !== null ? (req as { options?: unknown }).options : undefined;
  if (
    typeof options !== 'object' ||
    options === null ||
    !Array.isArray((options as Record<string, unknown>)[field])
  ) {
    throw new ModelCallError(
      'rejected-request',
      `${id} cannot send this request: it takes { options } with \`options.${field}\` (AI SDK call options), got ${describeValue(req)}`,
    );
  }
  return options as T;
}

/**
 * A {@link ModelConfig} over an AI SDK language model the app already has (any `LanguageModelV4`,
 * e.g. from `@ai-sdk/openai-compatible`). Its `call(req, ctx)` calls
 * `model.doGenerate({ ...req.options, abortSignal: ctx.signal })`, so the router's timeouts and
 * aborts reach the provider, and resolves with the model's result (its `response.modelId` set to
 * the model's `modelId` when the provider left it out). An `APICallError` the model throws
 * becomes a `ModelCallError` the router understands: 429/503 cool the model down (for its
 * `retry-after`), 400/413/422 refuse the request, other statuses fail over. The result's `usage`
 * (input and output token totals) is the call's real token usage for the router.
 *
 * Its `stream(req, ctx)` (for `router.stream()` and the router model's `doStream`) calls
 * `model.doStream` the same way and gives the model's stream parts as they come; the parts before
 * the first token are held back until it comes, so the router fails over until then. An `error`
 * part ends the stream as a failure of the model; the `finish` part's usage is reported.
 *
 * Give the AI SDK model `maxRetries`-free settings where you can: retries are the router's.
 *
 * @throws ZetaError `CONFIG_INVALID` listing every problem with `options`.
 * @example
 * const local = createOpenAICompatible({ name: 'vllm', baseURL: 'http://127.0.0.1:8000/v1' });
 * const coder = aiSdkModel({ id: 'coder-7b', model: local('Qwen/Qwen2.5-Coder-7B-Instruct'),
 *   tasks: ['code', 'simple'], home: ['code'], concurrency: 8 });
 */
export function aiSdkModel(options: AiSdkModelOptions): AiSdkLanguageModelConfig {
  const { model, routing } = readAiSdkModelOptions<LanguageModelV4>(
    'aiSdkModel options',
    options,
    'doGenerate',
  );
  return {
    ...routing,
    call: async (req: AiSdkLanguageRequest, ctx: CallContext) => {
      const callOptions = optionsOf<AiSdkLanguageRequest['options']>(req, routing.id, 'prompt');
      let result: LanguageModelV4GenerateResult;
      try {
        result = await model.doGenerate({ ...callOptions, abortSignal: ctx.signal });
      } catch (error) {
        throw fromAiSdkError(error, ctx.signal, routing.id);
      }
      if (result.response?.modelId !== undefined) return result;
      return { ...result, response: { ...result.response, modelId: model.modelId } };
    },
    usage: (result: LanguageModelV4GenerateResult) => languageUsage(result.usage),
    stream: async (req: AiSdkLanguageRequest, ctx: CallContext) => {
      const callOptions = optionsOf<AiSdkLanguageRequest['options']>(req, routing.id, 'prompt');
      let result: LanguageModelV4StreamResult;
      try {
        result = await model.doStream({ ...callOptions, abortSignal: ctx.signal });
      } catch (error) {
        throw fromAiSdkError(error, ctx.signal, routing.id);
      }
      return modelStreamParts(result, ctx, routing.id, model.modelId);
    },
  };
}

/** One result for several `doEmbed` calls to one model: vectors in order, tokens summed. */
function joinResults(results: readonly EmbeddingModelV4Result[]): EmbeddingModelV4Result {
  const tokens = results.every((r) => r.usage !== undefined)
    ? results.reduce((sum, r) => sum + (r.usage?.tokens ?? 0), 0)
    : undefined;
  const last = results.at(-1);
  return {
    embeddings: results.flatMap((r) => r.embeddings),
    warnings: results.flatMap((r) => r.warnings),
    ...(tokens === undefined ? {} : { usage: { tokens } }),
    ...(last?.providerMetadata === undefined ? {} : { providerMetadata: last.providerMetadata }),
    ...(last?.response === undefined ? {} : { response: last.response }),
  };
}

/**
 * A {@link ModelConfig} over an AI SDK embedding model the app already has (any
 * `EmbeddingModelV4`). Its `call(req, ctx)` calls `model.doEmbed({ ...req.options, abortSignal:
 * ctx.signal })` for the whole batch (in chunks of the model's `maxEmbeddingsPerCall` when it has
 * a limit, one after another), so every vector of one call comes from this model.
 * Failures translate as for {@link aiSdkModel}; `usage.tokens` counts as prompt tokens.
 *
 * @throws ZetaError `CONFIG_INVALID` listing every problem with `options`.
 * @example
 * const embedder = aiSdkEmbeddingModel({ id: 'bge-m3', model: local.embeddingModel('BAAI/bge-m3'),
 *   tasks: ['embedding'], home: ['embedding'], concurrency: 16 });
 */
export function aiSdkEmbeddingModel(
  options: AiSdkEmbeddingModelOptions,
): AiSdkEmbeddingModelConfig {
  const { model, routing } = readAiSdkModelOptions<EmbeddingModelV4>(
    'aiSdkEmbeddingModel options',
    options,
    'doEmbed',
  );
  return {
    ...routing,
    call: async (req: AiSdkEmbeddingRequest, ctx: CallContext) => {
      const callOptions = optionsOf<AiSdkEmbeddingRequest['options']>(req, routing.id, 'values');
      try {
        const limit = await model.maxEmbeddingsPerCall;
        const values = callOptions.values;
        if (limit === undefined || !(limit >= 1) || values.length <= limit)
          return await model.doEmbed({ ...callOptions, abortSignal: ctx.signal });
        // More values than the model takes at once: several calls, all to this same model.
        const results: EmbeddingModelV4Result[] = [];
        for (let start = 0; start < values.length; start += limit) {
          const chunk = values.slice(start, start + limit);
          results.push(
            await model.doEmbed({ ...callOptions, values: chunk, abortSignal: ctx.signal }),
          );
        }
        return joinResults(results);
      } catch (error) {
        throw fromAiSdkError(error, ctx.signal, routing.id);
      }
    },
    usage: embeddingUsage,
  };
}
