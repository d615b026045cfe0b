// The router as an AI SDK model over @ai-sdk/openai-compatible models, each talking real HTTP to an
// OpenAI-compatible test server on loopback.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { embedMany, generateText } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { type OpenAIServer, startOpenAIServer } from '../../../examples/support/openaiServer.js';
import {
  aiSdkEmbeddingModel,
  aiSdkModel,
  embeddingModel,
  languageModel,
} from '../../../src/integrations/ai-sdk/index.js';
import { ZetaDynamicRouter } from '../../../src/router/ZetaDynamicRouter.js';

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
  createOpenAICompatible({ name: s.name, baseURL: s.baseURL, apiKey: 'EMPTY' });

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
    const alpha = await server('alpha');
    const beta = await server('beta');
    alpha.misbehave({ kind: 'status', status: 429, headers: { 'retry-after': '5' } });
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
