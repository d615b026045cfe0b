// The router as an AI SDK model over @ai-sdk/openai-compatible models, each talking real HTTP to an
// OpenAI-compatible test server on loopback.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { embedMany, generateText, streamText } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { type OpenAIServer, startOpenAIServer } from '../../../examples/support/openaiServer.js';
import {
  aiSdkEmbeddingModel,
  aiSdkModel,
  embeddingModel,
  languageModel,
} from '../../../src/integrations/ai-sdk/index.js';
import { ZetaDynamicRouter } from '../../../src/router/ZetaDynamicRouter.js';
import { until } from '../../helpers/until.js';

const servers: OpenAIServer[] = [];
const routers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const router of routers.splice(0)) await router.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(name: string): Promise<OpenAIServer> {
  const s = await startOpenAIServer({ name, concurrency: 2 });
  servers.push(s);
  return s;
}

const providerOf = (s: OpenAIServer) =>
  createOpenAICompatible({
    name: s.name,
    baseURL: s.baseURL,
    apiKey: 'EMPTY',
    includeUsage: true,
  });

/** A router over servers `alpha` (home of 'simple', tried first) and `beta`. */
async function twoServers() {
  const alpha = await server('alpha');
  const beta = await server('beta');
  const router = new ZetaDynamicRouter({
    strategy: 'static',
    models: [
      aiSdkModel({
        id: 'alpha',
        model: providerOf(alpha)('alpha-1b'),
        tasks: ['simple'],
        home: ['simple'],
      }),
      aiSdkModel({ id: 'beta', model: providerOf(beta)('beta-7b'), tasks: ['simple'] }),
    ],
  });
  routers.push(router);
  return { alpha, beta, router };
}

describe('languageModel(router) over @ai-sdk/openai-compatible on loopback', () => {
  it('routes generateText by providerOptions.zeta.task to the right server', async () => {
    const alpha = await server('alpha');
    const beta = await server('beta');
    const router = new ZetaDynamicRouter({
      strategy: 'static',
      models: [
        aiSdkModel({
          id: 'alpha',
          model: providerOf(alpha)('alpha-1b'),
          tasks: ['simple'],
          home: ['simple'],
        }),
        aiSdkModel({
          id: 'beta',
          model: providerOf(beta)('beta-7b'),
          tasks: ['simple', 'code'],
          home: ['code'],
        }),
      ],
    });
    routers.push(router);
    const code = await generateText({
      model: languageModel(router),
      prompt: 'fizzbuzz',
      maxRetries: 0,
      providerOptions: { zeta: { task: 'code' } },
    });
    expect(code.text.startsWith('beta')).toBe(true);
    expect(code.providerMetadata?.['zeta']).toMatchObject({ model: 'beta', task: 'code' });
    // aiSdkModel reports the AI SDK's usage to the router.
    expect(code.usage.outputTokens).toBe(4);
    expect(router.snapshot().models.find((m) => m.id === 'beta')!.usage).toEqual({
      promptTokens: code.usage.inputTokens,
      completionTokens: 4,
    });
    expect(code.response.modelId).toBe('beta-7b');
    expect(beta.requests.map((r) => (r.body as { model: string }).model)).toEqual(['beta-7b']);
    expect(alpha.requests).toHaveLength(0);
  });

  it('fails over when a server answers 429, and reports the model that served', async () => {
    const { alpha, router } = await twoServers();
    alpha.misbehave({ kind: 'status', status: 429, headers: { 'retry-after': '5' } });
    const result = await generateText({
      model: languageModel(router),
      prompt: 'hi',
      maxRetries: 0,
      providerOptions: { zeta: { task: 'simple' } },
    });
    expect(result.text.startsWith('beta')).toBe(true);
    expect(result.providerMetadata?.['zeta']).toMatchObject({ model: 'beta', attempts: 2 });
    const alphaState = router.snapshot().models.find((m) => m.id === 'alpha');
    expect(Number.isNaN(alphaState?.coolUntil)).toBe(false); // cooling down for its retry-after
  });

  it('embedMany gets every vector from one server', async () => {
    const alpha = await server('alpha');
    const router = new ZetaDynamicRouter({
      models: [
        aiSdkEmbeddingModel({
          id: 'alpha-embed',
          model: providerOf(alpha).embeddingModel('bge'),
          tasks: ['embedding'],
        }),
      ],
    });
    routers.push(router);
    const result = await embedMany({
      model: embeddingModel(router, { task: 'embedding' }),
      values: ['a', 'b', 'c'],
      maxRetries: 0,
    });
    expect(result.embeddings).toHaveLength(3);
    expect(result.embeddings.every((v) => v.length === 4)).toBe(true);
    expect(result.providerMetadata?.['zeta']?.['model']).toBe('alpha-embed');
    expect(result.usage.tokens).toBeGreaterThan(0);
    expect(router.snapshot().models[0]!.usage).toEqual({
      promptTokens: result.usage.tokens,
      completionTokens: 0,
    });
    expect(alpha.requests).toHaveLength(1);
    expect(alpha.requests[0]?.body).toMatchObject({ input: ['a', 'b', 'c'] });
  });
});

