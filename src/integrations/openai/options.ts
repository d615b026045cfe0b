import type { OpenAI } from 'openai';
import { modelKeys, modelProblems } from '../../router/internal/validate.js';
import type { ModelConfig } from '../../router/options.js';
import { describeValue, rules, throwIfProblems } from '../../utils/options.js';

/** Chat parameters sent with every request of a chat model (the request's own win). */
export type OpenAIChatParams = Readonly<
  Partial<Omit<OpenAI.ChatCompletionCreateParamsNonStreaming, 'model' | 'messages' | 'stream'>>
>;

/** Embedding parameters sent with every request of an embedding model (the request's own win). */
export type OpenAIEmbeddingParams = Readonly<
  Partial<Omit<OpenAI.EmbeddingCreateParams, 'model' | 'input'>>
>;

/**
 * What a chat model's `call` takes:
 * - a string: the user message;
 * - `{ prompt, ...params }`: `prompt` becomes the user message;
 * - `{ messages, ...params }`: an OpenAI chat completion request without `model` (the adapter's
 *   `model` is used). Streaming (`stream: true`) is not supported.
 */
export type OpenAIChatRequest =
  | string
  | (OpenAIChatParams & { readonly prompt: string })
  | (Readonly<Omit<OpenAI.ChatCompletionCreateParamsNonStreaming, 'model' | 'stream'>> & {
      readonly stream?: false | null;
    });

/** What an embedding model's `call` takes: an OpenAI embeddings request without `model`. */
export type OpenAIEmbeddingRequest = OpenAIEmbeddingParams & {
  readonly input: OpenAI.EmbeddingCreateParams['input'];
};

/** The model fields of {@link ModelConfig} an `openaiModel` passes on to the router unchanged. */
export type OpenAIRoutingOptions = Omit<ModelConfig<never, unknown>, 'call' | 'stream' | 'usage'>;

/** Options of `openaiModel` shared by chat and embedding models. */
export interface OpenAIModelBaseOptions extends OpenAIRoutingOptions {
  /**
   * The `openai` client to send requests with (your own: proxies, headers, `fetch`). Either this or
   * `baseURL`. Whatever its own `maxRetries`, every request is sent with `maxRetries: 0`: retries
   * are the router's.
   */
  readonly client?: OpenAI;
  /**
   * The server's OpenAI-compatible base URL, e.g. `'http://127.0.0.1:8000/v1'` (vLLM) or
   * `'http://127.0.0.1:11434/v1'` (Ollama); the adapter builds a client with `maxRetries: 0`.
   * Either this or `client`.
   */
  readonly baseURL?: string;
  /**
   * The API key sent with `baseURL`. Never read from `OPENAI_API_KEY`, so a key meant for one
   * provider is not sent to another server.
   * @default 'EMPTY' (what local servers such as vLLM accept)
   */
  readonly apiKey?: string;
  /** The model name the server knows, sent as `model` in every request, e.g. `'Qwen/Qwen2.5-7B-Instruct'`. */
  readonly model: string;
  /**
   * The HTTP timeout of each call, in milliseconds: past it the call fails as `unavailable` (and
   * the router may retry elsewhere). The request's own `timeoutMs` (a router option) is the usual
   * bound; this one guards a server that hangs when the router has none.
   * @default the client's (10 minutes for a client built from `baseURL`)
   */
  readonly timeoutMs?: number;
}

/** Options of `openaiModel` for a chat model (`POST /chat/completions`). */
export interface OpenAIChatModelOptions extends OpenAIModelBaseOptions {
  /** @default 'chat' */
  readonly kind?: 'chat';
  /** Parameters sent with every request, e.g. `{ temperature: 0, max_completion_tokens: 512 }`. */
  readonly params?: OpenAIChatParams;
}

/** Options of `openaiModel` for an embedding model (`POST /embeddings`). */
export interface OpenAIEmbeddingModelOptions extends OpenAIModelBaseOptions {
  readonly kind: 'embedding';
  /** Parameters sent with every request, e.g. `{ dimensions: 256 }`. */
  readonly params?: OpenAIEmbeddingParams;
}

/** Options of `openaiModel`: a chat model unless `kind` is `'embedding'`. */
export type OpenAIModelOptions = OpenAIChatModelOptions | OpenAIEmbeddingModelOptions;

const adapterKeys = [
  'client',
  'baseURL',
  'apiKey',
  'model',
  'timeoutMs',
  'kind',
  'params',
] as const satisfies readonly (keyof OpenAIChatModelOptions & keyof OpenAIEmbeddingModelOptions)[];

/** The routing keys (every {@link ModelConfig} key but `call`, `stream` and `usage`: the adapter's own). */
const routingKeys = [...modelKeys].filter(
  (key) => key !== 'call' && key !== 'stream' && key !== 'usage',
);

