// Routes between real OpenAI-compatible servers with zeta-router/openai: two vLLM servers and an
// Ollama embedder, say. Needs the servers, so the tests only type-check it:
//
//   vllm serve Qwen/Qwen2.5-Coder-7B-Instruct --port 8000 --max-num-seqs 8
//   vllm serve Qwen/Qwen2.5-14B-Instruct --port 8001 --max-num-seqs 4
//   ollama pull nomic-embed-text            # Ollama serves an OpenAI API on :11434/v1
//
//   CODER_URL=http://127.0.0.1:8000/v1 REASONER_URL=http://127.0.0.1:8001/v1 \
//   EMBEDDER_URL=http://127.0.0.1:11434/v1 npx tsx examples/openai-vllm.ts
import { isZetaError, ZetaDynamicRouter } from '../src/index.js';
import { openaiModel } from '../src/integrations/openai/index.js';

const env = (name: string, fallback: string): string => process.env[name] ?? fallback;

const router = new ZetaDynamicRouter({
  models: [
    openaiModel({
      id: 'coder-7b',
      baseURL: env('CODER_URL', 'http://127.0.0.1:8000/v1'),
      model: env('CODER_MODEL', 'Qwen/Qwen2.5-Coder-7B-Instruct'),
      tasks: ['code', 'simple'],
      home: ['code', 'simple'],
      concurrency: 8, // match the server's --max-num-seqs
      latencyPriorMs: 800,
      params: { max_tokens: 512, temperature: 0.2 },
    }),
    openaiModel({
      id: 'reasoner-14b',
      baseURL: env('REASONER_URL', 'http://127.0.0.1:8001/v1'),
      model: env('REASONER_MODEL', 'Qwen/Qwen2.5-14B-Instruct'),
      tasks: ['reasoning', 'code', 'simple'],
      home: ['reasoning'],
      concurrency: 4,
      latencyPriorMs: 2500,
      params: { max_tokens: 1024 },
    }),
    openaiModel({
      id: 'embedder',
      kind: 'embedding',
      baseURL: env('EMBEDDER_URL', 'http://127.0.0.1:11434/v1'),
      apiKey: 'ollama', // any non-empty key will do for a local Ollama
      model: env('EMBEDDER_MODEL', 'nomic-embed-text'),
      tasks: ['embedding'],
      home: ['embedding'],
      concurrency: 16,
    }),
  ],
  timeoutMs: 60_000, // closes the HTTP request too, and frees the slot
});

router.on('fail', (e) =>
  console.log(`[fail] ${e.model}: ${String(e.error)}${e.willRetry ? ' (retrying elsewhere)' : ''}`),
);

try {
  const answer = await router.runWithInfo({
    messages: [{ role: 'user', content: 'Write a Rust function that reverses a string.' }],
  });
  console.log(`${answer.model} answered (${answer.result.usage?.completion_tokens} tokens):`);
  console.log(answer.result.choices[0]?.message.content);

  const vectors = await router.run({ input: ['zeta', 'router'] });
  console.log(`embedder: ${vectors.data.length} vectors of ${vectors.data[0]?.embedding.length}`);
} catch (error) {
  // CAPACITY_EXCEEDED (every server said 429/503: limits.retryAfterMs says when to come back),
  // REQUEST_REJECTED (a server answered 400/404/413/422), MODEL_FAILED, TIMEOUT, …
  if (isZetaError(error)) console.error(`${error.code}: ${error.message}`);
  else throw error;
} finally {
  await router.close();
}
