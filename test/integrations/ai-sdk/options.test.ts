import { MockEmbeddingModelV4, MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import {
  aiSdkEmbeddingModel,
  aiSdkModel,
  embeddingModel,
  languageModel,
} from '../../../src/integrations/ai-sdk/index.js';
import { configError } from '../../helpers/configError.js';

const router = { runWithInfo: () => Promise.reject(new Error('unused')) };

describe('aiSdkModel / aiSdkEmbeddingModel options', () => {
  it('passes the routing fields on', () => {
    const m = aiSdkModel({
      id: 'a',
      model: new MockLanguageModelV4(),
      tasks: ['simple', 'code'],
      home: ['code'],
      concurrency: 3,
    });
    expect(m).toMatchObject({ id: 'a', tasks: ['simple', 'code'], home: ['code'], concurrency: 3 });
    expect(Object.keys(m)).not.toContain('model');
  });

  it('lists every problem at once: model, routing fields, unknown keys', () => {
    const error = configError(() =>
      aiSdkModel({ id: '', model: {} as never, tasks: [], concurency: 2 } as never),
    );
    expect(error.problems.join('\n')).toMatch(/unknown option `concurency`/);
    expect(error.problems.join('\n')).toMatch(/`model` must be an AI SDK LanguageModelV4/);
    expect(error.problems.join('\n')).toMatch(/options\.id must be a non-empty string/);
    expect(error.problems.join('\n')).toMatch(/options\.tasks must be a non-empty array/);
  });

  it('wants an embedding model for aiSdkEmbeddingModel and a language model for aiSdkModel', () => {
    expect(
      configError(() =>
        aiSdkEmbeddingModel({
          id: 'e',
          model: new MockLanguageModelV4() as never,
          tasks: ['embedding'],
        }),
      ).message,
    ).toMatch(/EmbeddingModelV4 \(specificationVersion 'v4', with doEmbed\)/);
    expect(
      configError(() =>
        aiSdkModel({ id: 'l', model: new MockEmbeddingModelV4() as never, tasks: ['simple'] }),
      ).message,
    ).toMatch(/LanguageModelV4 \(specificationVersion 'v4', with doGenerate\)/);
    expect(configError(() => aiSdkModel(null as never)).message).toMatch(
      /options must be an object/,
    );
  });

  it('refuses a request that is not AI SDK call options, without calling the model', async () => {
    const model = new MockLanguageModelV4();
    const m = aiSdkModel({ id: 'a', model, tasks: ['simple'] });
    const ctx = {
      signal: new AbortController().signal,
      model: 'a',
      task: { type: 'simple', complexity: 0 },
      attempt: 1,
      requestId: 1,
      reportUsage: () => undefined,
    };
    await expect(m.call('hi' as never, ctx)).rejects.toMatchObject({ kind: 'rejected-request' });
    expect(model.doGenerateCalls).toHaveLength(0);
  });
});

describe('languageModel / embeddingModel options', () => {
  it('defaults: provider and modelId zeta-router, v4', () => {
    const lm = languageModel(router);
    expect(lm).toMatchObject({
      specificationVersion: 'v4',
      provider: 'zeta-router',
      modelId: 'zeta-router',
    });
    const em = embeddingModel(router, { modelId: 'fleet' });
    expect(em).toMatchObject({ modelId: 'fleet', maxEmbeddingsPerCall: Number.POSITIVE_INFINITY });
  });

  it('rejects each bad value with a message naming it', () => {
    expect(configError(() => languageModel(router, { retryAfterMs: -1 })).message).toMatch(
      /`retryAfterMs` must be an integer from 0 to 3600000, got -1/,
    );
    expect(configError(() => languageModel(router, { modelId: '' })).message).toMatch(
      /`modelId` must be a non-empty string, got ""/,
    );
    expect(configError(() => embeddingModel(router, { task: 3 as never })).message).toMatch(
      /`task` must be a task type string or a task profile, got 3/,
    );
    expect(configError(() => embeddingModel(router, { taks: 'x' } as never)).message).toMatch(
      /unknown option `taks` \(did you mean|unknown option `taks`/,
    );
    expect(configError(() => languageModel(router, 'x' as never)).message).toMatch(
      /options must be an object or undefined/,
    );
  });
});
