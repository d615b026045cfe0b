import type {
  EmbeddingModelV4,
  EmbeddingModelV4CallOptions,
  EmbeddingModelV4Result,
  JSONObject,
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamResult,
} from '@ai-sdk/provider';
import type { RunOptions, StreamOptions } from '../../router/options.js';
import type { RouterStream, RunInfo, StreamInfo } from '../../router/results.js';
import { toAiSdkError } from './callError.js';
import { routedCall } from './internal/callOptions.js';
import { resultStream } from './internal/resultStream.js';
import { routedStream } from './internal/routedStream.js';
import {
  type AiSdkEmbeddingRequest,
  type AiSdkLanguageRequest,
  type RouterModelOptions,
  readRouterModelOptions,
} from './options.js';

/**
 * What `languageModel` needs of a router: `runWithInfo` for AI SDK language requests. Any
 * `ZetaDynamicRouter` whose models take {@link AiSdkLanguageRequest} (e.g. made by `aiSdkModel`)
 * is one.
 */
export interface LanguageRouter {
  runWithInfo(req: AiSdkLanguageRequest, options?: RunOptions): Promise<RunInfo<unknown>>;
  /** For an incremental `doStream` (without it, `doStream` replays one routed `doGenerate`). */
  stream?(req: AiSdkLanguageRequest, options?: StreamOptions): RouterStream<unknown>;
}

/**
 * What `embeddingModel` needs of a router: `runWithInfo` for AI SDK embedding requests. Any
 * `ZetaDynamicRouter` whose models take {@link AiSdkEmbeddingRequest} (e.g. made by
 * `aiSdkEmbeddingModel`) is one.
 */
export interface EmbeddingRouter {
  runWithInfo(req: AiSdkEmbeddingRequest, options?: RunOptions): Promise<RunInfo<unknown>>;
}

/**
 * What `providerMetadata.zeta` of a routed result holds: how the router served the call.
 */
export interface ZetaProviderMetadata extends JSONObject {
  /** The id of the router model that served, e.g. `'coder-7b'`. */
  model: string;
  /** The task type the call was routed by. */
  task: string;
  /** Model calls made (1 without retries). */
  attempts: number;
  /** Time spent waiting for a slot, in milliseconds. */
  queuedMs: number;
  /** Duration of the successful call, in milliseconds (`doGenerate`). */
  latencyMs?: number;
  /** From the serving call's start to its first chunk, in milliseconds (`doStream`). */
  ttftMs?: number;
}

function zetaMetadata(info: RunInfo<unknown>): ZetaProviderMetadata {
  return {
    model: info.model,
    task: info.task.type,
    attempts: info.attempts,
    queuedMs: info.queuedMs,
    latencyMs: info.latencyMs,
  };
}

function zetaStreamMetadata(info: StreamInfo): ZetaProviderMetadata {
  return {
    model: info.model,
    task: info.task.type,
    attempts: info.attempts,
    queuedMs: info.queuedMs,
    ttftMs: info.ttftMs,
  };
}

/** A served `doGenerate` result, with the served model's id and `providerMetadata.zeta`. */
function generated(
  value: unknown,
  model: string,
  zeta: ZetaProviderMetadata,
): LanguageModelV4GenerateResult {
  expectResult(value, model, 'content');
  const result = value as LanguageModelV4GenerateResult;
  return {
    ...result,
    response: { ...result.response, modelId: result.response?.modelId ?? model },
    providerMetadata: { ...result.providerMetadata, zeta },
  };
}

/** A `doGenerate` result replayed as a `doStream` one. */
function replayed(result: LanguageModelV4GenerateResult): LanguageModelV4StreamResult {
  return {
    stream: resultStream(result),
    ...(result.request === undefined ? {} : { request: result.request }),
    ...(result.response?.headers === undefined
      ? {}
      : { response: { headers: result.response.headers } }),
  };
}

/** Throws when a served model's result is not of the kind asked for (a fleet mixing kinds under one task). */
function expectResult(value: unknown, model: string, field: 'content' | 'embeddings'): void {
  const result = value as Record<string, unknown> | null | undefined;
  if (typeof result !== 'object' || result === null || !Array.isArray(result[field])) {
    throw new TypeError(
      `zeta-router: model '${model}' served a result without \`${field}\`; give AI SDK language and embedding models different task types`,
    );
  }
}

/**
 * The router as an AI SDK `LanguageModelV4`: `generateText({ model: languageModel(router) })` and
 * `streamText` route each call through the router (`runWithInfo`, `stream`). The same as
 * `router.languageModel(options)`, which importing `zeta-router/ai-sdk` installs.
 *
 * - The task comes from `providerOptions.zeta.task`, else `options.task`, else the router's
 *   classifier (which reads the prompt); `providerOptions.zeta` may also set `priority` and
 *   `timeoutMs` (see {@link ZetaProviderOptions}) and is removed before the served model sees the
 *   call options.
 * - The call's `abortSignal` aborts the routed request, and so the served model's call.
 * - The result is the served model's, with `providerMetadata.zeta` (see
 *   {@link ZetaProviderMetadata}) naming the router model that served, and `response.modelId` the
 *   served AI SDK model's id.
 * - When the router sheds the call (`CAPACITY_EXCEEDED`), it throws an `APICallError` with
 *   `isRetryable: true` and `retry-after` headers (`options.retryAfterMs`); other router errors
 *   (`ZetaError`) are thrown as they are.
 * - `doStream` streams through `router.stream()`: each part as the served model sends it (models
 *   with a `stream`, e.g. made by `aiSdkModel`), failing over until the first token; the served
 *   model in the response metadata and `providerMetadata.zeta` on the `finish` part; the
 *   call's `abortSignal` or a cancelled stream frees the model's slot at once. When no model that
 *   can stream can take the call, a model's `doGenerate` serves it, replayed as a stream: one
 *   routed request either way (`callIfNoStream`), counted once in events and metrics.
 *
 * @throws ZetaError `CONFIG_INVALID` listing every problem with `options`.
 * @example
 * const router = new ZetaDynamicRouter({ models: [aiSdkModel({ id: 'small', model: local('qwen2.5-7b'), tasks: ['simple'] })] });
 * const { text, providerMetadata } = await generateText({
 *   model: languageModel(router),
 *   prompt: 'fizzbuzz in Rust',
 *   providerOptions: { zeta: { task: 'code' } },
 * });
 * console.log(providerMetadata?.zeta?.model); // e.g. 'coder-7b'
 */
