import { OpenAI } from 'openai';
import { ModelCallError } from '../../errors/ModelCallError.js';
import type { CallContext, ModelConfig } from '../../router/options.js';
import type { TokenUsage } from '../../types.js';
import { describeValue } from '../../utils/options.js';
import { toModelCallError } from './callError.js';
import {
  type OpenAIChatModelOptions,
  type OpenAIChatRequest,
  type OpenAIEmbeddingModelOptions,
  type OpenAIEmbeddingRequest,
  type OpenAIModelOptions,
  readOpenAIModelOptions,
} from './options.js';

/** A chat model: takes {@link OpenAIChatRequest}, resolves with the server's `ChatCompletion`. */
export type OpenAIChatModel = ModelConfig<OpenAIChatRequest, OpenAI.ChatCompletion> & {
  /** Streams the completion's chunks (`stream_options.include_usage`: the last carries usage). */
  readonly stream: (
    req: OpenAIChatRequest,
    ctx: CallContext,
  ) => Promise<AsyncIterable<OpenAI.ChatCompletionChunk>>;
};

/**
 * An embedding model: takes {@link OpenAIEmbeddingRequest}, resolves with the server's
 * `CreateEmbeddingResponse` (vectors as numbers in `data[i].embedding`, token counts in `usage`).
 */
export type OpenAIEmbeddingModel = ModelConfig<
  OpenAIEmbeddingRequest,
  OpenAI.CreateEmbeddingResponse
>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The router's token usage of an OpenAI `usage` object (completion tokens 0 when absent: embeddings). */
function tokenUsage(
  usage: { readonly prompt_tokens: number; readonly completion_tokens?: number } | null | undefined,
): TokenUsage | undefined {
  if (usage === undefined || usage === null) return undefined;
  return { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens ?? 0 };
}

/** A request the adapter cannot send: refused as the request's fault, never sent. */
function unsendable(id: string, why: string): ModelCallError {
  return new ModelCallError('rejected-request', `${id} cannot send this request: ${why}`);
}

function chatBody(
  id: string,
  model: string,
  params: Readonly<Record<string, unknown>>,
  req: unknown,
): OpenAI.ChatCompletionCreateParamsNonStreaming {
  if (typeof req === 'string')
    return { ...params, model, messages: [{ role: 'user', content: req }] };
  if (!isRecord(req))
    throw unsendable(
      id,
      `a chat request is a string, { prompt } or { messages }, got ${describeValue(req)}`,
    );
  if (req['stream'] === true)
    throw unsendable(id, '`stream: true` is not supported by openaiModel; omit it');
  const { prompt, ...rest } = req;
  if (typeof prompt === 'string')
    return { ...params, ...rest, model, messages: [{ role: 'user', content: prompt }] } as never;
  if (!Array.isArray(req['messages']))
    throw unsendable(id, `a chat request needs \`prompt\` (a string) or \`messages\` (an array)`);
  return { ...params, ...req, model } as never;
}

function embeddingBody(
  id: string,
  model: string,
  params: Readonly<Record<string, unknown>>,
  req: unknown,
): OpenAI.EmbeddingCreateParams {
  if (!isRecord(req) || req['input'] === undefined)
    throw unsendable(id, `an embedding request is { input }, got ${describeValue(req)}`);
  return { ...params, ...req, model } as never;
}