describe('streamText over router.languageModel() on loopback: incremental', () => {
  it('gives the first chunks while the server still holds the rest; usage and the served model at the end', async () => {
    const { alpha, router } = await twoServers();
    alpha.misbehave({ kind: 'pause-stream', afterChunks: 2 });
    const result = streamText({
      model: router.languageModel({ task: 'simple' }),
      prompt: 'hi',
      maxRetries: 0,
    });
    const reader = result.textStream[Symbol.asyncIterator]();
    expect(await reader.next()).toEqual({ value: 'alpha', done: false });
    // Read while the server holds the rest of its answer: the request is still open.
    expect(alpha.requests[0]!.outcome).toBe('open');
    expect(router.snapshot().models[0]!.inFlight).toBe(1);
    alpha.release();
    const rest: string[] = [];
    for (let step = await reader.next(); !step.done; step = await reader.next())
      rest.push(step.value);
    expect(`alpha${rest.join('')}`).toBe('alpha t0 t1 t2 t3');
    expect(alpha.requests[0]!.outcome).toBe('ok');
    expect((await result.providerMetadata)?.['zeta']).toMatchObject({
      model: 'alpha',
      attempts: 1,
    });
    expect((await result.response).modelId).toBe('alpha-1b');
    const usage = await result.usage;
    expect(usage.outputTokens).toBe(4);
    // The server's usage chunk reached the router.
    await until(() => router.snapshot().models[0]!.inFlight === 0);
    expect(router.snapshot().models[0]!.usage).toEqual({
      promptTokens: usage.inputTokens,
      completionTokens: 4,
    });
  });

  it('fails over when the home server answers 503 before streaming', async () => {
    const { alpha, beta, router } = await twoServers();
    alpha.misbehave({ kind: 'status', status: 503 });
    const result = streamText({
      model: router.languageModel({ task: 'simple' }),
      prompt: 'hi',
      maxRetries: 0,
    });
    expect((await result.text).startsWith('beta')).toBe(true);
    expect((await result.providerMetadata)?.['zeta']).toMatchObject({ model: 'beta', attempts: 2 });
    expect(beta.requests).toHaveLength(1);
  });

  it('an abort mid-stream closes the HTTP stream and frees the slot', async () => {
    const { alpha, router } = await twoServers();
    alpha.misbehave({ kind: 'pause-stream', afterChunks: 2 });
    const controller = new AbortController();
    const result = streamText({
      model: router.languageModel({ task: 'simple' }),
      prompt: 'hi',
      maxRetries: 0,
      abortSignal: controller.signal,
      onError: () => undefined,
    });
    const reader = result.textStream[Symbol.asyncIterator]();
    expect(await reader.next()).toEqual({ value: 'alpha', done: false });
    expect(router.snapshot().models[0]!.inFlight).toBe(1);
    controller.abort();
    // The slot is freed without waiting for the server; the server sees its client go.
    await until(() => router.snapshot().models[0]!.inFlight === 0);
    await until(() => alpha.clientClosed === 1);
    expect(alpha.requests[0]!.outcome).toBe('client-closed');
    await reader.return?.();
  });
});
