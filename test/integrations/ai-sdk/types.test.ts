// Type tests of the public signatures: which routers languageModel / embeddingModel take.
import type { EmbeddingModelV4, LanguageModelV4 } from '@ai-sdk/provider';
import { MockEmbeddingModelV4, MockLanguageModelV4 } from 'ai/test';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AiSdkEmbeddingRequest,
  type AiSdkLanguageRequest,
  aiSdkEmbeddingModel,
  aiSdkModel,
  embeddingModel,
  languageModel,
} from '../../../src/integrations/ai-sdk/index.js';
import { ZetaDynamicRouter } from '../../../src/router/ZetaDynamicRouter.js';

describe('types', () => {
  it('takes a router of AI SDK models, also one mixing language and embedding models', async () => {
    const mixed = new ZetaDynamicRouter({
      models: [
        aiSdkModel({ id: 'l', model: new MockLanguageModelV4(), tasks: ['simple'] }),
        aiSdkEmbeddingModel({ id: 'e', model: new MockEmbeddingModelV4(), tasks: ['embedding'] }),
      ],
    });
    expectTypeOf(languageModel(mixed)).toEqualTypeOf<LanguageModelV4>();
    expectTypeOf(embeddingModel(mixed)).toEqualTypeOf<EmbeddingModelV4>();
    const strings = new ZetaDynamicRouter({
      models: [{ id: 's', call: async (q: string) => q, tasks: ['simple'] }],
    });
    // @ts-expect-error a router whose models take strings cannot serve AI SDK calls
    languageModel(strings);
    await Promise.all([mixed.close(), strings.close()]);
  });

  it('router.languageModel() / router.embeddingModel(): the same routers, the router keeping its generics', async () => {
    const mixed = new ZetaDynamicRouter({
      models: [
        aiSdkModel({ id: 'l', model: new MockLanguageModelV4(), tasks: ['simple'] }),
        aiSdkEmbeddingModel({ id: 'e', model: new MockEmbeddingModelV4(), tasks: ['embedding'] }),
      ],
    });
    expectTypeOf(mixed.languageModel()).toEqualTypeOf<LanguageModelV4>();
    expectTypeOf(mixed.embeddingModel({ task: 'embedding' })).toEqualTypeOf<EmbeddingModelV4>();
    // The router's own methods stay typed by its models.
    expectTypeOf(mixed.run)
      .parameter(0)
      .toEqualTypeOf<AiSdkLanguageRequest | AiSdkEmbeddingRequest>();
    const strings = new ZetaDynamicRouter<string, string>({
      models: [{ id: 's', call: async (q) => q, tasks: ['simple'] }],
    });
    // @ts-expect-error a router whose models take strings cannot serve AI SDK calls
    strings.languageModel();
    // @ts-expect-error nor embeddings
    strings.embeddingModel();
    // @ts-expect-error not an option
    expectTypeOf(() => mixed.languageModel({ taks: 'code' })).toBeFunction();
    await Promise.all([mixed.close(), strings.close()]);
  });
});
