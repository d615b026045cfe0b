// The README's zeta-router/ai-sdk wiring: the router as an AI SDK model over
// @ai-sdk/openai-compatible models of a vLLM server. Needs the server, so the tests only
// type-check it:
//
//   VLLM_URL=http://127.0.0.1:8000/v1 npx tsx examples/ai-sdk.ts
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { embedMany, generateText, streamText } from 'ai';
import { ZetaDynamicRouter } from '../src/index.js';
// Also installs router.languageModel() and router.embeddingModel().
import { aiSdkEmbeddingModel, aiSdkModel } from '../src/integrations/ai-sdk/index.js';

const vllm = createOpenAICompatible({
  name: 'vllm',
  baseURL: process.env['VLLM_URL'] ?? 'http://127.0.0.1:8000/v1',
});
const chat = new ZetaDynamicRouter({
  models: [
    aiSdkModel({
      id: 'coder-7b',
      model: vllm('Qwen/Qwen2.5-Coder-7B-Instruct'),
      tasks: ['code', 'simple'],
      home: ['code'],
      concurrency: 8,
    }),
    aiSdkModel({
      id: 'small-1b',
      model: vllm('Qwen/Qwen2.5-1.5B-Instruct'),
      tasks: ['simple'],
      home: ['simple'],
      concurrency: 16,
    }),
  ],
});
const { text, providerMetadata } = await generateText({
  model: chat.languageModel(),
  prompt: 'fizzbuzz in Rust',
  providerOptions: { zeta: { task: 'code' } }, // optional: else the router's classifier decides
});
console.log(providerMetadata?.['zeta']?.['model'], text); // 'coder-7b': the router model that served

// Incremental: each delta as the served model sends it; the usage reaches the router at the end.
const stream = streamText({ model: chat.languageModel({ task: 'simple' }), prompt: 'hi' });
for await (const delta of stream.textStream) process.stdout.write(delta);
console.log(
  '\n',
  chat.snapshot().models.map((m) => [m.id, m.usage]),
);

const embeddings = new ZetaDynamicRouter({
  models: [
    aiSdkEmbeddingModel({
      id: 'bge',
      model: vllm.embeddingModel('BAAI/bge-m3'),
      tasks: ['embedding'],
    }),
  ],
});
const { embeddings: vectors } = await embedMany({
  model: embeddings.embeddingModel({ task: 'embedding' }),
  values: ['a', 'b'],
});
console.log(vectors.length);
await Promise.all([chat.close(), embeddings.close()]);
