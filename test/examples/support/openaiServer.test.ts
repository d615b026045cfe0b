// The OpenAI-compatible test server, driven with plain fetch: what the adapter tests rely on.
import { afterEach, describe, expect, it } from 'vitest';
import { type OpenAIServer, startOpenAIServer } from '../../../examples/support/openaiServer.js';

const servers: OpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(...args: Parameters<typeof startOpenAIServer>): Promise<OpenAIServer> {
  const server = await startOpenAIServer(...args);
  servers.push(server);
  return server;
}

const post = (server: OpenAIServer, path: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${server.baseURL}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });

const chat = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

/** Polls `check` until it holds or `ms` pass (real servers run on real time). */
async function until(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('test OpenAI server', () => {
  it('answers chat completions and embeddings with usage', async () => {
    const server = await start({ name: 'a', outputTokens: 3 });
    const res = await post(server, '/chat/completions', chat);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      choices: { message: { content: string } }[];
      usage: { completion_tokens: number };
    };
    expect(body.choices[0]!.message.content).toBe('a t0 t1 t2');
    expect(body.usage.completion_tokens).toBe(3);
    const emb = await post(server, '/embeddings', { model: 'e', input: ['x', 'y'] });
    const data = (await emb.json()) as { data: { embedding: number[] }[]; usage: object };
    expect(data.data).toHaveLength(2);
    expect(data.data[1]!.embedding).toHaveLength(4);
    expect(data.usage).toHaveProperty('prompt_tokens');
    expect(server.served).toBe(2);
  });

  it('400 for a malformed body, 404 for an unknown route', async () => {
    const server = await start();
    expect((await post(server, '/chat/completions', '{nope')).status).toBe(400);
    expect((await post(server, '/chat/completions', { model: 'm' })).status).toBe(400);
    expect((await post(server, '/completions', chat)).status).toBe(404);
  });

  it('queues up to maxQueue, then answers 503 with Retry-After; 429 on demand', async () => {
    const server = await start({ concurrency: 1, maxQueue: 1, retryAfter: '3' });
    server.hold();
    const first = post(server, '/chat/completions', chat);
    const second = post(server, '/chat/completions', chat);
    await until(() => server.running === 1 && server.waiting === 1);
    const full = await post(server, '/chat/completions', chat);
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('3');
    server.release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    server.misbehave({ kind: 'status', status: 429, headers: { 'retry-after-ms': '250' } });
    const limited = await post(server, '/chat/completions', chat);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after-ms')).toBe('250');
  });

  it('streams SSE chunks, then the usage chunk, then [DONE]', async () => {
    const server = await start({ name: 's', outputTokens: 2 });
    const res = await post(server, '/chat/completions', {
      ...chat,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = (await res.text()).split('\n\n').filter((e) => e !== '');
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)));
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe('s t0 t1');
    expect(chunks.at(-1).usage).toMatchObject({ completion_tokens: 2 });
  });

  it('serves vLLM metric names at /metrics', async () => {
    const server = await start({ name: 'v', concurrency: 2 });
    server.hold();
    const pending = post(server, '/chat/completions', chat);
    await until(() => server.running === 1);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain('vllm:num_requests_running{model_name="v"} 1');
    expect(text).toContain('vllm:num_requests_waiting{model_name="v"} 0');
    expect(text).toContain('vllm:kv_cache_usage_perc{model_name="v"} 0.5');
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(text).toMatch(/^process_cpu_seconds_total [\d.]+$/m);
    server.release();
    await pending;
  });

  it('misbehaves on demand: destroyed socket, malformed JSON, cut stream', async () => {
    const server = await start();
    server.misbehave({ kind: 'destroy' }, { kind: 'malformed-json' });
    await expect(post(server, '/chat/completions', chat)).rejects.toThrow(TypeError);
    const bad = await post(server, '/chat/completions', chat);
    await expect(bad.json()).rejects.toThrow(SyntaxError);
    server.misbehave({ kind: 'cut-stream', afterChunks: 2 });
    const cut = await post(server, '/chat/completions', { ...chat, stream: true });
    await expect(cut.text()).rejects.toThrow();
    expect(server.running).toBe(0);
  });

  it('a hung request holds its slot until the client goes away, which the server sees', async () => {
    const server = await start();
    server.misbehave({ kind: 'hang' });
    const controller = new AbortController();
    const hung = post(server, '/chat/completions', chat, controller.signal);
    await until(() => server.running === 1);
    controller.abort();
    await expect(hung).rejects.toThrow();
    await until(() => server.clientClosed === 1);
    expect(server.running).toBe(0);
    expect(server.requests[0]!.outcome).toBe('client-closed');
  });

  it('close() ends open connections and held requests', async () => {
    const server = await start();
    servers.pop();
    server.hold();
    const pending = post(server, '/chat/completions', chat);
    await until(() => server.running === 1);
    await server.close();
    await expect(pending).rejects.toThrow();
  });
});