export function languageModel(
  router: LanguageRouter,
  options?: RouterModelOptions,
): LanguageModelV4 {
  const o = readRouterModelOptions('languageModel options', options);
  /** The routed request of a call: its options without `providerOptions.zeta`, and the run options. */
  const request = (callOptions: LanguageModelV4CallOptions) => {
    const { providerOptions, run } = routedCall(
      callOptions.providerOptions,
      callOptions.abortSignal,
      o,
    );
    const { providerOptions: _dropped, ...restOptions } = callOptions;
    const passed: LanguageModelV4CallOptions =
      providerOptions === undefined ? restOptions : { ...restOptions, providerOptions };
    return { req: { messages: callOptions.prompt, options: passed }, run };
  };
  const generate = async (
    callOptions: LanguageModelV4CallOptions,
  ): Promise<LanguageModelV4GenerateResult> => {
    const { req, run } = request(callOptions);
    let info: RunInfo<unknown>;
    try {
      info = await router.runWithInfo(req, run);
    } catch (error) {
      throw toAiSdkError(error, o.retryAfterMs);
    }
    return generated(info.result, info.model, zetaMetadata(info));
  };
  return {
    specificationVersion: 'v4',
    provider: 'zeta-router',
    modelId: o.modelId,
    supportedUrls: {},
    doGenerate: generate,
    doStream: async (callOptions) => {
      if (router.stream === undefined) return replayed(await generate(callOptions));
      const { req, run } = request(callOptions);
      // One routed request: a model that cannot stream serves it whole when none can stream.
      const stream = router.stream(req, { ...run, callIfNoStream: true });
      let first: IteratorResult<unknown>;
      try {
        first = await stream.next();
      } catch (error) {
        throw toAiSdkError(error, o.retryAfterMs);
      }
      const info = stream.info;
      if (info?.whole !== true) return routedStream(stream, first, zetaStreamMetadata);
      // Served whole by a call: its metadata is a call's (`latencyMs`, the call's duration).
      const { model, task, attempts, queuedMs, ttftMs: latencyMs } = info;
      const zeta = { model, task: task.type, attempts, queuedMs, latencyMs };
      return replayed(generated(first.value, model, zeta));
    },
  };
}

/**
 * The router as an AI SDK `EmbeddingModelV4`: `embed` and `embedMany({ model:
 * embeddingModel(router), values })` route through `router.runWithInfo`. Every vector of one
 * `embedMany` call comes from one model: the router model takes any number of values per call
 * (`maxEmbeddingsPerCall: Infinity`), so the whole batch is one routed request, and
 * `aiSdkEmbeddingModel` splits it for its own model's limit. Task, abort, metadata
 * (`providerMetadata.zeta`) and shedding work as for {@link languageModel}. The same as
 * `router.embeddingModel(options)`.
 *
 * @throws ZetaError `CONFIG_INVALID` listing every problem with `options`.
 * @example
 * const { embeddings, providerMetadata } = await embedMany({
 *   model: embeddingModel(router, { task: 'embedding' }),
 *   values: ['sunny day at the beach', 'rainy afternoon in the city'],
 * });
 */
export function embeddingModel(
  router: EmbeddingRouter,
  options?: RouterModelOptions,
): EmbeddingModelV4 {
  const o = readRouterModelOptions('embeddingModel options', options);
  return {
    specificationVersion: 'v4',
    provider: 'zeta-router',
    modelId: o.modelId,
    maxEmbeddingsPerCall: Number.POSITIVE_INFINITY,
    supportsParallelCalls: true,
    doEmbed: async (callOptions: EmbeddingModelV4CallOptions): Promise<EmbeddingModelV4Result> => {
      const { providerOptions, run } = routedCall(
        callOptions.providerOptions,
        callOptions.abortSignal,
        o,
      );
      const { providerOptions: _dropped, ...restOptions } = callOptions;
      const passed: EmbeddingModelV4CallOptions =
        providerOptions === undefined ? restOptions : { ...restOptions, providerOptions };
      let info: RunInfo<unknown>;
      try {
        info = await router.runWithInfo({ input: callOptions.values, options: passed }, run);
      } catch (error) {
        throw toAiSdkError(error, o.retryAfterMs);
      }
      expectResult(info.result, info.model, 'embeddings');
      const result = info.result as EmbeddingModelV4Result;
      return {
        ...result,
        providerMetadata: { ...result.providerMetadata, zeta: zetaMetadata(info) },
      };
    },
  };
}
