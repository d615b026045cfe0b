// Type tests of the public signatures: which routers languageModel / embeddingModel take.
import type { EmbeddingModelV4, LanguageModelV4 } from '@ai-sdk/provider';
import { MockEmbeddingModelV4, MockLanguageModelV4 } from 'ai/test';
import { describe, expectTypeOf, it } from 'vitest';
import {
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
});
