// The router as an AI SDK model, driven by the real `ai` package (generateText, streamText,
// embedMany) over router models wrapping `ai/test` mock models.
import { APICallError, type LanguageModelV4GenerateResult } from '@ai-sdk/provider';
import { embed, embedMany, generateText, streamText } from 'ai';
import { MockEmbeddingModelV4, MockLanguageModelV4 } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import { isZetaError } from '../../../src/errors/ZetaError.js';
import {
  aiSdkEmbeddingModel,
  aiSdkModel,
  embeddingModel,
  languageModel,
} from '../../../src/integrations/ai-sdk/index.js';
import { ZetaDynamicRouter } from '../../../src/router/ZetaDynamicRouter.js';

const routers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const router of routers.splice(0)) await router.close();
});

function answer(text: string, modelId?: string): LanguageModelV4GenerateResult {
  return {
    content: [{ type: 'text', text }],
    finishReason: { unified: 'stop', raw: 'stop' },
    usage: {
      inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: 2, text: 2, reasoning: undefined },
    },
    warnings: [],
    ...(modelId === undefined ? {} : { response: { modelId } }),
  };
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Two language models: `small` serves 'simple' (home), `coder` serves 'code' (home). */
function chatFleet() {
  const small = new MockLanguageModelV4({ modelId: 'small-1b', doGenerate: answer('from small') });
  const coder = new MockLanguageModelV4({
    modelId: 'coder-7b',
    doGenerate: answer('from coder', 'coder-7b-2026-01'),
  });
  const router = new ZetaDynamicRouter({
    models: [
      aiSdkModel({ id: 'small', model: small, tasks: ['simple'], home: ['simple'] }),
      aiSdkModel({ id: 'coder', model: coder, tasks: ['code'], home: ['code'] }),
    ],
  });
  routers.push(router);
  return { router, small, coder };
}