/**
 * A {@link ModelConfig} for an OpenAI-compatible server (OpenAI, vLLM, llama.cpp, Ollama, …)
 * through the official `openai` client. Its `call(req, ctx)` sends one chat completion (or one
 * embeddings request, with `kind: 'embedding'`), passes `ctx.signal` on so the router's timeouts
 * and aborts close the HTTP request, never retries by itself (`maxRetries: 0`), and throws a
 * {@link ModelCallError} the router understands when it fails (see `toModelCallError`):
 * 429/503 cool the model down, 400/404/413/422 refuse the request, the rest is an ordinary failure.
 * The server's `usage` (prompt and completion tokens; a stream's last chunk) is the call's real
 * token usage for the router.
 *
 * @throws ZetaError `CONFIG_INVALID` listing every problem with `options`.
 * @example
 * const coder = openaiModel({
 *   id: 'coder-7b',
 *   baseURL: 'http://127.0.0.1:8000/v1',
 *   model: 'Qwen/Qwen2.5-Coder-7B-Instruct',
 *   tasks: ['code', 'simple'],
 *   home: ['code'],
 *   concurrency: 8,
 * });
 * const router = new ZetaDynamicRouter({ models: [coder] });
 * const completion = await router.run({ messages: [{ role: 'user', content: 'fizzbuzz in Rust' }] });
 * console.log(completion.choices[0]?.message.content);
 */
export function openaiModel(options: OpenAIEmbeddingModelOptions): OpenAIEmbeddingModel;
export function openaiModel(options: OpenAIChatModelOptions): OpenAIChatModel;
export function openaiModel(options: OpenAIModelOptions): OpenAIChatModel | OpenAIEmbeddingModel;
export function openaiModel(options: OpenAIModelOptions): OpenAIChatModel | OpenAIEmbeddingModel {
  const o = readOpenAIModelOptions(options);
  const id = o.routing.id;
  const client =
    o.client ??
    new OpenAI({
      baseURL: o.baseURL!,
      apiKey: o.apiKey,
      organization: null,
      project: null,
      maxRetries: 0,
      ...(o.timeoutMs === undefined ? {} : { timeout: o.timeoutMs }),
    });
  const requestOptions = (ctx: CallContext) => ({
    signal: ctx.signal,
    maxRetries: 0,
    ...(o.timeoutMs === undefined ? {} : { timeout: o.timeoutMs }),
  });
  if (o.kind === 'embedding') {
    return {
      ...o.routing,
      call: async (req: OpenAIEmbeddingRequest, ctx: CallContext) => {
        const body = embeddingBody(id, o.model, o.params, req);
        try {
          return await client.embeddings.create(body, requestOptions(ctx));
        } catch (error) {
          throw toModelCallError(error, ctx.signal, id);
        }
      },
      usage: (res: OpenAI.CreateEmbeddingResponse) => tokenUsage(res.usage),
    };
  }
  return {
    ...o.routing,
    call: async (req: OpenAIChatRequest, ctx: CallContext) => {
      const body = chatBody(id, o.model, o.params, req);
      try {
        return await client.chat.completions.create(body, requestOptions(ctx));
      } catch (error) {
        throw toModelCallError(error, ctx.signal, id);
      }
    },
    usage: (res: OpenAI.ChatCompletion) => tokenUsage(res.usage),
    stream: async (req: OpenAIChatRequest, ctx: CallContext) => {
      const body = chatBody(id, o.model, o.params, req);
      let stream: AsyncIterable<OpenAI.ChatCompletionChunk>;
      try {
        stream = await client.chat.completions.create(
          { ...body, stream: true, stream_options: { include_usage: true } },
          requestOptions(ctx),
        );
      } catch (error) {
        throw toModelCallError(error, ctx.signal, id);
      }
      return chunksOf(stream, ctx, id);
    },
  };
}

/**
 * The server's chunks, with failures read as for a call; the last one's `usage` goes to the
 * router (`ctx.reportUsage`).
 */
async function* chunksOf(
  stream: AsyncIterable<OpenAI.ChatCompletionChunk>,
  ctx: CallContext,
  id: string,
): AsyncGenerator<OpenAI.ChatCompletionChunk> {
  try {
    for await (const chunk of stream) {
      const usage = tokenUsage(chunk.usage);
      if (usage !== undefined) ctx.reportUsage(usage);
      yield chunk;
    }
  } catch (error) {
    throw toModelCallError(error, ctx.signal, id);
  }
}