/** Options as {@link readOpenAIModelOptions} returns them. */
export interface ResolvedOpenAIModelOptions {
  readonly kind: 'chat' | 'embedding';
  readonly client: OpenAI | undefined;
  readonly baseURL: string | undefined;
  readonly apiKey: string;
  readonly model: string;
  readonly timeoutMs: number | undefined;
  readonly params: Readonly<Record<string, unknown>>;
  /** The routing fields, as given. */
  readonly routing: OpenAIRoutingOptions;
}

const MAX_TIMEOUT_MS = 2_147_483_647;

function clientProblems(client: unknown, kind: string): string[] {
  const c = client as {
    chat?: { completions?: { create?: unknown } };
    embeddings?: { create?: unknown };
  };
  const create =
    typeof c === 'object' && c !== null
      ? kind === 'embedding'
        ? c.embeddings?.create
        : c.chat?.completions?.create
      : undefined;
  return typeof create === 'function'
    ? []
    : [
        `\`client\` must be an \`openai\` client (new OpenAI({ ... })) with ${kind === 'embedding' ? 'embeddings.create' : 'chat.completions.create'}, got ${describeValue(client)}`,
      ];
}

/**
 * Reads every option once, checks it and throws one `ZetaError` `CONFIG_INVALID` listing every
 * problem (unknown keys included; the routing fields are checked as the router checks a model).
 */
export function readOpenAIModelOptions(options: unknown): ResolvedOpenAIModelOptions {
  const subject = 'openaiModel options';
  if (typeof options !== 'object' || options === null) {
    throwIfProblems(subject, [
      `options must be an object with \`id\`, \`model\`, \`tasks\` and \`client\` or \`baseURL\`, got ${describeValue(options)}`,
    ]);
  }
  const o = options as Record<string, unknown>;
  const known: readonly string[] = [...routingKeys, ...adapterKeys];
  const problems: string[] = [];
  const routing: Record<string, unknown> = {};
  for (const key of Object.keys(o)) {
    if (routingKeys.includes(key)) routing[key] = o[key];
    else if (!(adapterKeys as readonly string[]).includes(key)) {
      const near = known.find((k) => k.toLowerCase() === key.toLowerCase());
      problems.push(
        `unknown option \`${key}\`${near === undefined ? '' : ` (did you mean \`${near}\`?)`} (known: ${known.join(', ')})`,
      );
    }
  }
  // The router's own checks of a model's fields, against a stand-in `call`.
  problems.push(...modelProblems({ ...routing, call: () => undefined }, 'options'));

  const { client, baseURL, model, timeoutMs, params } = o;
  const kind = o['kind'] ?? 'chat';
  const apiKey = o['apiKey'] ?? 'EMPTY';
  if (kind !== 'chat' && kind !== 'embedding')
    problems.push(`\`kind\` must be 'chat' or 'embedding', got ${describeValue(kind)}`);
  if (client !== undefined && baseURL !== undefined)
    problems.push('give either `client` or `baseURL`, not both');
  else if (client === undefined && baseURL === undefined)
    problems.push(
      "give `client` (an `openai` client) or `baseURL` (e.g. 'http://127.0.0.1:8000/v1')",
    );
  else if (client !== undefined) problems.push(...clientProblems(client, String(kind)));
  else if (typeof baseURL !== 'string' || !URL.canParse(baseURL))
    problems.push(`\`baseURL\` must be an absolute URL string, got ${describeValue(baseURL)}`);
  if (client !== undefined && o['apiKey'] !== undefined)
    problems.push('`apiKey` goes with `baseURL`; with `client`, set the key on the client');
  if (typeof apiKey !== 'string' || apiKey === '')
    problems.push(`\`apiKey\` must be a non-empty string, got ${describeValue(apiKey)}`);
  if (typeof model !== 'string' || model === '')
    problems.push(
      `\`model\` must be the server's model name (a non-empty string), got ${describeValue(model)}`,
    );
  const timeoutRule = rules.integerBetween(1, MAX_TIMEOUT_MS);
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutRule.test(timeoutMs)))
    problems.push(`\`timeoutMs\` must be ${timeoutRule.expect}, got ${describeValue(timeoutMs)}`);
  if (
    params !== undefined &&
    (typeof params !== 'object' || params === null || Array.isArray(params))
  )
    problems.push(
      `\`params\` must be an object of request parameters, got ${describeValue(params)}`,
    );
  else if (params !== undefined) {
    for (const key of ['model', 'messages', 'input', 'stream']) {
      if (key in params)
        problems.push(
          `\`params.${key}\` cannot be set: ${key === 'model' ? 'use `model`' : 'it belongs to each request'}`,
        );
    }
  }
  throwIfProblems(subject, problems);
  return {
    kind: kind as 'chat' | 'embedding',
    client: client as OpenAI | undefined,
    baseURL: baseURL as string | undefined,
    apiKey: apiKey as string,
    model: model as string,
    timeoutMs: timeoutMs as number | undefined,
    params: { ...(params as Record<string, unknown> | undefined) },
    routing: routing as unknown as OpenAIRoutingOptions,
  };
}