describe('languageModel(router) with generateText', () => {
  it('routes by providerOptions.zeta.task and names the served model in the metadata', async () => {
    const { router, small, coder } = chatFleet();
    const code = await generateText({
      model: languageModel(router),
      prompt: 'hello',
      providerOptions: { zeta: { task: 'code' } },
    });
    expect(code.text).toBe('from coder');
    expect(code.providerMetadata?.['zeta']).toMatchObject({
      model: 'coder',
      task: 'code',
      attempts: 1,
    });
    expect(code.response.modelId).toBe('coder-7b-2026-01');
    const simple = await generateText({
      model: languageModel(router),
      prompt: 'hello',
      providerOptions: { zeta: { task: 'simple' } },
    });
    expect(simple.text).toBe('from small');
    expect(simple.providerMetadata?.['zeta']?.['model']).toBe('small');
    // The provider left response.modelId out: aiSdkModel fills in the AI SDK model's id.
    expect(simple.response.modelId).toBe('small-1b');
    expect(coder.doGenerateCalls).toHaveLength(1);
    expect(small.doGenerateCalls).toHaveLength(1);
    // The served model sees the prompt and the call's settings, without the router's zeta entry.
    expect(coder.doGenerateCalls[0]?.prompt).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hello' }] },
    ]);
    expect(coder.doGenerateCalls[0]?.providerOptions?.['zeta']).toBeUndefined();
  });

  it('uses the task of languageModel options when the call sets none, and the call wins', async () => {
    const { router } = chatFleet();
    const model = languageModel(router, { task: 'code' });
    expect((await generateText({ model, prompt: 'hi' })).text).toBe('from coder');
    const overridden = await generateText({
      model,
      prompt: 'hi',
      providerOptions: { zeta: { task: 'simple' } },
    });
    expect(overridden.text).toBe('from small');
  });

  it('lets the classifier pick the task when nobody sets one', async () => {
    const { router } = chatFleet();
    const result = await generateText({
      model: languageModel(router),
      prompt:
        'Write a Rust function that parses a CSV file and returns a Vec of structs, with error handling.',
    });
    expect(result.providerMetadata?.['zeta']?.['task']).toBe('code');
    expect(result.text).toBe('from coder');
  });

  it("passes the caller's abort on to the served model's doGenerate", async () => {
    const seen = deferred<AbortSignal | undefined>();
    const slow = new MockLanguageModelV4({
      doGenerate: (options) => {
        seen.resolve(options.abortSignal);
        return new Promise((_, reject) => {
          options.abortSignal?.addEventListener('abort', () => reject(options.abortSignal?.reason));
        });
      },
    });
    const router = new ZetaDynamicRouter({
      models: [aiSdkModel({ id: 'slow', model: slow, tasks: ['simple'] })],
    });
    routers.push(router);
    const controller = new AbortController();
    const pending = generateText({
      model: languageModel(router),
      prompt: 'hi',
      abortSignal: controller.signal,
      maxRetries: 0,
      providerOptions: { zeta: { task: 'simple' } },
    });
    const signal = await seen.promise;
    expect(signal?.aborted).toBe(false);
    controller.abort(new Error('user went away'));
    await expect(pending).rejects.toThrow();
    expect(signal?.aborted).toBe(true);
    expect(signal).not.toBe(controller.signal); // the router's call signal, aborted through the router
    expect(router.snapshot().pending).toBe(0);
  });

  it('surfaces shedding (CAPACITY_EXCEEDED) as a retryable APICallError with a retry-after', async () => {
    const hold = deferred<LanguageModelV4GenerateResult>();
    const busy = new MockLanguageModelV4({ doGenerate: () => hold.promise });
    const router = new ZetaDynamicRouter({
      models: [
        aiSdkModel({ id: 'busy', model: busy, tasks: ['simple'], concurrency: 1, maxQueue: 0 }),
      ],
    });
    routers.push(router);
    const model = languageModel(router, { retryAfterMs: 2500 });
    const opts = { model, prompt: 'hi', providerOptions: { zeta: { task: 'simple' } } } as const;
    const first = generateText(opts);
    let error: unknown;
    try {
      await generateText({ ...opts, maxRetries: 0 });
    } catch (e) {
      error = e;
    }
    expect(APICallError.isInstance(error)).toBe(true);
    const apiError = error as APICallError;
    expect(apiError.isRetryable).toBe(true);
    expect(apiError.statusCode).toBe(503);
    expect(apiError.responseHeaders).toEqual({ 'retry-after-ms': '2500', 'retry-after': '3' });
    expect(isZetaError(apiError.cause) && apiError.cause.code).toBe('CAPACITY_EXCEEDED');
    hold.resolve(answer('done'));
    expect((await first).text).toBe('done');
  });

  it('lets the AI SDK retry a shed call after the retry-after it was given', async () => {
    const hold = deferred<LanguageModelV4GenerateResult>();
    let calls = 0;
    const busy = new MockLanguageModelV4({
      doGenerate: () => (++calls === 1 ? hold.promise : Promise.resolve(answer('second'))),
    });
    const router = new ZetaDynamicRouter({
      models: [
        aiSdkModel({ id: 'busy', model: busy, tasks: ['simple'], concurrency: 1, maxQueue: 0 }),
      ],
    });
    routers.push(router);
    const rejected: string[] = [];
    router.on('reject', (event) => {
      rejected.push(event.error.code);
      hold.resolve(answer('first')); // frees the slot before the SDK's retry (retry-after 0)
    });
    const model = languageModel(router, { retryAfterMs: 0 });
    const opts = { model, prompt: 'hi', providerOptions: { zeta: { task: 'simple' } } } as const;
    const first = generateText(opts);
    const second = await generateText({ ...opts, maxRetries: 1 });
    expect(rejected).toEqual(['CAPACITY_EXCEEDED']);
    expect(second.text).toBe('second');
    expect((await first).text).toBe('first');
  });

  it('throws other router errors as they are (NO_CAPABLE_MODEL)', async () => {
    const { router } = chatFleet();
    await expect(
      generateText({
        model: languageModel(router),
        prompt: 'hi',
        maxRetries: 0,
        providerOptions: { zeta: { task: 'reasoning' } },
      }),
    ).rejects.toMatchObject({ code: 'NO_CAPABLE_MODEL' });
  });
});

describe('router.languageModel() / router.embeddingModel(), installed by importing zeta-router/ai-sdk', () => {
  it('are the functions in method form, on every router', async () => {
    const { router } = chatFleet();
    const code = await generateText({
      model: router.languageModel({ task: 'code', modelId: 'fleet' }),
      prompt: 'hello',
    });
    expect(code.text).toBe('from coder');
    expect(code.providerMetadata?.['zeta']).toMatchObject({ model: 'coder', task: 'code' });
    expect(router.languageModel().modelId).toBe('zeta-router');
    const embedder = new MockEmbeddingModelV4({
      doEmbed: async ({ values }) => ({
        embeddings: values.map((v) => [v.length]),
        warnings: [],
      }),
    });
    const embeddings = new ZetaDynamicRouter({
      models: [aiSdkEmbeddingModel({ id: 'e', model: embedder, tasks: ['embedding'] })],
    });
    routers.push(embeddings);
    const result = await embedMany({
      model: embeddings.embeddingModel({ task: 'embedding' }),
      values: ['a', 'bb'],
    });
    expect(result.embeddings).toEqual([[1], [2]]);
    // Methods of the prototype, not own properties: a router's keys and JSON stay as they were.
    expect(Object.keys(router)).not.toContain('languageModel');
    expect(
      Object.getOwnPropertyDescriptor(ZetaDynamicRouter.prototype, 'languageModel'),
    ).toMatchObject({
      enumerable: false,
      writable: true,
    });
  });
});

describe('languageModel(router) with streamText', () => {
  it('replays one routed doGenerate when no model that serves the task can stream', async () => {
    const coder = new MockLanguageModelV4({ doGenerate: answer('from coder', 'coder-7b-2026-01') });
    const { stream: _none, ...generateOnly } = aiSdkModel({
      id: 'coder',
      model: coder,
      tasks: ['code'],
    });
    const router = new ZetaDynamicRouter({ models: [generateOnly] });
    routers.push(router);
    const seen: string[] = [];
    for (const name of ['decision', 'complete', 'reject'] as const)
      router.on(name, () => seen.push(name));
    const result = streamText({
      model: languageModel(router),
      prompt: 'hi',
      providerOptions: { zeta: { task: 'code' } },
    });
    const chunks: string[] = [];
    for await (const chunk of result.textStream) chunks.push(chunk);
    expect(chunks.join('')).toBe('from coder');
    const zeta = (await result.providerMetadata)?.['zeta'];
    expect(zeta).toMatchObject({ model: 'coder', task: 'code', attempts: 1 });
    expect(zeta?.['latencyMs']).toBeGreaterThanOrEqual(0);
    expect(zeta).not.toHaveProperty('ttftMs');
    expect((await result.response).modelId).toBe('coder-7b-2026-01');
    expect(await result.finishReason).toBe('stop');
    // One routed request: no phantom rejection from a stream no model could serve, one call.
    expect(seen).toEqual(['decision', 'complete']);
    expect(coder.doGenerateCalls).toHaveLength(1);
  });
});

describe('languageModel(router) with streamText, a streaming model that cannot take the call', () => {
  it('is served by a model that cannot stream, in one routed request', async () => {
    const small = new MockLanguageModelV4({ doGenerate: answer('from small', 'small-1') });
    const big = new MockLanguageModelV4({ doGenerate: answer('from big', 'big-1') });
    const { stream: _none, ...generateOnly } = aiSdkModel({
      id: 'big',
      model: big,
      tasks: ['chat'],
    });
    const router = new ZetaDynamicRouter({
      models: [
        aiSdkModel({ id: 'small', model: small, tasks: ['chat'], maxComplexity: 0.3 }),
        generateOnly,
      ],
    });
    routers.push(router);
    const rejects: string[] = [];
    router.on('reject', (e) => rejects.push(e.error.code));
    const result = streamText({
      model: languageModel(router),
      prompt: 'prove it',
      providerOptions: { zeta: { task: { type: 'chat', complexity: 0.9 } } },
    });
    let text = '';
    for await (const chunk of result.textStream) text += chunk;
    expect(text).toBe('from big');
    expect((await result.providerMetadata)?.['zeta']?.['model']).toBe('big');
    expect(rejects).toEqual([]);
    expect(small.doStreamCalls).toHaveLength(0);
  });
});

describe('embeddingModel(router) with embedMany', () => {
  function vectorsOf(tag: number) {
    return async ({ values }: { values: string[] }) => ({
      embeddings: values.map((_, i) => [tag, i]),
      usage: { tokens: values.length },
      warnings: [],
    });
  }

  it("embeds a whole batch with one model, even past that model's per-call limit", async () => {
    const a = new MockEmbeddingModelV4({
      modelId: 'a',
      maxEmbeddingsPerCall: 2,
      doEmbed: vectorsOf(1),
    });
    const b = new MockEmbeddingModelV4({
      modelId: 'b',
      maxEmbeddingsPerCall: 2,
      doEmbed: vectorsOf(2),
    });
    const router = new ZetaDynamicRouter({
      models: [
        aiSdkEmbeddingModel({ id: 'a', model: a, tasks: ['embedding'], concurrency: 1 }),
        aiSdkEmbeddingModel({ id: 'b', model: b, tasks: ['embedding'], concurrency: 1 }),
      ],
    });
    routers.push(router);
    const values = ['one', 'two', 'three', 'four', 'five'];
    const result = await embedMany({
      model: embeddingModel(router, { task: 'embedding' }),
      values,
    });
    expect(result.embeddings).toHaveLength(5);
    const served = result.providerMetadata?.['zeta']?.['model'];
    const tag = served === 'a' ? 1 : 2;
    // Every vector from the model that served, in order.
    expect(result.embeddings).toEqual(values.map((_, i) => [tag, i % 2]));
    const [servedModel, other] = served === 'a' ? [a, b] : [b, a];
    expect(servedModel.doEmbedCalls.map((c) => c.values)).toEqual([
      ['one', 'two'],
      ['three', 'four'],
      ['five'],
    ]);
    expect(other.doEmbedCalls).toHaveLength(0);
    expect(result.usage.tokens).toBe(5);
  });

  it('routes embed by providerOptions.zeta.task', async () => {
    const a = new MockEmbeddingModelV4({ doEmbed: vectorsOf(1) });
    const b = new MockEmbeddingModelV4({ doEmbed: vectorsOf(2) });
    const router = new ZetaDynamicRouter({
      models: [
        aiSdkEmbeddingModel({ id: 'a', model: a, tasks: ['embedding'] }),
        aiSdkEmbeddingModel({ id: 'b', model: b, tasks: ['search'] }),
      ],
    });
    routers.push(router);
    const result = await embed({
      model: embeddingModel(router),
      value: 'x',
      providerOptions: { zeta: { task: 'search' } },
    });
    expect(result.embedding).toEqual([2, 0]);
    expect(b.doEmbedCalls[0]?.providerOptions).toBeUndefined();
  });
  it("passes the caller's abort on to the served model's doEmbed", async () => {
    const seen = deferred<AbortSignal | undefined>();
    const slow = new MockEmbeddingModelV4({
      doEmbed: (options) => {
        seen.resolve(options.abortSignal);
        return new Promise((_, reject) => {
          options.abortSignal?.addEventListener('abort', () => reject(options.abortSignal?.reason));
        });
      },
    });
    const router = new ZetaDynamicRouter({
      models: [aiSdkEmbeddingModel({ id: 'slow', model: slow, tasks: ['embedding'] })],
    });
    routers.push(router);
    const controller = new AbortController();
    const pending = embedMany({
      model: embeddingModel(router, { task: 'embedding' }),
      values: ['a', 'b'],
      abortSignal: controller.signal,
      maxRetries: 0,
    });
    const signal = await seen.promise;
    controller.abort(new Error('user went away'));
    await expect(pending).rejects.toThrow();
    expect(signal?.aborted).toBe(true);
    expect(signal).not.toBe(controller.signal); // the router's call signal, aborted through the router
    expect(router.snapshot().pending).toBe(0);
  });
});
